"""Remote taking's shared rules: the hall's settings, the part of a day's quota kept for remote
bookings, and when remote taking for a day closes.

A service's `remote_share` is the percentage of its daily quota kept for remote bookings:
remote bookings may take no more, and walk-ins may not take it while remote taking for the
day is open (until `remote_cutoff_minutes` before the day's cutoff). After that the rest is
anyone's. A share of 0 means the service takes no remote bookings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from queue_server.config import DayHours, Remote
from queue_server.models import Service, Site
from queue_server.queue.hours import hhmm


@dataclass(frozen=True)
class Share:
    """How a new ticket meets the part of the quota kept for remote bookings."""

    percent: int  # of the quota kept; 0: nothing is kept (the plain quota)
    remote: bool  # a remote booking takes from the kept part, a walk-in from the rest
    until: str = ""  # for a walk-in: when the kept part is freed ("13.30")


NOTHING_KEPT = Share(0, remote=False)


def remote_rules(site: Site) -> Remote:
    """The hall's remote settings (remote taking off when the config has none)."""
    return Remote.model_validate(site.remote or {})


def kept_for_remote(quota: int | None, percent: int) -> int:
    """The number of a quota kept for remote bookings (the SQL in issuing counts the same)."""
    return quota * percent // 100 if quota is not None else 0


def remote_closes_at(hours: DayHours, service: Service) -> time:
    """When remote taking for a day with these hours closes (site time)."""
    cutoff = datetime.combine(date.min, hours.cutoff)
    closes = cutoff - timedelta(minutes=service.remote_cutoff_minutes)
    return closes.time() if closes.date() == date.min else time.min


def walk_in_share(service: Service, hours: DayHours | None, at: time) -> Share:
    """What a walk-in ticket issued at `at` (site time) must leave to remote bookings."""
    if service.remote_share <= 0 or hours is None:
        return NOTHING_KEPT
    closes = remote_closes_at(hours, service)
    if at >= closes:
        return NOTHING_KEPT
    return Share(service.remote_share, remote=False, until=hhmm(closes))
