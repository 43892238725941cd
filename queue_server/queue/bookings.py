"""Taking a number from home: today's queue or an appointment slot on a later day.

A booking takes a number and a unit of the day's quota (from the part kept for remote
bookings) at once, like a kiosk ticket, but stays BOOKED, out of the calling line, until its
holder checks in (queue/checkin.py). Its arrival window is set here: around the slot, or
around the call estimated now for today's queue.

Anti-hoarding is kept by the database: one holding booking per phone (and NIK) per service
per day is a unique index, so two requests at once cannot both pass.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from queue_server.config import DayHours, Remote, WeeklyHours
from queue_server.models import (
    HOLDING_STATUSES,
    Channel,
    PrintStatus,
    Service,
    Site,
    Ticket,
    TicketStatus,
)
from queue_server.queue.catalog import service_hours
from queue_server.queue.common import get_site, record, site_time, zone
from queue_server.queue.errors import (
    AlreadyBooked,
    InvalidDate,
    InvalidSlot,
    NikRequired,
    RemoteClosed,
    SlotFull,
)
from queue_server.queue.estimates import estimated_wait_minutes, service_load
from queue_server.queue.hours import hhmm
from queue_server.queue.identity import Identity, nik_identity, normalise_phone, phone_identity
from queue_server.queue.issuing import (
    find_service,
    format_code,
    next_number,
    take_quota_unit,
)
from queue_server.queue.outbox import enqueue
from queue_server.queue.remote import Share, remote_closes_at, remote_rules
from queue_server.queue.slots import day_closed, slot_day, slots_taken

# Typed at a kiosk: no 0/O, 1/I/L to confuse. 31**6 codes a day.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_TRIES = 5


@dataclass(frozen=True)
class BookingRequest:
    service: str
    phone: str
    nik: str | None = None
    day: date | None = None  # None: today
    slot: time | None = None  # None: today's queue


@dataclass(frozen=True)
class Window:
    slot_start: datetime | None
    arrive_from: datetime
    arrive_until: datetime
    expires_at: datetime


def new_booking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def book(session: Session, now: datetime, key: bytes, request: BookingRequest) -> Ticket:
    """Book a number (BOOKED, channel online) or refuse with the reason; nothing is written
    on a refusal (the caller rolls back)."""
    service = find_service(session, request.service)
    site = get_site(session)
    rules = remote_rules(site)
    if not takes_remote(rules, service):
        raise _closed(service, ("nomornya hanya diambil di kios MPP.",
                                "its numbers are taken at the hall's kiosks only."))
    phone = phone_identity(key, request.phone)
    nik = _nik(key, service, request.nik)
    local = site_time(site, now)
    today = local.date()
    day = request.day or today
    last = today + timedelta(days=rules.days_ahead)
    if not today <= day <= last:
        raise InvalidDate(day=day.isoformat(), last=last.isoformat())
    window = _window(session, now, site, rules, service, day, request.slot)
    _refuse_a_second(session, service, day, phone, nik)
    take_quota_unit(session, service, day, Share(service.remote_share, remote=True))
    if window.slot_start is not None:
        # After the quota upsert, which holds the service day's row (PostgreSQL), so two
        # bookings of one slot count one after the other.
        taken = slots_taken(session, service, day).get(window.slot_start, 0)
        if service.slots is None or taken >= int(service.slots["capacity"]):
            raise SlotFull(slot=_slot_text(request.slot))
    number = next_number(session, day, service.prefix)
    ticket = Ticket(
        service_id=service.id, issued_service_id=service.id, service_day=day,
        prefix=service.prefix, number=number, code=format_code(service.prefix, number),
        priority=False, channel=Channel.ONLINE, status=TicketStatus.BOOKED,
        token=secrets.token_urlsafe(32), print_status=PrintStatus.NONE,
        queue_key=window.slot_start or now, issued_at=now, booked_at=now,
        slot_start=window.slot_start, arrive_from=window.arrive_from,
        arrive_until=window.arrive_until, expires_at=window.expires_at,
        phone_hash=phone.hash, phone_last4=phone.last4,
        nik_hash=nik.hash if nik else None, nik_last4=nik.last4 if nik else None)
    ticket.service = service
    _insert(session, ticket, service)
    record(session, ticket, "booked", now, from_status=TicketStatus.BOOKED,
           channel=Channel.ONLINE.value, slot=_slot_text(request.slot) or None)
    enqueue(session, now, rules, ticket, "booked", phone=normalise_phone(request.phone))
    return ticket


def takes_remote(rules: Remote, service: Service) -> bool:
    return rules.enabled and service.remote_share > 0


def queue_refusal(now: datetime, site: Site, service: Service,
                  hours: WeeklyHours) -> RemoteClosed | None:
    """Why today's queue cannot be booked now (closed today, or past the remote cut-off),
    or None. The day's quota is counted apart, when the booking takes its unit."""
    local = site_time(site, now)
    closed = day_closed(hours, dict(site.holidays or {}), local.date())
    day_hours = hours.for_weekday(local.weekday())
    if closed is not None or day_hours is None:
        return _closed(service, closed or ("", ""))
    closes = remote_closes_at(day_hours, service)
    if local.time() >= closes:
        return _closed(service, (f"untuk hari ini ditutup pukul {hhmm(closes)}.",
                                 f"for today it closed at {hhmm(closes)}."))
    return None


def _closed(service: Service, why: tuple[str, str]) -> RemoteClosed:
    return RemoteClosed(service=service.name, why_id=why[0], why_en=why[1])


def _refuse_a_second(session: Session, service: Service, day: date, phone: Identity,
                     nik: Identity | None) -> None:
    """Say already_booked before the quota says anything else; the unique indexes still
    decide between two requests at once (`_insert`)."""
    for column, found, which in ((Ticket.phone_hash, phone, "phone"),
                                 (Ticket.nik_hash, nik, "nik")):
        if found is not None and session.scalar(
                select(Ticket.id).where(Ticket.issued_service_id == service.id,
                                        Ticket.service_day == day, column == found.hash,
                                        Ticket.status.in_(HOLDING_STATUSES)).limit(1)) is not None:
            raise _already(service, which)


def _already(service: Service, which: str) -> AlreadyBooked:
    if which == "phone":
        return AlreadyBooked(holder="Nomor ponsel", holder_en="phone number",
                             service=service.name)
    return AlreadyBooked(holder="NIK", holder_en="NIK", service=service.name)


def _nik(key: bytes, service: Service, raw: str | None) -> Identity | None:
    """The NIK where the service asks for it; elsewhere it is not kept at all."""
    if not service.asks_nik:
        return None
    if raw is None or not raw.strip():
        raise NikRequired(service=service.name)
    return nik_identity(key, raw)


def _slot_text(slot: time | None) -> str:
    return slot.strftime("%H:%M") if slot is not None else ""


def _window(session: Session, now: datetime, site: Site, rules: Remote, service: Service,
            day: date, slot: time | None) -> Window:
    """The arrival window of a booking on `day` (at `slot`, or in today's queue), or the
    refusal: closed that day, remote taking closed, or not a slot of that day."""
    hours = service_hours(session, service)
    holidays = dict(site.holidays or {})
    if slot is None:
        if day != site_time(site, now).date():
            raise InvalidSlot(slot="-", service=service.name)
        refusal = queue_refusal(now, site, service, hours)
        if refusal is not None:
            raise refusal
        day_hours = hours.for_weekday(day.weekday())
        assert day_hours is not None  # an open day (queue_refusal)
        return _queue_window(session, now, site, rules, service, day_hours)
    closed = day_closed(hours, holidays, day)
    day_hours = hours.for_weekday(day.weekday())
    if closed is not None or day_hours is None:
        raise _closed(service, closed or ("", ""))
    offered = slot_day(service, hours, holidays, day).slots
    if not any(item.start == slot for item in offered):
        raise InvalidSlot(slot=_slot_text(slot), service=service.name)
    start = datetime.combine(day, slot, tzinfo=zone(site.timezone)).astimezone(UTC)
    if start <= now:
        raise InvalidSlot(slot=_slot_text(slot), service=service.name)
    return _around(start, now, rules, day, day_hours, site, slot_start=start)


def _queue_window(session: Session, now: datetime, site: Site, rules: Remote,
                  service: Service, day_hours: DayHours) -> Window:
    """Today's queue: the window is around the call the line's length and pace give now
    (from the opening, when booked before it)."""
    local = site_time(site, now)
    load = service_load(session, service, local.date())
    minutes = estimated_wait_minutes(load, load.waiting)
    if minutes is None:  # no counter open yet: as if one will be
        minutes = math.ceil(load.waiting * load.minutes_per_visitor)
    opening = datetime.combine(local.date(), day_hours.open, tzinfo=local.tzinfo)
    expected = max(now, opening.astimezone(UTC)) + timedelta(minutes=minutes)
    return _around(expected, now, rules, local.date(), day_hours, site, slot_start=None)


def _around(expected: datetime, earliest: datetime, rules: Remote, day: date,
            day_hours: DayHours, site: Site, *, slot_start: datetime | None) -> Window:
    """The window around an expected call, none of it after the day's close."""
    close = datetime.combine(day, day_hours.close, tzinfo=zone(site.timezone)).astimezone(UTC)
    arrive_from = max(earliest, expected - timedelta(minutes=rules.arrive_before_minutes))
    arrive_until = min(close, expected + timedelta(minutes=rules.arrive_after_minutes))
    expires_at = min(close, arrive_until + timedelta(minutes=rules.late_grace_minutes))
    return Window(slot_start, min(arrive_from, arrive_until), arrive_until, expires_at)


def _insert(session: Session, ticket: Ticket, service: Service) -> None:
    """Write the booking under a fresh booking code; AlreadyBooked when the phone's (or
    NIK's) unique index finds another booking holding that service and day."""
    for _ in range(CODE_TRIES):
        ticket.booking_code = new_booking_code()
        try:
            with session.begin_nested():
                session.add(ticket)
                session.flush()
            return
        except IntegrityError as error:
            found = str(error.orig)
            for which in ("phone", "nik"):
                if which in found:
                    raise _already(service, which) from None
            if "booking_code" not in found:
                raise
    raise RuntimeError("no free booking code after several tries")
