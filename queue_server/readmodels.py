"""Read models: the hall as the API and the Socket.IO hub show it.

Each builder reads with the given session and returns a schema object; none writes.
"""

from __future__ import annotations

import math
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from printer.messages import MESSAGES as PRINTER_MESSAGES
from queue_server.models import (
    Agency,
    Counter,
    Service,
    ServiceDay,
    Ticket,
    TicketStatus,
)
from queue_server.queue.availability import availability
from queue_server.queue.common import get_site, service_day, site_time
from queue_server.queue.counters import CounterSituation, allowed_actions, recalls_left
from queue_server.queue.estimates import (
    ahead_of,
    estimated_wait_minutes,
    service_load,
    service_loads,
)
from queue_server.queue.order import waiting_order
from queue_server.schemas import (
    AgencyOut,
    CounterOut,
    CounterRef,
    CurrentTicket,
    OfficerOut,
    PublicTicketOut,
    QueueItem,
    ServiceOut,
    ServicesOut,
    TicketOut,
)


def services_overview(session: Session, now: datetime, language: str = "id") -> ServicesOut:
    """Every active agency with its services: open or not (and why), waiting, quota left and
    the wait a visitor taking a ticket now can expect."""
    site = get_site(session)
    local = site_time(site, now)
    day = local.date()
    agencies = session.scalars(
        select(Agency).where(Agency.active).order_by(Agency.position)
        .options(selectinload(Agency.services))).all()
    services = [s for a in agencies for s in a.services if s.active]
    loads = service_loads(session, day, services)
    days = {row.service_id: row for row in session.scalars(
        select(ServiceDay).where(ServiceDay.day == day))}
    answer = []
    for agency in agencies:
        items = []
        for service in (s for s in agency.services if s.active):
            state = availability(site, local, service, days.get(service.id))
            refusal = state.refusal
            load = loads[service.id]
            items.append(ServiceOut(
                code=service.code, name=service.name, prefix=service.prefix,
                open=refusal is None,
                closed_reason=refusal.code if refusal else None,
                closed_message=refusal.message(language) if refusal else None,
                waiting=load.waiting, quota=state.quota, quota_left=state.quota_left,
                estimated_wait_min=estimated_wait_minutes(load, load.waiting),
                target_minutes=service.target_minutes,
                requirements=list(service.requirements)))
        answer.append(AgencyOut(
            code=agency.code, name=agency.name, short_name=agency.short_name,
            colour=agency.colour, waiting=sum(i.waiting for i in items), services=items))
    return ServicesOut(agencies=answer)


def _counter_ref(counter: Counter | None) -> CounterRef | None:
    if counter is None:
        return None
    return CounterRef(id=counter.id, number=counter.number, name=counter.name)


def _position(session: Session, ticket: Ticket) -> tuple[int, int]:
    """(ahead, estimated minutes) for a waiting ticket; (0, 0) otherwise."""
    if ticket.status is not TicketStatus.WAITING:
        return 0, 0
    ahead = ahead_of(session, ticket)
    load = service_load(session, ticket.service, ticket.service_day)
    return ahead, estimated_wait_minutes(load, ahead)


def tracking_url(public_url: str, ticket: Ticket) -> str:
    return f"{public_url}/t/{ticket.token}"


# Why a ticket did not print, beyond the printer's own states (printer.messages).
PRINT_PROBLEMS: dict[str, tuple[str, str]] = {
    "no_agent": ("Printer kiosk tidak tersambung", "The kiosk printer is not connected"),
    "no_answer": ("Printer tidak menjawab", "The printer did not answer"),
}


def print_problem(error: str | None) -> tuple[str, str] | None:
    """(Indonesian, English) for a print error code; None when there is no error."""
    if error is None:
        return None
    return PRINT_PROBLEMS.get(error) or PRINTER_MESSAGES.get(error) or PRINTER_MESSAGES["error"]


def print_message(error: str | None, language: str) -> str | None:
    """The print error as a sentence for the visitor, in `language`."""
    problem = print_problem(error)
    if problem is None:
        return None
    return f"{problem[1] if language == 'en' else problem[0]}."


def ticket_out(session: Session, ticket: Ticket, public_url: str,
               language: str = "id") -> TicketOut:
    ahead, minutes = _position(session, ticket)
    service, agency = ticket.service, ticket.service.agency
    return TicketOut(
        id=ticket.id, code=ticket.code, number=ticket.number, service=service.code,
        service_name=service.name, agency=agency.code, agency_name=agency.name,
        status=ticket.status, priority=ticket.priority, priority_reason=ticket.priority_reason,
        channel=ticket.channel, ahead=ahead, estimated_wait_min=minutes, token=ticket.token,
        tracking_url=tracking_url(public_url, ticket), print_status=ticket.print_status,
        print_error=ticket.print_error,
        print_message=print_message(ticket.print_error, language),
        issued_at=ticket.issued_at, called_at=ticket.called_at,
        counter=_counter_ref(ticket.counter) if ticket.status in _AT_COUNTER else None,
        call_count=ticket.call_count)


_AT_COUNTER = (TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED)


def public_ticket(session: Session, ticket: Ticket) -> PublicTicketOut:
    ahead, minutes = _position(session, ticket)
    service, agency = ticket.service, ticket.service.agency
    return PublicTicketOut(
        code=ticket.code, service=service.code, service_name=service.name,
        agency=agency.code, agency_name=agency.name, status=ticket.status, ahead=ahead,
        estimated_wait_min=minutes, issued_at=ticket.issued_at,
        counter=_counter_ref(ticket.counter) if ticket.status in _AT_COUNTER else None,
        call_count=ticket.call_count)


def _minutes(since: datetime | None, now: datetime) -> int:
    return max(0, math.floor((now - since).total_seconds() / 60)) if since else 0


def _queue_item(ticket: Ticket, now: datetime) -> QueueItem:
    return QueueItem(
        id=ticket.id, code=ticket.code, service=ticket.service.code, priority=ticket.priority,
        priority_reason=ticket.priority_reason, status=ticket.status,
        issued_at=ticket.issued_at, waited_min=_minutes(ticket.issued_at, now))


def counter_out(session: Session, now: datetime, counter: Counter) -> CounterOut:
    """The counter as its officer sees it: state, the active ticket, the queue, parked."""
    site = get_site(session)
    day = service_day(site, now)
    served: list[Service] = [s for s in counter.services if s.active]
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.service_day == day, (
            (Ticket.status == TicketStatus.WAITING)
            & Ticket.service_id.in_([s.id for s in served]))
            | ((Ticket.counter_id == counter.id)
               & Ticket.status.in_([TicketStatus.CALLED, TicketStatus.SERVING,
                                    TicketStatus.PARKED])))
        .order_by(*waiting_order())
        .options(selectinload(Ticket.service))).all()
    current = None
    waiting, parked = [], []
    for ticket in tickets:
        if ticket.status is TicketStatus.WAITING:
            waiting.append(_queue_item(ticket, now))
        elif ticket.status is TicketStatus.PARKED:
            parked.append(_queue_item(ticket, now))
        else:
            base = _queue_item(ticket, now).model_dump()
            current = CurrentTicket(
                **base, call_count=ticket.call_count, called_at=ticket.called_at,
                started_at=ticket.started_at, target_minutes=ticket.service.target_minutes,
                outcomes=list(ticket.service.outcomes),
                outcome_required=ticket.service.outcome_required)
    situation = CounterSituation(
        state=counter.state, current=current.status if current else None,
        call_count=current.call_count if current else 0, waiting=len(waiting),
        parked=len(parked))
    officer = counter.officer
    return CounterOut(
        id=counter.id, number=counter.number, name=counter.name, agency=counter.agency.code,
        state=counter.state,
        officer=OfficerOut(id=officer.id, username=officer.username, name=officer.name)
        if officer else None,
        services=[s.code for s in served], current=current, waiting=waiting, parked=parked,
        allowed_actions=allowed_actions(situation, site.recalls_before_no_show),
        recalls_left=recalls_left(situation, site.recalls_before_no_show))
