"""Writing a new ticket with its first events: one statement on PostgreSQL (which also
reads the ticket's place in line), two on SQLite, outside the ORM's unit of work.

Issuing is the kiosks' hot path. Through the ORM a ticket took two flushes (its INSERT, to
learn its id, then its events' INSERT naming that id): about a sixth of an issue's CPU under
load on PostgreSQL, with a round trip more while the service's quota and number rows are
locked. Here the ticket's values go out as they are, and the ticket then joins the session as
if it had been read, so nothing reads it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Row, Select, Table, bindparam, insert, select, union_all
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.schema import ColumnDefault
from sqlalchemy.sql.dml import Insert

from queue_server import changes
from queue_server.models import Ticket, TicketEvent
from queue_server.queue.common import write_events
from queue_server.queue.estimates import PlaceAndPace, place_and_pace_of_new, placed

_TICKETS = cast(Table, Ticket.__table__)
_EVENTS = cast(Table, TicketEvent.__table__)
_TICKET_COLUMNS = [column for column in _TICKETS.columns if not column.primary_key]
_EVENT_COLUMNS = [column for column in _EVENTS.columns
                  if not column.primary_key and column.key != "ticket_id"]
# What the ORM would have filled in at the INSERT. A ticket that joins the session as read
# must hold every column, these and the unset ones' None, or reading one would query.
_TICKET_DEFAULTS = {column.key: column.default.arg for column in _TICKET_COLUMNS
                    if isinstance(column.default, ColumnDefault) and column.default.is_scalar}


def write_new_ticket(session: Session, ticket: Ticket,
                     events: Sequence[TicketEvent]) -> PlaceAndPace | None:
    """INSERT the (transient, waiting) ticket and its events, which must not be in the
    session: the ticket becomes persistent in it with its new id, and the events are
    collected for the hub as the flush of any other would be. On PostgreSQL, the ticket's
    place and pace as read in the same statement; None on SQLite."""
    values = _ticket_values(ticket)
    connection = session.connection()
    together = connection.dialect.name == "postgresql"
    place = None
    if together:
        rows = _insert_together(connection, values, events)
        ticket.id = rows[0].id
        place = placed(ticket, rows)
    else:
        ticket.id = connection.execute(_insert_ticket(), values).scalar_one()
    for event in events:
        event.ticket_id = ticket.id
    if not together:
        write_events(connection, events)
    make_transient_to_detached(ticket)
    session.add(ticket)
    changes.collect(session, events)
    return place


def _ticket_values(ticket: Ticket) -> dict[str, Any]:
    """Every column's value, each also set on the ticket (None and the defaults included)."""
    values = {}
    for column in _TICKET_COLUMNS:
        value = getattr(ticket, column.key)
        if value is None:
            value = _TICKET_DEFAULTS.get(column.key)
            setattr(ticket, column.key, value)
        values[column.key] = value
    return values


def _insert_together(connection: Connection, values: dict[str, Any],
                     events: Sequence[TicketEvent]) -> Sequence[Row[Any]]:
    """PostgreSQL: the ticket's INSERT and its events' as data-modifying CTEs, the rows
    those of its place and pace (`place_and_pace_of_new`). Columns left empty stay out of
    the statement: with every column bound, a ticket and two events were over the 50
    parameters up to which psycopg keeps a statement's conversion, and it parsed the
    statement's text again at every issue."""
    ticket_keys = tuple(key for key, value in values.items() if value is not None)
    event_keys = tuple(column.key for column in _EVENT_COLUMNS
                       if any(getattr(event, column.key) is not None for event in events))
    params = {key: values[key] for key in ticket_keys}
    for index, event in enumerate(events):
        params.update({f"event{index}_{key}": getattr(event, key) for key in event_keys})
    statement = _ticket_with_events(ticket_keys, event_keys, len(events))
    return connection.execute(statement, params).all()


@lru_cache(maxsize=1)
def _insert_ticket() -> Insert:
    """The ticket's INSERT, built once (its cache key is computed once)."""
    return insert(_TICKETS).returning(_TICKETS.c.id)


@lru_cache(maxsize=16)
def _ticket_with_events(ticket_keys: tuple[str, ...], event_keys: tuple[str, ...],
                        count: int) -> Select[Any]:
    """The ticket and `count` events as one statement, with bound values for these columns,
    built once per shape (an issue at a kiosk has one event, two when its printer has no
    agent)."""
    new = (insert(_TICKETS)
           .values({key: bindparam(key, type_=_TICKETS.c[key].type) for key in ticket_keys})
           .returning(_TICKETS.c.id, _TICKETS.c.service_id, _TICKETS.c.service_day,
                      _TICKETS.c.priority, _TICKETS.c.queue_key)
           .cte("new_ticket"))
    rows = [select(new.c.id, *(bindparam(f"event{index}_{key}", type_=_EVENTS.c[key].type)
                               for key in event_keys))
            for index in range(count)]
    new_events = (insert(_EVENTS)
                  .from_select(["ticket_id", *event_keys],
                               union_all(*rows) if count > 1 else rows[0])
                  .cte("new_events"))
    return place_and_pace_of_new(new).add_cte(new_events)
