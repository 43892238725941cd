"""What the report page draws besides the table: arrivals by weekday and hour (a heat map)
and how long visitors waited (a histogram). Daily trend and service level per agency are the
summary grouped by day and by agency."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.reports.facts import plan_facts
from queue_server.reports.figures import report_dialect
from queue_server.reports.period import By, Period, Scope

BUCKET_MIN = 5
LAST_BUCKET = 12  # 60 minutes and more


@dataclass(frozen=True)
class Cell:
    weekday: int  # 1 Monday .. 7 Sunday
    hour: int  # site-local
    tickets: int


@dataclass(frozen=True)
class Bucket:
    from_min: int
    to_min: int | None  # None: and longer
    tickets: int


@dataclass(frozen=True)
class Charts:
    arrivals: list[Cell]
    waits: list[Bucket]


def charts(session: Session, period: Period, scope: Scope, *, stored: bool = True) -> Charts:
    sql, _ = report_dialect(session, period)
    facts = plan_facts(session, period, scope, sql, stored=stored).keyed(
        By.HALL, "service_day", "hour", "wait_s").subquery("facts")
    tickets = select(sql.iso_weekday(facts.c.service_day).label("weekday"), facts.c.hour,
                     sql.whole(facts.c.wait_s / (BUCKET_MIN * 60)).label("bucket")
                     ).subquery("chart_tickets")
    arrivals = [Cell(int(weekday), int(hour), int(count)) for weekday, hour, count in
                session.execute(select(tickets.c.weekday, tickets.c.hour, func.count())
                                .group_by(tickets.c.weekday, tickets.c.hour)
                                .order_by(tickets.c.weekday, tickets.c.hour))]
    counts = [0] * (LAST_BUCKET + 1)
    for bucket, count in session.execute(
            select(tickets.c.bucket, func.count())
            .where(tickets.c.bucket.is_not(None)).group_by(tickets.c.bucket)):
        counts[min(int(bucket), LAST_BUCKET)] += int(count)
    waits = [Bucket(index * BUCKET_MIN,
                    (index + 1) * BUCKET_MIN if index < LAST_BUCKET else None, count)
             for index, count in enumerate(counts)]
    return Charts(arrivals, waits)
