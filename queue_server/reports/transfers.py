"""Transfers out of and into each group, read from the `transferred` events: out is filed
under the service, counter and officer the visitor left; in under the service they were sent
to (a transfer has no receiving counter until the ticket is called there)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from queue_server.models import Service, Ticket, TicketEvent
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.sqltime import Dialect


def transfer_counts(session: Session, period: Period, scope: Scope, by: By,
                    sql: Dialect) -> dict[Any, tuple[int, int]]:
    """{group key: (transferred out, transferred in)}."""
    out = _count(session, period, scope, by, sql, incoming=False)
    into = _count(session, period, scope, by, sql, incoming=True)
    return {key: (out.get(key, 0), into.get(key, 0)) for key in out.keys() | into.keys()}


def _count(session: Session, period: Period, scope: Scope, by: By, sql: Dialect, *,
           incoming: bool) -> dict[Any, int]:
    if incoming and by in (By.COUNTER, By.OFFICER):
        return {}
    service = aliased(Service)
    service_id = (TicketEvent.data["to_service_id"].as_integer() if incoming
                  else TicketEvent.service_id)
    key = {
        By.HALL: literal_column("0"),
        By.AGENCY: service.agency_id,
        By.SERVICE: service.id,
        By.COUNTER: TicketEvent.counter_id,
        By.OFFICER: TicketEvent.user_id,
        By.DAY: Ticket.service_day,
        By.WEEKDAY: sql.iso_weekday(Ticket.service_day),
        By.HOUR: sql.local_hour(Ticket.issued_at),
    }[by]
    query: Select[Any] = (
        select(key.label("key"))
        .select_from(TicketEvent)
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .join(service, service.id == service_id)
        .where(TicketEvent.kind == "transferred", Ticket.service_day >= period.first,
               Ticket.service_day <= period.last))
    if not scope.everything:
        query = query.where(service.agency_id.in_(list(scope.agency_ids or ())))
    # Grouped outside, by the subquery's column: PostgreSQL refuses GROUP BY a constant.
    inner = query.subquery()
    grouped = select(inner.c.key, func.count()).group_by(inner.c.key)
    return {key: int(n) for key, n in session.execute(grouped)}
