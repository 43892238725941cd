"""Kiosks and their printers as staff and the kiosk page see them: the agent and printer state,
why a ticket did not print, a print's outcome, and what a kiosk or its agent starts from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from printer.messages import MESSAGES as PRINTER_MESSAGES
from queue_server.config import HallConfig
from queue_server.models import Device, DeviceKind, Ticket
from queue_server.queue.printjobs import printer_state
from queue_server.readmodels.common import find_active
from queue_server.readmodels.services import services_overview
from queue_server.schemas import KioskOut, KiosksOut

# Why a ticket did not print, beyond the printer's own states (printer.messages).
PRINT_PROBLEMS: dict[str, tuple[str, str]] = {
    "no_agent": ("Printer kiosk tidak tersambung", "The kiosk printer is not connected"),
    "no_answer": ("Printer tidak menjawab", "The printer did not answer"),
}


def print_problem(error: str | None) -> tuple[str, str] | None:
    """(Indonesian, English) for a print error code; None when there is no error."""
    if error is None:
        return None
    return PRINT_PROBLEMS.get(error) or PRINTER_MESSAGES.get(error) or PRINTER_MESSAGES["error"]


def print_message(error: str | None, language: str) -> str | None:
    """The print error as a sentence for the visitor, in `language`."""
    problem = print_problem(error)
    if problem is None:
        return None
    return f"{problem[1] if language == 'en' else problem[0]}."


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
            printer_state=state,
            message_id=message_id, message_en=message_en,
            printer_status_at=device.printer_status_at))
    return KiosksOut(kiosks=answer)


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


def kiosk_view(session: Session, now: datetime, hall: HallConfig, key: str,
               language: str) -> dict[str, Any]:
    kiosk: Device = find_active(session, Device, key)
    overview = services_overview(session, now)
    return {"kiosk": {"id": kiosk.id, "name": kiosk.name,
                      "printer_status": kiosk.printer_status},
            "language": language, **overview.model_dump(mode="json")}


def agent_view(session: Session, now: datetime, hall: HallConfig, key: str,
               language: str) -> dict[str, Any]:
    """What a print agent starts from: its kiosk's printer settings from config.yaml."""
    kiosk: Device = find_active(session, Device, key)
    settings = kiosk.settings or {}
    return {"kiosk": {
        "id": kiosk.id, "name": kiosk.name, "printer": settings.get("printer"),
        "paper_width": settings.get("paper_width", 80), "profile": settings.get("profile")}}
