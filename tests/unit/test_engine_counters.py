"""Counters (loket): opening, breaks and closing, who may hold one, and calling at one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from queue_server.models import (
    Counter,
    CounterEvent,
    CounterState,
    Role,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from queue_server.people import add_user
from queue_server.queue import calling, counters, errors, issuing
from tests.support.halls import Hall

T = TypeVar("T")


def act(hall: Hall, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with hall.sessions.begin() as session:
        return action(session, hall.clock.now(), *args, **kwargs)


def officer(hall: Hall, username: str, agency: str = "DUKCAPIL") -> int:
    return act(hall, add_user, username, username.title(), Role.OFFICER, "rahasia123",
               [agency]).id


def desk(hall: Hall, counter_id: str) -> tuple[CounterState, int | None]:
    with hall.session() as session:
        counter = session.get(Counter, counter_id)
        assert counter is not None
        return counter.state, counter.officer_id


def floor_state(hall: Hall) -> tuple[list[Any], list[Any], int, int]:
    with hall.session() as session:
        desks = [tuple(r) for r in session.execute(
            select(Counter.id, Counter.state, Counter.officer_id, Counter.state_changed_at)
            .order_by(Counter.id))]
        tickets = [tuple(r) for r in session.execute(
            select(Ticket.id, Ticket.status, Ticket.counter_id).order_by(Ticket.id))]
        return (desks, tickets, len(session.scalars(select(CounterEvent.id)).all()),
                len(session.scalars(select(TicketEvent.id)).all()))


def refused(hall: Hall, error: type[errors.DomainError], action: Callable[..., object],
            *args: Any) -> errors.DomainError:
    before = floor_state(hall)
    with pytest.raises(error) as caught:
        act(hall, action, *args)
    assert type(caught.value) is error
    assert floor_state(hall) == before
    return caught.value


def counter_events(hall: Hall, counter_id: str) -> list[tuple[CounterState, int | None]]:
    with hall.session() as session:
        return [(e.state, e.user_id) for e in session.scalars(
            select(CounterEvent).where(CounterEvent.counter_id == counter_id)
            .order_by(CounterEvent.id))]


def test_open_break_reopen_close(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    assert desk(hall, "L1") == (CounterState.CLOSED, None)
    act(hall, counters.open_counter, "L1", ayu)
    assert desk(hall, "L1") == (CounterState.OPEN, ayu)
    act(hall, counters.pause_counter, "L1", ayu, "makan siang")
    assert desk(hall, "L1") == (CounterState.BREAK, ayu)  # keeps its officer
    refused(hall, errors.CounterNotOpen, calling.call_next, "L1", ayu)
    act(hall, counters.open_counter, "L1", ayu)
    assert desk(hall, "L1") == (CounterState.OPEN, ayu)
    act(hall, counters.close_counter, "L1", ayu)
    assert desk(hall, "L1") == (CounterState.CLOSED, None)
    assert counter_events(hall, "L1") == [
        (CounterState.OPEN, ayu), (CounterState.BREAK, ayu), (CounterState.OPEN, ayu),
        (CounterState.CLOSED, ayu)]
    with hall.session() as session:
        reasons = session.scalars(select(CounterEvent.reason).order_by(CounterEvent.id)).all()
    assert reasons == [None, "makan siang", None, None]


def test_opening_an_open_counter_again_records_nothing(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L1", ayu)
    assert counter_events(hall, "L1") == [(CounterState.OPEN, ayu)]


def test_break_on_a_closed_counter_is_refused(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    refused(hall, errors.CounterNotOpen, counters.pause_counter, "L1", ayu)


@pytest.mark.parametrize("step", ["call", "start"])
def test_break_and_close_refused_while_a_ticket_is_active(sqlite_hall: Hall,
                                                          step: str) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, issuing.issue_ticket, "KTP")
    act(hall, calling.call_next, "L1", ayu)
    if step == "start":
        act(hall, calling.start_service, "L1", ayu)
    error = refused(hall, errors.CounterBusy, counters.pause_counter, "L1", ayu)
    assert error.params == {"counter": "Loket 1", "ticket": "A-001"}
    refused(hall, errors.CounterBusy, counters.close_counter, "L1", ayu)
    act(hall, calling.finish, "L1", ayu)
    act(hall, counters.close_counter, "L1", ayu)
    assert desk(hall, "L1") == (CounterState.CLOSED, None)


@pytest.mark.parametrize("paused", [False, True])
def test_another_officer_cannot_take_an_open_counter(sqlite_hall: Hall, paused: bool) -> None:
    hall = sqlite_hall
    ayu, budi = officer(hall, "ayu"), officer(hall, "budi")
    act(hall, counters.open_counter, "L1", ayu)
    if paused:
        act(hall, counters.pause_counter, "L1", ayu)
    error = refused(hall, errors.CounterTaken, counters.open_counter, "L1", budi)
    assert error.params == {"counter": "Loket 1", "officer": "Ayu"}
    act(hall, counters.close_counter, "L1", ayu)
    act(hall, counters.open_counter, "L1", budi)
    assert desk(hall, "L1") == (CounterState.OPEN, budi)


def test_opening_a_second_counter_closes_the_first_idle_one(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", ayu)
    assert desk(hall, "L1") == (CounterState.CLOSED, None)
    assert desk(hall, "L2") == (CounterState.OPEN, ayu)
    assert counter_events(hall, "L1") == [(CounterState.OPEN, ayu), (CounterState.CLOSED, ayu)]


def test_a_paused_first_counter_is_closed_too(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.pause_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", ayu)
    assert desk(hall, "L1") == (CounterState.CLOSED, None)


def test_opening_a_second_counter_while_the_first_is_busy_is_refused(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, issuing.issue_ticket, "KTP")
    act(hall, calling.call_next, "L1", ayu)
    refused(hall, errors.CounterBusy, counters.open_counter, "L2", ayu)
    assert desk(hall, "L2") == (CounterState.CLOSED, None)


def test_unknown_counter(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    error = refused(hall, errors.UnknownCounter, counters.open_counter, "L9", ayu)
    assert error.status == 404
    refused(hall, errors.UnknownCounter, calling.call_next, "L9", ayu)


def test_call_next_on_a_closed_counter_is_refused(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, issuing.issue_ticket, "KTP")
    refused(hall, errors.CounterNotOpen, calling.call_next, "L1", ayu)


def test_call_next_with_an_active_ticket_is_refused(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, issuing.issue_ticket, "KTP")
    act(hall, issuing.issue_ticket, "KTP")
    act(hall, calling.call_next, "L1", ayu)
    refused(hall, errors.CounterBusy, calling.call_next, "L1", ayu)
    act(hall, calling.start_service, "L1", ayu)
    refused(hall, errors.CounterBusy, calling.call_next, "L1", ayu)


def test_call_next_with_nobody_waiting_gives_none_and_changes_nothing(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    before = floor_state(hall)
    assert act(hall, calling.call_next, "L1", ayu) is None
    assert floor_state(hall) == before


def test_call_a_chosen_ticket_out_of_turn(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    first = act(hall, issuing.issue_ticket, "KTP")
    hall.clock.advance(seconds=1)
    chosen = act(hall, issuing.issue_ticket, "KK")
    called = act(hall, calling.call_ticket, "L1", chosen.id, ayu, "berkas sudah dicek")
    assert (called.id, called.status, called.counter_id) == (
        chosen.id, TicketStatus.CALLED, "L1")
    with hall.session() as session:
        event = session.scalars(select(TicketEvent).order_by(TicketEvent.id.desc())).first()
    assert event is not None
    assert (event.kind, event.status, event.counter_id, event.user_id) == (
        "called", TicketStatus.WAITING, "L1", ayu)
    assert event.data == {"chosen": True, "reason": "berkas sudah dicek"}
    # The chosen ticket holds the counter like any call; the first one still waits.
    refused(hall, errors.CounterBusy, calling.call_ticket, "L1", first.id, ayu)
    act(hall, calling.finish, "L1", ayu, outcome="Selesai")
    again = act(hall, calling.call_next, "L1", ayu)
    assert again is not None and again.id == first.id


def test_call_a_chosen_ticket_of_a_service_the_counter_does_not_serve(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    police = act(hall, issuing.issue_ticket, "SKCK")
    error = refused(hall, errors.ServiceNotServed, calling.call_ticket, "L1", police.id, ayu)
    assert error.params == {"counter": "Loket 1", "service": "SKCK"}


def test_call_a_chosen_ticket_on_a_closed_counter_is_refused(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    waiting = act(hall, issuing.issue_ticket, "KTP")
    refused(hall, errors.CounterNotOpen, calling.call_ticket, "L1", waiting.id, ayu)
    refused(hall, errors.UnknownCounter, calling.call_ticket, "L9", waiting.id, ayu)


def test_call_an_unknown_ticket(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    refused(hall, errors.UnknownTicket, calling.call_ticket, "L1", 4242, ayu)


@pytest.mark.parametrize("action", [calling.recall, calling.start_service, calling.finish,
                                    calling.no_show, calling.recycle, calling.park])
def test_ticket_actions_on_an_idle_counter(sqlite_hall: Hall,
                                           action: Callable[..., object]) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, issuing.issue_ticket, "KTP")
    error = refused(hall, errors.NoActiveTicket, action, "L1", ayu)
    assert error.params == {"counter": "Loket 1"}
