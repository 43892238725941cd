"""One row per ticket of the period, as SQL: the subquery every ticket figure is read from.

A ticket belongs to the service it was issued for (`Ticket.issued_service_id`, which a
transfer does not change) and that service's agency; to the counter and officer who last had
it (who served it, or marked it no-show); to its service day, that day's weekday and the
site-local hour it was issued in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, case, func, literal_column, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from queue_server.models import Service, Ticket, TicketEvent, TicketStatus
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.sqltime import Dialect

Issued = aliased(Service, name="issued_service")
Serving = aliased(Service, name="serving_service")

COUNTED_EVENTS = ("recalled", "transferred", "cancelled")


def ticket_key(by: By, sql: Dialect) -> ColumnElement[Any] | None:
    """The column a ticket is grouped by; None for the whole hall (one group)."""
    keys: dict[By, Any] = {
        By.HALL: None,
        By.AGENCY: Issued.agency_id,
        By.SERVICE: Ticket.issued_service_id,
        By.COUNTER: Ticket.counter_id,
        By.OFFICER: Ticket.officer_id,
        By.DAY: Ticket.service_day,
        By.WEEKDAY: sql.iso_weekday(Ticket.service_day),
        By.HOUR: sql.local_hour(Ticket.issued_at),
    }
    key: ColumnElement[Any] | None = keys[by]
    return key


def in_period(period: Period, scope: Scope) -> list[ColumnElement[bool]]:
    """Tickets of the period's service days, in scope (by the issuing service's agency)."""
    where = [Ticket.service_day >= period.first, Ticket.service_day <= period.last]
    if not scope.everything:
        where.append(Issued.agency_id.in_(list(scope.agency_ids or ())))
    return where


def event_counts(period: Period, scope: Scope) -> Any:
    """Per ticket of the period: recalls, transfers and why it was cancelled."""
    return (
        select(TicketEvent.ticket_id.label("ticket_id"),
               func.sum(case((TicketEvent.kind == "recalled", 1), else_=0)).label("recalls"),
               func.sum(case((TicketEvent.kind == "transferred", 1), else_=0)).label(
                   "transfers"),
               func.max(case((TicketEvent.kind == "cancelled",
                              TicketEvent.data["reason"].as_string()))).label("cancel_reason"))
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(Issued, Issued.id == Ticket.issued_service_id)
        .where(TicketEvent.kind.in_(COUNTED_EVENTS), *in_period(period, scope))
        .group_by(TicketEvent.ticket_id)
        .subquery("ticket_event_counts"))


def ticket_facts(period: Period, scope: Scope, by: By, sql: Dialect) -> Select[Any]:
    """The per-ticket select: group key, what happened, and its times in seconds."""
    events = event_counts(period, scope)
    key = ticket_key(by, sql)
    wait = case((Ticket.called_at.is_not(None), sql.seconds(Ticket.called_at, Ticket.issued_at)))
    served = Ticket.status == TicketStatus.DONE
    service = case((and_(served, Ticket.started_at.is_not(None)),
                    sql.seconds(Ticket.finished_at, Ticket.started_at)))
    return (
        select((key if key is not None else literal_column("0")).label("key"),
               Ticket.id.label("ticket_id"),
               Ticket.channel.label("channel"),
               Ticket.priority.label("priority"),
               Ticket.status.label("status"),
               sql.local_hour(Ticket.issued_at).label("hour"),
               wait.label("wait_s"),
               service.label("service_s"),
               (Issued.target_wait_minutes * 60).label("wait_target_s"),
               (Serving.target_minutes * 60).label("service_target_s"),
               func.coalesce(events.c.recalls, 0).label("recalls"),
               func.coalesce(events.c.transfers, 0).label("transfers"),
               events.c.cancel_reason.label("cancel_reason"))
        .select_from(Ticket)
        .join(Issued, Issued.id == Ticket.issued_service_id)
        .join(Serving, Serving.id == Ticket.service_id)
        .outerjoin(events, events.c.ticket_id == Ticket.id)
        .where(*in_period(period, scope)))
