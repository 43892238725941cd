"""What a transaction changed, collected as it is flushed and handed on after the commit.

Every transition appends a TicketEvent or CounterEvent row; collecting those rows here means
no code path can change the hall without the displays hearing of it, and nothing is
announced before the database has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from queue_server.models import (
    CounterEvent,
    CounterState,
    ServiceDayEvent,
    TicketEvent,
    TicketStatus,
)

KEY = "antre.changes"


@dataclass(frozen=True)
class TicketChange:
    ticket_id: int
    kind: str  # the TicketEvent kind: issued, called, recalled, finished, ...
    from_status: TicketStatus
    service_id: int
    counter_id: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class CounterChange:
    counter_id: str
    state: CounterState


@dataclass(frozen=True)
class ServiceChange:
    service_id: int
    day: date
    kind: str


Change = TicketChange | CounterChange | ServiceChange
Publisher = Callable[[Sequence[Change]], None]


def collect(session: Session, written: Iterable[object]) -> None:
    """Note the changes these newly written event rows stand for (the flush's new rows; the
    engine's ticket events, which it writes together before the flush)."""
    found = session.info.setdefault(KEY, [])
    for item in written:
        if isinstance(item, TicketEvent):
            found.append(TicketChange(item.ticket_id, item.kind, item.status, item.service_id,
                                      item.counter_id, dict(item.data or {})))
        elif isinstance(item, CounterEvent):
            found.append(CounterChange(item.counter_id, item.state))
        elif isinstance(item, ServiceDayEvent):
            found.append(ServiceChange(item.service_id, item.day, item.kind))


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    collect(session, session.new)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: Any) -> None:
    session.info.pop(KEY, None)


def commit(session: Session, publish: Publisher | None) -> list[Change]:
    """Commit, then hand what changed to `publish` (the Socket.IO hub)."""
    session.commit()
    changes: list[Change] = session.info.pop(KEY, [])
    if publish is not None and changes:
        publish(changes)
    return changes
