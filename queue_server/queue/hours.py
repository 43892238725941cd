"""Whether a ticket may be issued at a given site-local moment: hours, breaks, holidays."""

from __future__ import annotations

from datetime import datetime, time

from queue_server.config import WeeklyHours
from queue_server.queue.errors import (
    AfterCutoff,
    Holiday,
    NotOpenYet,
    OnBreak,
    ServiceClosed,
)


def hhmm(moment: time) -> str:
    """Indonesian way of writing a time of day: 08.00."""
    return moment.strftime("%H.%M")


def issue_refusal(hours: WeeklyHours, holidays: dict[str, str],
                  local: datetime) -> ServiceClosed | None:
    """The reason issuing is refused at `local` (site time), or None when it is allowed.

    Tickets are issued from `issue_from` up to (not including) `cutoff`, outside breaks.
    """
    holiday = holidays.get(local.date().isoformat())
    if holiday:
        return Holiday(name=holiday)
    day = hours.for_weekday(local.weekday())
    if day is None:
        return ServiceClosed()
    now = local.time().replace(tzinfo=None)
    if now < day.issue_from:
        return NotOpenYet(time=hhmm(day.issue_from))
    if now >= day.cutoff:
        return AfterCutoff(time=hhmm(day.cutoff))
    for pause in day.breaks:
        if pause.start <= now < pause.end:
            return OnBreak(name=pause.name, time=hhmm(pause.end))
    return None
