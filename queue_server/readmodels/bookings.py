"""Today's tickets taken from home, as staff see them: per service (and per appointment slot)
how many were booked, checked in, are still to come or expired, and the bookings whose holder
has not arrived yet, with the last digits staff confirm at the desk.

A remote ticket is one with `booked_at`. A booking cancelled before its holder came is left
out; one cancelled after check-in still counts as checked in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from queue_server.console.schemas import (
    BookedService,
    BookingsOut,
    NotArrived,
    RemoteCounts,
    SlotCounts,
)
from queue_server.models import Service, Ticket, TicketStatus
from queue_server.queue.common import get_site, service_day
from queue_server.queue.slots import slot_states

Window = Literal["early", "open", "late"]


@dataclass
class Tally:
    checked_in: int = 0
    not_arrived: int = 0
    expired: int = 0

    def add(self, other: Tally) -> None:
        self.checked_in += other.checked_in
        self.not_arrived += other.not_arrived
        self.expired += other.expired

    def out(self) -> RemoteCounts:
        return RemoteCounts(booked=self.checked_in + self.not_arrived + self.expired,
                            checked_in=self.checked_in, not_arrived=self.not_arrived,
                            expired=self.expired)


def _remote_of(day: date, service_ids: Sequence[int]) -> tuple[Any, ...]:
    """Today's remote tickets of these services (by the service booked), less the bookings
    cancelled before their holder came."""
    return (Ticket.service_day == day, Ticket.booked_at.is_not(None),
            Ticket.issued_service_id.in_(list(service_ids)),
            not_(and_(Ticket.status == TicketStatus.CANCELLED, Ticket.checked_in_at.is_(None))))


def remote_tallies(session: Session, day: date, service_ids: Sequence[int]
                   ) -> dict[tuple[int, datetime | None], Tally]:
    """{(service id, slot start or None): its tally}, in one grouped query."""
    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    rows = session.execute(
        select(Ticket.issued_service_id, Ticket.slot_start,
               count(Ticket.checked_in_at.is_not(None)),
               count(Ticket.status == TicketStatus.BOOKED),
               count(and_(Ticket.status == TicketStatus.EXPIRED, Ticket.checked_in_at.is_(None))))
        .where(*_remote_of(day, service_ids))
        .group_by(Ticket.issued_service_id, Ticket.slot_start))
    return {(service_id, slot): Tally(*(int(value or 0) for value in values))
            for service_id, slot, *values in rows}


def remote_counts(session: Session, day: date, service_ids: Sequence[int]
                  ) -> dict[int, RemoteCounts]:
    """Per service id: today's remote tickets (services without any are absent)."""
    totals: dict[int, Tally] = {}
    for (service_id, _slot), tally in remote_tallies(session, day, service_ids).items():
        totals.setdefault(service_id, Tally()).add(tally)
    return {service_id: tally.out() for service_id, tally in totals.items()}


def day_slots(session: Session, now: datetime, service: Service, day: date,
              tallies: dict[tuple[int, datetime | None], Tally]) -> list[SlotCounts]:
    """Every slot of the service's day (none for a service without appointments) with its
    capacity, places left (as booking counts them) and tally."""
    if not service.slots:
        return []
    states, _day = slot_states(session, now, service, day)
    return [SlotCounts(start=f"{state.slot.start:%H:%M}", end=f"{state.slot.end:%H:%M}",
                       capacity=state.capacity, taken=state.taken, left=state.left,
                       counts=tallies.get((service.id, state.start), Tally()).out())
            for state in states]


def window_of(ticket: Ticket, now: datetime) -> Window:
    if ticket.arrive_from is not None and now < ticket.arrive_from:
        return "early"
    if ticket.arrive_until is not None and now > ticket.arrive_until:
        return "late"
    return "open"


def _matching(find: str) -> Any:
    wanted = find.strip().upper()
    return or_(Ticket.booking_code == wanted, Ticket.code == wanted,
               Ticket.phone_last4 == wanted, Ticket.nik_last4 == wanted)


def not_arrived(session: Session, now: datetime, day: date, services: Sequence[Service], *,
                find: str | None, limit: int, offset: int) -> tuple[list[NotArrived], int]:
    """Today's bookings not checked in yet, by arrival window then booking: a page of them
    and how many there are."""
    codes = {service.id: service.code for service in services}
    where = [Ticket.service_day == day, Ticket.status == TicketStatus.BOOKED,
             Ticket.issued_service_id.in_(list(codes))]
    if find:
        where.append(_matching(find))
    total = session.scalar(select(func.count()).select_from(Ticket).where(*where)) or 0
    tickets = session.scalars(
        select(Ticket).where(*where)
        .order_by(Ticket.arrive_from.is_(None), Ticket.arrive_from, Ticket.booked_at, Ticket.id)
        .limit(limit).offset(offset))
    return [NotArrived(
        id=t.id, code=t.code, booking_code=t.booking_code, service=codes[t.issued_service_id],
        booked_at=t.booked_at, slot_start=t.slot_start, arrive_from=t.arrive_from,
        arrive_until=t.arrive_until, expires_at=t.expires_at, window=window_of(t, now),
        phone_last4=t.phone_last4, nik_last4=t.nik_last4) for t in tickets], total


def bookings_today(session: Session, now: datetime, services: Sequence[Service], *,
                   find: str | None = None, limit: int = 50, offset: int = 0) -> BookingsOut:
    """The staff's view of today's remote tickets for these services."""
    site = get_site(session)
    day = service_day(site, now)
    ids = [service.id for service in services]
    tallies = remote_tallies(session, day, ids)
    answer = []
    for service in services:
        total = Tally()
        for (service_id, _slot), tally in tallies.items():
            if service_id == service.id:
                total.add(tally)
        answer.append(BookedService(code=service.code, name=service.name,
                                    agency=service.agency.code,
                                    takes_remote=service.remote_share > 0, counts=total.out(),
                                    slots=day_slots(session, now, service, day, tallies)))
    waiting, count = not_arrived(session, now, day, services, find=find, limit=limit,
                                 offset=offset)
    return BookingsOut(day=day, now=now, services=answer, not_arrived=waiting,
                       not_arrived_total=count, offset=offset, limit=limit)
