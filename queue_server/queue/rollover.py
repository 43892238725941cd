"""Day rollover: what was still open on an earlier service day becomes `expired`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import OPEN_STATUSES, Ticket, TicketStatus
from queue_server.queue.common import get_site, record, service_day


def expire_past_days(session: Session, now: datetime) -> int:
    """Expire unfinished tickets of days before today (site time); history is kept.

    Idempotent: safe to run at every start and every few minutes.
    """
    today = service_day(get_site(session), now)
    tickets = session.scalars(
        select(Ticket).where(Ticket.service_day < today, Ticket.status.in_(OPEN_STATUSES))
        .with_for_update()).all()
    for ticket in tickets:
        left = ticket.status
        ticket.status = TicketStatus.EXPIRED
        ticket.finished_at = now
        record(session, ticket, "expired", now, from_status=left)
    return len(tickets)
