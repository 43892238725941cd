"""Printing tickets at the kiosks: a print job's life on a ticket and what staff and the
kiosk page are shown of it (the socket side is queue_server.hub.printagent).

Issuing at a kiosk marks the ticket `pending` and, after the commit, sends the job to the agent
room; with no agent it marks it `failed` (`no_agent`) in the same transaction. The ticket is
valid either way. The agent answers with `print_result`, which settles the ticket and tells the
kiosk page. A job id is "<ticket id>.<attempt>"; a reprint is a new attempt. When an agent
(re)connects it is sent its kiosk's pending jobs again; it remembers what it printed, so an
answer lost on the way never prints a ticket twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.config import HallConfig
from queue_server.models import (
    OPEN_STATUSES,
    Device,
    DeviceKind,
    PrintStatus,
    Ticket,
)
from queue_server.queue.common import get_site, record, service_day
from queue_server.readmodels import (
    PRINTER_MESSAGES,
    print_message,
    print_problem,
    ticket_out,
)
from queue_server.schemas import KioskOut, KiosksOut
from queue_server.snapshots import local_iso

log = logging.getLogger(__name__)

AGENT_FRESH = timedelta(seconds=20)  # four missed status reports: the agent is gone
# A job older than this is not printed when its agent comes back: the visitor has moved on
# (the kiosk page showed the number on screen after a few seconds), and a stray ticket in
# the tray would only confuse the next one. Staff can still reprint it.
RESEND_WITHIN = timedelta(minutes=2)
PRINT_ERRORS = ("no_agent", "no_answer", "offline", "paper_out", "cover_open", "error")
PRIORITY_LABELS = {"lansia": "Lansia", "disabilitas": "Disabilitas", "ibu_hamil": "Ibu hamil",
                   "anak": "Anak"}


# --- Presence and the tickets' print state (a session and a clock; no Socket.IO) -----------

def agent_connected(device: Device, now: datetime) -> bool:
    seen = device.agent_seen_at
    return seen is not None and now - seen <= AGENT_FRESH


def start_print(session: Session, now: datetime, ticket: Ticket, kiosk: Device, *,
                user_id: int | None = None) -> bool:
    """A new print attempt at the kiosk: True (pending; send the job after the commit) when
    its agent is connected; otherwise the ticket is marked failed (`no_agent`) and stays
    valid. `user_id` is the staff member asking for a reprint."""
    ticket.print_attempts += 1
    ticket.print_sent_at = now
    if user_id is not None:
        record(session, ticket, "reprinted", now, from_status=ticket.status, user_id=user_id,
               attempt=ticket.print_attempts)
    if agent_connected(kiosk, now):
        ticket.print_status, ticket.print_error = PrintStatus.PENDING, None
        return True
    _fail(session, now, ticket, "no_agent")
    return False


def settle(session: Session, now: datetime, ticket: Ticket, attempt: int, ok: bool,
           error: str | None = None, detail: str | None = None) -> bool:
    """Apply the agent's answer to job `attempt`; False when it changes nothing (an answer
    to an older attempt, or one already counted)."""
    if attempt != ticket.print_attempts:
        return False
    if ok and ticket.print_status in (PrintStatus.PENDING, PrintStatus.FAILED):
        # FAILED too: a job given up as `no_answer` that did print in the end.
        ticket.print_status, ticket.print_error = PrintStatus.PRINTED, None
        record(session, ticket, "printed", now, from_status=ticket.status, attempt=attempt)
        return True
    if not ok and ticket.print_status is PrintStatus.PENDING:
        _fail(session, now, ticket, error if error in PRINT_ERRORS else "error", detail)
        return True
    return False


def _fail(session: Session, now: datetime, ticket: Ticket, error: str,
          detail: str | None = None) -> None:
    ticket.print_status, ticket.print_error = PrintStatus.FAILED, error
    record(session, ticket, "print_failed", now, from_status=ticket.status,
           attempt=ticket.print_attempts, error=error, detail=(detail or "")[:300])


def take_pending(session: Session, now: datetime,
                 kiosk_id: str) -> tuple[list[Ticket], list[Ticket]]:
    """Today's jobs of the kiosk still waiting for an answer: (to send again, given up).
    Those too old to print now, or whose ticket is over, are settled as failed
    (`no_answer`)."""
    day = service_day(get_site(session), now)
    pending = session.scalars(
        select(Ticket).where(Ticket.kiosk_id == kiosk_id, Ticket.service_day == day,
                             Ticket.print_status == PrintStatus.PENDING)
        .order_by(Ticket.id)).all()
    resend, given_up = [], []
    for ticket in pending:
        sent = ticket.print_sent_at or ticket.issued_at
        if ticket.status in OPEN_STATUSES and now - sent <= RESEND_WITHIN:
            resend.append(ticket)
        else:
            _fail(session, now, ticket, "no_answer")
            given_up.append(ticket)
    return resend, given_up


def printer_state(device: Device, now: datetime) -> str:
    """What staff are shown: the agent's last report, or `no_agent`."""
    if not agent_connected(device, now):
        return "no_agent"
    state = device.printer_status
    return state if state in PRINTER_MESSAGES else "unknown"


def state_messages(state: str) -> tuple[str, str]:
    found = PRINTER_MESSAGES.get(state) or print_problem(state)
    return found or PRINTER_MESSAGES["unknown"]


def kiosk_views(session: Session, now: datetime) -> KiosksOut:
    """Every kiosk with its agent and printer, for staff."""
    answer = []
    for device in session.scalars(select(Device).where(
            Device.active, Device.kind == DeviceKind.KIOSK).order_by(Device.id)):
        state = printer_state(device, now)
        message_id, message_en = state_messages(state)
        settings = device.settings or {}
        answer.append(KioskOut(
            id=device.id, name=device.name, printer=str(settings.get("printer", "dummy")),
            paper_width=int(settings.get("paper_width", 80)),
            agent_connected=state != "no_agent", agent_seen_at=device.agent_seen_at,
            printer_state=state,  # type: ignore[arg-type]  # one of PrinterState
            message_id=message_id, message_en=message_en,
            printer_status_at=device.printer_status_at))
    return KiosksOut(kiosks=answer)


def job_payload(session: Session, ticket: Ticket, hall: HallConfig,
                kiosk: Device) -> dict[str, Any]:
    """The `print_ticket` event: the ticket as `printer.TicketPrint` fields, in site time,
    with the place in line as it is now (a resent or reprinted job shows the current one)."""
    site = hall.site
    shown = ticket_out(session, ticket, site.public_url)
    label = None
    if ticket.priority:
        reason = PRIORITY_LABELS.get(ticket.priority_reason or "")
        label = f"PRIORITAS - {reason}" if reason else "PRIORITAS"
    settings = kiosk.settings or {}
    return {
        "job_id": f"{ticket.id}.{ticket.print_attempts}",
        "ticket": {
            "site_name": site.name, "site_address": site.address,
            "agency_name": shown.agency_name, "service_name": shown.service_name,
            "code": ticket.code, "priority_label": label,
            "issued_at": local_iso(ticket.issued_at, site.timezone),
            "ahead": shown.ahead, "estimated_wait_min": shown.estimated_wait_min,
            "requirements": list(ticket.service.requirements),
            "tracking_url": shown.tracking_url, "footer": list(site.ticket_footer),
        },
        "width": int(settings.get("paper_width", 80)),
        "profile": settings.get("profile"),
    }


def status_payload(ticket: Ticket) -> dict[str, Any]:
    """The `print_status` event: how a ticket's print ended, for the kiosk page."""
    problem = print_problem(ticket.print_error)
    return {
        "ticket_id": ticket.id, "code": ticket.code,
        "print_status": ticket.print_status.value, "error": ticket.print_error,
        "message": print_message(ticket.print_error, "id"),
        "messages": {"id": print_message(ticket.print_error, "id"),
                     "en": print_message(ticket.print_error, "en")} if problem else None,
    }
