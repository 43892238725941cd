"""Clocks: the engine asks one for `now` instead of reading the system time itself."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """Stands still until moved: for tests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


class ShiftedClock:
    """Starts at a chosen moment and runs on in real time (ANTRE_CLOCK_START: training, demos).

    `started_at` is the Unix time at which it showed `start` (by default: when it is made).
    Processes of one hall given the same pair show the same time, so the tickets they issue
    queue in the order they were taken, as on the system clock.
    """

    def __init__(self, start: datetime, started_at: float | None = None) -> None:
        anchor = datetime.fromtimestamp(time.time() if started_at is None else started_at, UTC)
        self._shift = start.astimezone(UTC) - anchor

    def now(self) -> datetime:
        return datetime.now(UTC) + self._shift


def site_moment(local: datetime, timezone: str) -> datetime:
    """A naive site-local wall-clock time (as staff write it) as an aware instant."""
    return local.replace(tzinfo=ZoneInfo(timezone)) if local.tzinfo is None else local
