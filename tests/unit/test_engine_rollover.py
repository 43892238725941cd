"""Day rollover: yesterday's unfinished tickets expire, finished ones and today's stay."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from queue_server.queue import calling, counters, errors, issuing, rollover
from tests.support.halls import Hall, prepare_hall, unlimited_hall_data, wita

T = TypeVar("T")
TUESDAY_9 = wita("2026-12-01 09:00")


def act(hall: Hall, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with hall.sessions.begin() as session:
        return action(session, hall.clock.now(), *args, **kwargs)


@pytest.fixture
def floor(tmp_path: Any) -> Iterator[tuple[Hall, dict[str, int], int, int]]:
    """Monday's end: one ticket in each status, the KTP quota lifted to fit them all.
    Loket 1 (Ayu) holds a parked and a called ticket, Loket 2 (Budi) a serving one."""
    hall = prepare_hall(f"sqlite:///{tmp_path / 'antre.db'}", unlimited_hall_data())
    ayu, budi = (act(hall, add_user, name, name.title(), Role.OFFICER, "rahasia123",
                     ["DUKCAPIL"]).id for name in ("ayu", "budi"))
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", budi)
    ids: dict[str, int] = {}

    def next_at(counter_id: str, user: int, name: str) -> None:
        ticket = act(hall, issuing.issue_ticket, "KTP")
        called = act(hall, calling.call_next, counter_id, user)
        assert called is not None and called.id == ticket.id
        ids[name] = ticket.id

    next_at("L1", ayu, "done")
    act(hall, calling.finish, "L1", ayu)
    next_at("L1", ayu, "no_show")
    for _ in range(2):
        act(hall, calling.recall, "L1", ayu)
    act(hall, calling.no_show, "L1", ayu)
    next_at("L1", ayu, "parked")
    act(hall, calling.start_service, "L1", ayu)
    act(hall, calling.park, "L1", ayu)
    next_at("L2", budi, "serving")
    act(hall, calling.start_service, "L2", budi)
    next_at("L1", ayu, "called")
    ids["cancelled"] = act(hall, issuing.issue_ticket, "KTP").id
    with hall.sessions.begin() as session:
        issuing.cancel_ticket(session, hall.clock.now(), session.get(Ticket, ids["cancelled"]))
    ids["waiting"] = act(hall, issuing.issue_ticket, "KTP").id
    current = statuses(hall)
    assert {name: current[i] for name, i in ids.items()} == {n: TicketStatus(n) for n in ids}
    yield hall, ids, ayu, budi
    hall.engine.dispose()


def statuses(hall: Hall) -> dict[int, TicketStatus]:
    with hall.session() as session:
        return dict(session.execute(select(Ticket.id, Ticket.status)).all())


def expired_events(hall: Hall) -> list[tuple[int, TicketStatus]]:
    with hall.session() as session:
        return [(e.ticket_id, e.status) for e in session.scalars(
            select(TicketEvent).where(TicketEvent.kind == "expired").order_by(TicketEvent.id))]


def test_unfinished_tickets_of_yesterday_expire(
        floor: tuple[Hall, dict[str, int], int, int]) -> None:
    hall, ids, _, _ = floor
    hall.clock.set(TUESDAY_9)
    assert act(hall, rollover.expire_past_days) == 4
    after = statuses(hall)
    for name in ("waiting", "called", "serving", "parked"):
        assert after[ids[name]] is TicketStatus.EXPIRED, name
    for name in ("done", "no_show", "cancelled"):
        assert after[ids[name]] is TicketStatus(name), name
    assert sorted(expired_events(hall)) == sorted(
        (ids[name], TicketStatus(name)) for name in ("waiting", "called", "serving", "parked"))
    with hall.session() as session:
        finished = session.scalars(select(Ticket.finished_at).where(
            Ticket.status == TicketStatus.EXPIRED)).all()
    assert finished == [hall.clock.now()] * 4


def test_rollover_is_idempotent(floor: tuple[Hall, dict[str, int], int, int]) -> None:
    hall, _, _, _ = floor
    hall.clock.set(TUESDAY_9)
    act(hall, rollover.expire_past_days)
    before = (statuses(hall), expired_events(hall))
    hall.clock.advance(minutes=5)
    assert act(hall, rollover.expire_past_days) == 0
    assert (statuses(hall), expired_events(hall)) == before


def test_rollover_on_the_same_day_changes_nothing(
        floor: tuple[Hall, dict[str, int], int, int]) -> None:
    hall, _, _, _ = floor
    before = statuses(hall)
    hall.clock.set(wita("2026-11-30 23:59:59"))
    assert act(hall, rollover.expire_past_days) == 0
    assert statuses(hall) == before and expired_events(hall) == []


def test_todays_tickets_are_left_alone(floor: tuple[Hall, dict[str, int], int, int]) -> None:
    hall, _, _, _ = floor
    hall.clock.set(TUESDAY_9)
    today = act(hall, issuing.issue_ticket, "KTP")
    act(hall, rollover.expire_past_days)
    assert statuses(hall)[today.id] is TicketStatus.WAITING
    assert today.code == "A-001"


def test_rollover_frees_the_counters(floor: tuple[Hall, dict[str, int], int, int]) -> None:
    hall, ids, ayu, budi = floor
    hall.clock.set(TUESDAY_9)
    first, second = (act(hall, issuing.issue_ticket, "KTP") for _ in range(2))
    # Before rollover, yesterday's called and serving tickets still hold both counters.
    for counter_id, user in (("L1", ayu), ("L2", budi)):
        with pytest.raises(errors.CounterBusy):
            act(hall, calling.call_next, counter_id, user)
    act(hall, rollover.expire_past_days)
    # Monday's counters were closed by the rollover: Tuesday's officers open them again.
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L2", budi)
    called = [act(hall, calling.call_next, "L1", ayu), act(hall, calling.call_next, "L2", budi)]
    assert [t.id for t in called if t is not None] == [first.id, second.id]
    # The expired parked ticket cannot be resumed.
    act(hall, calling.finish, "L1", ayu)
    with pytest.raises(errors.InvalidTransition):
        act(hall, calling.resume, "L1", ids["parked"], ayu)


def counter_states(hall: Hall) -> dict[str, tuple[CounterState, int | None]]:
    with hall.session() as session:
        return {c.id: (c.state, c.officer_id) for c in session.scalars(select(Counter))}


def test_counters_the_day_left_open_are_closed_with_an_event(
        floor: tuple[Hall, dict[str, int], int, int]) -> None:
    """Monday's open counters are not "Buka" on Tuesday morning: closed, officer freed, one
    CounterEvent each (no user: the day closed them), once."""
    hall, _, _, _ = floor
    hall.clock.set(TUESDAY_9)
    act(hall, rollover.expire_past_days)
    states = counter_states(hall)
    assert states["L1"] == states["L2"] == (CounterState.CLOSED, None)
    with hall.session() as session:
        closing = session.scalars(select(CounterEvent).where(
            CounterEvent.at == hall.clock.now()).order_by(CounterEvent.counter_id)).all()
        assert [(e.counter_id, e.state, e.user_id, e.reason) for e in closing] == [
            (c, CounterState.CLOSED, None, rollover.DAY_ENDED) for c in ("L1", "L2")]
    hall.clock.advance(minutes=5)
    act(hall, rollover.expire_past_days)
    with hall.session() as session:
        assert len(session.scalars(select(CounterEvent).where(
            CounterEvent.reason == rollover.DAY_ENDED)).all()) == 2


def test_counters_opened_today_stay_open(
        floor: tuple[Hall, dict[str, int], int, int]) -> None:
    hall, _, ayu, budi = floor
    hall.clock.set(wita("2026-11-30 23:59:59"))
    act(hall, rollover.expire_past_days)  # still Monday: nothing closes
    assert counter_states(hall)["L1"] == (CounterState.OPEN, ayu)
    hall.clock.set(TUESDAY_9)
    act(hall, rollover.expire_past_days)
    act(hall, counters.open_counter, "L2", budi)
    hall.clock.advance(minutes=30)
    act(hall, rollover.expire_past_days)
    assert counter_states(hall)["L2"] == (CounterState.OPEN, budi)
