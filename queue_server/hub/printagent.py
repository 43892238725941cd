"""The print agent's side of the hub: sending print jobs to a kiosk's agent, the agent's
answers and printer reports, its presence, and what the kiosk page and staff are told.

A kiosk's print agent (`antre kiosk-agent`, kiosk/agent.py) connects with its kiosk's token
and `"agent": true`. Its connection joins `agent:<kiosk id>` only: the kiosk page's queue
traffic means nothing to a printer. The agent counts as connected while `Device.agent_seen_at`
is fresh (stamped at connect and at each status report, every 5 s; cleared at disconnect), so
every server process sees the same presence through the database. The rules of a print job's
life are the engine's (queue_server.queue.printjobs); this module only carries them.

Agent -> server: `print_result` {job_id, ok, error?, message?}; `printer_status` {state, ...}.
Server -> agent: `snapshot` {kind: "agent", kiosk: {id, name, printer, paper_width, profile}};
`print_ticket` (printer.payload.PrintJob).
Server -> kiosk room: `print_status` {ticket_id, code, print_status, error, message, messages}.
Server -> staff rooms: `printer_changed` {kiosk, name, agent, state, message_id, message_en, at}.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from flask import request
from pydantic import ValidationError
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, joinedload

from queue_server import changes
from queue_server.context import db
from queue_server.extensions import socketio
from queue_server.hub.publisher import hub
from queue_server.hub.rooms import ALL_STAFF, SUBSCRIPTION, Message, Subscription, fan_out, room
from queue_server.models import Agency, Device, Service, Ticket
from queue_server.queue.printjobs import printer_state, settle, take_pending
from queue_server.readmodels.common import local_iso
from queue_server.readmodels.kiosks import state_messages, status_payload
from queue_server.readmodels.printjob import print_job
from queue_server.schemas import PrinterReportIn, PrintResultIn

log = logging.getLogger(__name__)

AGENT_STAMP = "antre.agent_seen_at"  # in the connection's environ: its last presence stamp


def register_agent_events() -> None:
    """The agent's events (its disconnect is told by `connections`, which has the hub's one
    disconnect handler)."""
    socketio.on_event("print_result", _on_print_result)
    socketio.on_event("printer_status", _on_printer_status)


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
                job = print_job(session, ticket, state.hall, kiosk)
                messages += fan_out("print_ticket", job.model_dump(mode="json"),
                                    [room("agent", kiosk.id)])
        hub().send(messages)
    except Exception:
        log.exception("could not send print jobs; they wait for the agent's next connection")


def tell_kiosk(tickets: Sequence[Ticket]) -> None:
    """`print_status` to each ticket's kiosk room; after the commit."""
    hub().send([message for ticket in tickets if ticket.kiosk_id is not None
                for message in fan_out("print_status", status_payload(ticket),
                                       [room("kiosk", ticket.kiosk_id)])])


def _every_staff_room(session: Session) -> list[str]:
    codes = session.scalars(select(Agency.code).where(Agency.active).order_by(Agency.position))
    return [*(room("staff", code) for code in codes), ALL_STAFF]


def _tell_staff(session: Session, device: Device, now: datetime) -> None:
    state = printer_state(device, now)
    message_id, message_en = state_messages(state)
    payload = {"kiosk": device.id, "name": device.name, "agent": state != "no_agent",
               "state": state, "message_id": message_id, "message_en": message_en,
               "at": local_iso(now, hub().state.hall.site.timezone)}
    hub().send(fan_out("printer_changed", payload, _every_staff_room(session)))


def agent_joined(session: Session, kiosk_id: str) -> None:
    """An agent connected (its snapshot is sent): mark it present and send it again the jobs
    it has not answered."""
    now = hub().state.clock.now()
    device = session.get(Device, kiosk_id)
    if device is None:
        return
    before = printer_state(device, now)
    _stamp(device, now)
    resend, given_up = take_pending(session, now, kiosk_id)
    changes.commit(session, hub().state.publish)
    if printer_state(device, now) != before:
        _tell_staff(session, device, now)  # back: staff learn it before the first report
    tell_kiosk(given_up)
    send_jobs(session, resend)
    log.info("print agent of %s connected; %d pending jobs sent again", kiosk_id, len(resend))


def agent_left(session: Session, kiosk_id: str) -> None:
    """An agent's connection closed. Its presence is cleared unless another connection of the
    same kiosk (a quick reconnect) has stamped it since. Not newer than this connection's own
    last stamp, rather than equal to it: two of its events handled at once may commit their
    stamps in the other order."""
    stamp = request.environ.get(AGENT_STAMP)
    if stamp is None:
        return
    now = hub().state.clock.now()
    result = session.execute(
        update(Device).where(Device.id == kiosk_id, Device.agent_seen_at <= stamp)
        .values(agent_seen_at=None, printer_status=None, printer_status_at=now)
        .execution_options(synchronize_session=False))
    cleared = cast(CursorResult[Any], result).rowcount
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


def agent_disconnected() -> None:
    """This connection closed: if it was a print agent, the kiosk's agent may be gone."""
    kiosk_id = _agent_kiosk()
    if kiosk_id is None:
        return
    try:
        agent_left(db(), kiosk_id)
    except Exception:
        log.exception("could not record that the print agent of %s left", kiosk_id)
