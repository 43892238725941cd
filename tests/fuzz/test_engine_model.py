"""The queue engine against a model of it: random sequences of officer and visitor actions on
three counters, each checked step by step against what a plain in-memory model says.

The model is written from the rules (DESIGN.md, the state machine in calling.py's docstring),
not from the queries: which ticket call-next picks (priority first, a regular visitor after
`priority_ratio` priority calls in a row, then by queue place), which refusal an action meets,
and the log each transition leaves. After every step the database must hold exactly the model's
tickets, counters and events; numbers run gapless per prefix and day; no counter holds two
tickets and no ticket is called by two counters.

One SQLite file is prepared once (schema, hall, officers); every example works on its own copy.
Bounded (examples x steps) so it adds well under a minute to the suite.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.clock import FixedClock
from queue_server.db import make_engine, session_factory
from queue_server.models import (
    Counter,
    CounterState,
    LineCount,
    Service,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from queue_server.models import Role as UserRole
from queue_server.people import add_user
from queue_server.queue import calling, counters, errors, estimates, issuing, rollover
from tests.support.halls import MONDAY_9, hall_data, prepare_hall, wita

W, C, S, P = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING,
              TicketStatus.PARKED)
NO_SHOW, DONE = TicketStatus.NO_SHOW, TicketStatus.DONE
OPEN_STATUSES = (W, C, S, P)

SERVICES = {"KTP": "A", "KK": "B", "SKCK": "C"}
OUTCOMES = {"KTP": (), "KK": ("Selesai", "Berkas tidak lengkap"), "SKCK": ()}
REQUIRED = {"KTP": False, "KK": True, "SKCK": False}
DESKS = {"L1": ("KTP", "KK"), "L2": ("KTP",), "L3": ("SKCK",)}
OFFICERS = {"L1": ("ayu", "DUKCAPIL"), "L2": ("budi", "DUKCAPIL"), "L3": ("citra", "POLRES")}
PRIORITY_RATIO = 2  # the small hall's rules, but one recall before a no-show (runs are short)
RECALLS_BEFORE_NO_SHOW = 1
LATE_RETURN_PLACES = 2
NUDGE = timedelta(milliseconds=1)

counter_ids = st.sampled_from(sorted(DESKS))


def visitors(least: int, most: int) -> st.SearchStrategy[list[tuple[str, bool]]]:
    """Visitors taking tickets: the service and whether they claim priority."""
    return st.lists(st.tuples(st.sampled_from(sorted(SERVICES)), st.booleans()),
                    min_size=least, max_size=most)


outcomes = st.sampled_from([None, "", "Selesai", "Berkas tidak lengkap", "Antre ulang"])


@dataclass
class Model:
    """A ticket as the rules see it."""

    id: int
    day: date
    prefix: str
    number: int
    service: str
    priority: bool
    key: datetime
    status: TicketStatus = W
    counter: str | None = None
    call_count: int = 0
    log: list[tuple[str, TicketStatus]] = field(default_factory=list)


@dataclass
class Desk:
    state: CounterState = CounterState.CLOSED
    officer: int | None = None
    streak: int = 0


@dataclass(frozen=True)
class Template:
    path: Path
    officers: dict[str, int]  # counter -> its officer's user id


def make_template(folder: Path) -> Template:
    """The hall with unlimited KTP (the quota is tested elsewhere) and one officer per counter."""
    data = hall_data()
    data["rules"]["recalls_before_no_show"] = RECALLS_BEFORE_NO_SHOW
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.pop("quota", None)
    path = folder / "antre.db"
    hall = prepare_hall(f"sqlite:///{path}", data)
    officers = {}
    with hall.sessions.begin() as session:
        for desk, (username, agency) in OFFICERS.items():
            officers[desk] = add_user(session, hall.clock.now(), username, username.title(),
                                      UserRole.OFFICER, "rahasia123", [agency]).id
    hall.engine.dispose()  # folds the WAL into the file, so a plain copy is complete
    return Template(path, officers)


class Engine(RuleBasedStateMachine):
    template: Template

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="antre-model-"))
        shutil.copyfile(self.template.path, self.folder / "antre.db")
        self.engine = make_engine(f"sqlite:///{self.folder / 'antre.db'}")
        self.sessions = session_factory(self.engine)
        self.clock = FixedClock(MONDAY_9)
        self.today = MONDAY_9.date()
        self.days = 0
        self.tickets: dict[int, Model] = {}
        self.desks = {desk: Desk() for desk in DESKS}
        self.issued: dict[tuple[date, str], int] = defaultdict(int)

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- running one action --------------------------------------------------------------

    def run(self, expected: type[errors.DomainError] | None,
            action: Callable[[Session, datetime], Any]) -> Any:
        """Run `action` in one transaction a second after the last; it must be refused with
        exactly `expected` (then rolled back), or succeed when `expected` is None."""
        now = self.clock.advance(seconds=1)
        try:
            with self.sessions.begin() as session:
                answer = action(session, now)
        except errors.DomainError as refusal:
            assert type(refusal) is expected, f"refused with {refusal!r}, expected {expected}"
            return None
        assert expected is None, f"accepted; the model expected {expected.__name__}"
        return answer

    # Most draws pick a counter or ticket the action applies to, so that long valid runs
    # happen (a visitor called, recalled twice, marked a no-show, back late, transferred...);
    # one in five picks any, for the refusals.

    def some_desk(self, data: st.DataObject, fits: Callable[[str], bool]) -> str:
        fitting = [desk for desk in sorted(DESKS) if fits(desk)]
        if fitting and data.draw(st.integers(0, 4), label="fitting") > 0:
            return data.draw(st.sampled_from(fitting), label="desk")
        return data.draw(counter_ids, label="desk")

    def holder(self, data: st.DataObject, status: TicketStatus) -> str:
        return self.some_desk(data, lambda d: (t := self.active(d)) is not None and
                              t.status is status)

    def some_ticket(self, data: st.DataObject, fits: Callable[[Model], bool]) -> Model:
        fitting = [t for t in sorted(self.tickets) if fits(self.tickets[t])]
        pool = fitting if fitting and data.draw(st.integers(0, 4), label="fitting") > 0 \
            else sorted(self.tickets)
        return self.tickets[data.draw(st.sampled_from(pool), label="ticket")]

    def active(self, desk: str) -> Model | None:
        found = [t for t in self.tickets.values() if t.counter == desk and t.status in (C, S)]
        assert len(found) <= 1
        return found[0] if found else None

    def not_ready(self, desk: str) -> type[errors.DomainError] | None:
        """Why the counter cannot take a ticket now (open and idle), if it cannot."""
        if self.desks[desk].state is not CounterState.OPEN:
            return errors.CounterNotOpen
        if self.active(desk) is not None:
            return errors.CounterBusy
        return None

    def holding(self, desk: str, status: TicketStatus) -> tuple[type[errors.DomainError] | None,
                                                                Model | None]:
        """The counter's active ticket, which must be in `status`, or the refusal."""
        ticket = self.active(desk)
        if ticket is None:
            return errors.NoActiveTicket, None
        if ticket.status is not status:
            return errors.InvalidTransition, ticket
        return None, ticket

    def waiting_keys(self, service: str, day: date, but: int | None = None) -> list[datetime]:
        return sorted(t.key for t in self.tickets.values()
                      if t.status is W and t.service == service and t.day == day
                      and t.id != but)

    def mark_called(self, ticket: Model, desk: str) -> None:
        ticket.log.append(("called", W))
        ticket.status, ticket.counter, ticket.call_count = C, desk, 1
        state = self.desks[desk]
        state.streak = state.streak + 1 if ticket.priority else 0

    # --- the visitor and the kiosk -------------------------------------------------------

    @rule(visitors=visitors(1, 3))
    def issue(self, visitors: list[tuple[str, bool]]) -> None:
        for service, priority in visitors:
            self.issue_one(service, priority)

    def issue_one(self, service: str, priority: bool) -> None:
        ticket = self.run(None, lambda s, now: issuing.issue_ticket(s, now, service,
                                                                    priority=priority))
        prefix = SERVICES[service]
        self.issued[self.today, prefix] += 1
        number = self.issued[self.today, prefix]
        assert ticket.code == f"{prefix}-{number:03d}"
        self.tickets[ticket.id] = Model(ticket.id, self.today, prefix, number, service, priority,
                                        self.clock.now(), log=[("issued", W)])

    @precondition(lambda self: self.tickets)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        ticket = self.some_ticket(data, lambda t: t.status is W)
        expected = None if ticket.status is W else errors.InvalidTransition
        self.run(expected, lambda s, now: issuing.cancel_ticket(s, now, s.get(Ticket, ticket.id)))
        if expected is None:
            ticket.log.append(("cancelled", W))
            ticket.status = TicketStatus.CANCELLED

    @precondition(lambda self: self.tickets)
    @rule(data=st.data())
    def return_late(self, data: st.DataObject) -> None:
        ticket = self.some_ticket(data, lambda t: t.status is NO_SHOW)
        expected = (errors.InvalidTransition if ticket.status is not NO_SHOW
                    else errors.NotToday if ticket.day != self.today else None)
        ahead = self.waiting_keys(ticket.service, ticket.day)
        self.run(expected, lambda s, now: calling.return_late(s, now, ticket.id))
        if expected is None:
            ticket.log.append(("returned", NO_SHOW))
            ticket.status, ticket.counter = W, None
            with self.sessions() as session:
                ticket.key = session.get_one(Ticket, ticket.id).queue_key
            # A few places back: behind exactly `places` of those waiting (or last).
            assert sum(key < ticket.key for key in ahead) == min(LATE_RETURN_PLACES, len(ahead))
            assert ticket.key not in ahead

    # --- the counters --------------------------------------------------------------------

    @initialize(visitors=visitors(4, 12))
    def morning(self, visitors: list[tuple[str, bool]]) -> None:
        """Visitors queue from half past seven and the counters open at eight: most of the
        day's steps are calls, not openings."""
        self.issue(visitors)
        for desk in DESKS:
            self.open(desk)

    def open(self, desk: str) -> None:
        officer = self.template.officers[desk]
        self.run(None, lambda s, now: counters.open_counter(s, now, desk, officer))
        self.desks[desk] = Desk(CounterState.OPEN, officer, 0)

    def pause(self, desk: str) -> None:
        expected = self.not_ready(desk)
        self.run(expected, lambda s, now: counters.pause_counter(
            s, now, desk, self.template.officers[desk]))
        if expected is None:
            self.desks[desk].state = CounterState.BREAK

    def close(self, desk: str) -> None:
        expected = errors.CounterBusy if self.active(desk) is not None else None
        self.run(expected, lambda s, now: counters.close_counter(
            s, now, desk, self.template.officers[desk]))
        if expected is None:
            self.desks[desk].state, self.desks[desk].officer = CounterState.CLOSED, None

    @rule(desk=counter_ids, change=st.sampled_from(["open", "open", "break", "close"]))
    def counter_state(self, desk: str, change: str) -> None:
        """Open (or open again: the priority streak starts over), a break, or closing."""
        {"open": self.open, "break": self.pause, "close": self.close}[change](desk)

    def next_in_line(self, desk: str) -> Model | None:
        """Priority first, unless `priority_ratio` priority calls came in a row; then by queue
        place, then by ticket number of issue."""
        regular_first = self.desks[desk].streak >= PRIORITY_RATIO
        waiting = [t for t in self.tickets.values()
                   if t.status is W and t.service in DESKS[desk] and t.day == self.today]
        waiting.sort(key=lambda t: (t.priority == regular_first, t.key, t.id))
        return waiting[0] if waiting else None

    @rule(data=st.data())
    def call_next(self, data: st.DataObject) -> None:
        desk = self.some_desk(data, lambda d: self.not_ready(d) is None)
        expected = self.not_ready(desk)
        officer = self.template.officers[desk]
        called = self.run(expected, lambda s, now: calling.call_next(s, now, desk, officer))
        if expected is not None:
            return
        chosen = self.next_in_line(desk)
        assert (called.id if called is not None else None) == (chosen.id if chosen else None)
        if chosen is not None:
            self.mark_called(chosen, desk)

    @precondition(lambda self: self.tickets)
    @rule(data=st.data())
    def call(self, data: st.DataObject) -> None:
        """A chosen ticket, out of turn."""
        desk = self.some_desk(data, lambda d: self.not_ready(d) is None)
        ticket = self.some_ticket(data, lambda t: t.status is W and t.service in DESKS[desk])
        expected = self.not_ready(desk) or (
            errors.InvalidTransition if ticket.status is not W
            else errors.NotToday if ticket.day != self.today
            else errors.ServiceNotServed if ticket.service not in DESKS[desk] else None)
        officer = self.template.officers[desk]
        self.run(expected, lambda s, now: calling.call_ticket(s, now, desk, ticket.id, officer))
        if expected is None:
            self.mark_called(ticket, desk)

    @rule(data=st.data())
    def recall(self, data: st.DataObject) -> None:
        desk = self.holder(data, C)
        expected, ticket = self.holding(desk, C)
        self.run(expected, lambda s, now: calling.recall(s, now, desk,
                                                         self.template.officers[desk]))
        if expected is None and ticket is not None:
            ticket.log.append(("recalled", C))
            ticket.call_count += 1

    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        desk = self.holder(data, C)
        expected, ticket = self.holding(desk, C)
        self.run(expected, lambda s, now: calling.start_service(s, now, desk,
                                                                self.template.officers[desk]))
        if expected is None and ticket is not None:
            ticket.log.append(("started", C))
            ticket.status = S

    @rule(data=st.data(), outcome=outcomes)
    def finish(self, data: st.DataObject, outcome: str | None) -> None:
        desk = self.some_desk(data, lambda d: self.active(d) is not None)
        ticket = self.active(desk)
        expected: type[errors.DomainError] | None = None
        if ticket is None:
            expected = errors.NoActiveTicket
        elif not outcome:
            expected = errors.OutcomeRequired if REQUIRED[ticket.service] else None
        elif OUTCOMES[ticket.service] and outcome not in OUTCOMES[ticket.service]:
            expected = errors.UnknownOutcome
        self.run(expected, lambda s, now: calling.finish(
            s, now, desk, self.template.officers[desk], outcome=outcome))
        if expected is None and ticket is not None:
            if ticket.status is C:
                ticket.log.append(("started", C))  # served without pressing start
            ticket.log.append(("finished", S))
            ticket.status = DONE

    @rule(data=st.data())
    def no_show(self, data: st.DataObject) -> None:
        desk = self.holder(data, C)
        expected, ticket = self.holding(desk, C)
        if expected is None and ticket is not None and \
                ticket.call_count - 1 < RECALLS_BEFORE_NO_SHOW:
            expected = errors.RecallsRequired
        self.run(expected, lambda s, now: calling.no_show(s, now, desk,
                                                          self.template.officers[desk]))
        if expected is None and ticket is not None:
            ticket.log.append(("no_show", C))
            ticket.status = NO_SHOW

    @rule(data=st.data())
    def recycle(self, data: st.DataObject) -> None:
        desk = self.holder(data, C)
        expected, ticket = self.holding(desk, C)
        self.run(expected, lambda s, now: calling.recycle(s, now, desk,
                                                          self.template.officers[desk]))
        if expected is None and ticket is not None:
            ticket.log.append(("recycled", C))  # waits again in its old place
            ticket.status, ticket.counter = W, None

    @rule(data=st.data(), to=st.sampled_from(sorted(SERVICES)), front=st.booleans())
    def transfer(self, data: st.DataObject, to: str, front: bool) -> None:
        desk = self.holder(data, S)
        expected, ticket = self.holding(desk, S)
        keys = self.waiting_keys(to, ticket.day) if ticket is not None else []
        self.run(expected, lambda s, now: calling.transfer(
            s, now, desk, to, front=front, user_id=self.template.officers[desk]))
        if expected is None and ticket is not None:
            now = self.clock.now()
            ticket.log.append(("transferred", S))
            # At the front: before everyone waiting there; at the back: as if issued now.
            ticket.key = min(keys[0], now) - NUDGE if front and keys else now
            ticket.status, ticket.counter, ticket.service = W, None, to

    @rule(data=st.data())
    def park(self, data: st.DataObject) -> None:
        desk = self.holder(data, S)
        expected, ticket = self.holding(desk, S)
        self.run(expected, lambda s, now: calling.park(s, now, desk,
                                                       self.template.officers[desk]))
        if expected is None and ticket is not None:
            ticket.log.append(("parked", S))
            ticket.status = P  # still the counter's, not active

    @precondition(lambda self: self.tickets)
    @rule(data=st.data())
    def resume(self, data: st.DataObject) -> None:
        desk = self.some_desk(data, lambda d: self.not_ready(d) is None)
        ticket = self.some_ticket(data, lambda t: t.status is P and t.counter == desk)
        expected = self.not_ready(desk) or (
            errors.InvalidTransition if ticket.status is not P
            else errors.TicketElsewhere if ticket.counter != desk else None)
        self.run(expected, lambda s, now: calling.resume(s, now, desk, ticket.id,
                                                         self.template.officers[desk]))
        if expected is None:
            ticket.log.append(("resumed", P))
            ticket.status = S

    @precondition(lambda self: self.days < 1 and len(self.tickets) > 8)
    @rule()
    def next_day(self) -> None:
        """Tuesday morning: yesterday's unfinished tickets expire, its counters close; numbers
        start again."""
        self.days += 1
        self.clock.set(wita("2026-12-01 08:59:00"))
        self.today = wita("2026-12-01 09:00").date()
        self.run(None, rollover.expire_past_days)
        for ticket in self.tickets.values():
            if ticket.day < self.today and ticket.status in OPEN_STATUSES:
                ticket.log.append(("expired", ticket.status))
                ticket.status = TicketStatus.EXPIRED
        for desk in self.desks.values():  # and the counters Monday left open are closed
            desk.state, desk.officer = CounterState.CLOSED, None

    # --- what must hold after every step -------------------------------------------------

    @invariant()
    def database_matches_the_model(self) -> None:
        with self.sessions() as session:
            codes = {service.id: service.code for service in session.scalars(select(Service))}
            tickets = {t.id: t for t in session.scalars(select(Ticket))}
            log: dict[int, list[tuple[str, TicketStatus]]] = defaultdict(list)
            for event in session.scalars(select(TicketEvent).order_by(TicketEvent.id)):
                log[event.ticket_id].append((event.kind, event.status))
            desks = {c.id: c for c in session.scalars(select(Counter))}
        assert set(tickets) == set(self.tickets)
        for ticket_id, model in self.tickets.items():
            row = tickets[ticket_id]
            seen = (row.status, codes[row.service_id], row.service_day, row.prefix, row.number,
                    row.priority, row.call_count, row.queue_key)
            assert seen == (model.status, model.service, model.day, model.prefix, model.number,
                            model.priority, model.call_count, model.key), ticket_id
            if model.status in (C, S, P):
                assert row.counter_id == model.counter
            if model.status is W:
                assert row.counter_id is None and row.officer_id is None
            assert log[ticket_id] == model.log, f"ticket {row.code}: every transition, logged"
        for desk, model_desk in self.desks.items():
            row_desk = desks[desk]
            assert (row_desk.state, row_desk.officer_id, row_desk.priority_streak) == (
                model_desk.state, model_desk.officer, model_desk.streak), desk

    @invariant()
    def lines_count_and_place_as_the_model_waits(self) -> None:
        """The lines' counts (the database's triggers keep them) are the model's waiting
        tickets per service, day and priority, and each waiting ticket has as many ahead as
        the model ranks before it: priority first, then by queue place and number."""
        waiting = sorted((t for t in self.tickets.values() if t.status is W),
                         key=lambda t: (not t.priority, t.key, t.id))
        with self.sessions() as session:
            codes = {service.id: service.code for service in session.scalars(select(Service))}
            counted = {(codes[service_id], day, priority): count
                       for service_id, day, priority, count in session.execute(
                           select(LineCount.service_id, LineCount.service_day,
                                  LineCount.priority, LineCount.waiting)) if count}
            lines: dict[tuple[str, date, bool], int] = defaultdict(int)
            for ticket in waiting:
                lines[ticket.service, ticket.day, ticket.priority] += 1
            assert counted == lines
            for ticket in waiting:
                ahead = sum(1 for other in waiting[:waiting.index(ticket)]
                            if (other.service, other.day) == (ticket.service, ticket.day))
                assert estimates.ahead_of(session, session.get_one(Ticket, ticket.id)) == ahead

    @invariant()
    def numbers_are_gapless_per_prefix_and_day(self) -> None:
        with self.sessions() as session:
            numbers: dict[tuple[date, str], list[int]] = defaultdict(list)
            for day, prefix, number in session.execute(
                    select(Ticket.service_day, Ticket.prefix, Ticket.number)):
                numbers[day, prefix].append(number)
        for issued in numbers.values():
            assert sorted(issued) == list(range(1, len(issued) + 1))

    @invariant()
    def no_ticket_is_held_twice(self) -> None:
        """At most one active ticket per counter, and each called or serving ticket at exactly
        one counter; every call took a waiting ticket (checked in the logs above)."""
        with self.sessions() as session:
            active = session.execute(
                select(Ticket.id, Ticket.counter_id)
                .where(Ticket.status.in_((C, S)))).all()
        holders = [counter for _, counter in active]
        assert None not in holders
        assert len(holders) == len(set(holders))


def test_the_engine_follows_the_model(tmp_path: Path) -> None:
    machine: Any = type("EngineWithHall", (Engine,), {"template": make_template(tmp_path)})
    run_state_machine_as_test(machine, settings=settings(
        max_examples=75, stateful_step_count=50, deadline=None, derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
