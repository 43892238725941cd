"""A ticket's print job: started at issue or on a reprint, settled by the print agent's
answer, resent or given up when the agent comes back; and whether an agent is there.

Plain functions over a session and a clock, as the rest of the engine: the hub
(queue_server.hub.printagent) carries jobs and answers over Socket.IO after the commit.

A job id is "<ticket id>.<attempt>"; a reprint is a new attempt. The ticket stays valid
whatever the printer does: a failed print is shown on the kiosk's screen instead.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, cast, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import OPEN_STATUSES, Device, PrintStatus, Ticket, TicketEvent
from queue_server.queue.common import get_site, new_event, record, service_day
from queue_server.queue.errors import NotIssuedAtKiosk, PrintAgentAbsent, TicketOver

AGENT_FRESH = timedelta(seconds=20)  # four missed status reports: the agent is gone
# A job older than this is not printed when its agent comes back: the visitor has moved on
# (the kiosk page showed the number on screen after a few seconds), and a stray ticket in
# the tray would only confuse the next one. Staff can still reprint it.
RESEND_WITHIN = timedelta(minutes=2)
PRINT_ERRORS = ("no_agent", "no_answer", "offline", "paper_out", "cover_open", "error")
# What staff are shown of a kiosk's printer: what its agent last reported
# (printer.PrinterStatus states), or that no agent is connected.
PrinterState = Literal["ok", "paper_low", "paper_out", "cover_open", "offline", "error",
                       "unknown", "no_agent"]
REPORTED_STATES: frozenset[str] = frozenset(get_args(PrinterState)) - {"no_agent"}


def job_id(ticket: Ticket) -> str:
    return f"{ticket.id}.{ticket.print_attempts}"


def agent_connected(device: Device, now: datetime) -> bool:
    seen = device.agent_seen_at
    return seen is not None and now - seen <= AGENT_FRESH


def printer_state(device: Device, now: datetime) -> PrinterState:
    """What staff are shown: the agent's last report, or `no_agent`."""
    if not agent_connected(device, now):
        return "no_agent"
    state = device.printer_status
    return cast(PrinterState, state) if state in REPORTED_STATES else "unknown"


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


def first_print(ticket: Ticket, kiosk: Device, now: datetime) -> bool:
    """The first attempt at issue, set on a ticket not yet written (one INSERT, not an
    INSERT and an UPDATE): True (pending) when the kiosk's agent is connected, else failed
    (`no_agent`; then `record_print_failure` once the ticket has its id)."""
    ticket.print_attempts, ticket.print_sent_at = 1, now
    if agent_connected(kiosk, now):
        ticket.print_status, ticket.print_error = PrintStatus.PENDING, None
        return True
    ticket.print_status, ticket.print_error = PrintStatus.FAILED, "no_agent"
    return False


def print_failure(session: Session, now: datetime, ticket: Ticket) -> TicketEvent:
    """The event of `first_print`'s failure, not yet added (a new ticket's go out with it)."""
    return new_event(session, ticket, "print_failed", now, from_status=ticket.status,
                     attempt=ticket.print_attempts, error=ticket.print_error, detail="")


def record_print_failure(session: Session, now: datetime, ticket: Ticket) -> None:
    session.add(print_failure(session, now, ticket))


def reprint(session: Session, now: datetime, ticket: Ticket, user_id: int) -> Device:
    """Staff print a ticket again at the kiosk that issued it: the kiosk, whose agent is to
    be sent the new job after the commit. Refused for a ticket not issued at a kiosk, one
    that is over, or when the kiosk's print agent is not connected."""
    kiosk = session.get(Device, ticket.kiosk_id) if ticket.kiosk_id else None
    if kiosk is None:
        raise NotIssuedAtKiosk()
    if ticket.status not in OPEN_STATUSES:
        raise TicketOver(ticket=ticket.code)
    if not agent_connected(kiosk, now):
        raise PrintAgentAbsent(kiosk=kiosk.name)
    start_print(session, now, ticket, kiosk, user_id=user_id)
    return kiosk


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
