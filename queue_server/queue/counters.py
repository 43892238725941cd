"""Counters (loket): opening, breaks, closing, and finding a counter's tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import (
    ACTIVE_STATUSES,
    Counter,
    CounterEvent,
    CounterState,
    Ticket,
    User,
)
from queue_server.queue.errors import (
    CounterBusy,
    CounterNotOpen,
    CounterTaken,
    NoActiveTicket,
    UnknownCounter,
)


def lock_counter(session: Session, counter_id: str) -> Counter:
    """Load a counter and hold its row for this transaction, so that two presses at one
    counter (two tabs, a double click) are applied one after the other."""
    counter = session.get(Counter, counter_id, with_for_update=True, populate_existing=True)
    if counter is None or not counter.active:
        raise UnknownCounter(counter=counter_id)
    return counter


def active_ticket(session: Session, counter: Counter) -> Ticket | None:
    """The counter's called or serving ticket (there is at most one)."""
    return session.scalar(
        select(Ticket).where(Ticket.counter_id == counter.id,
                             Ticket.status.in_(ACTIVE_STATUSES)))


def require_active(session: Session, counter: Counter) -> Ticket:
    ticket = active_ticket(session, counter)
    if ticket is None:
        raise NoActiveTicket(counter=counter.name)
    return ticket


def require_idle(session: Session, counter: Counter) -> None:
    ticket = active_ticket(session, counter)
    if ticket is not None:
        raise CounterBusy(counter=counter.name, ticket=ticket.code)


def require_open(counter: Counter) -> None:
    if counter.state is not CounterState.OPEN:
        raise CounterNotOpen(counter=counter.name)


def _set_state(session: Session, counter: Counter, state: CounterState, now: datetime,
               user_id: int | None, reason: str | None = None) -> None:
    counter.state = state
    counter.state_changed_at = now
    session.add(CounterEvent(counter_id=counter.id, state=state, at=now, user_id=user_id,
                             reason=reason))


def open_counter(session: Session, now: datetime, counter_id: str, user_id: int) -> Counter:
    """The officer takes the counter. An officer works at one counter at a time: their other
    idle counters are closed; a busy one must be finished first."""
    counter = lock_counter(session, counter_id)
    if counter.state is not CounterState.CLOSED and counter.officer_id not in (None, user_id):
        officer = session.get(User, counter.officer_id)
        raise CounterTaken(counter=counter.name, officer=officer.name if officer else "?")
    others = session.scalars(
        select(Counter).where(Counter.officer_id == user_id, Counter.id != counter.id,
                              Counter.state != CounterState.CLOSED)).all()
    for other in others:
        close_counter(session, now, other.id, user_id)
    counter.officer_id = user_id
    counter.priority_streak = 0
    if counter.state is not CounterState.OPEN:
        _set_state(session, counter, CounterState.OPEN, now, user_id)
    return counter


def pause_counter(session: Session, now: datetime, counter_id: str, user_id: int | None,
                  reason: str | None = None) -> Counter:
    """A break: the counter keeps its officer but takes no calls."""
    counter = lock_counter(session, counter_id)
    require_open(counter)
    require_idle(session, counter)
    _set_state(session, counter, CounterState.BREAK, now, user_id, reason)
    return counter


def close_counter(session: Session, now: datetime, counter_id: str,
                  user_id: int | None) -> Counter:
    counter = lock_counter(session, counter_id)
    require_idle(session, counter)
    counter.officer_id = None
    if counter.state is not CounterState.CLOSED:
        _set_state(session, counter, CounterState.CLOSED, now, user_id)
    return counter
