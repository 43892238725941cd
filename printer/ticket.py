"""What a printed queue ticket says, independent of how it is printed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Indonesia's three zones have no daylight saving, so the UTC offset names the zone.
_ZONE_NAMES = {timedelta(hours=7): "WIB", timedelta(hours=8): "WITA", timedelta(hours=9): "WIT"}


@dataclass(frozen=True, kw_only=True)
class TicketPrint:
    """A ticket to print: plain values, already in the site's words and local time.

    Keyword-only, so a payload's fields cannot land in the wrong place.
    """

    site_name: str
    site_address: str
    agency_name: str
    service_name: str
    code: str  # "A-012"
    priority_label: str | None = None  # "PRIORITAS - Lansia"
    issued_at: datetime  # aware, already in the site's local time
    ahead: int
    estimated_wait_min: int | None = None
    # Printed instead of a figure when none is honest (no counter serving it is open yet).
    wait_note: str | None = None
    requirements: tuple[str, ...] = ()
    tracking_url: str
    footer: tuple[str, ...] = ()
    qr_caption: str = "Pindai QR untuk memantau antrean"

    def __post_init__(self) -> None:
        if self.issued_at.utcoffset() is None:
            raise ValueError("TicketPrint.issued_at must be timezone-aware (site local time)")
        if self.ahead < 0:
            raise ValueError(f"TicketPrint.ahead must be >= 0, got {self.ahead}")
        if not self.code.strip():
            raise ValueError("TicketPrint.code must not be empty")
        # Callers often hold lists (JSON); keep the dataclass hashable and immutable.
        object.__setattr__(self, "requirements", _as_tuple(self.requirements))
        object.__setattr__(self, "footer", _as_tuple(self.footer))

    @property
    def issued_text(self) -> str:
        """``27-11-2026 09:05 WITA``."""
        return f"{self.issued_at:%d-%m-%Y %H:%M} {zone_name(self.issued_at)}"


def zone_name(moment: datetime) -> str:
    """WIB/WITA/WIT for Indonesian offsets, else the zone's own abbreviation or ``UTC+hh:mm``."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("a naive datetime has no zone")
    if offset in _ZONE_NAMES:
        return _ZONE_NAMES[offset]
    name = moment.tzname()
    if name and not name.startswith(("+", "-")):
        return name
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _as_tuple(lines: Iterable[str]) -> tuple[str, ...]:
    if isinstance(lines, str):  # a lone string is one line, not a sequence of characters
        return (lines,)
    return tuple(lines)
