"""How many are ahead of a visitor and roughly how long they will wait."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.models import (
    Counter,
    CounterState,
    Service,
    Ticket,
    TicketStatus,
    counter_services,
)
from queue_server.queue.order import ranks_before

RECENT_SERVED = 20  # the average follows the day's pace without one slow visitor dominating
# The service's own target counts as this many visits already seen: the first two or three
# visits of the day (one walk-in finished in ten seconds, one long case) move the pace only
# part of the way, and a day's real history soon outweighs it.
PRIOR_VISITS = 3
# One visit counts between these shares of the target: a ticket finished by mistake a few
# seconds after its start, or left open over lunch, is not the pace of the service.
SHORTEST_SHARE = 0.25
LONGEST_SHARE = 4.0


@dataclass(frozen=True)
class ServiceLoad:
    waiting: int
    open_counters: int
    minutes_per_visitor: float


def ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same service that will be called before this one."""
    if ticket.status is not TicketStatus.WAITING:
        return 0
    count = session.scalar(
        select(func.count()).select_from(Ticket)
        .where(Ticket.status == TicketStatus.WAITING, Ticket.service_id == ticket.service_id,
               Ticket.service_day == ticket.service_day,
               ranks_before(ticket.priority, ticket.queue_key, ticket.id)))
    return count or 0


def service_loads(session: Session, day: date,
                  services: list[Service]) -> dict[int, ServiceLoad]:
    """The load of many services in three grouped queries (the kiosk lists them all)."""
    ids = [service.id for service in services]
    waiting: dict[int, int] = dict(session.execute(
        select(Ticket.service_id, func.count())
        .where(Ticket.status == TicketStatus.WAITING, Ticket.service_id.in_(ids),
               Ticket.service_day == day)
        .group_by(Ticket.service_id)).all())
    open_counters: dict[int, int] = dict(session.execute(
        select(counter_services.c.service_id, func.count())
        .join(Counter, counter_services.c.counter_id == Counter.id)
        .where(counter_services.c.service_id.in_(ids), Counter.active,
               Counter.state == CounterState.OPEN)
        .group_by(counter_services.c.service_id)).all())
    durations: dict[int, list[float]] = {}
    served = session.execute(
        select(Ticket.service_id, Ticket.started_at, Ticket.finished_at)
        .where(Ticket.service_id.in_(ids), Ticket.service_day == day,
               Ticket.status == TicketStatus.DONE, Ticket.started_at.is_not(None))
        .order_by(Ticket.finished_at.desc()))
    for service_id, started, finished in served:
        recent = durations.setdefault(service_id, [])
        if started and finished and len(recent) < RECENT_SERVED:
            recent.append((finished - started).total_seconds() / 60)
    return {
        service.id: ServiceLoad(
            waiting.get(service.id, 0), open_counters.get(service.id, 0),
            pace(durations.get(service.id, []), float(service.target_minutes)))
        for service in services}


def service_load(session: Session, service: Service, day: date) -> ServiceLoad:
    return service_loads(session, day, [service])[service.id]


def pace(recent: list[float], target: float) -> float:
    """Minutes per visitor: today's recent visits (each kept within a sane share of the
    target) averaged together with the target itself, weighted as PRIOR_VISITS visits."""
    kept = [min(max(minutes, target * SHORTEST_SHARE), target * LONGEST_SHARE)
            for minutes in recent]
    return (sum(kept) + PRIOR_VISITS * target) / (len(kept) + PRIOR_VISITS)


def estimated_wait_minutes(load: ServiceLoad, ahead: int) -> int | None:
    """Those ahead times the pace, shared by the counters serving the service now.

    None when no counter serves it now: no figure is honest then ("belum ada loket yang
    buka"), not "soon" and not a figure for one imagined counter.
    """
    if load.open_counters <= 0:
        return None
    if ahead <= 0:
        return 0
    return math.ceil(ahead * load.minutes_per_visitor / load.open_counters)
