"""What config.yaml puts in the database, read once per process: the site's rules, the
services with their agencies, and which services each counter serves.

These rows change only when the config is applied, yet every issue and every call needs
them; reading them per request was a third of an issue's statements. `install` reads them for
an engine (the runtime does, right after applying the config at start); they are read again
after TTL_S, as the hub's layout, so `antre config apply` beside a running server is seen
within a minute. Engine functions ask `catalog(session)` and fall back to the database for
an engine without one (scripts and unit tests that edit those rows directly).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from queue_server.config import WeeklyHours
from queue_server.models import Counter, Service, Site, Ticket, counter_services

SITE_ID = 1
TTL_S = 30.0
ATTACHED = "antre.catalog.attached"  # session.info: the services merged into that session


@dataclass(frozen=True)
class SiteRules:
    """The site's config-derived fields (not its running text, which staff change)."""

    timezone: str
    holidays: dict[str, str]
    priority_ratio: int
    recalls_before_no_show: int
    late_return_places: int

    @classmethod
    def of(cls, site: Site) -> SiteRules:
        return cls(site.timezone, dict(site.holidays or {}), site.priority_ratio,
                   site.recalls_before_no_show, site.late_return_places)


@dataclass(frozen=True)
class Catalog:
    rules: SiteRules
    services: dict[int, Service]  # every service, detached, its agency loaded
    issuable: dict[str, Service]  # by code: active services of active agencies
    served: dict[str, tuple[int, ...]]  # counter id -> the active services it serves
    hours: dict[int, WeeklyHours] = field(default_factory=dict)
    read_at: float = 0.0


_CATALOGS: WeakKeyDictionary[Engine, Catalog] = WeakKeyDictionary()


def install(engine: Engine, session: Session) -> Catalog:
    """Read the catalog of `engine` (through `session`, which is then closed) and use it for
    every later session on that engine."""
    with session:
        made = _read(session)
    _CATALOGS[engine] = made
    return made


def _read(session: Session) -> Catalog:
    site = session.get(Site, SITE_ID)
    if site is None:
        raise RuntimeError("the site is not configured; run `antre config apply` first")
    services = {s.id: s for s in session.scalars(
        select(Service).options(joinedload(Service.agency)))}
    served: dict[str, list[int]] = {}
    for counter_id, service_id in session.execute(
            select(counter_services.c.counter_id, counter_services.c.service_id)
            .join(Counter, counter_services.c.counter_id == Counter.id)
            .order_by(counter_services.c.counter_id, counter_services.c.position)):
        if services[service_id].active:
            served.setdefault(counter_id, []).append(service_id)
    return Catalog(
        SiteRules.of(site), services,
        {s.code: s for s in services.values() if s.active and s.agency.active},
        {key: tuple(value) for key, value in served.items()},
        {s.id: WeeklyHours.model_validate(s.hours) for s in services.values()},
        time.monotonic())


def forget(engine: Engine) -> None:
    _CATALOGS.pop(engine, None)


def catalog(session: Session) -> Catalog | None:
    bind: Any = session.get_bind()
    found = _CATALOGS.get(bind)
    if found is not None and time.monotonic() - found.read_at > TTL_S:
        # Read on the session's own connection (one connection per process on SQLite), in
        # a session of its own, whose objects are detached when it closes.
        with Session(bind=session.connection()) as reader:
            found = _CATALOGS[bind] = _read(reader)
    return found


def services_with_agencies(session: Session, ids: Collection[int]) -> list[Service]:
    """These services with their agencies loaded, in id order, for reading only: the
    catalog's (detached, shared by every session of the process) or read."""
    found = catalog(session)
    if found is not None and all(key in found.services for key in ids):
        return [found.services[key] for key in sorted(ids)]
    return list(session.scalars(
        select(Service).where(Service.id.in_(ids))
        .options(joinedload(Service.agency)).order_by(Service.id)))


def agency_of_services(session: Session, agency_ids: Iterable[int]) -> dict[int, int]:
    """Service id -> agency id, for every service of these agencies: the catalog's, or read."""
    wanted = set(agency_ids)
    found = catalog(session)
    if found is not None:
        return {key: service.agency_id for key, service in found.services.items()
                if service.agency_id in wanted}
    return dict(session.execute(
        select(Service.id, Service.agency_id).where(Service.agency_id.in_(wanted))).all())


def service_hours(session: Session, service: Service) -> WeeklyHours:
    """The service's weekly hours: the catalog's, read once per process, or parsed."""
    cached = catalog(session)
    hours = cached.hours.get(service.id) if cached is not None else None
    return hours or WeeklyHours.model_validate(service.hours)


def attach(session: Session, service: Service) -> Service:
    """The cached service (and its agency) in this session, without a query."""
    return session.merge(service, load=False)


def with_service(session: Session, ticket: Ticket) -> Ticket:
    """Give the ticket its cached service (and agency) as already loaded, so reading
    `ticket.service` makes no query; without a catalog, nothing changes."""
    found = catalog(session)
    if found is None or ticket.service_id not in found.services:
        return ticket
    attached: dict[int, Service] = session.info.setdefault(ATTACHED, {})
    service = attached.get(ticket.service_id)
    if service is None or service not in session:  # merged once per session
        service = attached[ticket.service_id] = attach(session,
                                                       found.services[ticket.service_id])
    set_committed_value(ticket, "service", service)
    return ticket
