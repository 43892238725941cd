"""Check-in: a remote ticket or appointment joins the calling line when its holder arrives.

Within the arrival window the booked place is kept (today's queue ranks by its booking time,
an appointment by its slot time); after the window, until the booking expires, the ticket
joins at the back like a new one. At a kiosk the ticket is printed as an issued one is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Device, PrintStatus, Ticket, TicketStatus
from queue_server.queue.bookings import CODE_LENGTH
from queue_server.queue.common import get_site, record, service_day, site_time
from queue_server.queue.errors import (
    AlreadyCheckedIn,
    InvalidTransition,
    TooEarly,
    TooLate,
    UnknownTicket,
)
from queue_server.queue.hours import DAYS_EN, DAYS_ID, hhmm
from queue_server.queue.printjobs import first_print, record_print_failure

# A token (URL-safe base64) or a booking code; nothing else is looked up.
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class CheckIn:
    ticket: Ticket
    place_kept: bool
    printing: bool  # a print job is pending at the kiosk: send it after the commit


def find_booking(session: Session, now: datetime, key: str) -> Ticket:
    """A ticket by its token (the e-ticket's QR) or its booking code (typed at the kiosk):
    today's booking of that code, else the soonest later one (to say it is too early)."""
    if not TOKEN_LIKE.fullmatch(key):
        raise UnknownTicket()
    if len(key) > CODE_LENGTH:
        found = session.scalar(select(Ticket).where(Ticket.token == key))
    else:
        today = service_day(get_site(session), now)
        found = session.scalars(
            select(Ticket).where(Ticket.booking_code == key.upper(),
                                 Ticket.service_day >= today)
            .order_by(Ticket.service_day).limit(1)).first()
    if found is None:
        raise UnknownTicket()
    return found


def check_in(session: Session, now: datetime, ticket: Ticket, *, kiosk: Device | None = None,
             user_id: int | None = None) -> CheckIn:
    """Put a booked ticket in the line, or refuse (too early, too late, already in)."""
    _refusal_check(session, now, ticket)
    assert ticket.arrive_until is not None
    place_kept = now <= ticket.arrive_until
    ticket.queue_key = (ticket.slot_start or ticket.booked_at or now) if place_kept else now
    ticket.status = TicketStatus.WAITING
    ticket.checked_in_at = ticket.issued_at = now  # the wait counts from arrival
    printing = False
    if kiosk is not None:
        ticket.kiosk_id = kiosk.id
        ticket.print_status = PrintStatus.PENDING
        printing = first_print(ticket, kiosk, now)
    record(session, ticket, "checked_in", now, from_status=TicketStatus.BOOKED,
           user_id=user_id, place_kept=place_kept, kiosk=kiosk.id if kiosk else None)
    if kiosk is not None and not printing:
        record_print_failure(session, now, ticket)
    return CheckIn(ticket, place_kept, printing)


def _refusal_check(session: Session, now: datetime, ticket: Ticket) -> None:
    if ticket.status is TicketStatus.EXPIRED:
        raise TooLate(ticket=ticket.code)
    if ticket.status is TicketStatus.CANCELLED:
        raise InvalidTransition(ticket=ticket.code, status=ticket.status.value,
                                action="check-in")
    if ticket.status is not TicketStatus.BOOKED:
        raise AlreadyCheckedIn(ticket=ticket.code)
    site = get_site(session)
    today = service_day(site, now)
    if ticket.service_day < today or (ticket.expires_at is not None and now > ticket.expires_at):
        raise TooLate(ticket=ticket.code)
    later_day = ticket.service_day > today
    if later_day or (ticket.slot_start is not None and ticket.arrive_from is not None
                     and now < ticket.arrive_from):
        day = ticket.service_day
        start, until = (hhmm(site_time(site, moment).time()) if moment else "-"
                        for moment in (ticket.arrive_from, ticket.arrive_until))
        raise TooEarly(
            ticket=ticket.code, start=start, until=until,
            day_id=f"{DAYS_ID[day.weekday()]} {day.strftime('%d-%m-%Y')}, " if later_day else "",
            day_en=f"on {DAYS_EN[day.weekday()]} {day.isoformat()} " if later_day else "")
