"""Day rollover: what an earlier service day left open is closed.

Unfinished tickets become `expired`; counters still open or on a break since an earlier day
are closed, with a `CounterEvent` (no officer: the day closed them), so the display does not
show yesterday's "Buka" and the overview no longer counts them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.models import (
    OPEN_STATUSES,
    Counter,
    CounterEvent,
    CounterState,
    Ticket,
    TicketStatus,
)
from queue_server.queue.common import get_site, record, service_day

# The reason written on a counter the rollover closed (reports and the audit read it).
DAY_ENDED = "Ditutup otomatis: hari layanan berganti"


def expire_past_days(session: Session, now: datetime) -> int:
    """Expire unfinished tickets of days before today (site time), then close the counters
    those days left open; history is kept. Returns the number of tickets expired.

    Idempotent: safe to run at every start and every few minutes.
    """
    site = get_site(session)
    today = service_day(site, now)
    tickets = session.scalars(
        select(Ticket).where(Ticket.service_day < today, Ticket.status.in_(OPEN_STATUSES))
        .with_for_update()).all()
    for ticket in tickets:
        left = ticket.status
        ticket.status = TicketStatus.EXPIRED
        ticket.finished_at = now
        record(session, ticket, "expired", now, from_status=left)
    close_counters_left_open(session, now)
    return len(tickets)


def close_counters_left_open(session: Session, now: datetime) -> list[str]:
    """Close the counters open or on a break since before today; their ids.

    A counter already at work today (a ticket of today called, served or parked there) is
    left alone: its officer is there, whatever the last state change says.
    """
    site = get_site(session)
    today = service_day(site, now)
    left_open = session.scalars(
        select(Counter).where(Counter.state != CounterState.CLOSED)
        .order_by(Counter.id).with_for_update()).all()
    busy = set(session.scalars(
        select(Ticket.counter_id).where(Ticket.service_day == today,
                                        Ticket.status.in_(OPEN_STATUSES),
                                        Ticket.counter_id.is_not(None))))
    closed = []
    for counter in left_open:
        since = counter.state_changed_at
        if counter.id in busy or (since is not None and service_day(site, since) >= today):
            continue
        counter.state = CounterState.CLOSED
        counter.state_changed_at = now
        counter.officer_id = None
        session.add(CounterEvent(counter_id=counter.id, state=CounterState.CLOSED, at=now,
                                 user_id=None, reason=DAY_ENDED))
        closed.append(counter.id)
    return closed
