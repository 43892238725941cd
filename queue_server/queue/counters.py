"""Counters (loket): opening, breaks, closing, finding a counter's tickets, and which of the
officer's actions apply to a counter now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Select, bindparam, event, select
from sqlalchemy.orm import Session, SessionTransaction

from queue_server.db import staff_address
from queue_server.models import (
    ACTIVE_STATUSES,
    Counter,
    CounterEvent,
    CounterState,
    Ticket,
    TicketStatus,
    User,
)
from queue_server.queue.errors import (
    CounterBusy,
    CounterNotOpen,
    CounterTaken,
    NoActiveTicket,
    UnknownCounter,
)

LOCKED = "antre.locked_counters"  # in session.info: counters this transaction holds
# In session.info: each counter's active ticket (or None) as read with its lock, until the
# session changes anything.
ACTIVE_AT_LOCK = "antre.active_at_lock"


@lru_cache(maxsize=1)
def _counter_with_active() -> Select[Counter, Ticket]:
    """A counter, locked, with its called or serving ticket; built once (bound id)."""
    return (select(Counter, Ticket)
            .outerjoin(Ticket, (Ticket.counter_id == Counter.id)
                       & Ticket.status.in_(ACTIVE_STATUSES))
            .where(Counter.id == bindparam("counter"))
            .with_for_update(of=Counter)
            .execution_options(populate_existing=True))


def lock_counter(session: Session, counter_id: str) -> Counter:
    """Load a counter and hold its row for this transaction, so that two presses at one
    counter (two tabs, a double click) are applied one after the other.

    The row is read once per transaction: the view that checks who may act, the action and
    the steps it is made of (finish, then call next) all lock the same counter, and once
    held it cannot change under them. Its called or serving ticket is read in the same
    statement, for the action's `active_ticket`.
    """
    locked: set[str] = session.info.setdefault(LOCKED, set())
    if counter_id in locked:
        return find_counter(session, counter_id)
    row = session.execute(_counter_with_active(), {"counter": counter_id}).first()
    counter = _active(row[0] if row else None, counter_id)
    locked.add(counter_id)
    session.info.setdefault(ACTIVE_AT_LOCK, {})[counter_id] = row[1] if row else None
    return counter


def find_counter(session: Session, counter_id: str) -> Counter:
    """An active counter, to look at (no lock)."""
    return _active(session.get(Counter, counter_id), counter_id)


def _active(counter: Counter | None, counter_id: str) -> Counter:
    if counter is None or not counter.active:
        raise UnknownCounter(counter=counter_id)
    return counter


@event.listens_for(Session, "after_transaction_end")
def _release_locks(session: Session, transaction: SessionTransaction) -> None:
    # Row locks last to the end of the outermost transaction (a savepoint keeps them).
    if transaction.parent is None:
        session.info.pop(LOCKED, None)
        session.info.pop(ACTIVE_AT_LOCK, None)


@event.listens_for(Session, "after_flush")
def _forget_active(session: Session, _context: object) -> None:
    # What was written may have called, finished or released a ticket.
    session.info.pop(ACTIVE_AT_LOCK, None)


def require_holder(session: Session, counter: Counter, user_id: int, *,
                   take_over: bool = False) -> None:
    """An officer works at a free counter or the one they opened, never at one another
    officer holds. `take_over`: a supervisor or administrator may act on any counter (to
    close one left open, say)."""
    if take_over or counter.state is CounterState.CLOSED or \
            counter.officer_id in (None, user_id):
        return
    officer = session.get(User, counter.officer_id)
    raise CounterTaken(counter=counter.name, officer=officer.name if officer else "?")


def active_ticket(session: Session, counter: Counter) -> Ticket | None:
    """The counter's called or serving ticket (there is at most one): the one read with the
    counter's lock while the session has changed nothing since, else read now."""
    held: dict[str, Ticket | None] = session.info.get(ACTIVE_AT_LOCK, {})
    if counter.id in held and not (session.new or session.dirty or session.deleted):
        return held[counter.id]
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
                             reason=reason, address=staff_address(session, user_id)))


def open_counter(session: Session, now: datetime, counter_id: str, user_id: int) -> Counter:
    """The officer takes the counter. An officer works at one counter at a time: their other
    idle counters are closed; a busy one must be finished first."""
    counter = lock_counter(session, counter_id)
    require_holder(session, counter, user_id)
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


def close_left_counter(session: Session, now: datetime, counter_id: str, user_id: int,
                       reason: str) -> Counter:
    """A supervisor closes a counter its officer left open (the console is gone), with the
    reason recorded on the CounterEvent. Its called or served ticket must be settled first:
    closing does not decide a visitor's fate."""
    counter = lock_counter(session, counter_id)
    require_idle(session, counter)
    counter.officer_id = None
    if counter.state is not CounterState.CLOSED:
        _set_state(session, counter, CounterState.CLOSED, now, user_id, reason)
    return counter


# --- Which actions apply now ------------------------------------------------------------------

# The officer's actions, in the order the console lays out its buttons. "finish-next" is
# call-next with finish_current; "call" (a chosen ticket) is offered per waiting ticket.
COUNTER_ACTIONS = ("open", "break", "close", "call-next", "finish-next", "recall", "start",
                   "recycle", "finish", "no-show", "transfer", "park", "resume")


@dataclass(frozen=True)
class CounterSituation:
    """What decides which actions apply at a counter: read once, judged by `allowed_actions`."""

    state: CounterState
    current: TicketStatus | None  # the called or serving ticket's status; None when idle
    call_count: int  # calls of that ticket so far (0 when idle)
    waiting: int  # today's waiting tickets of the counter's active services
    parked: int  # tickets parked at this counter


def recalls_to_go(call_count: int, needed: int) -> int:
    """Recalls still to make before a called visitor may be marked a no-show (the first call
    is not a recall)."""
    return max(0, needed - (call_count - 1))


def recalls_left(situation: CounterSituation, needed: int) -> int | None:
    """`recalls_to_go` for the counter's called ticket; None when no ticket is called."""
    if situation.current is not TicketStatus.CALLED:
        return None
    return recalls_to_go(situation.call_count, needed)


def allowed_actions(situation: CounterSituation, recalls_needed: int) -> list[str]:
    """The actions the engine accepts at this counter now (for its own officer), in
    COUNTER_ACTIONS order: the console renders exactly these, so it cannot offer a button the
    engine then refuses, nor hide one it would accept."""
    is_open = situation.state is CounterState.OPEN
    current = situation.current
    busy = current is not None
    called = current is TicketStatus.CALLED
    serving = current is TicketStatus.SERVING
    applies = {
        "open": situation.state is CounterState.BREAK,
        "break": is_open and not busy,  # pause_counter: require_open, require_idle
        "close": not busy,  # close_counter: require_idle
        "call-next": is_open and not busy and situation.waiting > 0,
        "finish-next": is_open and (busy or situation.waiting > 0),
        "recall": called,
        "start": called,
        "recycle": called,
        "finish": busy,
        "no-show": called and recalls_to_go(situation.call_count, recalls_needed) == 0,
        "transfer": serving,
        "park": serving,
        "resume": is_open and not busy and situation.parked > 0,
    }
    return [action for action in COUNTER_ACTIONS if applies[action]]

