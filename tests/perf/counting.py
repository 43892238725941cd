"""Counting what a request costs the database: its SQL statements and the rows they hand to
Python, on the app's own engine (a SQLite file); the hub's coalesced flush's apart."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

from queue_server.hub.publisher import HUB
from tests.api.conftest import Api
from tests.support.rows import RowCountingCursor


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    parameters: list[Any] = field(default_factory=list)  # each statement's, for its plan
    rows: int = 0  # rows fetched from the database by the counted statements
    until_emit: int | None = None  # statements before the first Socket.IO emit
    in_flush: list[str] = field(default_factory=list)  # the hub's flush's, counted apart
    paused: bool = False
    flushing: bool = False

    def fetched(self, rows: int) -> None:
        if not self.paused:
            self.rows += rows

    def __str__(self) -> str:
        return "\n".join(f"{n:2}. {s.split(chr(10))[0][:150]}"
                         for n, s in enumerate(self.statements, 1))


@contextmanager
def counting(api: Api) -> Iterator[Counted]:
    """Count the statements (and rows) of what runs inside; the hub's flush's apart."""
    state, hub = api.app.extensions["antre"], api.app.extensions[HUB]
    counted = Counted()

    def on_statement(_conn: Any, _cursor: Any, statement: str, parameters: Any,
                     *_args: Any) -> None:
        if counted.flushing:
            counted.in_flush.append(statement)
        elif not counted.paused:
            counted.statements.append(statement)
            counted.parameters.append(parameters)

    def on_executed(_conn: Any, _cursor: Any, _statement: str, _parameters: Any,
                    context: Any, _many: bool) -> None:
        # The result reads its rows from the context's cursor after this event.
        context.cursor = RowCountingCursor(context.cursor, counted.fetched)

    def flushing(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            was = counted.paused, counted.flushing
            counted.paused = counted.flushing = True
            try:
                return function(*args, **kwargs)
            finally:
                counted.paused, counted.flushing = was
        return run

    send = hub.send

    def first_emit(*args: Any, **kwargs: Any) -> Any:
        if counted.until_emit is None:
            counted.until_emit = len(counted.statements)
        return send(*args, **kwargs)

    hub.flush, hub.send = flushing(hub.flush), first_emit
    event.listen(state.engine, "before_cursor_execute", on_statement)
    event.listen(state.engine, "after_cursor_execute", on_executed)
    try:
        yield counted
    finally:
        event.remove(state.engine, "before_cursor_execute", on_statement)
        event.remove(state.engine, "after_cursor_execute", on_executed)
        del hub.flush, hub.send
