"""Helpers the engine modules share: the site row, site time, event records, upserts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, event, insert, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from queue_server import changes
from queue_server.db import staff_address
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
    """An INSERT that understands ON CONFLICT on the session's database."""
    return upsert_for(session.get_bind().dialect.name, table)


def upsert_for(dialect: str, table: Any) -> sqlite.Insert | postgresql.Insert:
    """An INSERT that understands ON CONFLICT on that database (both dialects spell it the
    same way)."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def new_event(session: Session, ticket: Ticket, kind: str, now: datetime, *,
              from_status: TicketStatus, user_id: int | None = None,
              counter_id: str | None = None, **data: Any) -> TicketEvent:
    """The event of one transition, not yet added; `from_status` is the status the ticket
    left."""
    return TicketEvent(ticket_id=ticket.id, kind=kind, at=now, status=from_status,
                       user_id=user_id, counter_id=counter_id, service_id=ticket.service_id,
                       data=data, address=staff_address(session, user_id))


def record(session: Session, ticket: Ticket, kind: str, now: datetime, *,
           from_status: TicketStatus, user_id: int | None = None,
           counter_id: str | None = None, **data: Any) -> TicketEvent:
    """Append the event of one transition (`new_event`, added to the session)."""
    event = new_event(session, ticket, kind, now, from_status=from_status, user_id=user_id,
                      counter_id=counter_id, **data)
    session.add(event)
    return event


_EVENT_COLUMNS = [column.key for column in TicketEvent.__table__.columns if not column.primary_key]
_INSERT_EVENTS = insert(TicketEvent)  # built once: its cache key is computed once


@event.listens_for(Session, "before_flush")
def _write_events_together(session: Session, _context: object, _instances: object) -> None:
    """A flush's new ticket events in one INSERT, in the order they were recorded.

    The ORM writes new rows one INSERT each where it must read every new id back and the
    database cannot tie the ids of a many-row INSERT to its rows (SQLite): a call that
    finishes one ticket and calls the next made three. Nothing reads an event's id, so they
    leave the session and go as one executemany, before the flush writes the rest."""
    events = sorted((item for item in session.new if isinstance(item, TicketEvent)),
                    key=lambda item: inspect(item).insert_order or 0)
    if not events:
        return
    for item in events:
        session.expunge(item)
    write_events(session.connection(), events)
    changes.collect(session, events)


def write_events(connection: Connection, events: Sequence[TicketEvent]) -> None:
    """Ticket events (not in a session) as one INSERT, an executemany, in this order."""
    connection.execute(_INSERT_EVENTS, [{key: getattr(item, key) for key in _EVENT_COLUMNS}
                                        for item in events])
