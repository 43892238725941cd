"""Past days of a plausible hall, played through the queue engine itself, for demos,
training, tests and benchmarks (`antre demo history`).

Each open day: counters opened at `open` by a demo officer of their agency, half of them
take a half-hour break at noon, all close at `close`. Visitors arrive with a morning peak
(most around 09:00, the rest spread over the issuing hours), pick services by a fixed weight,
and are served in times around each service's target; a few do not come when called, are
sent on to another service, or walk out while waiting. Whatever is still open at the end of
a day expires the next morning, as in the hall. The clock is the simulated one: every engine
call gets the moment it happens at.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from queue_server.config import WeeklyHours
from queue_server.models import Channel, Counter, Role, Service, Ticket, TicketStatus, User
from queue_server.queue import calling, counters, issuing, rollover
from queue_server.queue.common import get_site
from queue_server.queue.errors import DomainError
from queue_server.reports.figures import report_dialect
from queue_server.reports.period import Period
from queue_server.reports.remember import remember_closed_days

PRIORITY_REASONS = ("lansia", "disabilitas", "ibu_hamil", "anak")


class HistoryRefused(Exception):
    """The database already holds tickets: demo history goes only into an empty one."""


@dataclass
class HistoryResult:
    days: list[date] = field(default_factory=list)
    issued: int = 0
    refused: int = 0  # arrivals the engine refused (quota, a service's own hours)


@dataclass
class Desk:
    """A counter during the simulated day."""

    counter_id: str
    officer_id: int
    service_ids: set[int]
    idle: bool = True
    busy_until: datetime | None = None
    wants_break: bool = False
    wants_close: bool = False
    closed: bool = True  # until opened in the morning


class Day:
    """One simulated day: a heap of timed steps applied through the engine."""

    def __init__(self, session: Session, rng: random.Random, zone: ZoneInfo, day: date,
                 desks: list[Desk], services: list[tuple[int, str, int]],
                 hours: WeeklyHours) -> None:
        self.session, self.rng, self.zone, self.day = session, rng, zone, day
        self.desks = desks
        self.services = services  # (id, code, target minutes), only those a counter serves
        self.hours = hours.for_weekday(day.weekday())
        self.steps: list[tuple[datetime, int, Callable[[datetime], object]]] = []
        self.order = itertools.count()
        self.issued = self.refused = 0

    def at(self, local: time) -> datetime:
        return datetime.combine(self.day, local, self.zone)

    def later(self, moment: datetime, action: Callable[[datetime], object]) -> None:
        heapq.heappush(self.steps, (moment, next(self.order), action))

    def run(self) -> None:
        while self.steps:
            moment, _, action = heapq.heappop(self.steps)
            action(moment)

    # --- the day's plan ---------------------------------------------------------------

    def plan(self, visitors: int, weights: Sequence[float]) -> None:
        assert self.hours is not None
        opening, closing = self.at(self.hours.open), self.at(self.hours.close)
        for index, desk in enumerate(self.desks):
            start = opening + timedelta(seconds=self.rng.randint(0, 600))
            self.later(start, partial(self.open, desk=desk))
            if index % 2 == 0 and not self.hours.breaks:
                self.later(self.at(time(12)), partial(self.want_break, desk=desk))
            self.later(closing, partial(self.want_close, desk=desk))
        for _ in range(visitors):
            arrival = self.arrival()
            service = self.rng.choices(self.services, weights)[0]
            self.later(arrival, partial(self.arrive, service=service))

    def arrival(self) -> datetime:
        """Most visitors come in the morning; nobody arrives in a break."""
        assert self.hours is not None
        first = self.at(self.hours.issue_from)
        last = self.at(self.hours.cutoff) - timedelta(minutes=1)
        span = (last - first).total_seconds()
        while True:
            if self.rng.random() < 0.7:
                offset = self.rng.gauss((self.at(time(9)) - first).total_seconds(), 3600)
            else:
                offset = self.rng.uniform(0, span)
            if not 0 <= offset <= span:
                continue
            moment = first + timedelta(seconds=int(offset))
            local = moment.astimezone(self.zone).time()
            if not any(b.start <= local < b.end for b in self.hours.breaks):
                return moment

    # --- steps --------------------------------------------------------------------------

    def arrive(self, now: datetime, service: tuple[int, str, int]) -> None:
        roll = self.rng.random()
        channel = Channel.KIOSK if roll < 0.85 else Channel.ONLINE if roll < 0.95 \
            else Channel.COUNTER
        priority = self.rng.random() < 0.08
        try:
            with self.session.begin_nested():
                ticket = issuing.issue_ticket(
                    self.session, now, service[1], priority=priority,
                    priority_reason=self.rng.choice(PRIORITY_REASONS) if priority else None,
                    channel=channel)
        except DomainError:
            self.refused += 1
            return
        self.issued += 1
        if self.rng.random() < 0.03:
            self.later(now + timedelta(minutes=self.rng.randint(15, 60)),
                       partial(self.leave, ticket_id=ticket.id))
        for desk in self.desks:
            if desk.idle and not desk.closed and service[0] in desk.service_ids:
                self.later(now + timedelta(seconds=self.rng.randint(5, 40)),
                           partial(self.free, desk=desk))
                desk.idle = False
                break

    def leave(self, now: datetime, ticket_id: int) -> None:
        ticket = self.session.get(Ticket, ticket_id)
        if ticket is not None and ticket.status is TicketStatus.WAITING:
            issuing.cancel_ticket(self.session, now, ticket)

    def open(self, now: datetime, desk: Desk) -> None:
        counters.open_counter(self.session, now, desk.counter_id, desk.officer_id)
        desk.closed = False
        self.free(now, desk)

    def want_break(self, now: datetime, desk: Desk) -> None:
        desk.wants_break = True
        if desk.idle:
            self.free(now, desk)

    def want_close(self, now: datetime, desk: Desk) -> None:
        desk.wants_close = True
        if desk.idle:
            self.free(now, desk)

    def free(self, now: datetime, desk: Desk) -> None:
        """The counter has nothing in hand: close, pause, or call the next visitor."""
        if desk.closed:
            return
        if desk.wants_close:
            counters.close_counter(self.session, now, desk.counter_id, desk.officer_id)
            desk.closed, desk.idle = True, True
            return
        if desk.wants_break:
            desk.wants_break = False
            counters.pause_counter(self.session, now, desk.counter_id, desk.officer_id)
            self.later(now + timedelta(minutes=30), partial(self.open, desk=desk))
            desk.idle = False
            return
        ticket = calling.call_next(self.session, now, desk.counter_id, desk.officer_id)
        if ticket is None:
            desk.idle = True
            return
        desk.idle = False
        if self.rng.random() < 0.05:
            self.no_show(now, desk)
        else:
            self.serve(now, desk, ticket)

    def no_show(self, now: datetime, desk: Desk) -> None:
        recalls = get_site(self.session).recalls_before_no_show
        for step in range(1, recalls + 1):
            self.later(now + timedelta(minutes=step), lambda moment: calling.recall(
                self.session, moment, desk.counter_id, desk.officer_id))

        def gone(moment: datetime) -> None:
            calling.no_show(self.session, moment, desk.counter_id, desk.officer_id)
            self.free(moment, desk)

        self.later(now + timedelta(minutes=recalls + 1), gone)

    def serve(self, now: datetime, desk: Desk, ticket: Ticket) -> None:
        started = now + timedelta(seconds=self.rng.randint(20, 90))
        target = next(s[2] for s in self.services if s[0] == ticket.service_id)
        minutes = max(1.0, self.rng.lognormvariate(0, 0.45) * target * 0.75)
        ended = started + timedelta(seconds=int(minutes * 60))
        transfer = self.rng.random() < 0.03 and len(self.services) > 1
        self.later(started, lambda moment: calling.start_service(
            self.session, moment, desk.counter_id, desk.officer_id))

        def end(moment: datetime) -> None:
            if transfer:
                others = [s for s in self.services if s[0] != ticket.service_id]
                target_service = self.rng.choice(others)
                calling.transfer(self.session, moment, desk.counter_id, target_service[1],
                                 front=True, user_id=desk.officer_id)
                for other in self.desks:
                    if other.idle and not other.closed and target_service[0] in \
                            other.service_ids:
                        other.idle = False
                        self.later(moment + timedelta(seconds=30),
                                   partial(self.free, desk=other))
                        break
            else:
                calling.finish(self.session, moment, desk.counter_id, desk.officer_id,
                               outcome=self.outcome(ticket))
            self.free(moment, desk)

        self.later(ended, end)

    def outcome(self, ticket: Ticket) -> str | None:
        choices = ticket.service.outcomes
        return choices[0] if choices and self.rng.random() < 0.9 else \
            (self.rng.choice(choices) if choices else None)


def _demo_officers(session: Session, now: datetime) -> dict[str, int]:
    """One demo officer per active counter (no password can sign in as them)."""
    officers: dict[str, int] = {}
    for counter in session.scalars(select(Counter).where(Counter.active)
                                   .order_by(Counter.number)):
        username = f"demo-{counter.id.lower()}"[:64]
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, name=f"Petugas {counter.name}", role=Role.OFFICER,
                        password_hash="!demo", active=False, created_at=now)
            user.agencies = [counter.agency]
            session.add(user)
            session.flush()
        officers[counter.id] = user.id
    return officers


def open_days(session: Session, before: date, count: int) -> list[date]:
    """The last `count` days before `before` on which the hall issues tickets."""
    holidays = get_site(session).holidays
    hours = WeeklyHours.model_validate(_site_hours(session))
    days: list[date] = []
    day = before
    while len(days) < count:
        day -= timedelta(days=1)
        if day.isoformat() not in holidays and hours.for_weekday(day.weekday()) is not None:
            days.append(day)
    return sorted(days)


def _site_hours(session: Session) -> dict[str, Any]:
    """The hall's weekly hours: those most services keep (each service stores its own)."""
    rows = list(session.scalars(select(Service.hours).where(Service.active)))
    if not rows:
        raise HistoryRefused("no active service: apply config.yaml first")
    return max(rows, key=lambda hours: (rows.count(hours), len(hours)))


def refuse_real_days(session: Session) -> None:
    count, first, last = session.execute(
        select(func.count(Ticket.id), func.min(Ticket.service_day),
               func.max(Ticket.service_day))).one()
    if count:
        raise HistoryRefused(
            f"this database already holds {count} tickets ({first} to {last}); demo history "
            "goes only into a new data directory (--data-dir) or database")


def fill_history(sessions: sessionmaker[Session], today: date, days: int, per_day: int,
                 seed: int = 13, progress: Callable[[date, int], None] | None = None
                 ) -> HistoryResult:
    """Play `days` open days before `today` (site time) with about `per_day` visitors each."""
    rng = random.Random(seed)
    with sessions.begin() as session:
        refuse_real_days(session)
        site = get_site(session)
        zone = ZoneInfo(site.timezone)
        hours = WeeklyHours.model_validate(_site_hours(session))
        chosen = open_days(session, today, days)
        first_moment = datetime.combine(chosen[0], time(7), zone) if chosen else None
        officers = _demo_officers(session, first_moment or datetime.now(zone))
        desks_spec = [(c.id, officers[c.id], {s.id for s in c.services if s.active})
                      for c in session.scalars(select(Counter).where(Counter.active)
                                               .order_by(Counter.number))]
        served_ids = set().union(*(spec[2] for spec in desks_spec)) if desks_spec else set()
        services = sorted({(s.id, s.code, s.target_minutes)
                           for c in session.scalars(select(Counter).where(Counter.active))
                           for s in c.services if s.id in served_ids})
    if not desks_spec:
        raise HistoryRefused("no counter in config.yaml: nobody could serve the visitors")
    weights = [rng.choice((1, 1, 2, 3, 5, 8)) for _ in services]
    result = HistoryResult()
    for day in chosen:
        with sessions.begin() as session:
            rollover.expire_past_days(session, datetime.combine(day, time(6), zone))
            desks = [Desk(counter_id, officer, set(ids)) for counter_id, officer, ids
                     in desks_spec]
            simulated = Day(session, rng, zone, day, desks, services, hours)
            visitors = max(0, int(rng.gauss(per_day, per_day * 0.08)))
            simulated.plan(visitors, weights)
            simulated.run()
        result.days.append(day)
        result.issued += simulated.issued
        result.refused += simulated.refused
        if progress is not None:
            progress(day, simulated.issued)
    with sessions.begin() as session:
        rollover.expire_past_days(session, datetime.combine(today, time(0), zone))
    if chosen:  # the reports read these closed days from their store from the start
        with sessions.begin() as session:
            period = Period(chosen[0], chosen[-1])
            sql, _ = report_dialect(session, period)
            remember_closed_days(session, period, today, datetime.now(UTC), sql)
    return result
