"""The `print_ticket` job: a ticket as the kiosk's printer prints it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from queue_server.config import HallConfig
from queue_server.models import Device, Ticket
from queue_server.queue.printjobs import job_id
from queue_server.readmodels.common import local_iso
from queue_server.readmodels.tickets import ticket_out

PRIORITY_LABELS = {"lansia": "Lansia", "disabilitas": "Disabilitas", "ibu_hamil": "Ibu hamil",
                   "anak": "Anak"}


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
