"""The `print_ticket` job: a ticket as the kiosk's printer prints it (printer.payload)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from printer.payload import PrintJob, TicketFields
from queue_server.config import HallConfig
from queue_server.models import Device, Ticket, TicketStatus
from queue_server.queue.common import zone
from queue_server.queue.printjobs import job_id
from queue_server.readmodels.tickets import ticket_out, tracking_url

# The printed wait line while no counter serving the service is open (no figure is honest).
NO_COUNTER_OPEN = "belum ada loket yang buka"
PRIORITY_LABELS = {"lansia": "Lansia", "disabilitas": "Disabilitas", "ibu_hamil": "Ibu hamil",
                   "anak": "Anak"}


def priority_label(ticket: Ticket) -> str | None:
    """"PRIORITAS - Lansia" for a priority ticket, so the officer sees why at a glance."""
    if not ticket.priority:
        return None
    reason = PRIORITY_LABELS.get(ticket.priority_reason or "")
    return f"PRIORITAS - {reason}" if reason else "PRIORITAS"


def print_job(session: Session, ticket: Ticket, hall: HallConfig, kiosk: Device) -> PrintJob:
    """The job for the ticket's current attempt, in site time, with the place in line as it
    is now (a resent or reprinted job shows the current one)."""
    site = hall.site
    shown = ticket_out(session, ticket, site.public_url)
    settings = kiosk.settings or {}
    return PrintJob(
        job_id=job_id(ticket),
        ticket=TicketFields(
            site_name=site.name, site_address=site.address,
            agency_name=shown.agency_name, service_name=shown.service_name,
            code=ticket.code, priority_label=priority_label(ticket),
            issued_at=ticket.issued_at.astimezone(zone(site.timezone)),
            ahead=shown.ahead, estimated_wait_min=shown.estimated_wait_min,
            wait_note=(NO_COUNTER_OPEN if shown.estimated_wait_min is None
                       and ticket.status is TicketStatus.WAITING else None),
            requirements=tuple(ticket.service.requirements),
            tracking_url=tracking_url(site.public_url, ticket),
            footer=tuple(site.ticket_footer)),
        width=int(settings.get("paper_width", 80)),
        profile=settings.get("profile"))
