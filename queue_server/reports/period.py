"""What a report is asked for: a range of site-local days, a grouping and a scope."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from queue_server.queue.errors import DomainError

MAX_DAYS = 366
# The days a hall can have data for; beyond them site-time arithmetic would leave the
# calendar (year 1 or 9999), so such a range is refused as a bad one.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


class By(enum.StrEnum):
    """How the figures are grouped."""

    HALL = "hall"
    AGENCY = "agency"
    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"
    DAY = "day"
    WEEKDAY = "weekday"
    HOUR = "hour"


class BadRange(DomainError):
    code, status = "bad_range", 422
    message_id = "Rentang tanggal tidak sah: {why_id}"
    message_en = "Invalid date range: {why_en}"


class UnknownGrouping(DomainError):
    code, status = "unknown_by", 422
    message_id = "Pengelompokan '{by}' tidak dikenal; pilih salah satu: {choices}."
    message_en = "Unknown grouping '{by}'; choose one of: {choices}."


def parse_by(value: str | None) -> By:
    try:
        return By(value or By.HALL.value)
    except ValueError:
        raise UnknownGrouping(by=value, choices=", ".join(b.value for b in By)) from None


@dataclass(frozen=True)
class Period:
    """Site-local days `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def parse(cls, first: str | None, last: str | None) -> Period:
        """From the API's `from` and `to` (YYYY-MM-DD); refusals say what to fix."""
        if not first or not last:
            raise BadRange(why_id="isi 'from' dan 'to' (YYYY-MM-DD).",
                           why_en="give both 'from' and 'to' (YYYY-MM-DD).")
        try:
            start, end = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise BadRange(why_id="tulis tanggal sebagai YYYY-MM-DD, mis. 2026-11-30.",
                           why_en="write dates as YYYY-MM-DD, e.g. 2026-11-30.") from None
        return cls.checked(start, end)

    @classmethod
    def checked(cls, first: date, last: date) -> Period:
        if not (EARLIEST <= first <= LATEST and EARLIEST <= last <= LATEST):
            raise BadRange(why_id=f"tanggal harus antara {EARLIEST} dan {LATEST}.",
                           why_en=f"dates must lie between {EARLIEST} and {LATEST}.")
        if last < first:
            raise BadRange(why_id="'to' sebelum 'from'.", why_en="'to' is before 'from'.")
        if (last - first).days + 1 > MAX_DAYS:
            raise BadRange(why_id=f"paling panjang {MAX_DAYS} hari.",
                           why_en=f"at most {MAX_DAYS} days.")
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def instants(self, timezone: str) -> tuple[datetime, datetime]:
        """The UTC instants where the first day starts and the day after the last starts."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.first, time(), zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone).astimezone(UTC)
        return start, end


@dataclass(frozen=True)
class Scope:
    """Whose figures: every agency (`agency_ids` None, administrators) or some (supervisors)."""

    agency_ids: Collection[int] | None = None

    @property
    def everything(self) -> bool:
        return self.agency_ids is None
