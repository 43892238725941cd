"""Applying config.yaml to the database: idempotent, and never deleting history.

Rows that left the config are deactivated, not deleted, so old tickets keep their service and
counter. Tokens, counter states and tickets are never touched here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.config import HallConfig
from queue_server.db import take_startup_lock
from queue_server.models import (
    Agency,
    Counter,
    Device,
    DeviceKind,
    Service,
    Site,
    counter_services,
)
from queue_server.queue.common import SITE_ID


def apply_config(session: Session, config: HallConfig) -> None:
    take_startup_lock(session.connection())  # another process may be applying it right now
    _apply_site(session, config)
    services = _apply_agencies(session, config)
    _apply_counters(session, config, services)
    _apply_devices(session, config)
    session.flush()


def _apply_site(session: Session, config: HallConfig) -> None:
    site = session.get(Site, SITE_ID) or Site(id=SITE_ID)
    site.name = config.site.name
    site.timezone = config.site.timezone
    site.holidays = {h.date.isoformat(): h.name for h in config.site.holidays}
    site.priority_ratio = config.rules.priority_ratio
    site.recalls_before_no_show = config.rules.recalls_before_no_show
    site.late_return_places = config.rules.late_return_places
    site.running_text = site.running_text or ""
    site.remote = config.remote.model_dump(mode="json") if config.remote.enabled else {}
    session.add(site)


def _apply_agencies(session: Session, config: HallConfig) -> dict[str, Service]:
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    services = {s.code: s for s in session.scalars(select(Service))}
    for agency in agencies.values():
        agency.active = False
    for service in services.values():
        service.active = False
    for position, spec in enumerate(config.agencies):
        agency = agencies.get(spec.code) or Agency(code=spec.code)
        agency.name, agency.short_name, agency.colour = spec.name, spec.short_name, spec.colour
        agency.position, agency.active = position, True
        session.add(agency)
        for service_position, item in enumerate(spec.services):
            service = services.get(item.code) or Service(code=item.code)
            service.agency = agency
            service.name, service.prefix, service.quota = item.name, item.prefix, item.quota
            service.target_minutes = item.target_minutes
            service.target_wait_minutes = (item.target_wait_minutes
                                           or config.rules.target_wait_minutes)
            service.requirements = list(item.requirements)
            service.hours = config.service_hours(item).model_dump(mode="json")
            service.outcomes = list(item.outcomes)
            service.outcome_required = item.outcome_required
            service.remote_share = config.remote_share(item)
            service.remote_cutoff_minutes = config.remote.cutoff_minutes
            service.asks_nik = item.asks_nik
            service.slots = item.slots.model_dump() if item.slots and service.remote_share else None
            service.position, service.active = service_position, True
            session.add(service)
            services[item.code] = service
    return services


def _apply_counters(session: Session, config: HallConfig, services: dict[str, Service]) -> None:
    counters = {c.id: c for c in session.scalars(select(Counter))}
    agencies = {a.code: a for a in session.scalars(select(Agency))}
    for counter in counters.values():
        counter.active = False
    session.flush()
    for spec in config.counters:
        counter = counters.get(spec.id) or Counter(id=spec.id)
        counter.number, counter.name, counter.zone = spec.number, spec.name, spec.zone
        counter.agency = agencies[spec.agency]
        counter.active = True
        session.add(counter)
        session.flush()
        # The association carries the order, so it is written out rather than appended.
        session.execute(counter_services.delete().where(
            counter_services.c.counter_id == counter.id))
        session.execute(counter_services.insert(), [
            {"counter_id": counter.id, "service_id": services[code].id, "position": position}
            for position, code in enumerate(spec.services)])
        session.expire(counter, ["services"])


def _apply_devices(session: Session, config: HallConfig) -> None:
    devices = {d.id: d for d in session.scalars(select(Device))}
    for device in devices.values():
        device.active = False
    declared = [(DeviceKind.KIOSK, k.id, k.name, k.model_dump(mode="json"))
                for k in config.kiosks]
    declared += [(DeviceKind.DISPLAY, d.id, d.name, d.model_dump(mode="json"))
                 for d in config.displays]
    declared += [(DeviceKind.SURVEY, s.id, s.name, s.model_dump(mode="json"))
                 for s in config.survey_screens]
    for kind, device_id, name, settings in declared:
        device = devices.get(device_id) or Device(id=device_id)
        device.kind, device.name, device.settings, device.active = kind, name, settings, True
        session.add(device)
