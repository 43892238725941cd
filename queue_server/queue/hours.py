"""Whether a ticket may be issued at a given site-local moment: hours, breaks, holidays."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from queue_server.config import WeeklyHours
from queue_server.queue.errors import (
    AfterCutoff,
    ClosedDay,
    Holiday,
    NotOpenYet,
    OnBreak,
    ServiceClosed,
)


def hhmm(moment: time) -> str:
    """Indonesian way of writing a time of day: 08.00."""
    return moment.strftime("%H.%M")


DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
LOOK_AHEAD_DAYS = 31  # a hall closed longer than a month has no "next" worth saying


def next_opening(hours: WeeklyHours, holidays: dict[str, str],
                 after: date) -> dict[str, str]:
    """When tickets are issued next, after the day `after`: {"next_id": "Senin, 07.30",
    "next_en": "Monday 07.30"} (or "nanti"/"later" when no day within a month opens)."""
    for ahead in range(1, LOOK_AHEAD_DAYS + 1):
        day = after + timedelta(days=ahead)
        hours_then = hours.for_weekday(day.weekday())
        if hours_then is None or day.isoformat() in holidays:
            continue
        at = hhmm(hours_then.issue_from)
        return {"next_id": f"{DAYS_ID[day.weekday()]}, {at}",
                "next_en": f"{DAYS_EN[day.weekday()]} {at}"}
    return {"next_id": "nanti", "next_en": "later"}


def issue_refusal(hours: WeeklyHours, holidays: dict[str, str],
                  local: datetime) -> ServiceClosed | None:
    """The reason issuing is refused at `local` (site time), or None when it is allowed.

    Tickets are issued from `issue_from` up to (not including) `cutoff`, outside breaks.
    """
    holiday = holidays.get(local.date().isoformat())
    if holiday:
        return Holiday(name=holiday, **next_opening(hours, holidays, local.date()))
    day = hours.for_weekday(local.weekday())
    if day is None:
        weekday = local.weekday()
        return ClosedDay(day_id=DAYS_ID[weekday], day_en=DAYS_EN[weekday],
                         **next_opening(hours, holidays, local.date()))
    now = local.time().replace(tzinfo=None)
    if now < day.issue_from:
        return NotOpenYet(time=hhmm(day.issue_from))
    if now >= day.cutoff:
        return AfterCutoff(time=hhmm(day.cutoff))
    for pause in day.breaks:
        if pause.start <= now < pause.end:
            return OnBreak(name=pause.name, time=hhmm(pause.end))
    return None


def issue_changes(hours: WeeklyHours, day: date) -> list[time]:
    """The times on `day` at which `issue_refusal` may change its answer: issuing opens,
    each break starts and ends, the cutoff; in order."""
    hours_then = hours.for_weekday(day.weekday())
    if hours_then is None:
        return []
    pauses = [moment for pause in hours_then.breaks for moment in (pause.start, pause.end)]
    return sorted({hours_then.issue_from, hours_then.cutoff, *pauses})
