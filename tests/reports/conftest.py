"""The two hand-built days on SQLite and on PostgreSQL, read live from the tickets and from
the reports' store of closed days."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from queue_server.reports.figures import report_dialect
from queue_server.reports.period import Period
from queue_server.reports.remember import remember_closed_days
from tests.reports.days import REPORT_NOW, prepare_days
from tests.support.halls import Hall, wita


@pytest.fixture(params=["live", "stored"])
def days(request: pytest.FixtureRequest, database_url: str) -> Iterator[Hall]:
    hall = prepare_days(database_url)
    if request.param == "stored":
        remember(hall)
    yield hall
    hall.engine.dispose()


def remember(hall: Hall) -> int:
    """Store both closed days (the report's "now" is the Wednesday after)."""
    period = Period(wita("2026-11-30 12:00").date(), wita("2026-12-01 12:00").date())
    with hall.sessions.begin() as session:
        sql, _ = report_dialect(session, period)
        return remember_closed_days(session, period, REPORT_NOW.date(), REPORT_NOW, sql)
