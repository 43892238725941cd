"""Printing tickets at the kiosks: the print agent's presence, its jobs and their results.

A kiosk's print agent (`antre kiosk-agent`, kiosk/agent.py) connects with its kiosk's token
and `"agent": true`. Its connection joins `agent:<kiosk id>` only: the kiosk page's queue
traffic means nothing to a printer. The agent counts as connected while `Device.agent_seen_at`
is fresh (stamped at connect and at each status report, every 5 s; cleared at disconnect), so
every server process sees the same presence through the database.

Issuing at a kiosk marks the ticket `pending` and, after the commit, sends the job to the agent
room; with no agent it marks it `failed` (`no_agent`) in the same transaction. The ticket is
valid either way. The agent answers with `print_result`, which settles the ticket and tells the
kiosk page. A job id is "<ticket id>.<attempt>"; a reprint is a new attempt. When an agent
(re)connects it is sent its kiosk's pending jobs again; it remembers what it printed, so an
answer lost on the way never prints a ticket twice.

Agent -> server: `print_result` {job_id, ok, error?, message?}; `printer_status` {state, ...}.
Server -> agent: `snapshot` {kind: "agent", kiosk: {id, name, printer, paper_width, profile}};
`print_ticket` {job_id, ticket: the `printer.TicketPrint` fields, width, profile}.
Server -> kiosk room: `print_status` {ticket_id, code, print_status, error, message, messages}.
Server -> staff rooms: `printer_changed` {kiosk, name, agent, state, message_id, message_en, at}.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from flask import request
from pydantic import ValidationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from queue_server import changes
from queue_server.config import HallConfig
from queue_server.context import db
from queue_server.extensions import socketio
from queue_server.models import (
    OPEN_STATUSES,
    Agency,
    Device,
    DeviceKind,
    PrintStatus,
    Service,
    Ticket,
)
from queue_server.queue.common import get_site, record, service_day
from queue_server.readmodels import (
    PRINTER_MESSAGES,
    print_message,
    print_problem,
    ticket_out,
)
from queue_server.realtime import ALL_STAFF, SUBSCRIPTION, Message, Subscription, fan_out, hub
from queue_server.schemas import KioskOut, KiosksOut, PrinterReportIn, PrintResultIn
from queue_server.sequence import room
from queue_server.snapshots import local_iso

log = logging.getLogger(__name__)

AGENT_FRESH = timedelta(seconds=20)  # four missed status reports: the agent is gone
# A job older than this is not printed when its agent comes back: the visitor has moved on
# (the kiosk page showed the number on screen after a few seconds), and a stray ticket in
# the tray would only confuse the next one. Staff can still reprint it.
RESEND_WITHIN = timedelta(minutes=2)
AGENT_STAMP = "antre.agent_seen_at"  # in the connection's environ: its last presence stamp
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


def _state_messages(state: str) -> tuple[str, str]:
    found = PRINTER_MESSAGES.get(state) or print_problem(state)
    return found or PRINTER_MESSAGES["unknown"]


def kiosk_views(session: Session, now: datetime) -> KiosksOut:
    """Every kiosk with its agent and printer, for staff."""
    answer = []
    for device in session.scalars(select(Device).where(
            Device.active, Device.kind == DeviceKind.KIOSK).order_by(Device.id)):
        state = printer_state(device, now)
        message_id, message_en = _state_messages(state)
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


# --- The hub's side: sending jobs, and what agents send ------------------------------------

def send_jobs(session: Session, tickets: Iterable[Ticket]) -> None:
    """Send each ticket's current job to its kiosk's agent; call after the commit.

    A job that cannot be sent stays pending: the agent gets it when it next connects, and the
    kiosk page shows the number on screen meanwhile.
    """
    try:
        state = hub().state
        messages: list[Message] = []
        for ticket in tickets:
            kiosk = session.get(Device, ticket.kiosk_id) if ticket.kiosk_id else None
            if kiosk is not None:
                messages += fan_out("print_ticket", job_payload(session, ticket, state.hall,
                                                                kiosk),
                                    [room("agent", kiosk.id)])
        hub().send(messages)
    except Exception:
        log.exception("could not send print jobs; they wait for the agent's next connection")


def tell_kiosk(tickets: Sequence[Ticket]) -> None:
    """`print_status` to each ticket's kiosk room; after the commit."""
    hub().send([message for ticket in tickets if ticket.kiosk_id is not None
                for message in fan_out("print_status", status_payload(ticket),
                                       [room("kiosk", ticket.kiosk_id)])])


def _staff_rooms(session: Session) -> list[str]:
    codes = session.scalars(select(Agency.code).where(Agency.active).order_by(Agency.position))
    return [*(room("staff", code) for code in codes), ALL_STAFF]


def _tell_staff(session: Session, device: Device, now: datetime) -> None:
    state = printer_state(device, now)
    message_id, message_en = _state_messages(state)
    payload = {"kiosk": device.id, "name": device.name, "agent": state != "no_agent",
               "state": state, "message_id": message_id, "message_en": message_en,
               "at": local_iso(now, hub().state.hall.site.timezone)}
    hub().send(fan_out("printer_changed", payload, _staff_rooms(session)))


def agent_snapshot(session: Session, kiosk_id: str) -> dict[str, Any]:
    """What an agent starts from: its kiosk's printer settings from config.yaml."""
    device = session.get(Device, kiosk_id)
    if device is None or not device.active:
        raise LookupError(f"kiosk {kiosk_id!r} is gone")
    settings = device.settings or {}
    return {"kind": "agent", "kiosk": {
        "id": device.id, "name": device.name, "printer": settings.get("printer"),
        "paper_width": settings.get("paper_width", 80), "profile": settings.get("profile")}}


def agent_joined(session: Session, kiosk_id: str) -> None:
    """An agent connected (its snapshot is sent): mark it present and send it again the jobs
    it has not answered."""
    now = hub().state.clock.now()
    device = session.get(Device, kiosk_id)
    if device is None:
        return
    _stamp(device, now)
    resend, given_up = take_pending(session, now, kiosk_id)
    changes.commit(session, hub().state.publish)
    tell_kiosk(given_up)
    send_jobs(session, resend)
    log.info("print agent of %s connected; %d pending jobs sent again", kiosk_id, len(resend))


def agent_left(session: Session, kiosk_id: str) -> None:
    """An agent's connection closed. Its presence is cleared unless another connection of the
    same kiosk (a quick reconnect) has stamped it since."""
    stamp = request.environ.get(AGENT_STAMP)
    if stamp is None:
        return
    now = hub().state.clock.now()
    cleared = session.execute(
        update(Device).where(Device.id == kiosk_id, Device.agent_seen_at == stamp)
        .values(agent_seen_at=None, printer_status=None, printer_status_at=now)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if cleared:
        device = session.get(Device, kiosk_id)
        if device is not None:
            session.refresh(device)
            _tell_staff(session, device, now)
        log.info("print agent of %s disconnected", kiosk_id)


def _agent_kiosk() -> str | None:
    """The kiosk whose agent this connection is, or None (not an agent: ignored)."""
    subscription: Subscription | None = request.environ.get(SUBSCRIPTION)
    if subscription is None or subscription.kind != "agent":
        return None
    return subscription.key


def _stamp(device: Device, now: datetime) -> None:
    device.agent_seen_at = request.environ[AGENT_STAMP] = now


def _on_print_result(data: Any = None) -> None:
    kiosk_id = _agent_kiosk()
    if kiosk_id is None:
        return
    try:
        result = PrintResultIn.model_validate(data)
    except ValidationError as error:
        log.warning("print agent of %s sent a malformed print_result: %s", kiosk_id, error)
        return
    ticket_id, attempt = (int(part) for part in result.job_id.split("."))
    session, now = db(), hub().state.clock.now()
    ticket = session.get(Ticket, ticket_id, options=[joinedload(Ticket.service)
                                                     .joinedload(Service.agency)])
    device = session.get(Device, kiosk_id)
    if ticket is None or device is None or ticket.kiosk_id != kiosk_id:
        log.warning("print agent of %s answered job %s, which is not its own", kiosk_id,
                    result.job_id)
        return
    _stamp(device, now)
    changed = settle(session, now, ticket, attempt, result.ok, result.error,
                     result.detail or result.message)
    changes.commit(session, hub().state.publish)
    if changed:
        tell_kiosk([ticket])


def _on_printer_status(data: Any = None) -> None:
    kiosk_id = _agent_kiosk()
    if kiosk_id is None:
        return
    try:
        report = PrinterReportIn.model_validate(data)
    except ValidationError as error:
        log.warning("print agent of %s sent a malformed printer_status: %s", kiosk_id, error)
        return
    session, now = db(), hub().state.clock.now()
    device = session.get(Device, kiosk_id)
    if device is None:
        return
    before = printer_state(device, now)
    _stamp(device, now)
    device.printer_status, device.printer_status_at = report.state, now
    session.commit()
    if printer_state(device, now) != before:
        _tell_staff(session, device, now)


def _on_disconnect(reason: Any = None) -> None:
    kiosk_id = _agent_kiosk()
    if kiosk_id is None:
        return
    try:
        agent_left(db(), kiosk_id)
    except Exception:
        log.exception("could not record that the print agent of %s left", kiosk_id)


def register_events() -> None:
    """The agent's events; `realtime.init_hub` calls this for every app. The disconnect
    handler is the hub's only one: a connection of another kind that needs one is added
    here by kind."""
    socketio.on_event("print_result", _on_print_result)
    socketio.on_event("printer_status", _on_printer_status)
    socketio.on_event("disconnect", _on_disconnect)
