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
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.config import HallConfig
from queue_server.models import (
    Device,
    DeviceKind,
    Ticket,
)
from queue_server.queue.printjobs import job_id, printer_state
from queue_server.readmodels import (
    PRINTER_MESSAGES,
    print_message,
    print_problem,
    ticket_out,
)
from queue_server.schemas import KioskOut, KiosksOut
from queue_server.snapshots import local_iso

log = logging.getLogger(__name__)

PRIORITY_LABELS = {"lansia": "Lansia", "disabilitas": "Disabilitas", "ibu_hamil": "Ibu hamil",
                   "anak": "Anak"}


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
        "job_id": job_id(ticket),
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
