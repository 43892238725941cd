"""Bookings never checked in: expired at the end of their window, their quota given back.

Run every few seconds by the server (queue_server/webhooks/worker.py) and by `antre remote
sweep`. Safe with several server processes at once: each booking is locked while it is
expired (PostgreSQL skips the rows another process holds), and only a booked ticket is
expired, so none is expired twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import Ticket, TicketStatus
from queue_server.queue.common import get_site, record
from queue_server.queue.issuing import return_quota_unit
from queue_server.queue.outbox import enqueue
from queue_server.queue.remote import remote_rules


def expire_bookings(session: Session, now: datetime) -> list[Ticket]:
    """Expire the bookings whose window ended; the tickets expired."""
    due = session.scalars(
        select(Ticket).where(Ticket.status == TicketStatus.BOOKED, Ticket.expires_at <= now)
        .order_by(Ticket.id).with_for_update(skip_locked=True)).all()
    if not due:
        return []
    rules = remote_rules(get_site(session))
    for ticket in due:
        ticket.status = TicketStatus.EXPIRED
        ticket.finished_at = now
        return_quota_unit(session, ticket)
        record(session, ticket, "expired", now, from_status=TicketStatus.BOOKED,
               reason="not_checked_in")
        enqueue(session, now, rules, ticket, "expired")
    return list(due)
