"""The audit log: who changed what in the hall's administration, when and from where.

Administration actions (people, devices, settings) are written here; ticket transitions
(`TicketEvent`), today's operations (`ServiceDayEvent`) and counters opened, paused and closed
(`CounterEvent`) already keep who, when, why and, when a staff member acted, from which
address, so reading the log merges the four into one list of lines (`AuditEntryOut`, as the
API answers them).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from queue_server.admin.schemas import AuditEntryOut
from queue_server.models import (
    Agency,
    Base,
    Counter,
    CounterEvent,
    Service,
    ServiceDayEvent,
    TicketEvent,
    User,
)


class Kind(enum.StrEnum):
    PEOPLE = "people"
    DEVICES = "devices"
    OPERATIONS = "operations"
    SETTINGS = "settings"
    TICKETS = "tickets"


class AuditEntry(Base):
    """Append-only: one administration action."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))  # user.add, device.token, ...
    target: Mapped[str] = mapped_column(String(100))  # a username, a device id, a service
    # The agencies the target belongs to, as " CODE1 CODE2 " (a supervisor's filter).
    agencies: Mapped[str] = mapped_column(String(400), default=" ")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what changed


def record(session: Session, now: datetime, *, user: User | None, address: str | None,
           kind: Kind, action: str, target: str, agencies: list[str] | None = None,
           changes: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(at=now, user_id=user.id if user else None, address=address,
                       kind=kind.value, action=action, target=target[:100],
                       agencies=" " + " ".join(sorted(agencies or [])) + " ",
                       data=changes or {})
    session.add(entry)
    return entry


@dataclass(frozen=True)
class Filter:
    day: date
    person: str | None = None
    agency: str | None = None
    kind: str | None = None
    # None: every agency (an administrator); else only entries touching these agencies.
    scope: list[str] | None = None


def read(session: Session, timezone: str, wanted: Filter) -> list[AuditEntryOut]:
    """The day's entries (site time), newest first, filtered."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(wanted.day, time(), zone)
    end = start + timedelta(days=1)
    users = {u.id: u.username for u in session.scalars(select(User))}

    def line(at: datetime, kind: str, action: str, target: str, user_id: int | None,
             agencies: list[str], changes: dict[str, Any], address: str | None = None
             ) -> AuditEntryOut:
        return AuditEntryOut(at=at, kind=kind, action=action, target=target,
                             person=users.get(user_id) if user_id else None, address=address,
                             agencies=agencies, changes=changes)

    found: list[AuditEntryOut] = []
    kinds = {wanted.kind} if wanted.kind else set(Kind)
    if kinds & {Kind.PEOPLE, Kind.DEVICES, Kind.SETTINGS, Kind.OPERATIONS}:
        found += [line(row.at, row.kind, row.action, row.target, row.user_id,
                       row.agencies.split(), row.data, row.address)
                  for row in _between(session, AuditEntry, start, end)]
    services = {s.id: (s.code, a.code) for s, a in session.execute(
        select(Service, Agency).join(Agency, Service.agency_id == Agency.id))}
    if Kind.OPERATIONS in kinds:
        for event in _between(session, ServiceDayEvent, start, end):
            code, agency = services.get(event.service_id, ("?", "?"))
            data = dict(event.data)
            address = data.pop("address", None)  # where the API was asked from, if kept
            found.append(line(event.at, Kind.OPERATIONS, f"service.{event.kind}", code,
                              event.user_id, [agency], {"reason": event.reason, **data},
                              address))
        counters = {c.id: a.code for c, a in session.execute(
            select(Counter, Agency).join(Agency, Counter.agency_id == Agency.id))}
        found += [line(change.at, Kind.OPERATIONS, f"counter.{change.state.value}",
                       change.counter_id, change.user_id, [counters.get(change.counter_id, "?")],
                       {"reason": change.reason} if change.reason else {}, change.address)
                  for change in _between(session, CounterEvent, start, end)]
    if Kind.TICKETS in kinds:
        for ticket_event in _between(session, TicketEvent, start, end):
            code, agency = services.get(ticket_event.service_id, ("?", "?"))
            changes = {"ticket": ticket_event.ticket_id, "service": code,
                       "counter": ticket_event.counter_id, **ticket_event.data}
            found.append(line(ticket_event.at, Kind.TICKETS, f"ticket.{ticket_event.kind}",
                              str(ticket_event.ticket_id), ticket_event.user_id, [agency],
                              changes, ticket_event.address))
    kept = [entry for entry in found if _matches(entry, wanted)]
    # Newest first; of two at the same moment, the one written later first.
    return sorted(kept, key=lambda entry: entry.at)[::-1]


Row = TypeVar("Row", AuditEntry, ServiceDayEvent, CounterEvent, TicketEvent)


def _between(session: Session, model: type[Row], start: datetime, end: datetime
             ) -> Sequence[Row]:
    """The table's rows of [start, end), in the order they were written."""
    return session.scalars(select(model).where(model.at >= start, model.at < end)
                           .order_by(model.id)).all()


def _matches(entry: AuditEntryOut, wanted: Filter) -> bool:
    if wanted.kind and entry.kind != wanted.kind:
        return False
    if wanted.person and entry.person != wanted.person:
        return False
    if wanted.agency and wanted.agency not in entry.agencies:
        return False
    return wanted.scope is None or bool(set(entry.agencies) & set(wanted.scope))
