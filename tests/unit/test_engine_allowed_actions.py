"""Which officer actions apply at a counter: the rule itself, and that it agrees with what the
engine accepts and refuses, situation by situation, on a real counter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session

from queue_server.models import Counter, CounterState, Role, TicketStatus
from queue_server.people import add_user
from queue_server.queue import calling, counters, errors, issuing
from queue_server.queue.counters import (
    COUNTER_ACTIONS,
    CounterSituation,
    allowed_actions,
    recalls_left,
    recalls_to_go,
)
from queue_server.readmodels.counters import counter_out
from tests.support.halls import Hall


def situation(state: CounterState = CounterState.OPEN, current: TicketStatus | None = None,
              call_count: int = 0, waiting: int = 0, parked: int = 0) -> CounterSituation:
    return CounterSituation(state=state, current=current, call_count=call_count,
                            waiting=waiting, parked=parked)


@pytest.mark.parametrize(("given", "expected"), [
    (situation(CounterState.CLOSED), ["close"]),
    (situation(CounterState.CLOSED, waiting=3, parked=1), ["close"]),
    (situation(CounterState.BREAK, waiting=3), ["open", "close"]),
    (situation(), ["break", "close"]),
    (situation(waiting=2), ["break", "close", "call-next", "finish-next"]),
    (situation(parked=1), ["break", "close", "resume"]),
    (situation(current=TicketStatus.CALLED, call_count=1),
     ["finish-next", "recall", "start", "recycle", "finish"]),
    (situation(current=TicketStatus.CALLED, call_count=3, waiting=1, parked=1),
     ["finish-next", "recall", "start", "recycle", "finish", "no-show"]),
    (situation(current=TicketStatus.SERVING, call_count=1, parked=1),
     ["finish-next", "finish", "transfer", "park"]),
])
def test_allowed_actions(given: CounterSituation, expected: list[str]) -> None:
    assert allowed_actions(given, recalls_needed=2) == expected


def test_recalls_left() -> None:
    assert recalls_to_go(1, 2) == 2
    assert recalls_to_go(3, 2) == 0
    assert recalls_to_go(5, 2) == 0  # never negative
    assert recalls_left(situation(), 2) is None
    assert recalls_left(situation(current=TicketStatus.SERVING, call_count=1), 2) is None
    assert recalls_left(situation(current=TicketStatus.CALLED, call_count=2), 2) == 1
    assert recalls_left(situation(current=TicketStatus.CALLED, call_count=1), 0) == 0
    assert "no-show" in allowed_actions(situation(current=TicketStatus.CALLED, call_count=1), 0)


# --- Agreement with the engine --------------------------------------------------------------

Run = Callable[[Session, int, int | None], object]  # session, officer, a ticket id


def _runs() -> dict[str, Run]:
    def at(session: Session) -> Any:
        return session.info["now"]  # the test's clock, set on each session

    return {
        "open": lambda s, u, t: counters.open_counter(s, at(s), "L1", u),
        "break": lambda s, u, t: counters.pause_counter(s, at(s), "L1", u),
        "close": lambda s, u, t: counters.close_counter(s, at(s), "L1", u),
        "call-next": lambda s, u, t: calling.call_next(s, at(s), "L1", u),
        "finish-next": lambda s, u, t: _finish_next(s, at(s), u),
        "recall": lambda s, u, t: calling.recall(s, at(s), "L1", u),
        "start": lambda s, u, t: calling.start_service(s, at(s), "L1", u),
        "recycle": lambda s, u, t: calling.recycle(s, at(s), "L1", u),
        "finish": lambda s, u, t: calling.finish(s, at(s), "L1", u),
        "no-show": lambda s, u, t: calling.no_show(s, at(s), "L1", u),
        "transfer": lambda s, u, t: calling.transfer(s, at(s), "L1", "KK", front=False,
                                                     user_id=u),
        "park": lambda s, u, t: calling.park(s, at(s), "L1", u),
        "resume": lambda s, u, t: calling.resume(s, at(s), "L1", t or 0, u),
    }


def _finish_next(session: Session, now: Any, user_id: int) -> object:
    """The console's "finish and call next": call-next with finish_current."""
    counter = counters.lock_counter(session, "L1")
    if counters.active_ticket(session, counter) is not None:
        calling.finish(session, now, "L1", user_id)
    return calling.call_next(session, now, "L1", user_id)


def _harmless(action: str, state: CounterState, result: object) -> bool:
    """Not offered, though the engine does not refuse it: it changes nothing at that moment
    (opening an open counter, closing a closed one, calling when nobody waits), or the
    console does it another way (a closed counter is opened by choosing it)."""
    return ((action == "open" and state is not CounterState.BREAK)
            or (action == "close" and state is CounterState.CLOSED)
            or (action in ("call-next", "finish-next") and result is None))


def _judge(hall: Hall, user_id: int, parked_id: int | None) -> tuple[list[str], int | None]:
    """The allowed actions as the console receives them, each then tried in a transaction
    that is rolled back: an allowed one must pass, a refused one must not be allowed."""
    with hall.session() as session:
        counter = session.get_one(Counter, "L1")
        shown = counter_out(session, hall.clock.now(), counter)
        state = counter.state
    for action, run in _runs().items():
        session = hall.sessions()
        session.info["now"] = hall.clock.now()
        try:
            result = run(session, user_id, parked_id)
        except errors.DomainError as refusal:
            assert action not in shown.allowed_actions, f"{action} offered, then {refusal!r}"
        else:
            if action not in shown.allowed_actions:
                assert _harmless(action, state, result), \
                    f"{action} is accepted yet not offered at {state}"
        finally:
            session.rollback()
            session.close()
    return shown.allowed_actions, shown.recalls_left


def test_allowed_actions_agree_with_the_engine(sqlite_hall: Hall) -> None:
    hall = sqlite_hall

    def act(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with hall.sessions.begin() as session:
            return action(session, hall.clock.now(), *args, **kwargs)

    assert tuple(_runs()) == COUNTER_ACTIONS  # every action is tried, none forgotten
    ayu = act(lambda s, now: add_user(s, now, "ayu", "Ayu", Role.OFFICER, "rahasia123",
                                      ["DUKCAPIL"]).id)
    assert _judge(hall, ayu, None) == (["close"], None)
    act(counters.open_counter, "L1", ayu)
    assert _judge(hall, ayu, None) == (["break", "close"], None)
    for _ in range(3):
        act(lambda s, now: issuing.issue_ticket(s, now, "KTP"))
    assert _judge(hall, ayu, None)[0] == ["break", "close", "call-next", "finish-next"]
    act(calling.call_next, "L1", ayu)
    assert _judge(hall, ayu, None) == (
        ["finish-next", "recall", "start", "recycle", "finish"], 2)
    act(calling.recall, "L1", ayu)
    act(calling.recall, "L1", ayu)
    assert _judge(hall, ayu, None) == (
        ["finish-next", "recall", "start", "recycle", "finish", "no-show"], 0)
    act(calling.start_service, "L1", ayu)
    assert _judge(hall, ayu, None) == (["finish-next", "finish", "transfer", "park"], None)
    parked = act(calling.park, "L1", ayu).id
    assert _judge(hall, ayu, parked)[0] == [
        "break", "close", "call-next", "finish-next", "resume"]
    act(counters.pause_counter, "L1", ayu)
    assert _judge(hall, ayu, parked) == (["open", "close"], None)
