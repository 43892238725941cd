"""One row per ticket of the period, as SQL: what every ticket figure is read from.

A ticket belongs to the service it was issued for (`Ticket.issued_service_id`, which a
transfer does not change) and that service's agency; to the counter and officer who last had
it (who served it, or marked it no-show); to its service day, that day's weekday and the
site-local hour it was issued in (a remote ticket: checked in, or booked if it never was).

Two facts are the reports' own reading of a ticket: its `channel` tells an appointment (an
online ticket for a time slot) from an online ticket for today's queue (`channel_fact`), and
its `status` is `booked` for a remote booking never checked in, whether it is still open
today or expired at the end of its window, so it is counted as not arrived rather than with
the visitors left waiting at the day's end (`status_fact`).

Closed days come from the stored facts (store.py); other days are computed live from tickets
and their events by `live_facts`, the same SQL that filled the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, String, and_, case, func, literal, literal_column, select, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from queue_server.models import Channel, Service, Ticket, TicketEvent, TicketStatus
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.sqltime import Dialect
from queue_server.reports.store import ReportChannel, ReportDay, ReportTicket

Issued = aliased(Service, name="issued_service")
Serving = aliased(Service, name="serving_service")
InScope = aliased(Service, name="scope_service")

COUNTED_EVENTS = ("recalled", "transferred", "cancelled")
FACT_COLUMNS = ("ticket_id", "service_day", "hour", "issued_service_id", "serving_service_id",
                "counter_id", "officer_id", "channel", "priority", "status", "wait_s",
                "service_s", "recalls", "transfers", "cancel_reason")


def in_period(period: Period, scope: Scope, issued: Any = InScope) -> list[ColumnElement[bool]]:
    """Tickets of the period's service days, in scope (by the issuing service's agency, the
    `issued` alias joined on Ticket.issued_service_id)."""
    where = [Ticket.service_day >= period.first, Ticket.service_day <= period.last]
    if not scope.everything:
        where.append(issued.agency_id.in_(list(scope.agency_ids or ())))
    return where


def channel_fact() -> ColumnElement[str]:
    """The ticket's `ReportChannel`: its channel, `appointment` for an online one with a slot."""
    appointment = and_(Ticket.channel == Channel.ONLINE, Ticket.slot_start.is_not(None))
    return case((appointment, literal(ReportChannel.APPOINTMENT.value, String)),
                else_=Ticket.channel)


def status_fact() -> ColumnElement[str]:
    """The ticket's status; `booked` for a booking never checked in, also once expired."""
    never_arrived = and_(Ticket.status == TicketStatus.EXPIRED, Ticket.booked_at.is_not(None),
                         Ticket.checked_in_at.is_(None))
    return case((never_arrived, literal(TicketStatus.BOOKED.value, String)),
                else_=Ticket.status)


def event_counts(period: Period, scope: Scope, days: Sequence[date] | None = None) -> Any:
    """Per ticket of the period (of `days` only, if given): recalls, transfers and why it
    was cancelled."""
    query = (
        select(TicketEvent.ticket_id.label("ticket_id"),
               func.sum(case((TicketEvent.kind == "recalled", 1), else_=0)).label("recalls"),
               func.sum(case((TicketEvent.kind == "transferred", 1), else_=0)).label(
                   "transfers"),
               func.max(case((TicketEvent.kind == "cancelled",
                              TicketEvent.data["reason"].as_string()))).label("cancel_reason"))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(InScope, InScope.id == Ticket.issued_service_id)
        .where(TicketEvent.kind.in_(COUNTED_EVENTS), *in_period(period, scope))
        .group_by(TicketEvent.ticket_id))
    if days is not None:
        query = query.where(Ticket.service_day.in_(list(days)))
    return query.subquery("ticket_event_counts")


def live_facts(period: Period, scope: Scope, sql: Dialect,
               days: Sequence[date] | None = None) -> Select[Any]:
    """The facts computed from tickets and events (`FACT_COLUMNS`, in that order), for the
    period's days (or only `days`)."""
    events = event_counts(period, scope, days)
    wait = case((Ticket.called_at.is_not(None), sql.seconds(Ticket.called_at, Ticket.issued_at)))
    served = and_(Ticket.status == TicketStatus.DONE, Ticket.started_at.is_not(None))
    service = case((served, sql.seconds(Ticket.finished_at, Ticket.started_at)))
    query: Any = (
        select(Ticket.id.label("ticket_id"), Ticket.service_day.label("service_day"),
               sql.local_hour(Ticket.issued_at).label("hour"),
               Ticket.issued_service_id.label("issued_service_id"),
               Ticket.service_id.label("serving_service_id"),
               Ticket.counter_id.label("counter_id"), Ticket.officer_id.label("officer_id"),
               channel_fact().label("channel"), Ticket.priority.label("priority"),
               status_fact().label("status"), wait.label("wait_s"),
               service.label("service_s"),
               func.coalesce(events.c.recalls, 0).label("recalls"),
               func.coalesce(events.c.transfers, 0).label("transfers"),
               events.c.cancel_reason.label("cancel_reason"))
        .select_from(Ticket)
        .join(InScope, InScope.id == Ticket.issued_service_id)
        .outerjoin(events, events.c.ticket_id == Ticket.id)
        .where(*in_period(period, scope)))
    if days is not None:
        query = query.where(Ticket.service_day.in_(list(days)))
    return query


def stored_facts(period: Period, scope: Scope) -> Select[Any]:
    """The facts of the period's remembered days, from the store."""
    stored = ReportTicket
    query = select(*(getattr(stored, name).label(name) for name in FACT_COLUMNS)).where(
        stored.service_day >= period.first, stored.service_day <= period.last)
    if not scope.everything:
        query = query.join(InScope, InScope.id == stored.issued_service_id).where(
            InScope.agency_id.in_(list(scope.agency_ids or ())))
    return query


@dataclass(frozen=True)
class Facts:
    """Where one report reads its ticket facts: the store, and live the days not in it
    (`live_days`; None: every day live)."""

    period: Period
    scope: Scope
    sql: Dialect
    live_days: tuple[date, ...] | None

    def source(self) -> Any:
        if self.live_days is None:
            return live_facts(self.period, self.scope, self.sql).subquery("ticket_facts")
        stored = stored_facts(self.period, self.scope)
        if not self.live_days:
            return stored.subquery("ticket_facts")
        live = live_facts(self.period, self.scope, self.sql, self.live_days)
        return union_all(stored, live).subquery("ticket_facts")

    def keyed(self, by: By, *columns: str, targets: bool = False) -> Select[Any]:
        """Per ticket: its group key and the named fact columns (and its targets)."""
        source = self.source()
        f = source.c
        keys: dict[By, Any] = {
            By.HALL: literal_column("0"),
            By.AGENCY: Issued.agency_id,
            By.SERVICE: f.issued_service_id,
            By.COUNTER: f.counter_id,
            By.OFFICER: f.officer_id,
            By.DAY: f.service_day,
            By.WEEKDAY: self.sql.iso_weekday(f.service_day),
            By.HOUR: f.hour,
        }
        chosen = [keys[by].label("key"), *(f[name] for name in columns)]
        if targets:
            chosen += [(Issued.target_wait_minutes * 60).label("wait_target_s"),
                       (Serving.target_minutes * 60).label("service_target_s")]
        query = select(*chosen).select_from(source)
        if targets or by is By.AGENCY:
            query = query.join(Issued, Issued.id == f.issued_service_id)
        if targets:
            query = query.join(Serving, Serving.id == f.serving_service_id)
        return query


def plan_facts(session: Session, period: Period, scope: Scope, sql: Dialect, *,
               stored: bool = True) -> Facts:
    """Which days of the period are not in the store and must be read live."""
    if not stored:
        return Facts(period, scope, sql, None)
    remembered = select(ReportDay.day).where(ReportDay.day >= period.first,
                                             ReportDay.day <= period.last)
    days = session.scalars(
        select(Ticket.service_day).where(Ticket.service_day >= period.first,
                                         Ticket.service_day <= period.last,
                                         Ticket.service_day.not_in(remembered))
        .group_by(Ticket.service_day))
    return Facts(period, scope, sql, tuple(days))
