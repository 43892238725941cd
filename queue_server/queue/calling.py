"""The ticket state machine at a counter: call, recall, start, finish, no-show and the rest.

    waiting -> called -> serving -> done
    called:  recall (stays called), no_show, recycle (back to waiting)
    serving: finish, transfer (waits in another service), park -> resume
    no_show: return late (waiting again, a few places back)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from queue_server.models import Counter, Service, Ticket, TicketStatus
from queue_server.queue.catalog import catalog, with_service
from queue_server.queue.common import get_site, record, service_day, site_rules
from queue_server.queue.counters import (
    active_ticket,
    lock_counter,
    recalls_to_go,
    require_active,
    require_idle,
    require_open,
)
from queue_server.queue.errors import (
    InvalidTransition,
    NotToday,
    OutcomeRequired,
    RecallsRequired,
    ServiceNotServed,
    TicketElsewhere,
    UnknownOutcome,
    UnknownTicket,
)
from queue_server.queue.heard import require_heard
from queue_server.queue.issuing import find_service
from queue_server.queue.order import waiting_order

NUDGE = timedelta(milliseconds=1)


def _require_status(ticket: Ticket, action: str, *allowed: TicketStatus) -> None:
    if ticket.status not in allowed:
        raise InvalidTransition(ticket=ticket.code, status=ticket.status.value, action=action)


def _active(session: Session, counter_id: str, action: str,
            status: TicketStatus) -> tuple[Counter, Ticket]:
    """The locked counter and its active ticket, which must be in `status` for `action`."""
    counter = lock_counter(session, counter_id)
    ticket = require_active(session, counter)
    _require_status(ticket, action, status)
    return counter, ticket


def _ready(session: Session, counter_id: str) -> Counter:
    """The locked counter, open and without an active ticket: ready to take one."""
    counter = lock_counter(session, counter_id)
    require_open(counter)
    require_idle(session, counter)
    return counter


def _served_ids(session: Session, counter: Counter) -> list[int]:
    cached = catalog(session)
    if cached is not None:
        return list(cached.served.get(counter.id, ()))
    return [service.id for service in counter.services if service.active]


def _mark_called(session: Session, now: datetime, ticket: Ticket, counter: Counter,
                 user_id: int | None, **data: object) -> Ticket:
    ticket.status = TicketStatus.CALLED
    ticket.counter_id = counter.id
    ticket.officer_id = user_id
    ticket.call_count = 1
    ticket.called_at = ticket.called_at or now
    ticket.last_called_at = now
    counter.priority_streak = counter.priority_streak + 1 if ticket.priority else 0
    record(session, ticket, "called", now, from_status=TicketStatus.WAITING, user_id=user_id,
           counter_id=counter.id, **data)
    return ticket


def call_next(session: Session, now: datetime, counter_id: str,
              user_id: int | None = None) -> Ticket | None:
    """Call the next waiting ticket of the counter's services, or None when nobody waits.

    Priority tickets go first, but after `priority_ratio` of them in a row a waiting regular
    visitor goes next. The row lock with SKIP LOCKED (PostgreSQL) and BEGIN IMMEDIATE
    (SQLite) make each ticket called by exactly one counter.
    """
    return _call_next(session, now, _ready(session, counter_id), user_id)


def finish_and_call_next(session: Session, now: datetime, counter_id: str,
                         user_id: int | None = None,
                         outcome: str | None = None) -> Ticket | None:
    """Finish the counter's active ticket, if any, then call the next one: `finish` and
    `call_next` in one go, with the counter and its ticket read once."""
    counter = lock_counter(session, counter_id)
    current = active_ticket(session, counter)
    if current is not None:
        _finish(session, now, counter, current, user_id, outcome)
    require_open(counter)
    return _call_next(session, now, counter, user_id)


def _call_next(session: Session, now: datetime, counter: Counter,
               user_id: int | None) -> Ticket | None:
    rules = site_rules(session)
    regular_first = counter.priority_streak >= rules.priority_ratio
    # Not flushed first: what this transaction changed so far (a finished ticket) is not
    # waiting either way, and its rows then go in one flush with the call's.
    with session.no_autoflush:
        ticket = session.scalar(_first_waiting(regular_first), {
            "services": _served_ids(session, counter), "day": service_day(rules, now)})
    if ticket is None:
        return None
    with_service(session, ticket)
    return _mark_called(session, now, ticket, counter, user_id)


@lru_cache(maxsize=2)
def _first_waiting(regular_first: bool) -> Select[Ticket]:
    """The first waiting ticket of a counter's services, locked where the database can;
    built once per order with bound values."""
    return (select(Ticket)
            .where(Ticket.status == TicketStatus.WAITING,
                   Ticket.service_id.in_(bindparam("services", expanding=True)),
                   Ticket.service_day == bindparam("day", type_=Ticket.service_day.type))
            .order_by(*waiting_order(regular_first=regular_first))
            .limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True))


def _lock_ticket(session: Session, ticket_id: int) -> Ticket:
    ticket = session.get(Ticket, ticket_id, with_for_update=True, populate_existing=True)
    if ticket is None:
        raise UnknownTicket()
    return ticket


def call_ticket(session: Session, now: datetime, counter_id: str, ticket_id: int,
                user_id: int | None = None, reason: str | None = None) -> Ticket:
    """Call a chosen waiting ticket out of turn (the reason is kept in the event)."""
    counter = _ready(session, counter_id)
    ticket = _lock_ticket(session, ticket_id)
    _require_status(ticket, "call", TicketStatus.WAITING)
    if ticket.service_day != service_day(site_rules(session), now):
        raise NotToday(ticket=ticket.code)  # as call_next: an old day's ticket awaits expiry
    if ticket.service_id not in _served_ids(session, counter):
        raise ServiceNotServed(counter=counter.name, service=ticket.service.name)
    return _mark_called(session, now, ticket, counter, user_id, chosen=True, reason=reason)


def recall(session: Session, now: datetime, counter_id: str,
           user_id: int | None = None, min_interval: timedelta = timedelta(0)) -> Ticket:
    """Call the counter's called ticket again; refused (`RecallTooSoon`, with the time it
    becomes possible) within `min_interval` of the previous call, which the hall may still be
    hearing: presses in a hurry do not count towards the recalls before a no-show."""
    counter, ticket = _active(session, counter_id, "recall", TicketStatus.CALLED)
    require_heard(session, ticket, now, min_interval)
    ticket.call_count += 1
    ticket.last_called_at = now
    record(session, ticket, "recalled", now, from_status=TicketStatus.CALLED, user_id=user_id,
           counter_id=counter.id, call_count=ticket.call_count)
    return ticket


def start_service(session: Session, now: datetime, counter_id: str,
                  user_id: int | None = None) -> Ticket:
    counter, ticket = _active(session, counter_id, "start", TicketStatus.CALLED)
    return _start(session, now, counter, ticket, user_id)


def _start(session: Session, now: datetime, counter: Counter, ticket: Ticket,
           user_id: int | None) -> Ticket:
    ticket.status = TicketStatus.SERVING
    ticket.started_at = now
    ticket.officer_id = user_id or ticket.officer_id
    record(session, ticket, "started", now, from_status=TicketStatus.CALLED, user_id=user_id,
           counter_id=counter.id)
    return ticket


def _check_outcome(service: Service, outcome: str | None) -> str | None:
    choices = ", ".join(service.outcomes)
    if outcome is None or outcome == "":
        if service.outcome_required:
            raise OutcomeRequired(choices=choices)
        return None
    if service.outcomes and outcome not in service.outcomes:
        raise UnknownOutcome(outcome=outcome, choices=choices)
    return outcome


def finish(session: Session, now: datetime, counter_id: str, user_id: int | None = None,
           outcome: str | None = None) -> Ticket:
    """Served. A ticket still only called is started and finished in one go (the officer
    served without pressing start)."""
    counter = lock_counter(session, counter_id)
    return _finish(session, now, counter, require_active(session, counter), user_id, outcome)


def _finish(session: Session, now: datetime, counter: Counter, ticket: Ticket,
            user_id: int | None, outcome: str | None) -> Ticket:
    with_service(session, ticket)
    outcome = _check_outcome(ticket.service, outcome)
    if ticket.status is TicketStatus.CALLED:
        _start(session, now, counter, ticket, user_id)
        # Service began when the visitor answered the call, not at this click.
        ticket.started_at = ticket.last_called_at or now
    ticket.status = TicketStatus.DONE
    ticket.finished_at = now
    ticket.outcome = outcome
    record(session, ticket, "finished", now, from_status=TicketStatus.SERVING, user_id=user_id,
           counter_id=counter.id, outcome=outcome)
    return ticket


def no_show(session: Session, now: datetime, counter_id: str,
            user_id: int | None = None) -> Ticket:
    """The visitor did not come after the first call and the configured recalls."""
    counter, ticket = _active(session, counter_id, "no-show", TicketStatus.CALLED)
    needed = site_rules(session).recalls_before_no_show
    if recalls_to_go(ticket.call_count, needed) > 0:
        raise RecallsRequired(done=ticket.call_count - 1, needed=needed)
    ticket.status = TicketStatus.NO_SHOW
    ticket.finished_at = now
    record(session, ticket, "no_show", now, from_status=TicketStatus.CALLED, user_id=user_id,
           counter_id=counter.id, call_count=ticket.call_count)
    return ticket


def _release(ticket: Ticket) -> None:
    ticket.status = TicketStatus.WAITING
    ticket.counter_id = None
    ticket.officer_id = None


def recycle(session: Session, now: datetime, counter_id: str,
            user_id: int | None = None) -> Ticket:
    """Undo a call: the ticket waits again in its old place."""
    counter, ticket = _active(session, counter_id, "recycle", TicketStatus.CALLED)
    _release(ticket)
    record(session, ticket, "recycled", now, from_status=TicketStatus.CALLED, user_id=user_id,
           counter_id=counter.id)
    return ticket


def _waiting_keys(session: Session, service_id: int, day: date) -> list[datetime]:
    return list(session.scalars(
        select(Ticket.queue_key)
        .where(Ticket.status == TicketStatus.WAITING, Ticket.service_id == service_id,
               Ticket.service_day == day)
        .order_by(Ticket.queue_key)))


def _key_after(keys: list[datetime], places: int, now: datetime) -> datetime:
    """A queue key that ranks behind the first `places` waiting tickets (or last)."""
    if len(keys) <= places:
        return max(now, keys[-1] + NUDGE) if keys else now
    before = keys[places - 1] if places else keys[0] - 2 * NUDGE
    # Strictly after `before`: equal keys rank by ticket id, and the returning ticket (an
    # older id) would otherwise jump ahead of the tickets that share the key.
    return max(before + (keys[places] - before) / 2, before + timedelta(microseconds=1))


def transfer(session: Session, now: datetime, counter_id: str, service_code: str, *,
             front: bool, user_id: int | None = None) -> Ticket:
    """Send the visitor on to another service: same ticket, same code, waiting there at the
    front or at the back."""
    counter, ticket = _active(session, counter_id, "transfer", TicketStatus.SERVING)
    target = find_service(session, service_code)
    keys = _waiting_keys(session, target.id, ticket.service_day)
    # Filed under the service it leaves, like every other end of service there.
    record(session, ticket, "transferred", now, from_status=TicketStatus.SERVING,
           user_id=user_id, counter_id=counter.id, to_service_id=target.id,
           to_service=target.code, front=front)
    ticket.queue_key = min(keys[0], now) - NUDGE if front and keys else now
    _release(ticket)
    ticket.service_id = target.id
    ticket.service = target
    return ticket


def park(session: Session, now: datetime, counter_id: str,
         user_id: int | None = None) -> Ticket:
    """Hold the ticket (the visitor fills in a form); the counter may serve others."""
    counter, ticket = _active(session, counter_id, "park", TicketStatus.SERVING)
    ticket.status = TicketStatus.PARKED
    record(session, ticket, "parked", now, from_status=TicketStatus.SERVING, user_id=user_id,
           counter_id=counter.id)
    return ticket


def resume(session: Session, now: datetime, counter_id: str, ticket_id: int,
           user_id: int | None = None) -> Ticket:
    """Serve a parked ticket again, at the counter that parked it."""
    counter = _ready(session, counter_id)
    ticket = _lock_ticket(session, ticket_id)
    _require_status(ticket, "resume", TicketStatus.PARKED)
    if ticket.counter_id != counter.id:
        raise TicketElsewhere(ticket=ticket.code)
    ticket.status = TicketStatus.SERVING
    record(session, ticket, "resumed", now, from_status=TicketStatus.PARKED, user_id=user_id,
           counter_id=counter.id)
    return ticket


def return_late(session: Session, now: datetime, ticket_id: int,
                user_id: int | None = None) -> Ticket:
    """A no-show visitor turns up later the same day: waiting again, a few places back."""
    ticket = _lock_ticket(session, ticket_id)
    _require_status(ticket, "return", TicketStatus.NO_SHOW)
    site = get_site(session)
    if ticket.service_day != service_day(site, now):
        raise NotToday(ticket=ticket.code)
    keys = _waiting_keys(session, ticket.service_id, ticket.service_day)
    ticket.queue_key = _key_after(keys, site.late_return_places, now)
    _release(ticket)
    ticket.finished_at = None
    record(session, ticket, "returned", now, from_status=TicketStatus.NO_SHOW, user_id=user_id,
           places=site.late_return_places)
    return ticket
