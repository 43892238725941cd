"""The supervisor's floor: counters, queues, kiosks' printers and today's changes, and the
staff dashboard's start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from queue_server.config import HallConfig
from queue_server.console.schemas import (
    CurrentAtCounter,
    DayChange,
    KioskState,
    OverviewCounter,
    OverviewOut,
    OverviewService,
    RemoteCounts,
)
from queue_server.models import (
    ACTIVE_STATUSES,
    Agency,
    CounterState,
    Device,
    DeviceKind,
    Role,
    Service,
    ServiceDay,
    ServiceDayEvent,
    Ticket,
    TicketEvent,
    TicketStatus,
    User,
)
from queue_server.people import agency_scope
from queue_server.queue.common import get_site, service_day
from queue_server.queue.operations import effective_quota
from queue_server.queue.printjobs import printer_state
from queue_server.readmodels.bookings import remote_counts
from queue_server.readmodels.common import day_bounds, find_active, minutes_since, officer_out
from queue_server.readmodels.counters import counter_summaries, counters_in_scope
from queue_server.readmodels.services import services_overview

UNATTENDED_AFTER = timedelta(minutes=1)
RECENT_CHANGES = 20
NO_REMOTE = RemoteCounts(booked=0, checked_in=0, not_arrived=0, expired=0)


def overview(session: Session, now: datetime, user: User,
             console_live: Callable[[str], bool]) -> OverviewOut:
    """The supervisor's floor: counters, queues, kiosks' printers, today's changes."""
    site = get_site(session)
    day = service_day(site, now)
    start, end = day_bounds(site, day)
    scope = agency_scope(user)
    counters = counters_in_scope(session, scope)
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
    public = {s.code: s for agency in services_overview(session, now).agencies
              for s in agency.services}
    remote = remote_counts(session, day, service_ids)

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
            agency=counter.agency.code, state=counter.state, officer=officer_out(counter.officer),
            services=[s.code for s in counter.services if s.active],
            current=CurrentAtCounter(
                code=ticket.code, service=ticket.service.code, status=ticket.status,
                since=ticket.started_at if ticket.status is TicketStatus.SERVING
                else ticket.last_called_at) if ticket else None,
            served_today=served_by_counter.get(counter.id, 0), waiting=count,
            longest_wait_min=minutes_since(min(oldest), now) if oldest else 0,
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
            waiting=count, longest_wait_min=minutes_since(oldest_at, now),
            served_today=served_by_service.get(service.id, 0), issued=issued, quota=quota,
            configured_quota=service.quota,
            quota_left=max(0, quota - issued) if quota is not None else None,
            manageable=user.role in (Role.ADMIN, Role.SUPERVISOR),
            remote=remote.get(service.id) or (NO_REMOTE if service.remote_share else None)))

    kiosks = [KioskState(id=d.id, name=d.name, printer=printer_state(d, now),
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


def staff_view(session: Session, now: datetime, hall: HallConfig, key: str,
               language: str) -> dict[str, Any]:
    """A dashboard's start: the services and counters of the user's agencies."""
    user: User = find_active(session, User, int(key))
    overview = services_overview(session, now)
    everything = user.role is Role.ADMIN
    codes = {agency.code for agency in user.agencies}
    return {
        "user": {"id": user.id, "username": user.username, "name": user.name,
                 "role": user.role.value, "agencies": sorted(codes)},
        "agencies": [a.model_dump(mode="json") for a in overview.agencies
                     if everything or a.code in codes],
        "counters": counter_summaries(
            session, now, agency_ids=None if everything else [a.id for a in user.agencies]),
    }
