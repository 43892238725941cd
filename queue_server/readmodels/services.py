"""The services as a kiosk lists them: open or not (and why), waiting, quota left, the wait
to expect; and the `queue_changed` event of each."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, selectinload

from queue_server.config import WeeklyHours
from queue_server.models import Agency, Service, ServiceDay
from queue_server.queue.availability import availability
from queue_server.queue.catalog import (
    SiteRules,
    agency_of_services,
    service_hours,
    services_with_agencies,
)
from queue_server.queue.common import get_site, site_rules, site_time
from queue_server.queue.errors import DomainError
from queue_server.queue.estimates import (
    ServiceLoad,
    estimated_wait_minutes,
    service_loads,
    waiting_per_service,
)
from queue_server.schemas import AgencyOut, Bilingual, ServiceOut, ServicesOut


def services_overview(session: Session, now: datetime) -> ServicesOut:
    """Every active agency with its services: open or not (and why), waiting, quota left and
    the wait a visitor taking a ticket now can expect."""
    site = get_site(session)
    local = site_time(site, now)
    day = local.date()
    agencies, days = hall_day(session, day)
    services = [s for a in agencies for s in a.services if s.active]
    loads = service_loads(session, day, services)
    answer = []
    for agency in agencies:
        items = []
        for service in (s for s in agency.services if s.active):
            state = availability(site, local, service, days.get(service.id),
                                 service_hours(session, service))
            refusal = state.refusal
            load = loads[service.id]
            items.append(ServiceOut(
                code=service.code, name=service.name, prefix=service.prefix,
                open=refusal is None,
                closed_reason=refusal.code if refusal else None,
                closed_message=closed_message(refusal),
                waiting=load.waiting, quota=state.quota, quota_left=state.quota_left,
                estimated_wait_min=estimated_wait_minutes(load, load.waiting),
                target_minutes=service.target_minutes,
                requirements=list(service.requirements)))
        answer.append(AgencyOut(
            code=agency.code, name=agency.name, short_name=agency.short_name,
            colour=agency.colour, waiting=sum(i.waiting for i in items), services=items))
    return ServicesOut(agencies=answer)


def hall_day(session: Session, day: date) -> tuple[Sequence[Agency], dict[int, ServiceDay]]:
    """The active agencies in the hall's order, their services loaded, and the day's rows
    (quota overrides, closures, remote counts) per service id: what the kiosk's list and the
    booking page's both start from."""
    agencies = session.scalars(
        select(Agency).where(Agency.active).order_by(Agency.position)
        .options(selectinload(Agency.services))).all()
    days = {row.service_id: row for row in session.scalars(
        select(ServiceDay).where(ServiceDay.day == day))}
    return agencies, days


def closed_message(refusal: DomainError | None) -> Bilingual | None:
    """Why a service takes no ticket now, in both languages: the one shape the services list,
    the `queue_changed` event and the overview share."""
    if refusal is None:
        return None
    return Bilingual(id=refusal.message("id"), en=refusal.message("en"))


def waiting_per_agency(session: Session, day: date, agency_ids: Iterable[int]) -> dict[int, int]:
    """Waiting tickets of the day per agency id (absent: none)."""
    return _per_agency(waiting_by_service(session, day, agency_ids))


def _per_agency(counted: dict[tuple[int, int], int]) -> dict[int, int]:
    """The counts of `waiting_by_service` summed per agency id."""
    counts: dict[int, int] = {}
    for (agency_id, _service_id), count in counted.items():
        counts[agency_id] = counts.get(agency_id, 0) + count
    return counts


def waiting_by_service(session: Session, day: date,
                       agency_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """Waiting tickets of the day per (agency id, service id) of these agencies (absent:
    none): one read of the lines' counts gives a line's length and its agency's. It names the
    services, so it reads only their lines; joined to the services, a count read every
    waiting ticket of the hall (PostgreSQL: 14 ms at 3,000 waiting, in every flush)."""
    agency_of = agency_of_services(session, agency_ids)
    return {(agency_of[service_id], service_id): count for service_id, count
            in waiting_per_service(session, day, agency_of).items()}


@lru_cache(maxsize=1)
def _service_days() -> Select[ServiceDay]:
    """The day's rows of some services, built once (every flush of the hub asks)."""
    return select(ServiceDay).where(
        ServiceDay.day == bindparam("day", type_=ServiceDay.day.type),
        ServiceDay.service_id.in_(bindparam("ids", expanding=True)))


def queue_states(session: Session, now: datetime,
                 service_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """Each service (by id) as a kiosk shows it now: the `queue_changed` event."""
    rules = site_rules(session)
    local = site_time(rules, now)
    day = local.date()
    services = services_with_agencies(session, service_ids)
    counted = waiting_by_service(session, day, {service.agency_id for service in services})
    per_agency = _per_agency(counted)
    loads = service_loads(session, day, services,
                          {service_id: count for (_, service_id), count in counted.items()})
    rows = {row.service_id: row for row in session.scalars(
        _service_days(), {"day": day, "ids": list(service_ids)})}
    return {service.id: _queue_state(rules, local, service, rows.get(service.id),
                                     service_hours(session, service), loads[service.id],
                                     per_agency.get(service.agency_id, 0))
            for service in services}


def _queue_state(site: SiteRules, local: datetime, service: Service, row: ServiceDay | None,
                 hours: WeeklyHours, load: ServiceLoad, agency_waiting: int) -> dict[str, Any]:
    state = availability(site, local, service, row, hours)
    refusal = state.refusal
    return {
        "service": service.code, "agency": service.agency.code,
        "waiting": load.waiting, "agency_waiting": agency_waiting,
        "open": refusal is None,
        "closed_reason": refusal.code if refusal else None,
        "closed_message": message.model_dump() if (message := closed_message(refusal)) else None,
        "quota_left": state.quota_left,
        "estimated_wait_min": estimated_wait_minutes(load, load.waiting),
    }
