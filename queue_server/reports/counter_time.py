"""Time counters spent open and on break, from their state changes (`CounterEvent`).

Each change starts a stretch that lasts until the counter's next change the same site-local
day; the day's last stretch ends at the end of that day (a counter left open overnight is not
counted as open all night), or now if that is sooner. Open and break stretches are filed under
the officer who opened or paused the counter, the counter, its agency, the day, the weekday
and the hour the stretch began.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from queue_server.models import Counter, CounterEvent, CounterState
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.sqltime import Dialect


def counter_time(session: Session, period: Period, scope: Scope, by: By, sql: Dialect,
                 timezone: str, now: datetime) -> dict[Any, tuple[float, float]]:
    """{group key: (seconds open, seconds on break)}; nothing for a grouping by service (a
    counter serves several)."""
    if by is By.SERVICE:
        return {}
    start, end = period.instants(timezone)
    day = sql.local_day(CounterEvent.at)
    changes = (
        select(CounterEvent.counter_id, CounterEvent.state, CounterEvent.at,
               CounterEvent.user_id, Counter.agency_id, day.label("day"),
               func.lead(CounterEvent.at).over(
                   partition_by=(CounterEvent.counter_id, day),
                   order_by=(CounterEvent.at, CounterEvent.id)).label("next_at"))
        .join(Counter, Counter.id == CounterEvent.counter_id)
        .where(CounterEvent.at >= start, CounterEvent.at < end))
    if not scope.everything:
        changes = changes.where(Counter.agency_id.in_(list(scope.agency_ids or ())))
    stretch = changes.subquery("stretches")
    key = {
        By.HALL: literal_column("0"),
        By.AGENCY: stretch.c.agency_id,
        By.COUNTER: stretch.c.counter_id,
        By.OFFICER: stretch.c.user_id,
        By.DAY: stretch.c.day,
        By.WEEKDAY: sql.iso_weekday(stretch.c.day),
        By.HOUR: sql.local_hour(stretch.c.at),
    }[by]
    stop = func.coalesce(stretch.c.next_at,
                         sql.earliest(sql.local_day_end(stretch.c.at), sql.instant(now)))
    keyed = (
        select(key.label("key"), stretch.c.state.label("state"),
               sql.seconds(stop, stretch.c.at).label("seconds"))
        .where(stretch.c.state.in_([CounterState.OPEN, CounterState.BREAK]))
        .subquery("keyed"))
    totals: dict[Any, list[float]] = {}
    for group, state, seconds in session.execute(
            select(keyed.c.key, keyed.c.state, func.sum(keyed.c.seconds))
            .group_by(keyed.c.key, keyed.c.state)):
        entry = totals.setdefault(group, [0.0, 0.0])
        entry[0 if state == CounterState.OPEN else 1] += max(0.0, float(seconds or 0))
    return {group: (open_s, break_s) for group, (open_s, break_s) in totals.items()}
