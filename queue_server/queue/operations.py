"""Today's operations by supervisors and administrators: a service closed for the day or
reopened, today's quota changed, the displays' running text (the hall's or one display's);
and staff handling single tickets (a late no-show returned, a waiting ticket removed).

Every change to a service's day is one ServiceDay update plus one ServiceDayEvent with the
reason, so the audit trail says who changed what and why (the hub announces it after commit).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import (
    Device,
    DeviceKind,
    Service,
    ServiceDay,
    ServiceDayEvent,
    Ticket,
    TicketStatus,
)
from queue_server.queue.common import get_site, record, service_day, upsert
from queue_server.queue.errors import DomainError, InvalidTransition, UnknownTicket
from queue_server.queue.issuing import find_service

MAX_REASON = 200
MAX_RUNNING_TEXT = 1000
MAX_QUOTA = 100_000


class ReasonRequired(DomainError):
    code, status = "reason_required", 422
    message_id = "Tuliskan alasannya (paling banyak {limit} karakter); alasan dicatat."
    message_en = "Give a reason (at most {limit} characters); it is recorded."


class InvalidQuota(DomainError):
    code, status = "invalid_quota", 422
    message_id = "Kuota harus antara 0 dan {limit}, atau kosong untuk kuota bawaan."
    message_en = "The quota must be between 0 and {limit}, or empty for the configured one."


class AlreadyClosed(DomainError):
    code = "already_closed"
    message_id = "{service} sudah ditutup hari ini: {reason}"
    message_en = "{service} is already closed today: {reason}"


class NotClosed(DomainError):
    code = "not_closed"
    message_id = "{service} tidak sedang ditutup hari ini."
    message_en = "{service} is not closed today."


class UnknownDisplay(DomainError):
    code, status = "unknown_display", 404
    message_id = "Layar '{display}' tidak dikenal."
    message_en = "Unknown display '{display}'."


class RunningTextTooLong(DomainError):
    code, status = "running_text_too_long", 422
    message_id = "Teks berjalan paling banyak {limit} karakter."
    message_en = "The running text may have at most {limit} characters."


def _reason(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    if not text or len(text) > MAX_REASON:
        raise ReasonRequired(limit=MAX_REASON)
    return text


def service_day_row(session: Session, service: Service, day: date) -> ServiceDay:
    """The service's row for the day, created if missing, locked for this transaction."""
    session.execute(
        upsert(session, ServiceDay)
        .values(service_id=service.id, day=day, issued=0)
        .on_conflict_do_nothing(index_elements=["service_id", "day"]))
    return session.scalars(
        select(ServiceDay).where(ServiceDay.service_id == service.id, ServiceDay.day == day)
        .with_for_update().execution_options(populate_existing=True)).one()


def _record(session: Session, now: datetime, service: Service, day: date, kind: str,
            user_id: int | None, reason: str, address: str | None,
            **data: object) -> ServiceDayEvent:
    """The day's event; `address`, where staff asked from, is kept in its data for the
    audit log (ServiceDayEvent has no column of its own for it)."""
    if address is not None:
        data["address"] = address
    event = ServiceDayEvent(service_id=service.id, day=day, kind=kind, at=now,
                            user_id=user_id, reason=reason, data=data)
    session.add(event)
    return event


def close_service_today(session: Session, now: datetime, service_code: str,
                        user_id: int | None, reason: str | None,
                        address: str | None = None) -> ServiceDay:
    """No more tickets for the service today (those already waiting are still served)."""
    text = _reason(reason)
    service = find_service(session, service_code)
    day = service_day(get_site(session), now)
    row = service_day_row(session, service, day)
    if row.closed_reason is not None:
        raise AlreadyClosed(service=service.name, reason=row.closed_reason)
    row.closed_reason = text
    _record(session, now, service, day, "closed", user_id, text, address)
    return row


def reopen_service_today(session: Session, now: datetime, service_code: str,
                         user_id: int | None, reason: str | None,
                         address: str | None = None) -> ServiceDay:
    """Undo a closure for today; the hours and the quota apply again."""
    text = _reason(reason)
    service = find_service(session, service_code)
    day = service_day(get_site(session), now)
    row = service_day_row(session, service, day)
    if row.closed_reason is None:
        raise NotClosed(service=service.name)
    previous = row.closed_reason
    row.closed_reason = None
    _record(session, now, service, day, "reopened", user_id, text, address,
            closed_reason=previous)
    return row


def set_quota_today(session: Session, now: datetime, service_code: str, quota: int | None,
                    user_id: int | None, reason: str | None,
                    address: str | None = None) -> ServiceDay:
    """Today's quota for the service; None returns to the configured quota. A quota below
    what was already issued stops issuing at once (nobody's ticket is taken back)."""
    text = _reason(reason)
    if quota is not None and not 0 <= quota <= MAX_QUOTA:
        raise InvalidQuota(limit=MAX_QUOTA)
    service = find_service(session, service_code)
    day = service_day(get_site(session), now)
    row = service_day_row(session, service, day)
    before = row.quota_override if row.quota_override is not None else service.quota
    row.quota_override = quota
    _record(session, now, service, day, "quota", user_id, text, address, quota=quota,
            previous=before, configured=service.quota, issued=row.issued)
    return row


def effective_quota(service: Service, row: ServiceDay | None) -> int | None:
    """The quota that applies today: the day's override, else the configured one."""
    if row is not None and row.quota_override is not None:
        return row.quota_override
    return service.quota


def set_running_text(session: Session, text: str,
                     display_id: str | None = None) -> list[Device]:
    """The line that scrolls along the bottom of the displays: the hall's (every display
    without its own), or one display's own (empty: that display shows the hall's again).
    Returns the displays whose line this changes."""
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_RUNNING_TEXT:
        raise RunningTextTooLong(limit=MAX_RUNNING_TEXT)
    if display_id is None:
        get_site(session).running_text = cleaned
        return list(session.scalars(
            select(Device).where(Device.active, Device.kind == DeviceKind.DISPLAY,
                                 Device.running_text.is_(None)).order_by(Device.id)))
    display = session.get(Device, display_id, with_for_update=True)
    if display is None or not display.active or display.kind is not DeviceKind.DISPLAY:
        raise UnknownDisplay(display=display_id)
    display.running_text = cleaned or None
    return [display]


def remove_waiting_ticket(session: Session, now: datetime, ticket_id: int,
                          user_id: int | None, reason: str | None) -> Ticket:
    """Staff take a waiting ticket out of the queue (a duplicate, a visitor who said they
    leave); counted as cancelled, apart from no-shows, with the reason kept."""
    text = _reason(reason)
    ticket = session.get(Ticket, ticket_id, with_for_update=True, populate_existing=True)
    if ticket is None:
        raise UnknownTicket()
    if ticket.status is not TicketStatus.WAITING:
        raise InvalidTransition(ticket=ticket.code, status=ticket.status.value, action="remove")
    ticket.status = TicketStatus.CANCELLED
    ticket.finished_at = now
    record(session, ticket, "cancelled", now, from_status=TicketStatus.WAITING,
           user_id=user_id, reason="staff", note=text)
    return ticket
