"""One call-next loads its counter once: the view's check, the engine's lock and the answer
share one row, read with its lock, not one read per layer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.api.conftest import Api

FROM_COUNTERS = re.compile(r"^\s*SELECT\b.*\bFROM counters\b", re.IGNORECASE | re.DOTALL)


@contextmanager
def counter_selects(api: Api) -> Iterator[list[str]]:
    """The SELECTs on `counters` the request itself makes (the hub's events, read after the
    commit in a session of their own, are left out by not publishing)."""
    state = api.app.extensions["antre"]
    found: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if FROM_COUNTERS.match(statement):
            found.append(statement)

    publish, state.publish = state.publish, None
    event.listen(state.engine, "before_cursor_execute", seen)
    try:
        yield found
    finally:
        event.remove(state.engine, "before_cursor_execute", seen)
        state.publish = publish


@pytest.mark.parametrize("finish_current", [False, True])
def test_a_call_next_loads_its_counter_once(api: Api, finish_current: bool) -> None:
    for _ in range(2):
        api.issue("KTP")
    assert api.act("ayu", "L1", "open").status_code == 200
    if finish_current:  # the console's "finish and call next": one more lock in the engine
        assert api.act("ayu", "L1", "call-next").status_code == 200
    with counter_selects(api) as selects:
        answer = api.act("ayu", "L1", "call-next", finish_current=finish_current)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["ticket"]["code"] == ("A-002" if finish_current else "A-001")
    assert len(selects) == 1, selects
