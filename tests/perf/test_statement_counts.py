"""How many SQL statements the two busiest requests make (issue #17's budget: at most 8;
the tests hold today's ceilings until the budget is met).

An issue at a kiosk and an officer's call-next (finishing the current ticket) are counted
through the Flask test client on a SQLite file, with a `before_cursor_execute` listener on the
app's engine. The hub's coalesced updates (queues, counters, visitors' places) run 0.1 s after
the commit in their own greenlet under `antre serve`, so they are not counted here; a call is
counted up to its first emit, which is what delays the displays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from queue_server.hub.publisher import HUB
from tests.api.conftest import Api

BUDGET = 8  # issue #17's budget, not met yet: the ceilings below stop a regression meanwhile
ISSUE_CEILING = 12  # 17 before the config cache, the one quota upsert and the print state
CALL_CEILING = 12  # 23 before the config cache, finish -> call carrying the counter, and the hub
# building ticket_called from the objects the request holds


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    until_emit: int | None = None
    paused: bool = False

    def __str__(self) -> str:
        return "\n".join(f"{n:2}. {s.split(chr(10))[0][:150]}"
                         for n, s in enumerate(self.statements, 1))


@contextmanager
def counting(api: Api) -> Iterator[Counted]:
    """Count the statements of what runs inside, leaving out the hub's flush."""
    state, hub = api.app.extensions["antre"], api.app.extensions[HUB]
    counted = Counted()

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not counted.paused:
            counted.statements.append(statement)

    def paused(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            was, counted.paused = counted.paused, True
            try:
                return function(*args, **kwargs)
            finally:
                counted.paused = was
        return run

    send = hub.send

    def first_emit(*args: Any, **kwargs: Any) -> Any:
        if counted.until_emit is None:
            counted.until_emit = len(counted.statements)
        return send(*args, **kwargs)

    hub.flush, hub.send = paused(hub.flush), first_emit
    event.listen(state.engine, "before_cursor_execute", on_statement)
    try:
        yield counted
    finally:
        event.remove(state.engine, "before_cursor_execute", on_statement)
        del hub.flush, hub.send


def test_an_issue_at_a_kiosk_makes_few_statements(api: Api) -> None:
    api.issue("KTP")  # the day's first ticket makes the day's rows
    with counting(api) as counted:
        api.issue("KTP")
    assert len(counted.statements) <= ISSUE_CEILING, f"{len(counted.statements)}:\n{counted}"


def test_a_call_next_makes_few_statements_before_its_first_emit(api: Api) -> None:
    for _ in range(3):
        api.issue("KTP")
    assert api.act("ayu", "L1", "open").status_code == 200
    assert api.act("ayu", "L1", "call-next").status_code == 200
    with counting(api) as counted:
        answer = api.act("ayu", "L1", "call-next", finish_current=True)
    assert answer.status_code == 200, answer.get_json()
    assert counted.until_emit is not None, "the call was not announced"
    assert counted.until_emit <= CALL_CEILING, f"{counted.until_emit}:\n{counted}"
