"""Helpers the engine modules share: the site row, site time, event records, upserts."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from queue_server.models import Site, Ticket, TicketEvent, TicketStatus
from queue_server.queue.catalog import SiteRules, catalog

SITE_ID = 1


def get_site(session: Session) -> Site:
    site = session.get(Site, SITE_ID)
    if site is None:
        raise RuntimeError("the site is not configured; run `antre config apply` first")
    return site


def site_rules(session: Session) -> SiteRules:
    """The site's config-derived rules: from the process's catalog, or read."""
    found = catalog(session)
    return found.rules if found is not None else SiteRules.of(get_site(session))


@lru_cache(maxsize=8)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def site_time(site: Site | SiteRules, now: datetime) -> datetime:
    return now.astimezone(zone(site.timezone))


def service_day(site: Site | SiteRules, now: datetime) -> date:
    """The day a ticket belongs to: the calendar date at the site, not in UTC."""
    return site_time(site, now).date()


def upsert(session: Session, table: Any) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that understands ON CONFLICT on the session's database (both dialects
    spell it the same way)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def record(session: Session, ticket: Ticket, kind: str, now: datetime, *,
           from_status: TicketStatus, user_id: int | None = None,
           counter_id: str | None = None, **data: Any) -> TicketEvent:
    """Append the event of one transition; `from_status` is the status the ticket left."""
    event = TicketEvent(ticket_id=ticket.id, kind=kind, at=now, status=from_status,
                        user_id=user_id, counter_id=counter_id, service_id=ticket.service_id,
                        data=data)
    session.add(event)
    return event
