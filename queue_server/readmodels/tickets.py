"""A ticket as its holder, staff and the visitors behind it see it: place in line, estimated
wait, counter, print state."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, not_, or_, select
from sqlalchemy.orm import Session

from queue_server.config import HallConfig
from queue_server.models import Counter, Service, Ticket, TicketStatus
from queue_server.queue.estimates import (
    PlaceAndPace,
    ServiceLoad,
    estimated_wait_minutes,
    place_and_pace,
)
from queue_server.queue.order import RankKey, rank_key, ranks_before, waiting_order
from queue_server.readmodels.common import find_active
from queue_server.readmodels.kiosks import print_message
from queue_server.schemas import CounterRef, PublicTicketOut, TicketOut


def counter_ref(counter: Counter | None) -> CounterRef | None:
    if counter is None:
        return None
    return CounterRef(id=counter.id, number=counter.number, name=counter.name)


def position(session: Session, ticket: Ticket,
             known: PlaceAndPace | None = None) -> tuple[int, int | None]:
    """(ahead, estimated minutes) for a waiting ticket; (0, 0) otherwise. The minutes are
    None while no counter serving the service is open. `known`: the place and pace as just
    read in the same transaction, when they were."""
    if ticket.status is not TicketStatus.WAITING:
        return 0, 0
    ahead, pace = known or place_and_pace(session, ticket)
    return ahead, estimated_wait_minutes(pace, ahead)


def tracking_url(public_url: str, ticket: Ticket) -> str:
    return f"{public_url}/t/{ticket.token}"


def ticket_out(session: Session, ticket: Ticket, public_url: str,
               language: str = "id", *, with_token: bool = False,
               place: PlaceAndPace | None = None) -> TicketOut:
    """The ticket for staff and devices. `with_token` only for the kiosk that issued it (its
    screen and printout show the QR): the tracking token lets anyone cancel the ticket.
    `place`: as `position`'s `known`."""
    ahead, minutes = position(session, ticket, place)
    service, agency = ticket.service, ticket.service.agency
    return TicketOut(
        id=ticket.id, code=ticket.code, number=ticket.number, service=service.code,
        service_name=service.name, agency=agency.code, agency_name=agency.name,
        status=ticket.status, priority=ticket.priority, priority_reason=ticket.priority_reason,
        channel=ticket.channel, ahead=ahead, estimated_wait_min=minutes,
        token=ticket.token if with_token else None,
        tracking_url=tracking_url(public_url, ticket) if with_token else None,
        print_status=ticket.print_status,
        print_error=ticket.print_error,
        print_message=print_message(ticket.print_error, language),
        issued_at=ticket.issued_at, called_at=ticket.called_at,
        counter=counter_ref(ticket.counter) if ticket.status in _AT_COUNTER else None,
        call_count=ticket.call_count)


_AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED)


def public_ticket(session: Session, ticket: Ticket) -> PublicTicketOut:
    ahead, minutes = position(session, ticket)
    service, agency = ticket.service, ticket.service.agency
    return PublicTicketOut(
        code=ticket.code, service=service.code, service_name=service.name,
        agency=agency.code, agency_name=agency.name, status=ticket.status, ahead=ahead,
        estimated_wait_min=minutes, issued_at=ticket.issued_at,
        counter=counter_ref(ticket.counter) if ticket.status in _AT_COUNTER else None,
        call_count=ticket.call_count)


def moved_places(session: Session, service: Service, day: date, after: RankKey | None,
                 skip: Collection[int], load: Callable[[], ServiceLoad],
                 only: Collection[int] | None = None,
                 newcomers: Collection[tuple[RankKey, int]] | None = None
                 ) -> list[tuple[int, dict[str, Any]]]:
    """The public view of each waiting ticket of a service ranked after `after` (all when
    None), but those in `skip` (and, given `only`, those not in it): one query for the line,
    where asking ahead_of for each visitor would be one per visitor. Only the tickets after
    `after` are read, and those before it are counted only when one of them is to be told,
    so a newcomer at the back of a line costs one read of nothing; with `only` empty,
    nothing is read. `load` is asked only when someone moved. Given `newcomers` (ranks and
    ids), only the tickets one of them passed are told: ranked behind it, made before it."""
    if only is not None and not only:
        return []
    line = (Ticket.status == TicketStatus.WAITING, Ticket.service_id == service.id,
            Ticket.service_day == day)
    query = select(Ticket.id, Ticket.code, Ticket.issued_at, Ticket.call_count,
                   Ticket.priority, Ticket.queue_key).where(*line)
    up_to: ColumnElement[bool] | None = None
    if after is not None:
        regular, queue_key, ticket_id = after
        up_to = or_(ranks_before(not regular, queue_key, ticket_id), Ticket.id == ticket_id)
        query = query.where(not_(up_to))
    told = [(index, row) for index, row in
            enumerate(session.execute(query.order_by(*waiting_order())))
            if row.id not in skip and (only is None or row.id in only)
            and (newcomers is None
                 or _passed(rank_key(row.priority, row.queue_key, row.id), newcomers))]
    if not told:
        return []
    first = 0 if up_to is None else \
        session.scalar(select(func.count()).select_from(Ticket).where(*line, up_to)) or 0
    pace = load()
    moved = []
    for index, (ticket_id, code, issued_at, calls, *_rank) in told:
        ahead = first + index
        view = PublicTicketOut(
            code=code, service=service.code, service_name=service.name,
            agency=service.agency.code, agency_name=service.agency.name,
            status=TicketStatus.WAITING, ahead=ahead,
            estimated_wait_min=estimated_wait_minutes(pace, ahead), issued_at=issued_at,
            counter=None, call_count=calls)
        moved.append((ticket_id, view.model_dump(mode="json")))
    return moved


def _passed(rank: RankKey, newcomers: Collection[tuple[RankKey, int]]) -> bool:
    """Whether a newcomer made after the ticket of this rank (a higher id) ranks ahead."""
    return any(key < rank and newcomer > rank[2] for key, newcomer in newcomers)


def ticket_view(session: Session, now: datetime, hall: HallConfig, key: str,
                language: str) -> dict[str, Any]:
    return public_ticket(session, find_active(session, Ticket, int(key))).model_dump(mode="json")
