"""Counting the rows a statement hands to Python: a DBAPI cursor wrapper, for the perf tests
(tests/perf/counting.py) and the benchmark's counts (bench/counts.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class RowCountingCursor:
    """The DBAPI cursor, telling `fetched` how many rows each fetch returned."""

    def __init__(self, cursor: Any, fetched: Callable[[int], None]) -> None:
        self._cursor, self._fetched = cursor, fetched

    def fetchone(self) -> Any:
        row = self._cursor.fetchone()
        if row is not None:
            self._fetched(1)
        return row

    def fetchmany(self, *args: Any) -> Any:
        rows = self._cursor.fetchmany(*args)
        self._fetched(len(rows))
        return rows

    def fetchall(self) -> Any:
        rows = self._cursor.fetchall()
        self._fetched(len(rows))
        return rows

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)
