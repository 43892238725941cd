"""The ticket state machine: every action from every status, allowed or refused, and the
finer rules of each transition (recalls before a no-show, recycling, outcomes, transfers,
parking, late returns).

A refused action is run inside the test's own transaction, which the exception rolls back; the
test then re-reads the database in a new session to show that nothing changed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.clock import FixedClock
from queue_server.config import parse_config
from queue_server.db import make_engine, session_factory
from queue_server.models import (
    Counter,
    CounterEvent,
    Role,
    Service,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from queue_server.people import add_user
from queue_server.queue import calling, checkin, counters, errors, issuing, rollover
from queue_server.queue.bookings import BookingRequest, book
from queue_server.queue.identity import identity_key
from tests.support.halls import Hall, prepare_hall, remote_hall_data, wita

KEY = identity_key("test-secret")

T = TypeVar("T")
Event = tuple[int, str, TicketStatus]  # ticket, kind, the status it left


def act(hall: Hall, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run one engine function in its own committed transaction, at the clock's time."""
    with hall.sessions.begin() as session:
        return action(session, hall.clock.now(), *args, **kwargs)


def refused(hall: Hall, error: type[errors.DomainError], action: Callable[..., object],
            *args: Any, **kwargs: Any) -> errors.DomainError:
    """The action raises exactly `error`, and the database is as it was before."""
    before = state(hall)
    with pytest.raises(error) as caught:
        act(hall, action, *args, **kwargs)
    assert type(caught.value) is error
    assert state(hall) == before
    return caught.value


def officer(hall: Hall, username: str, agency: str = "DUKCAPIL") -> int:
    return act(hall, add_user, username, username.title(), Role.OFFICER, "rahasia123",
               [agency]).id


def issue(hall: Hall, service: str = "KTP", **kwargs: Any) -> Ticket:
    """Issue a ticket, then move the clock on a second so queue keys never tie."""
    ticket = act(hall, issuing.issue_ticket, service, **kwargs)
    hall.clock.advance(seconds=1)
    return ticket


def state(hall: Hall) -> tuple[list[Any], list[Any], list[Event], int]:
    """Everything a transition may touch, read fresh from the database."""
    with hall.session() as session:
        tickets = [tuple(row) for row in session.execute(
            select(Ticket.id, Ticket.status, Ticket.service_id, Ticket.counter_id,
                   Ticket.officer_id, Ticket.call_count, Ticket.queue_key, Ticket.outcome,
                   Ticket.called_at, Ticket.started_at, Ticket.finished_at)
            .order_by(Ticket.id))]
        desks = [tuple(row) for row in session.execute(
            select(Counter.id, Counter.state, Counter.officer_id, Counter.priority_streak)
            .order_by(Counter.id))]
        counter_events = len(session.scalars(select(CounterEvent.id)).all())
    return tickets, desks, events(hall), counter_events


def events(hall: Hall, ticket_id: int | None = None) -> list[Event]:
    with hall.session() as session:
        query = select(TicketEvent).order_by(TicketEvent.id)
        if ticket_id is not None:
            query = query.where(TicketEvent.ticket_id == ticket_id)
        return [(e.ticket_id, e.kind, e.status) for e in session.scalars(query)]


def ticket(hall: Hall, ticket_id: int) -> Ticket:
    with hall.session() as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


def codes_called(hall: Hall, counter_id: str, user_id: int, times: int) -> list[str]:
    """Call next `times` times at a counter, finishing each ticket; the codes in order.
    ("Selesai" is a valid outcome for KK and free text for KTP, which lists none.)"""
    called = []
    for _ in range(times):
        next_one = act(hall, calling.call_next, counter_id, user_id)
        assert next_one is not None
        called.append(next_one.code)
        act(hall, calling.finish, counter_id, user_id, outcome="Selesai")
    return called


# --- the table: every action from every status ----------------------------------------------

@dataclass(frozen=True)
class Floor:
    """A KTP ticket brought to some status at Loket 1 (Ayu); Loket 2 (Budi) open and idle."""

    ayu: int
    budi: int
    ticket: int


Action = Callable[[Session, datetime, Floor], object]

ACTIONS: dict[str, Action] = {
    "call": lambda s, now, f: calling.call_ticket(s, now, "L2", f.ticket, f.budi),
    "recall": lambda s, now, f: calling.recall(s, now, "L1", f.ayu),
    "start": lambda s, now, f: calling.start_service(s, now, "L1", f.ayu),
    "finish": lambda s, now, f: calling.finish(s, now, "L1", f.ayu),
    "no_show": lambda s, now, f: calling.no_show(s, now, "L1", f.ayu),
    "recycle": lambda s, now, f: calling.recycle(s, now, "L1", f.ayu),
    "transfer": lambda s, now, f: calling.transfer(s, now, "L1", "KK", front=False,
                                                   user_id=f.ayu),
    "park": lambda s, now, f: calling.park(s, now, "L1", f.ayu),
    "resume": lambda s, now, f: calling.resume(s, now, "L1", f.ticket, f.ayu),
    "return_late": lambda s, now, f: calling.return_late(s, now, f.ticket, f.ayu),
    "cancel": lambda s, now, f: issuing.cancel_ticket(s, now, s.get(Ticket, f.ticket)),
    "check_in": lambda s, now, f: checkin.check_in(s, now, s.get_one(Ticket, f.ticket)),
}
COUNTER_ACTIONS = {"recall", "start", "finish", "no_show", "recycle", "transfer", "park"}

PATHS: dict[str, list[str]] = {  # how a fresh waiting ticket reaches each status
    "booked": [],  # a number taken from home (reach() books it instead of issuing it)
    "waiting": [],
    "called": ["call_next"],
    "serving": ["call_next", "start"],
    "parked": ["call_next", "start", "park"],
    "done": ["call_next", "start", "finish"],
    "no_show": ["call_next", "recall", "recall", "no_show"],
    "cancelled": ["cancel"],
    "expired": ["next_day"],
}

W, C, S = TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING
ALLOWED: dict[tuple[str, str], tuple[TicketStatus, list[tuple[str, TicketStatus]]]] = {
    ("waiting", "call"): (C, [("called", W)]),
    ("waiting", "cancel"): (TicketStatus.CANCELLED, [("cancelled", W)]),
    ("called", "recall"): (C, [("recalled", C)]),
    ("called", "start"): (S, [("started", C)]),
    ("called", "finish"): (TicketStatus.DONE, [("started", C), ("finished", S)]),
    ("called", "recycle"): (W, [("recycled", C)]),
    ("serving", "finish"): (TicketStatus.DONE, [("finished", S)]),
    ("serving", "transfer"): (W, [("transferred", S)]),
    ("serving", "park"): (TicketStatus.PARKED, [("parked", S)]),
    ("parked", "resume"): (S, [("resumed", TicketStatus.PARKED)]),
    ("no_show", "return_late"): (W, [("returned", TicketStatus.NO_SHOW)]),
    ("booked", "cancel"): (TicketStatus.CANCELLED, [("cancelled", TicketStatus.BOOKED)]),
    ("booked", "check_in"): (W, [("checked_in", TicketStatus.BOOKED)]),
}


def refusal(status: str, action: str) -> type[errors.DomainError]:
    if action == "check_in":
        return {"expired": errors.TooLate, "cancelled": errors.InvalidTransition}.get(
            status, errors.AlreadyCheckedIn)
    if action in COUNTER_ACTIONS:
        if status not in ("called", "serving"):
            return errors.NoActiveTicket  # Loket 1 holds no called or serving ticket
        if (status, action) == ("called", "no_show"):
            return errors.RecallsRequired  # called once, never recalled
        return errors.InvalidTransition
    if action == "resume" and status in ("called", "serving"):
        return errors.CounterBusy  # resuming needs an idle counter
    return errors.InvalidTransition


def reach(hall: Hall, status: str) -> Floor:
    ayu, budi = officer(hall, "ayu"), officer(hall, "budi")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", budi)
    first = act(hall, book, KEY, BookingRequest("KTP", "081234567890")) \
        if status == "booked" else issue(hall)
    floor = Floor(ayu, budi, first.id)
    for step in PATHS[status]:
        if step == "call_next":
            act(hall, calling.call_next, "L1", ayu)
        elif step == "next_day":
            hall.clock.set(wita("2026-12-01 09:00"))
            act(hall, rollover.expire_past_days)
            # The rollover closed Monday's counters: Tuesday's officers open them again.
            act(hall, counters.open_counter, "L1", ayu)
            act(hall, counters.open_counter, "L2", budi)
        else:
            act(hall, ACTIONS[step], floor)
    assert ticket(hall, floor.ticket).status is TicketStatus(status)
    return floor


Templates = Callable[[str, Path], tuple[Hall, Floor]]


@pytest.fixture(scope="module")
def floors(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """A copy of a SQLite file holding the hall with the ticket brought to a status.

    Each status is reached once per module (hashing two passwords takes most of the time);
    every test then works on its own copy of that file.
    """
    made: dict[str, tuple[Path, Floor, datetime]] = {}

    def copy(status: str, tmp_path: Path) -> tuple[Hall, Floor]:
        if status not in made:
            path = tmp_path_factory.mktemp(status) / "antre.db"
            template = prepare_hall(f"sqlite:///{path}", remote_hall_data())
            floor = reach(template, status)
            template.engine.dispose()  # the last connection folds the WAL into the file
            made[status] = (path, floor, template.clock.now())
        path, floor, now = made[status]
        shutil.copyfile(path, tmp_path / "antre.db")
        engine = make_engine(f"sqlite:///{tmp_path / 'antre.db'}")
        hall = Hall(engine, session_factory(engine), FixedClock(now),
                    parse_config(remote_hall_data()))
        return hall, floor

    yield copy


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("status", list(PATHS))
def test_every_action_from_every_status(floors: Templates, tmp_path: Path, status: str,
                                        action: str) -> None:
    hall, floor = floors(status, tmp_path)
    try:
        assert ticket(hall, floor.ticket).status is TicketStatus(status)
        allowed = ALLOWED.get((status, action))
        if allowed is None:
            error = refused(hall, refusal(status, action), ACTIONS[action], floor)
            assert error.code == refusal(status, action).code
            return
        before = events(hall)
        act(hall, ACTIONS[action], floor)
        new_status, appended = allowed
        assert ticket(hall, floor.ticket).status is new_status
        assert events(hall)[len(before):] == [
            (floor.ticket, kind, left) for kind, left in appended]
    finally:
        hall.engine.dispose()


def test_the_table_covers_every_status_and_allows_each_transition_once() -> None:
    assert set(PATHS) == {s.value for s in TicketStatus}
    assert {kind for _, appended in ALLOWED.values() for kind, _ in appended} == {
        "called", "recalled", "started", "finished", "recycled", "transferred", "parked",
        "resumed", "cancelled", "returned", "checked_in"}


def test_invalid_transition_names_ticket_status_and_action(sqlite_hall: Hall) -> None:
    floor = reach(sqlite_hall, "serving")
    error = refused(sqlite_hall, errors.InvalidTransition, ACTIONS["recall"], floor)
    assert error.params == {"ticket": "A-001", "status": "serving", "action": "recall"}
    assert "A-001" in error.message("id")


# --- each transition in detail ----------------------------------------------------------------

def test_issue_appends_one_issued_event(sqlite_hall: Hall) -> None:
    issued = issue(sqlite_hall)
    assert events(sqlite_hall) == [(issued.id, "issued", TicketStatus.WAITING)]


def test_call_sets_counter_officer_and_first_call_time(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    floor = reach(hall, "called")
    called = ticket(hall, floor.ticket)
    assert (called.counter_id, called.officer_id, called.call_count) == ("L1", floor.ayu, 1)
    assert called.called_at == called.last_called_at == hall.clock.now()


def test_recall_counts_the_call_and_keeps_the_ticket_called(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    floor = reach(hall, "called")
    first_call = hall.clock.now()
    hall.clock.advance(seconds=30)
    act(hall, calling.recall, "L1", floor.ayu)
    recalled = ticket(hall, floor.ticket)
    assert recalled.status is TicketStatus.CALLED
    assert recalled.call_count == 2
    assert recalled.called_at == first_call  # the wait ended at the first call
    assert recalled.last_called_at == hall.clock.now()
    with hall.session() as session:
        event = session.scalars(select(TicketEvent).order_by(TicketEvent.id.desc())).first()
        assert event is not None and event.data == {"call_count": 2}


def test_no_show_only_after_the_configured_recalls(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    floor = reach(hall, "called")
    for done in (0, 1):
        error = refused(hall, errors.RecallsRequired, calling.no_show, "L1", floor.ayu)
        assert error.params == {"done": done, "needed": 2}
        act(hall, calling.recall, "L1", floor.ayu)
    act(hall, calling.no_show, "L1", floor.ayu)
    gone = ticket(hall, floor.ticket)
    assert gone.status is TicketStatus.NO_SHOW
    assert gone.finished_at == hall.clock.now()
    assert events(hall, floor.ticket)[-1] == (floor.ticket, "no_show", TicketStatus.CALLED)
    # The counter is free again.
    assert act(hall, calling.call_next, "L1", floor.ayu) is None


def test_recycled_ticket_keeps_its_place_and_is_called_next(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    first, second = issue(hall), issue(hall)
    act(hall, calling.call_next, "L1", ayu)
    act(hall, calling.recycle, "L1", ayu)
    back = ticket(hall, first.id)
    assert back.status is TicketStatus.WAITING
    assert back.counter_id is None and back.officer_id is None
    assert back.queue_key == first.queue_key
    again = act(hall, calling.call_next, "L1", ayu)
    assert again is not None and again.id == first.id
    assert ticket(hall, second.id).status is TicketStatus.WAITING


def test_finish_needs_a_known_outcome_where_the_service_lists_them(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    family_card = issue(hall, "KK")
    act(hall, calling.call_next, "L1", ayu)
    act(hall, calling.start_service, "L1", ayu)
    error = refused(hall, errors.OutcomeRequired, calling.finish, "L1", ayu)
    assert error.params == {"choices": "Selesai, Berkas tidak lengkap"}
    refused(hall, errors.OutcomeRequired, calling.finish, "L1", ayu, outcome="")
    error = refused(hall, errors.UnknownOutcome, calling.finish, "L1", ayu, outcome="Beres")
    assert error.params["outcome"] == "Beres"
    act(hall, calling.finish, "L1", ayu, outcome="Berkas tidak lengkap")
    done = ticket(hall, family_card.id)
    assert (done.status, done.outcome) == (TicketStatus.DONE, "Berkas tidak lengkap")
    assert done.finished_at == hall.clock.now()
    with hall.session() as session:
        event = session.scalars(select(TicketEvent).order_by(TicketEvent.id.desc())).first()
        assert event is not None
        assert (event.kind, event.data) == ("finished", {"outcome": "Berkas tidak lengkap"})


def test_finish_from_called_starts_and_finishes_in_one_go(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    floor = reach(hall, "called")
    called_at = hall.clock.now()
    hall.clock.advance(minutes=5)
    act(hall, calling.finish, "L1", floor.ayu)
    done = ticket(hall, floor.ticket)
    assert done.status is TicketStatus.DONE
    # Served from the call on: five minutes of service time, not zero.
    assert (done.started_at, done.finished_at) == (called_at, hall.clock.now())
    assert [kind for _, kind, _ in events(hall, floor.ticket)] == [
        "issued", "called", "started", "finished"]


def test_finish_from_called_still_checks_the_outcome_first(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    issue(hall, "KK")
    act(hall, calling.call_next, "L1", ayu)
    refused(hall, errors.OutcomeRequired, calling.finish, "L1", ayu)  # no stray "started"


def _transfer_floor(hall: Hall) -> tuple[int, int, list[Ticket], Ticket]:
    """Two family-card (KK) tickets wait; Budi serves KTP ticket A-001 at Loket 2 (KTP only).
    Loket 1 (Ayu) serves KTP and KK."""
    ayu, budi = officer(hall, "ayu"), officer(hall, "budi")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", budi)
    waiting = [issue(hall, "KK"), issue(hall, "KK")]
    ktp = issue(hall)
    act(hall, calling.call_next, "L2", budi)
    act(hall, calling.start_service, "L2", budi)
    return ayu, budi, waiting, ktp


def test_transfer_to_the_front_keeps_ticket_and_code_and_goes_next(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, budi, waiting, ktp = _transfer_floor(hall)
    moved = act(hall, calling.transfer, "L2", "KK", front=True, user_id=budi)
    assert (moved.id, moved.code) == (ktp.id, "A-001")
    again = ticket(hall, ktp.id)
    assert again.status is TicketStatus.WAITING and again.counter_id is None
    with hall.session() as session:
        kk = session.scalars(select(Service.id).where(Service.code == "KK")).one()
        ktp_id = session.scalars(select(Service.id).where(Service.code == "KTP")).one()
        event = session.scalars(select(TicketEvent).order_by(TicketEvent.id.desc())).first()
    assert (again.service_id, again.issued_service_id) == (kk, ktp_id)
    assert event is not None and (event.kind, event.status) == ("transferred", S)
    assert event.data == {"to_service_id": kk, "to_service": "KK", "front": True}
    assert event.service_id == ktp_id  # filed under the service the visitor left
    # Budi's counter serves KTP only: the ticket is not his any more, and he is free.
    assert act(hall, calling.call_next, "L2", budi) is None
    assert codes_called(hall, "L1", ayu, 3) == ["A-001", waiting[0].code, waiting[1].code]


def test_transfer_to_the_back_waits_behind_those_already_waiting(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, budi, waiting, ktp = _transfer_floor(hall)
    act(hall, calling.transfer, "L2", "KK", front=False, user_id=budi)
    assert codes_called(hall, "L1", ayu, 3) == [waiting[0].code, waiting[1].code, "A-001"]


def test_transfer_to_an_unknown_service_changes_nothing(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    _, budi, _, _ = _transfer_floor(hall)
    refused(hall, errors.UnknownService, calling.transfer, "L2", "NOPE", front=True,
            user_id=budi)


def test_parked_ticket_resumes_at_its_own_idle_counter_only(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, budi = officer(hall, "ayu"), officer(hall, "budi")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", budi)
    form, other = issue(hall), issue(hall)
    act(hall, calling.call_next, "L1", ayu)
    act(hall, calling.start_service, "L1", ayu)
    act(hall, calling.park, "L1", ayu)
    held = ticket(hall, form.id)
    assert (held.status, held.counter_id) == (TicketStatus.PARKED, "L1")
    # Loket 1 serves someone else meanwhile; resuming must wait until it is idle.
    called = act(hall, calling.call_next, "L1", ayu)
    assert called is not None and called.id == other.id
    refused(hall, errors.CounterBusy, calling.resume, "L1", form.id, ayu)
    act(hall, calling.finish, "L1", ayu)
    refused(hall, errors.TicketElsewhere, calling.resume, "L2", form.id, budi)
    act(hall, calling.resume, "L1", form.id, ayu)
    resumed = ticket(hall, form.id)
    assert (resumed.status, resumed.counter_id) == (TicketStatus.SERVING, "L1")
    assert events(hall, form.id)[-1] == (form.id, "resumed", TicketStatus.PARKED)
    act(hall, calling.finish, "L1", ayu)
    assert ticket(hall, form.id).status is TicketStatus.DONE


def test_parked_ticket_is_not_called_by_call_next(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    floor = reach(hall, "parked")
    assert act(hall, calling.call_next, "L1", floor.ayu) is None
    assert act(hall, calling.call_next, "L2", floor.budi) is None


def test_unknown_ticket_cannot_be_resumed_or_returned(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    refused(hall, errors.UnknownTicket, calling.resume, "L1", 999, ayu)
    refused(hall, errors.UnknownTicket, calling.return_late, 999, ayu)


def test_cancelled_ticket_is_finished_and_skipped(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    leaving, staying = issue(hall), issue(hall)
    with hall.sessions.begin() as session:
        issuing.cancel_ticket(session, hall.clock.now(), session.get(Ticket, leaving.id),
                              reason="visitor_left")
    assert ticket(hall, leaving.id).finished_at == hall.clock.now()
    with hall.session() as session:
        event = session.scalars(select(TicketEvent).order_by(TicketEvent.id.desc())).first()
        assert event is not None and event.data == {"reason": "visitor_left"}
    called = act(hall, calling.call_next, "L1", ayu)
    assert called is not None and called.id == staying.id


def _no_show_with_queue(hall: Hall, waiting: int) -> tuple[int, Ticket, list[Ticket]]:
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    late = issue(hall)
    others = [issue(hall) for _ in range(waiting)]
    act(hall, calling.call_next, "L1", ayu)
    act(hall, calling.recall, "L1", ayu)
    act(hall, calling.recall, "L1", ayu)
    act(hall, calling.no_show, "L1", ayu)
    return ayu, late, others


def test_late_return_lands_the_configured_places_back(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, late, others = _no_show_with_queue(hall, 4)
    hall.clock.advance(minutes=20)
    act(hall, calling.return_late, late.id, ayu)
    back = ticket(hall, late.id)
    assert back.status is TicketStatus.WAITING
    assert back.finished_at is None and back.counter_id is None
    assert events(hall, late.id)[-1] == (late.id, "returned", TicketStatus.NO_SHOW)
    codes = [t.code for t in others]
    assert codes_called(hall, "L1", ayu, 5) == [*codes[:2], "A-001", *codes[2:]]


def test_late_return_never_jumps_ahead_of_tickets_issued_at_the_same_instant(
        sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    same_instant = [act(hall, issuing.issue_ticket, "KTP") for _ in range(5)]
    act(hall, calling.call_next, "L1", ayu)
    for _ in range(2):
        act(hall, calling.recall, "L1", ayu)
    act(hall, calling.no_show, "L1", ayu)
    act(hall, calling.return_late, same_instant[0].id, ayu)
    order = codes_called(hall, "L1", ayu, 5)
    assert order[:2] == ["A-002", "A-003"]
    assert sorted(order) == [t.code for t in same_instant]


def test_late_return_behind_a_short_queue_goes_last(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, late, others = _no_show_with_queue(hall, 1)
    act(hall, calling.return_late, late.id, ayu)
    assert codes_called(hall, "L1", ayu, 2) == [others[0].code, "A-001"]


def test_late_return_on_another_day_is_refused(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, late, _ = _no_show_with_queue(hall, 0)
    hall.clock.set(wita("2026-12-01 09:00"))
    refused(hall, errors.NotToday, calling.return_late, late.id, ayu)


def test_a_full_cycle_on_each_database(hall: Hall) -> None:
    """Issue, call, recall, start, finish; park and resume; transfer; no-show and return."""
    ayu, budi = officer(hall, "ayu"), officer(hall, "budi")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", budi)
    elderly = issue(hall, priority=True, priority_reason="lansia")
    regular = issue(hall)
    family = issue(hall, "KK")
    assert (elderly.code, regular.code, family.code) == ("A-001", "A-002", "B-001")

    first = act(hall, calling.call_next, "L1", ayu)
    assert first is not None and first.id == elderly.id
    act(hall, calling.recall, "L1", ayu)
    act(hall, calling.start_service, "L1", ayu)
    act(hall, calling.park, "L1", ayu)
    second = act(hall, calling.call_next, "L2", budi)
    assert second is not None and second.id == regular.id
    act(hall, calling.start_service, "L2", budi)
    act(hall, calling.transfer, "L2", "KK", front=True, user_id=budi)
    act(hall, calling.resume, "L1", elderly.id, ayu)
    act(hall, calling.finish, "L1", ayu)
    third = act(hall, calling.call_next, "L1", ayu)
    assert third is not None and third.id == regular.id  # transferred to the front of KK
    act(hall, calling.finish, "L1", ayu, outcome="Selesai")
    fourth = act(hall, calling.call_next, "L1", ayu)
    assert fourth is not None and fourth.id == family.id
    act(hall, calling.recall, "L1", ayu)
    act(hall, calling.recall, "L1", ayu)
    act(hall, calling.no_show, "L1", ayu)
    act(hall, calling.return_late, family.id, ayu)

    def kinds(ticket_id: int) -> list[str]:
        return [kind for _, kind, _ in events(hall, ticket_id)]

    assert kinds(elderly.id) == ["issued", "called", "recalled", "started", "parked",
                                 "resumed", "finished"]
    assert kinds(regular.id) == ["issued", "called", "started", "transferred", "called",
                                 "started", "finished"]
    assert kinds(family.id) == ["issued", "called", "recalled", "recalled", "no_show",
                                "returned"]
    assert [ticket(hall, t.id).status for t in (elderly, regular, family)] == [
        TicketStatus.DONE, TicketStatus.DONE, TicketStatus.WAITING]
    assert ticket(hall, elderly.id).priority_reason == "lansia"
