"""Storing the facts of closed days (see store.py), so that long periods read fast."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.models import OPEN_STATUSES, Ticket
from queue_server.queue.common import upsert
from queue_server.reports.facts import FACT_COLUMNS, live_facts
from queue_server.reports.period import Period, Scope
from queue_server.reports.sqltime import Dialect
from queue_server.reports.store import ReportDay, ReportTicket


def closed_days_to_remember(session: Session, period: Period, today: date) -> list[date]:
    """Days of the period before today, with tickets, none open, not stored yet.

    Asked in two steps so that a period already stored costs one index-only look at the
    tickets' days (every report asks this first)."""
    last = min(period.last, today - timedelta(days=1))
    if last < period.first:
        return []
    stored = select(ReportDay.day).where(ReportDay.day >= period.first, ReportDay.day <= last)
    candidates = list(session.scalars(
        select(Ticket.service_day)
        .where(Ticket.service_day >= period.first, Ticket.service_day <= last,
               Ticket.service_day.not_in(stored))
        .group_by(Ticket.service_day).order_by(Ticket.service_day)))
    if not candidates:
        return []
    still_open = set(session.scalars(
        select(Ticket.service_day).where(Ticket.service_day.in_(candidates),
                                         Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.service_day)))
    return [day for day in candidates if day not in still_open]


def remember_closed_days(session: Session, period: Period, today: date, now: datetime,
                         sql: Dialect) -> int:
    """Store the facts of the period's closed days that are not stored yet; returns how
    many days. The caller commits. Another process storing the same days at the same moment
    is harmless: rows already there are left as they are."""
    days = closed_days_to_remember(session, period, today)
    if not days:
        return 0
    facts = live_facts(Period(days[0], days[-1]), Scope(), sql, days)
    session.execute(upsert(session, ReportTicket)
                    .from_select(list(FACT_COLUMNS), facts)
                    .on_conflict_do_nothing(index_elements=["ticket_id"]))
    for day, tickets in session.execute(
            select(Ticket.service_day, func.count(Ticket.id))
            .where(Ticket.service_day.in_(days)).group_by(Ticket.service_day)):
        session.execute(upsert(session, ReportDay)
                        .values(day=day, tickets=tickets, made_at=now)
                        .on_conflict_do_nothing(index_elements=["day"]))
    return len(days)
