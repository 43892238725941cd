"""What the console and the supervisor's overview show, read in a few grouped queries.

Each builder reads with the given session and returns a schema object; none writes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import cast, get_args

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from queue_server.console.schemas import (
    CounterChoice,
    CounterTodayOut,
    CurrentAtCounter,
    DayChange,
    KioskState,
    OverviewCounter,
    OverviewOut,
    OverviewService,
    OwnDay,
    PrinterState,
)
from queue_server.models import (
    ACTIVE_STATUSES,
    Agency,
    Counter,
    CounterState,
    Device,
    DeviceKind,
    Role,
    Service,
    ServiceDay,
    ServiceDayEvent,
    Site,
    Ticket,
    TicketEvent,
    TicketStatus,
    User,
)
from queue_server.queue.common import get_site, service_day, zone
from queue_server.queue.operations import effective_quota
from queue_server.queue.printjobs import printer_state
from queue_server.readmodels import services_overview
from queue_server.schemas import OfficerOut, QueueItem

UNATTENDED_AFTER = timedelta(minutes=1)
RECENT_NO_SHOWS = 20
RECENT_CHANGES = 20
PRINTER_STATES = set(get_args(PrinterState))


def day_bounds(site: Site, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone(site.timezone))
    return start, start + timedelta(days=1)


def _minutes(since: datetime | None, now: datetime) -> int:
    return max(0, math.floor((now - since).total_seconds() / 60)) if since else 0


def _officer(user: User | None) -> OfficerOut | None:
    return OfficerOut(id=user.id, username=user.username, name=user.name) if user else None


def agency_scope(user: User) -> list[int] | None:
    """The agency ids the user works for; None for an administrator (all of them)."""
    return None if user.role is Role.ADMIN else [agency.id for agency in user.agencies]


def _counters(session: Session, scope: list[int] | None) -> list[Counter]:
    statement = (select(Counter).join(Agency, Counter.agency_id == Agency.id)
                 .where(Counter.active, Agency.active).order_by(Counter.number)
                 .options(selectinload(Counter.services), selectinload(Counter.officer),
                          selectinload(Counter.agency)))
    if scope is not None:
        statement = statement.where(Counter.agency_id.in_(scope))
    return list(session.scalars(statement))


def counter_choices(session: Session, user: User) -> list[CounterChoice]:
    """The counters a user may open: those of their agencies (all, for an administrator)."""
    return [CounterChoice(
        id=c.id, number=c.number, name=c.name, agency=c.agency.code,
        agency_name=c.agency.short_name, state=c.state, officer=_officer(c.officer),
        services=[s.code for s in c.services if s.active])
        for c in _counters(session, agency_scope(user))]


def counter_today(session: Session, now: datetime, counter: Counter,
                  user: User) -> CounterTodayOut:
    """The officer's own count and average service time today, and the counter's no-shows."""
    site = get_site(session)
    day = service_day(site, now)
    start, end = day_bounds(site, day)
    today = (TicketEvent.at >= start, TicketEvent.at < end)
    kinds = dict(session.execute(
        select(TicketEvent.kind, func.count()).where(
            TicketEvent.user_id == user.id, *today,
            TicketEvent.kind.in_(["finished", "no_show", "transferred"]))
        .group_by(TicketEvent.kind)).all())
    durations = [(finished - started).total_seconds() / 60 for started, finished in
                 session.execute(
                     select(Ticket.started_at, Ticket.finished_at)
                     .join(TicketEvent, TicketEvent.ticket_id == Ticket.id)
                     .where(TicketEvent.kind == "finished", TicketEvent.user_id == user.id,
                            *today, Ticket.started_at.is_not(None),
                            Ticket.finished_at.is_not(None)))
                 if started and finished]
    counter_served = session.scalar(
        select(func.count()).select_from(TicketEvent)
        .where(TicketEvent.kind == "finished", TicketEvent.counter_id == counter.id, *today))
    served_ids = [s.id for s in counter.services if s.active]
    no_shows = session.scalars(
        select(Ticket).where(Ticket.status == TicketStatus.NO_SHOW,
                             Ticket.service_day == day, Ticket.service_id.in_(served_ids))
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(RECENT_NO_SHOWS)
        .options(selectinload(Ticket.service))).all()
    return CounterTodayOut(
        counter=counter.id, day=day, now=now,
        mine=OwnDay(served=kinds.get("finished", 0),
                    average_service_min=round(sum(durations) / len(durations), 1)
                    if durations else None,
                    no_shows=kinds.get("no_show", 0), transferred=kinds.get("transferred", 0)),
        counter_served=counter_served or 0,
        no_shows=[QueueItem(id=t.id, code=t.code, service=t.service.code, priority=t.priority,
                            priority_reason=t.priority_reason, status=t.status,
                            issued_at=t.issued_at, waited_min=_minutes(t.issued_at, now))
                  for t in no_shows])


def _printer(device: Device, now: datetime) -> PrinterState:
    """The print agent's last report while it is connected, else `no_agent` (the printing
    module's rule, so the overview and the kiosk list agree)."""
    state = printer_state(device, now)
    return cast(PrinterState, state) if state in PRINTER_STATES else "unknown"


def overview(session: Session, now: datetime, user: User, language: str,
             console_live: Callable[[str], bool]) -> OverviewOut:
    """The supervisor's floor: counters, queues, kiosks' printers, today's changes."""
    site = get_site(session)
    day = service_day(site, now)
    start, end = day_bounds(site, day)
    scope = agency_scope(user)
    counters = _counters(session, scope)
    services = list(session.scalars(
        select(Service).join(Agency, Service.agency_id == Agency.id)
        .where(Service.active, Agency.active,
               *([Service.agency_id.in_(scope)] if scope is not None else []))
        .order_by(Agency.position, Service.position)
        .options(selectinload(Service.agency))))
    service_ids = [s.id for s in services]
    waiting: dict[int, tuple[int, datetime | None]] = {
        service_id: (count, oldest) for service_id, count, oldest in session.execute(
            select(Ticket.service_id, func.count(), func.min(Ticket.issued_at))
            .where(Ticket.status == TicketStatus.WAITING, Ticket.service_day == day,
                   Ticket.service_id.in_(service_ids))
            .group_by(Ticket.service_id))}
    finished = (TicketEvent.kind == "finished", TicketEvent.at >= start, TicketEvent.at < end)
    served_by_service = dict(session.execute(
        select(TicketEvent.service_id, func.count()).where(*finished)
        .group_by(TicketEvent.service_id)).all())
    counter_ids = [c.id for c in counters]
    served_by_counter = dict(session.execute(
        select(TicketEvent.counter_id, func.count())
        .where(*finished, TicketEvent.counter_id.in_(counter_ids))
        .group_by(TicketEvent.counter_id)).all())
    last_event = dict(session.execute(
        select(TicketEvent.counter_id, func.max(TicketEvent.at))
        .where(TicketEvent.at >= start, TicketEvent.counter_id.in_(counter_ids))
        .group_by(TicketEvent.counter_id)).all())
    current = {t.counter_id: t for t in session.scalars(
        select(Ticket).where(Ticket.counter_id.in_(counter_ids),
                             Ticket.status.in_(ACTIVE_STATUSES))
        .options(selectinload(Ticket.service)))}
    rows = {row.service_id: row for row in session.scalars(
        select(ServiceDay).where(ServiceDay.day == day, ServiceDay.service_id.in_(service_ids)))}
    public = {s.code: s for agency in services_overview(session, now, language).agencies
              for s in agency.services}

    counter_items = []
    for counter in counters:
        served_ids = [s.id for s in counter.services if s.active]
        count = sum(waiting.get(i, (0, None))[0] for i in served_ids)
        oldest = [w[1] for i in served_ids if (w := waiting.get(i)) and w[1] is not None]
        ticket = current.get(counter.id)
        moments = [m for m in (counter.state_changed_at, last_event.get(counter.id)) if m]
        last = max(moments) if moments else None
        live = console_live(counter.id)
        counter_items.append(OverviewCounter(
            id=counter.id, number=counter.number, name=counter.name,
            agency=counter.agency.code, state=counter.state, officer=_officer(counter.officer),
            services=[s.code for s in counter.services if s.active],
            current=CurrentAtCounter(
                code=ticket.code, service=ticket.service.code, status=ticket.status,
                since=ticket.started_at if ticket.status is TicketStatus.SERVING
                else ticket.last_called_at) if ticket else None,
            served_today=served_by_counter.get(counter.id, 0), waiting=count,
            longest_wait_min=_minutes(min(oldest), now) if oldest else 0,
            console_live=live, last_activity_at=last,
            unattended=counter.state is not CounterState.CLOSED and not live
            and (last is None or now - last > UNATTENDED_AFTER)))

    service_items = []
    for service in services:
        row = rows.get(service.id)
        shown = public.get(service.code)
        quota = effective_quota(service, row)
        issued = row.issued if row else 0
        count, oldest_at = waiting.get(service.id, (0, None))
        service_items.append(OverviewService(
            code=service.code, name=service.name, agency=service.agency.code,
            agency_name=service.agency.short_name,
            open=shown.open if shown else False,
            closed_reason=shown.closed_reason if shown else None,
            closed_message=shown.closed_message if shown else None,
            closed_today=row.closed_reason if row else None,
            waiting=count, longest_wait_min=_minutes(oldest_at, now),
            served_today=served_by_service.get(service.id, 0), issued=issued, quota=quota,
            configured_quota=service.quota,
            quota_left=max(0, quota - issued) if quota is not None else None,
            manageable=user.role in (Role.ADMIN, Role.SUPERVISOR)))

    kiosks = [KioskState(id=d.id, name=d.name, printer=_printer(d, now),
                         printer_status_at=d.printer_status_at, last_seen_at=d.last_seen_at)
              for d in session.scalars(select(Device).where(
                  Device.active, Device.kind == DeviceKind.KIOSK).order_by(Device.id))]
    codes = {s.id: s.code for s in services}
    changes = [DayChange(at=e.at, service=codes[e.service_id], kind=e.kind, reason=e.reason,
                         user=name, data=dict(e.data or {}))
               for e, name in session.execute(
                   select(ServiceDayEvent, User.name)
                   .outerjoin(User, ServiceDayEvent.user_id == User.id)
                   .where(ServiceDayEvent.day == day,
                          ServiceDayEvent.service_id.in_(service_ids))
                   .order_by(ServiceDayEvent.at.desc(), ServiceDayEvent.id.desc())
                   .limit(RECENT_CHANGES))]
    return OverviewOut(
        day=day, now=now, role=user.role.value,
        agencies=sorted(a.code for a in user.agencies), running_text=site.running_text,
        may_set_running_text=user.role is Role.ADMIN, counters=counter_items,
        services=service_items, kiosks=kiosks, changes=changes)
