"""Time arithmetic in SQL that SQLite and PostgreSQL both answer the same way.

Timestamps are stored as naive UTC. Site-local hours and days use a fixed UTC offset: the
hall's zone, Asia/Makassar (WITA, UTC+8), has kept no daylight saving time since 1932, so a
fixed offset is exact there (and in every Indonesian zone), and a fixed offset is the one
conversion both databases do alike without timezone tables (SQLite has none).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Float, Integer, cast, func, literal, literal_column, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from queue_server.models import UTCDateTime


class Dialect:
    """SQL expressions for one database: `sqlite` or `postgresql`."""

    def __init__(self, name: str, utc_offset_minutes: int) -> None:
        self.name = name
        self.offset = int(utc_offset_minutes)

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def _shift(self, moment: Any) -> Any:
        return moment + literal_column(f"INTERVAL '{self.offset} minutes'")

    def seconds(self, later: Any, earlier: Any) -> ColumnElement[float]:
        """`later - earlier` in seconds (a float)."""
        if self.postgres:
            return cast(func.extract("epoch", later - earlier), Float)
        # julianday() is a float of days; rounded to the millisecond, SQLite's resolution.
        return func.round((func.julianday(later) - func.julianday(earlier)) * 86400.0, 3)

    def local_hour(self, moment: Any) -> ColumnElement[int]:
        """The hour of day (0-23) on the site's clock."""
        if self.postgres:
            return cast(func.extract("hour", self._shift(moment)), Integer)
        return cast(func.strftime("%H", moment, f"{self.offset:+d} minutes"), Integer)

    def local_day(self, moment: Any) -> ColumnElement[Any]:
        """The site-local date of an instant."""
        if self.postgres:
            return cast(self._shift(moment), Date)
        return type_coerce(func.date(moment, f"{self.offset:+d} minutes"), Date)

    def iso_weekday(self, day: Any) -> ColumnElement[int]:
        """1 (Monday) to 7 (Sunday) of a date column."""
        if self.postgres:
            return cast(func.extract("isodow", day), Integer)
        return (cast(func.strftime("%w", day), Integer) + 6) % 7 + 1

    def local_day_end(self, moment: Any) -> ColumnElement[Any]:
        """The instant (UTC) at which the site-local day of `moment` ends."""
        if self.postgres:
            shifted = func.date_trunc("day", self._shift(moment))
            back: ColumnElement[Any] = literal_column(f"INTERVAL '{1440 - self.offset} minutes'")
            return type_coerce(shifted + back, UTCDateTime())
        return type_coerce(func.strftime("%Y-%m-%d %H:%M:%f", moment,
                                         f"{self.offset:+d} minutes", "start of day",
                                         f"{1440 - self.offset:+d} minutes"), UTCDateTime())

    def whole(self, value: Any) -> ColumnElement[int]:
        """The whole part of a non-negative number (PostgreSQL's CAST would round it)."""
        if self.postgres:
            return cast(func.floor(value), Integer)
        return cast(value, Integer)

    def earliest(self, first: Any, second: Any) -> ColumnElement[Any]:
        if self.postgres:
            return func.least(first, second)
        return func.min(first, second)  # SQLite's two-argument min() is a scalar function

    @staticmethod
    def instant(moment: datetime) -> ColumnElement[Any]:
        return literal(moment.astimezone(UTC), UTCDateTime())


def utc_offset_minutes(timezone: str, at: datetime) -> int:
    offset = ZoneInfo(timezone).utcoffset(at.replace(tzinfo=None))
    return int(offset.total_seconds() // 60) if offset is not None else 0


def dialect_for(bind_name: str, timezone: str, at: datetime) -> Dialect:
    return Dialect(bind_name, utc_offset_minutes(timezone, at))
