"""Counters as their officers see them: the counter's answer with what may be done now, the
summaries events carry, the counters a user may open, and the officer's day."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    CompoundSelect,
    Row,
    bindparam,
    cast,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session, selectinload

from queue_server.config import HallConfig
from queue_server.console.schemas import CounterChoice, CounterTodayOut, OwnDay
from queue_server.models import (
    ACTIVE_STATUSES,
    Agency,
    Counter,
    CounterState,
    PrintStatus,
    Service,
    Ticket,
    TicketEvent,
    TicketStatus,
    User,
    counter_services,
)
from queue_server.people import agency_scope
from queue_server.queue.catalog import catalog
from queue_server.queue.common import get_site, service_day, site_rules
from queue_server.queue.counters import CounterSituation, allowed_actions, recalls_left
from queue_server.queue.estimates import waiting_in_lines
from queue_server.queue.order import waiting_order
from queue_server.readmodels.common import day_bounds, find_active, minutes_since, officer_out
from queue_server.schemas import CounterOut, CurrentTicket, QueueItem

RECENT_NO_SHOWS = 20
WAITING_SHOWN = 30  # of a counter's queue in its answer: what the console lists


def queue_item(ticket: Ticket, now: datetime) -> QueueItem:
    return _item(ticket, ticket.service.code, now)


def _item(ticket: Ticket | Row[Any], service: str, now: datetime) -> QueueItem:
    """A ticket in a counter's lists, from the ticket or from a row of its columns."""
    return QueueItem(
        id=ticket.id, code=ticket.code, service=service, priority=ticket.priority,
        priority_reason=ticket.priority_reason, status=ticket.status,
        issued_at=ticket.issued_at, waited_min=minutes_since(ticket.issued_at, now),
        print_failed=ticket.print_status is PrintStatus.FAILED, channel=ticket.channel,
        slot_start=ticket.slot_start)


# The columns of a counter's lists: what the answer shows, not whole tickets.
_SHOWN = (Ticket.id, Ticket.code, Ticket.service_id, Ticket.priority, Ticket.priority_reason,
          Ticket.status, Ticket.issued_at, Ticket.print_status, Ticket.channel,
          Ticket.slot_start, Ticket.call_count, Ticket.called_at, Ticket.started_at)


@lru_cache(maxsize=1)
def _counter_lists() -> CompoundSelect:
    """A counter's tickets today: the first WAITING_SHOWN of its waiting line (the services
    it serves) in the waiting order, each row with how many wait in all (`of_status`); then
    its called or serving ticket and its first parked ones. Each part reads its own index
    range up to its limit, and the total comes from the lines' counts: one window over the
    day's tickets, numbering and sorting the whole line, cost 10 ms with 2,000 waiting.
    Built once, with bound values."""
    day = bindparam("day", type_=Ticket.service_day.type)
    in_line = ((Ticket.status == TicketStatus.WAITING)
               & Ticket.service_id.in_(bindparam("services", expanding=True))
               & (Ticket.service_day == day))
    waiting_total = waiting_in_lines(bindparam("services", expanding=True),
                                     day).scalar_subquery()
    first_waiting = (select(*_SHOWN, waiting_total.label("of_status")).where(in_line)
                     .order_by(*waiting_order()).limit(WAITING_SHOWN).subquery())
    at_counter = Ticket.status.in_([TicketStatus.CALLED, TicketStatus.SERVING])
    own = (select(*_SHOWN, cast(null(), BigInteger).label("of_status"))  # typed for UNION
           .where(Ticket.counter_id == bindparam("counter"), Ticket.service_day == day,
                  at_counter | (Ticket.status == TicketStatus.PARKED))
           .order_by(at_counter.desc(), *waiting_order()).limit(WAITING_SHOWN + 1).subquery())
    return union_all(select(first_waiting), select(own))


def counter_out(session: Session, now: datetime, counter: Counter) -> CounterOut:
    """The counter as its officer sees it: state, the active ticket, the first WAITING_SHOWN
    of the queue (with how many wait in all) and of the parked.

    One statement whatever the queue's length: each status's tickets numbered in the waiting
    order and counted by a window, only the first few of each read."""
    site = site_rules(session)
    day = service_day(site, now)
    cached = catalog(session)
    served: list[Service] = [s for s in counter.services if s.active] if cached is None else \
        [cached.services[i] for i in cached.served.get(counter.id, ())]
    services = {service.id: service for service in served}
    rows = session.execute(_counter_lists(), {"day": day, "services": list(services),
                                              "counter": counter.id}).all()
    waiting_total = next((row.of_status for row in rows
                          if row.status is TicketStatus.WAITING), 0)
    current = None
    waiting, parked = [], []
    for row in rows:
        # A ticket at the counter may be of a service it no longer serves (config changed).
        service = services.get(row.service_id) or session.get_one(Service, row.service_id)
        item = _item(row, service.code, now)
        if row.status is TicketStatus.WAITING:
            waiting.append(item)
        elif row.status is TicketStatus.PARKED:
            parked.append(item)
        else:
            current = CurrentTicket(
                **item.model_dump(), call_count=row.call_count, called_at=row.called_at,
                started_at=row.started_at, target_minutes=service.target_minutes,
                outcomes=list(service.outcomes), outcome_required=service.outcome_required)
    situation = CounterSituation(
        state=counter.state, current=current.status if current else None,
        call_count=current.call_count if current else 0, waiting=waiting_total,
        parked=len(parked))
    return CounterOut(
        id=counter.id, number=counter.number, name=counter.name, agency=counter.agency.code,
        state=counter.state, officer=officer_out(counter.officer),
        services=[s.code for s in served], current=current, waiting=waiting,
        waiting_total=waiting_total, parked=parked,
        allowed_actions=allowed_actions(situation, site.recalls_before_no_show),
        recalls_left=recalls_left(situation, site.recalls_before_no_show))


def counter_summaries(session: Session, now: datetime, *,
                      agency_ids: Collection[int] | None = None,
                      counter_ids: Collection[str] | None = None,
                      actions: bool = True) -> list[dict[str, Any]]:
    """Active counters (of these agencies, or these ids): state, the ticket at each, and
    (with `actions`) what its officer may do now, as `counter_changed` tells the console. A
    display, which never acts, leaves `actions` out and saves two queries per snapshot."""
    statement = (select(Counter, Agency.code).join(Agency, Counter.agency_id == Agency.id)
                 .where(Counter.active).order_by(Counter.number))
    if agency_ids is not None:
        statement = statement.where(Counter.agency_id.in_(agency_ids))
    if counter_ids is not None:
        statement = statement.where(Counter.id.in_(counter_ids))
    rows = session.execute(statement).all()
    ids = [counter.id for counter, _ in rows]
    # A called or serving ticket always has its counter (the IN clause says so too).
    current: dict[str, tuple[str, TicketStatus, int]] = {
        counter_id: (code, status, calls) for counter_id, code, status, calls in
        session.execute(
            select(Ticket.counter_id, Ticket.code, Ticket.status, Ticket.call_count)
            .where(Ticket.counter_id.in_(ids), Ticket.status.in_(ACTIVE_STATUSES)))
        if counter_id is not None}
    answer = []
    for counter, agency_code in rows:
        code, status, _ = current.get(counter.id, (None, None, 0))
        answer.append({
            "id": counter.id, "number": counter.number, "name": counter.name,
            "agency": agency_code, "state": counter.state.value, "current": code,
            "current_status": status.value if status else None,
        })
    if actions:
        _add_actions(session, now, answer, current)
    return answer


def _add_actions(session: Session, now: datetime, summaries: list[dict[str, Any]],
                 current: dict[str, tuple[str, TicketStatus, int]]) -> None:
    """`allowed_actions` and `recalls_left` of each summarized counter, in two queries."""
    ids = [summary["id"] for summary in summaries]
    site = get_site(session)
    day = service_day(site, now)
    waiting: dict[str, int] = dict(session.execute(
        select(counter_services.c.counter_id, func.count())
        .join(Ticket, Ticket.service_id == counter_services.c.service_id)
        .join(Service, Service.id == Ticket.service_id)
        .where(counter_services.c.counter_id.in_(ids), Service.active,
               Ticket.status == TicketStatus.WAITING, Ticket.service_day == day)
        .group_by(counter_services.c.counter_id)).all())
    parked: dict[str, int] = {counter_id: count for counter_id, count in session.execute(
        select(Ticket.counter_id, func.count())
        .where(Ticket.counter_id.in_(ids), Ticket.status == TicketStatus.PARKED,
               Ticket.service_day == day)
        .group_by(Ticket.counter_id)) if counter_id is not None}
    for summary in summaries:
        _, status, calls = current.get(summary["id"], (None, None, 0))
        situation = CounterSituation(state=CounterState(summary["state"]), current=status,
                                     call_count=calls, waiting=waiting.get(summary["id"], 0),
                                     parked=parked.get(summary["id"], 0))
        summary["allowed_actions"] = allowed_actions(situation, site.recalls_before_no_show)
        summary["recalls_left"] = recalls_left(situation, site.recalls_before_no_show)


def counters_in_scope(session: Session, scope: list[int] | None) -> list[Counter]:
    statement = (select(Counter).join(Agency, Counter.agency_id == Agency.id)
                 .where(Counter.active, Agency.active).order_by(Counter.number)
                 .options(selectinload(Counter.services), selectinload(Counter.officer),
                          selectinload(Counter.agency)))
    if scope is not None:
        statement = statement.where(Counter.agency_id.in_(scope))
    return list(session.scalars(statement))


def counter_choices(session: Session, user: User) -> list[CounterChoice]:
    """The counters a user may open: those of their agencies (all, for an administrator)."""
    return [CounterChoice(
        id=c.id, number=c.number, name=c.name, agency=c.agency.code,
        agency_name=c.agency.short_name, state=c.state, officer=officer_out(c.officer),
        services=[s.code for s in c.services if s.active])
        for c in counters_in_scope(session, agency_scope(user))]


def counter_today(session: Session, now: datetime, counter: Counter,
                  user: User) -> CounterTodayOut:
    """The officer's own count and average service time today, and the counter's no-shows."""
    site = get_site(session)
    day = service_day(site, now)
    start, end = day_bounds(site, day)
    today = (TicketEvent.at >= start, TicketEvent.at < end)
    kinds = dict(session.execute(
        select(TicketEvent.kind, func.count()).where(
            TicketEvent.user_id == user.id, *today,
            TicketEvent.kind.in_(["finished", "no_show", "transferred"]))
        .group_by(TicketEvent.kind)).all())
    durations = [(finished - started).total_seconds() / 60 for started, finished in
                 session.execute(
                     select(Ticket.started_at, Ticket.finished_at)
                     .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
                     .where(TicketEvent.kind == "finished", TicketEvent.user_id == user.id,
                            *today, Ticket.started_at.is_not(None),
                            Ticket.finished_at.is_not(None)))
                 if started and finished]
    counter_served = session.scalar(
        select(func.count()).select_from(TicketEvent)
        .where(TicketEvent.kind == "finished", TicketEvent.counter_id == counter.id, *today))
    served_ids = [s.id for s in counter.services if s.active]
    no_shows = session.scalars(
        select(Ticket).where(Ticket.status == TicketStatus.NO_SHOW,
                             Ticket.service_day == day, Ticket.service_id.in_(served_ids))
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(RECENT_NO_SHOWS)
        .options(selectinload(Ticket.service))).all()
    return CounterTodayOut(
        counter=counter.id, day=day, now=now,
        mine=OwnDay(served=kinds.get("finished", 0),
                    average_service_min=round(sum(durations) / len(durations), 1)
                    if durations else None,
                    no_shows=kinds.get("no_show", 0), transferred=kinds.get("transferred", 0)),
        counter_served=counter_served or 0,
        no_shows=[queue_item(ticket, now) for ticket in no_shows])


def counter_view(session: Session, now: datetime, hall: HallConfig, key: str,
                 language: str) -> dict[str, Any]:
    return counter_out(session, now, find_active(session, Counter, key)).model_dump(mode="json")
