"""How many are ahead of a visitor and roughly how long they will wait."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from queue_server.models import (
    Counter,
    CounterState,
    Service,
    Ticket,
    TicketStatus,
    counter_services,
)

RECENT_SERVED = 20  # the average follows the day's pace without one slow visitor dominating


@dataclass(frozen=True)
class ServiceLoad:
    waiting: int
    open_counters: int
    minutes_per_visitor: float


def ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same service that will be called before this one."""
    if ticket.status is not TicketStatus.WAITING:
        return 0
    earlier = and_(Ticket.priority == ticket.priority, or_(
        Ticket.queue_key < ticket.queue_key,
        and_(Ticket.queue_key == ticket.queue_key, Ticket.id < ticket.id)))
    ranks_before = or_(Ticket.priority, earlier) if not ticket.priority else earlier
    count = session.scalar(
        select(func.count()).select_from(Ticket)
        .where(Ticket.status == TicketStatus.WAITING, Ticket.service_id == ticket.service_id,
               Ticket.service_day == ticket.service_day, ranks_before))
    return count or 0


def service_load(session: Session, service: Service, day: date) -> ServiceLoad:
    waiting = session.scalar(
        select(func.count()).select_from(Ticket)
        .where(Ticket.status == TicketStatus.WAITING, Ticket.service_id == service.id,
               Ticket.service_day == day)) or 0
    open_counters = session.scalar(
        select(func.count()).select_from(Counter)
        .join(counter_services, counter_services.c.counter_id == Counter.id)
        .where(counter_services.c.service_id == service.id, Counter.active,
               Counter.state == CounterState.OPEN)) or 0
    recent = session.execute(
        select(Ticket.started_at, Ticket.finished_at)
        .where(Ticket.service_id == service.id, Ticket.service_day == day,
               Ticket.status == TicketStatus.DONE, Ticket.started_at.is_not(None))
        .order_by(Ticket.finished_at.desc()).limit(RECENT_SERVED)).all()
    durations = [(end - start).total_seconds() / 60 for start, end in recent if end and start]
    minutes = sum(durations) / len(durations) if durations else float(service.target_minutes)
    return ServiceLoad(waiting, open_counters, minutes)


def estimated_wait_minutes(load: ServiceLoad, ahead: int) -> int:
    """Those ahead times the pace, shared by the open counters (at least one, so a service
    whose counters are not open yet still gets an honest figure)."""
    if ahead <= 0:
        return 0
    return math.ceil(ahead * load.minutes_per_visitor / max(1, load.open_counters))
