"""A counter's answer on both databases: the first of its line in calling order with how many
wait in all, its called ticket and its parked ones (one UNION of index ranges)."""

from __future__ import annotations

from typing import Any

from queue_server.models import Counter, Role, TicketStatus
from queue_server.people import add_user
from queue_server.queue import calling, counters, issuing
from queue_server.readmodels.counters import WAITING_SHOWN, counter_out
from tests.support.halls import Hall


def test_the_counter_answer_lists_its_line_its_call_and_its_parked(hall: Hall) -> None:
    def act(action: Any, *args: Any, **kwargs: Any) -> Any:
        with hall.sessions.begin() as session:
            return action(session, hall.clock.now(), *args, **kwargs)

    ayu = act(lambda s, now: add_user(s, now, "ayu", "Ayu", Role.OFFICER, "rahasia123",
                                      ["DUKCAPIL"]).id)
    act(counters.open_counter, "L1", ayu)
    for _ in range(WAITING_SHOWN + 3):
        act(lambda s, now: issuing.issue_ticket(s, now, "KK"))
        hall.clock.advance(seconds=1)
    elder = act(lambda s, now: issuing.issue_ticket(s, now, "KK", priority=True,
                                                     priority_reason="lansia")).code
    first = act(calling.call_next, "L1", ayu).code  # the priority visitor goes first
    act(calling.start_service, "L1", ayu)
    parked = act(calling.park, "L1", ayu).code
    called = act(calling.call_next, "L1", ayu).code

    with hall.session() as session:
        shown = counter_out(session, hall.clock.now(), session.get_one(Counter, "L1"))
    assert (first, parked) == (elder, elder)
    assert shown.current is not None and shown.current.code == called
    assert shown.current.status is TicketStatus.CALLED
    assert [item.code for item in shown.parked] == [elder]
    assert shown.waiting_total == WAITING_SHOWN + 2  # all but the one called
    codes = [item.code for item in shown.waiting]
    assert len(codes) == WAITING_SHOWN and called not in codes
    assert codes == sorted(codes)  # issued one after another: calling order is code order
