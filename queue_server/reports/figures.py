"""The report's figures for a period, grouped one way, computed by the database.

A handful of aggregate queries (tickets with their percentiles, the busiest hour, transfers,
counters' open and break time), merged into one row per group, plus the whole-hall total.
Definitions: docs/reports.md.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, time
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from queue_server.models import TicketStatus
from queue_server.queue.common import get_site
from queue_server.reports.counter_time import counter_time
from queue_server.reports.facts import Facts, plan_facts
from queue_server.reports.labels import Labels
from queue_server.reports.percentiles import MEDIAN, P90, at_rank, ranked
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.rows import FigureRow, Summary
from queue_server.reports.sqltime import Dialect, dialect_for
from queue_server.reports.store import ReportChannel
from queue_server.reports.transfers import transfer_counts

COUNTS = ("issued", "issued_kiosk", "issued_online", "issued_appointment", "issued_counter",
          "priority", "called", "served", "no_show", "cancelled_visitor", "removed_staff",
          "expired", "not_arrived", "recalls", "waited_within_target", "served_within_target",
          "service_n")
SUMS = ("wait_sum", "service_sum")
MAXIMA = ("wait_max_s", "service_max_s")
FIELDS = {f.name for f in fields(FigureRow)}


def report_dialect(session: Session, period: Period) -> tuple[Dialect, str]:
    timezone = get_site(session).timezone
    middle = datetime.combine(period.first, time(12))
    return dialect_for(session.get_bind().dialect.name, timezone, middle), timezone


def summary(session: Session, period: Period, by: By, scope: Scope, now: datetime,
            language: str = "id", *, stored: bool = True) -> Summary:
    """Every figure of the period, one row per group (in the groups' natural order) and the
    whole hall's total. `stored`: read closed days from the store (remember.py) where they
    are there; False computes every day from the tickets.

    The total is added up from the groups (every ticket, event and counter stretch is in
    exactly one group); only its percentiles, and what a grouping leaves out (transfers in
    by counter or officer, counter time by service), are asked of the database again."""
    sql, timezone = report_dialect(session, period)
    labels = Labels(session, language)
    facts = plan_facts(session, period, scope, sql, stored=stored)
    parts = Parts.read(session, facts, by, timezone, now)
    rows = parts.rows(by, labels)
    if by is By.HALL:
        total = rows[0] if rows else FigureRow("hall", labels.of(By.HALL, 0)[2]).finish()
        return Summary(period.first, period.last, by.value, [total], total)
    total_parts = parts.added_up(session, facts, by, timezone, now)
    totals = total_parts.rows(By.HALL, labels)
    total = totals[0] if totals else FigureRow("hall", labels.of(By.HALL, 0)[2]).finish()
    return Summary(period.first, period.last, by.value, rows, total)


TOTAL = 0  # the whole hall's group key


@dataclass
class Parts:
    """What the database answered for one grouping, by group key."""

    tickets: dict[Any, dict[str, Any]]
    hours: dict[Any, dict[int, int]]
    transfers: dict[Any, tuple[int, int]]
    times: dict[Any, tuple[float, float]]

    @classmethod
    def read(cls, session: Session, facts: Facts, by: By, timezone: str,
             now: datetime) -> Parts:
        return cls(ticket_figures(session, facts, by), hour_counts(session, facts, by),
                   transfer_counts(session, facts.period, facts.scope, by, facts.sql),
                   counter_time(session, facts.period, facts.scope, by, facts.sql, timezone,
                                now))

    def rows(self, by: By, labels: Labels) -> list[FigureRow]:
        ordered = []
        for key in self.tickets.keys() | self.transfers.keys() | self.times.keys():
            order, code, label = labels.of(by, key)
            values = self.tickets.get(key, {})
            row = FigureRow(code, label, **{k: v for k, v in values.items() if k in FIELDS})
            row.busiest_hour = busiest(self.hours.get(key, {}))
            row.transferred_out, row.transferred_in = self.transfers.get(key, (0, 0))
            if by is not By.SERVICE:
                row.open_s, row.break_s = self.times.get(key, (0.0, 0.0))
            ordered.append((order, row.finish()))
        return [row for _, row in sorted(ordered, key=lambda item: item[0])]

    def added_up(self, session: Session, facts: Facts, by: By, timezone: str,
                 now: datetime) -> Parts:
        """The whole hall, from the groups."""
        tickets: dict[str, Any] = {name: 0 for name in (*COUNTS, *SUMS)}
        for values in self.tickets.values():
            for name in (*COUNTS, *SUMS):
                tickets[name] += values.get(name, 0)
            for name in MAXIMA:
                found = values.get(name)
                if found is not None and (tickets.get(name) is None or found > tickets[name]):
                    tickets[name] = found
        tickets.update(_means(tickets))
        for metric, count in (("wait", tickets["called"]), ("service", tickets["service_n"])):
            tickets[f"{metric}_median_s"] = ranked_value(
                session, facts, f"{metric}_s", nearest_rank(count, MEDIAN))
            tickets[f"{metric}_p90_s"] = ranked_value(
                session, facts, f"{metric}_s", nearest_rank(count, P90))
        hours: dict[int, int] = {}
        for per_hour in self.hours.values():
            for hour, count in per_hour.items():
                hours[hour] = hours.get(hour, 0) + count
        out = sum(pair[0] for pair in self.transfers.values())
        into = sum(pair[1] for pair in self.transfers.values())
        if by in (By.COUNTER, By.OFFICER):  # those groupings have no "in"
            into = transfer_counts(session, facts.period, facts.scope, By.HALL,
                                   facts.sql).get(TOTAL, (0, 0))[1]
        if by is By.SERVICE:  # nor counter time
            times = counter_time(session, facts.period, facts.scope, By.HALL, facts.sql,
                                 timezone, now).get(TOTAL, (0.0, 0.0))
        else:
            times = (sum(t[0] for t in self.times.values()),
                     sum(t[1] for t in self.times.values()))
        has_tickets = bool(self.tickets)
        return Parts({TOTAL: tickets} if has_tickets else {}, {TOTAL: hours},
                     {TOTAL: (out, into)} if (out or into) else {},
                     {TOTAL: times} if self.times or by is By.SERVICE else {})


def busiest(per_hour: dict[int, int]) -> int | None:
    """The hour with the most tickets issued; of equal hours, the earliest."""
    if not per_hour:
        return None
    return min(per_hour, key=lambda hour: (-per_hour[hour], hour))


def _means(values: dict[str, Any]) -> dict[str, float | None]:
    return {"wait_mean_s": _seconds(values["wait_sum"] / values["called"])
            if values["called"] else None,
            "service_mean_s": _seconds(values["service_sum"] / values["service_n"])
            if values["service_n"] else None}


def _count(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def ticket_figures(session: Session, facts: Facts, by: By) -> dict[Any, dict[str, Any]]:
    """{group key: counts, sums and times}: one aggregate pass, then the percentiles."""
    rows = facts.keyed(by, "channel", "priority", "status", "wait_s", "service_s", "recalls",
                       "cancel_reason", targets=True).subquery("facts")
    r = rows.c
    cancelled = r.status == TicketStatus.CANCELLED
    query = select(
        r.key,
        func.count().label("issued"),
        *(_count(r.channel == channel).label(f"issued_{channel.value}")
          for channel in ReportChannel),
        _count(r.priority).label("priority"),
        func.count(r.wait_s).label("called"),
        _count(r.status == TicketStatus.DONE).label("served"),
        _count(r.status == TicketStatus.NO_SHOW).label("no_show"),
        _count(cancelled & (func.coalesce(r.cancel_reason, "") != "staff")).label(
            "cancelled_visitor"),
        _count(cancelled & (r.cancel_reason == "staff")).label("removed_staff"),
        _count(r.status == TicketStatus.EXPIRED).label("expired"),
        _count(r.status == TicketStatus.BOOKED).label("not_arrived"),
        func.sum(r.recalls).label("recalls"),
        _count(r.wait_s <= r.wait_target_s).label("waited_within_target"),
        _count(r.service_s <= r.service_target_s).label("served_within_target"),
        func.coalesce(func.sum(r.wait_s), 0).label("wait_sum"),
        func.count(r.service_s).label("service_n"),
        func.coalesce(func.sum(r.service_s), 0).label("service_sum"),
        func.max(r.wait_s).label("wait_max_s"),
        func.max(r.service_s).label("service_max_s"),
    ).group_by(r.key)
    figures: dict[Any, dict[str, Any]] = {}
    for row in session.execute(query).mappings():
        values: dict[str, Any] = {name: int(row[name] or 0) for name in COUNTS}
        values.update({name: float(row[name] or 0) for name in SUMS})
        values.update({name: _seconds(row[name]) for name in MAXIMA})
        values.update(_means(values))
        figures[row["key"]] = values
    for metric, count in (("wait", "called"), ("service", "service_n")):
        if by is By.HALL:  # one group: two ranks of one sorted list, no window needed
            for values in figures.values():
                values[f"{metric}_median_s"], values[f"{metric}_p90_s"] = (
                    ranked_value(session, facts, f"{metric}_s", nearest_rank(values[count], f))
                    for f in (MEDIAN, P90))
            continue
        for key, (median, p90) in percentiles(session, facts, by, f"{metric}_s").items():
            figures.setdefault(key, {}).update(
                {f"{metric}_median_s": median, f"{metric}_p90_s": p90})
    return figures


def percentiles(session: Session, facts: Facts, by: By,
                metric: str) -> dict[Any, tuple[float | None, float | None]]:
    """{group key: (median, 90th percentile)} of one time, over the rows that have it: a
    narrow query (key and value), ranked by window functions, keeping the two ranks."""
    values = facts.keyed(by, metric).subquery("values")
    value = values.c[metric]
    measured = select(values.c.key, value.label("v")).where(value.is_not(None)).subquery("m")
    rank, count = ranked(measured.c.v, measured.c.key, nulls=False)
    ranks = select(measured.c.key, measured.c.v, rank.label("rank"),
                   count.label("n")).subquery("ranks")
    found = {}
    for key, median, p90 in session.execute(
            select(ranks.c.key,
                   at_rank(ranks.c.v, ranks.c.rank, ranks.c.n, MEDIAN),
                   at_rank(ranks.c.v, ranks.c.rank, ranks.c.n, P90))
            .group_by(ranks.c.key)):
        found[key] = (_seconds(median), _seconds(p90))
    return found


def nearest_rank(count: int, fraction: tuple[int, int]) -> int:
    """ceil(count * a / b) for `fraction` (a, b): the rank of that percentile (0: none)."""
    numerator, denominator = fraction
    return (count * numerator + denominator - 1) // denominator


def ranked_value(session: Session, facts: Facts, metric: str, rank: int) -> float | None:
    """The `rank`-th smallest value of a time over the whole period (1 is the smallest): the
    whole hall's percentiles, once its count is known, without ranking every row."""
    if rank < 1:
        return None
    values = facts.keyed(By.HALL, metric).subquery("values")
    value = values.c[metric]
    return _seconds(session.scalar(
        select(value).where(value.is_not(None)).order_by(value).limit(1).offset(rank - 1)))


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 3)


def hour_counts(session: Session, facts: Facts, by: By) -> dict[Any, dict[int, int]]:
    """{group key: {site-local hour: tickets issued in it}}."""
    rows = facts.keyed(by, "hour").subquery("hours")
    counts: dict[Any, dict[int, int]] = {}
    for key, hour, count in session.execute(
            select(rows.c.key, rows.c.hour, func.count()).group_by(rows.c.key, rows.c.hour)):
        counts.setdefault(key, {})[int(hour)] = int(count)
    return counts
