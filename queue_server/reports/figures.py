"""The report's figures for a period, grouped one way, computed by the database.

A handful of aggregate queries (tickets with their percentiles, the busiest hour, transfers,
counters' open and break time), merged into one row per group, plus the whole-hall total.
Definitions: docs/reports.md.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from queue_server.models import Channel, TicketStatus
from queue_server.queue.common import get_site
from queue_server.reports.counter_time import counter_time
from queue_server.reports.facts import ticket_facts
from queue_server.reports.labels import Labels
from queue_server.reports.percentiles import MEDIAN, P90, at_rank, ranked
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.rows import FigureRow, Summary
from queue_server.reports.sqltime import Dialect, dialect_for
from queue_server.reports.transfers import transfer_counts

COUNTS = ("issued", "issued_kiosk", "issued_online", "issued_counter", "priority", "called",
          "served", "no_show", "cancelled_visitor", "removed_staff", "expired", "recalls",
          "waited_within_target", "served_within_target")
TIMES = ("wait_mean_s", "wait_median_s", "wait_p90_s", "wait_max_s",
         "service_mean_s", "service_median_s", "service_p90_s", "service_max_s")


def report_dialect(session: Session, period: Period) -> tuple[Dialect, str]:
    timezone = get_site(session).timezone
    middle = datetime.combine(period.first, time(12))
    return dialect_for(session.get_bind().dialect.name, timezone, middle), timezone


def summary(session: Session, period: Period, by: By, scope: Scope, now: datetime,
            language: str = "id") -> Summary:
    """Every figure of the period, one row per group (in the groups' natural order) and the
    whole hall's total."""
    sql, timezone = report_dialect(session, period)
    labels = Labels(session, language)
    rows = _grouped(session, period, scope, by, sql, timezone, now, labels)
    if by is By.HALL:
        total = rows[0] if rows else FigureRow("hall", labels.of(By.HALL, 0)[2]).finish()
        return Summary(period.first, period.last, by.value, [total], total)
    totals = _grouped(session, period, scope, By.HALL, sql, timezone, now, labels)
    total = totals[0] if totals else FigureRow("hall", labels.of(By.HALL, 0)[2]).finish()
    return Summary(period.first, period.last, by.value, rows, total)


def _grouped(session: Session, period: Period, scope: Scope, by: By, sql: Dialect,
             timezone: str, now: datetime, labels: Labels) -> list[FigureRow]:
    tickets = ticket_figures(session, period, scope, by, sql)
    busiest = busiest_hours(session, period, scope, by, sql)
    transfers = transfer_counts(session, period, scope, by, sql)
    times = counter_time(session, period, scope, by, sql, timezone, now)
    ordered = []
    for key in tickets.keys() | transfers.keys() | times.keys():
        order, code, label = labels.of(by, key)
        row = FigureRow(code, label, **tickets.get(key, {}))
        row.busiest_hour = busiest.get(key)
        row.transferred_out, row.transferred_in = transfers.get(key, (0, 0))
        if by is not By.SERVICE:
            row.open_s, row.break_s = times.get(key, (0.0, 0.0))
        ordered.append((order, row.finish()))
    return [row for _, row in sorted(ordered, key=lambda item: item[0])]


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def ticket_figures(session: Session, period: Period, scope: Scope, by: By,
                   sql: Dialect) -> dict[Any, dict[str, Any]]:
    """{group key: counts and times} from one pass over the period's tickets."""
    facts = ticket_facts(period, scope, by, sql).subquery("facts")
    wait_rank, wait_n = ranked(facts.c.wait_s, facts.c.key)
    service_rank, service_n = ranked(facts.c.service_s, facts.c.key)
    ranks = select(facts, wait_rank.label("wait_rank"), wait_n.label("wait_n"),
                   service_rank.label("service_rank"),
                   service_n.label("service_n")).subquery("ranked")
    r = ranks.c
    cancelled = r.status == TicketStatus.CANCELLED
    query = select(
        r.key,
        func.count().label("issued"),
        _count(r.channel == Channel.KIOSK).label("issued_kiosk"),
        _count(r.channel == Channel.ONLINE).label("issued_online"),
        _count(r.channel == Channel.COUNTER).label("issued_counter"),
        _count(r.priority).label("priority"),
        func.count(r.wait_s).label("called"),
        _count(r.status == TicketStatus.DONE).label("served"),
        _count(r.status == TicketStatus.NO_SHOW).label("no_show"),
        _count(cancelled & (func.coalesce(r.cancel_reason, "") != "staff")).label(
            "cancelled_visitor"),
        _count(cancelled & (r.cancel_reason == "staff")).label("removed_staff"),
        _count(r.status == TicketStatus.EXPIRED).label("expired"),
        func.sum(r.recalls).label("recalls"),
        _count(r.wait_s <= r.wait_target_s).label("waited_within_target"),
        _count(r.service_s <= r.service_target_s).label("served_within_target"),
        func.avg(r.wait_s).label("wait_mean_s"),
        at_rank(r.wait_s, r.wait_rank, r.wait_n, MEDIAN).label("wait_median_s"),
        at_rank(r.wait_s, r.wait_rank, r.wait_n, P90).label("wait_p90_s"),
        func.max(r.wait_s).label("wait_max_s"),
        func.avg(r.service_s).label("service_mean_s"),
        at_rank(r.service_s, r.service_rank, r.service_n, MEDIAN).label("service_median_s"),
        at_rank(r.service_s, r.service_rank, r.service_n, P90).label("service_p90_s"),
        func.max(r.service_s).label("service_max_s"),
    ).group_by(r.key)
    figures: dict[Any, dict[str, Any]] = {}
    for row in session.execute(query).mappings():
        values: dict[str, Any] = {name: int(row[name] or 0) for name in COUNTS}
        values.update({name: _seconds(row[name]) for name in TIMES})
        figures[row["key"]] = values
    return figures


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def busiest_hours(session: Session, period: Period, scope: Scope, by: By,
                  sql: Dialect) -> dict[Any, int]:
    """{group key: the site-local hour in which most of its tickets were issued}; of equal
    hours, the earliest."""
    facts = ticket_facts(period, scope, by, sql).subquery("facts")
    best: dict[Any, tuple[int, int]] = {}
    for key, hour, count in session.execute(
            select(facts.c.key, facts.c.hour, func.count())
            .group_by(facts.c.key, facts.c.hour)):
        seen = best.get(key)
        if seen is None or (count, -hour) > (seen[1], -seen[0]):
            best[key] = (int(hour), int(count))
    return {key: hour for key, (hour, _) in best.items()}
