"""Appointment slots: a service's day cut into slots of `length_minutes` from its opening to
its cutoff, breaks left out, closed days and holidays without any; each holds `capacity`
bookings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.config import DayHours, WeeklyHours
from queue_server.models import Service, Ticket, TicketStatus
from queue_server.queue.catalog import service_hours
from queue_server.queue.common import get_site, zone
from queue_server.queue.hours import DAYS_EN, DAYS_ID

# Bookings that no longer hold their slot.
RELEASED = (TicketStatus.CANCELLED, TicketStatus.EXPIRED)


@dataclass(frozen=True)
class Slot:
    start: time
    end: time


@dataclass(frozen=True)
class SlotState:
    """One slot of a day as the public and the staff see it."""

    slot: Slot  # site time
    start: datetime  # UTC
    capacity: int
    taken: int  # bookings holding it (booked or checked in)
    left: int  # 0 once it has started


@dataclass(frozen=True)
class SlotDay:
    """A service's slots on one day, or why it has none (`closed_id`/`closed_en`)."""

    slots: tuple[Slot, ...]
    closed_id: str | None = None
    closed_en: str | None = None


def _clock(at: time, minutes: int) -> time:
    return (datetime.combine(date.min, at) + timedelta(minutes=minutes)).time()


def cut_slots(hours: DayHours, length_minutes: int) -> tuple[Slot, ...]:
    """Slots from `open` that start before `cutoff`, ending by `close`, none across a break
    (the next one starts when the break ends)."""
    slots = []
    start = hours.open
    while start < hours.cutoff:
        end = _clock(start, length_minutes)
        if end <= start or end > hours.close:  # past midnight, or after the hall closes
            break
        pause = next((b for b in hours.breaks if start < b.end and end > b.start), None)
        if pause is not None:
            start = pause.end
            continue
        slots.append(Slot(start, end))
        start = end
    return tuple(slots)


def day_closed(hours: WeeklyHours, holidays: dict[str, str],
               day: date) -> tuple[str, str] | None:
    """Why the service is closed all `day` (Indonesian, English), or None when it works."""
    holiday = holidays.get(day.isoformat())
    if holiday:
        return f"hari libur: {holiday}.", f"closed for a holiday: {holiday}."
    if hours.for_weekday(day.weekday()) is None:
        return (f"hari {DAYS_ID[day.weekday()]} layanan tutup.",
                f"closed on {DAYS_EN[day.weekday()]}s.")
    return None


def slot_day(service: Service, hours: WeeklyHours, holidays: dict[str, str],
             day: date) -> SlotDay:
    """The service's slots on `day` (none when it offers no slots, or is closed that day)."""
    if not service.slots:
        return SlotDay((), "layanan ini tidak memakai jadwal jam.",
                       "this service takes no appointments.")
    closed = day_closed(hours, holidays, day)
    day_hours = hours.for_weekday(day.weekday())
    if closed is not None or day_hours is None:
        why_id, why_en = closed or ("", "")
        return SlotDay((), why_id, why_en)
    return SlotDay(cut_slots(day_hours, int(service.slots["length_minutes"])))


def slots_taken(session: Session, service: Service, day: date) -> dict[datetime, int]:
    """Bookings holding each slot of the day (by its start, UTC)."""
    rows = session.execute(
        select(Ticket.slot_start, func.count())
        .where(Ticket.issued_service_id == service.id, Ticket.service_day == day,
               Ticket.slot_start.is_not(None), Ticket.status.not_in(RELEASED))
        .group_by(Ticket.slot_start))
    return {start: count for start, count in rows if start is not None}


def slot_states(session: Session, now: datetime, service: Service,
                day: date) -> tuple[tuple[SlotState, ...], SlotDay]:
    """The service's slots on `day` with their bookings and places left, and the day (whose
    `closed_id`/`closed_en` say why it has none)."""
    site = get_site(session)
    offered = slot_day(service, service_hours(session, service), dict(site.holidays or {}), day)
    taken = slots_taken(session, service, day) if offered.slots else {}
    capacity = int(service.slots["capacity"]) if service.slots else 0
    states = []
    for slot in offered.slots:
        start = datetime.combine(day, slot.start, tzinfo=zone(site.timezone)).astimezone(UTC)
        held = taken.get(start, 0)
        states.append(SlotState(slot, start, capacity, held,
                                0 if start <= now else max(0, capacity - held)))
    return tuple(states), offered
