"""The store of closed days: only days that cannot change are kept, and a report reads the
same figures whether a day comes from the store or live from the tickets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import func, select

from queue_server.queue import issuing
from queue_server.reports.figures import report_dialect, summary
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.remember import closed_days_to_remember, remember_closed_days
from queue_server.reports.store import ReportDay, ReportTicket
from tests.reports.days import REPORT_NOW, prepare_days
from tests.reports.test_figures import BOTH_DAYS, HALL, figures
from tests.support.halls import Hall, wita

MONDAY, TUESDAY = date(2026, 11, 30), date(2026, 12, 1)


@pytest.fixture
def fresh(database_url: str) -> Iterator[Hall]:
    """The two days, nothing stored yet."""
    hall = prepare_days(database_url)
    yield hall
    hall.engine.dispose()


def store(hall: Hall, period: Period, today: date) -> int:
    with hall.sessions.begin() as session:
        sql, _ = report_dialect(session, period)
        return remember_closed_days(session, period, today, REPORT_NOW, sql)


def test_only_closed_days_are_stored_and_only_once(fresh: Hall) -> None:
    # Seen from Tuesday, Monday is closed (its last ticket expired at 07:30) and Tuesday is
    # today: only Monday is stored.
    with fresh.session() as session:
        assert closed_days_to_remember(session, BOTH_DAYS, TUESDAY) == [MONDAY]
    assert store(fresh, BOTH_DAYS, TUESDAY) == 1
    assert store(fresh, BOTH_DAYS, TUESDAY) == 0
    with fresh.session() as session:
        assert set(session.scalars(select(ReportDay.day))) == {MONDAY}
        assert session.scalar(select(func.count(ReportTicket.ticket_id))) == 7


def test_a_day_with_an_open_ticket_is_not_stored(fresh: Hall) -> None:
    fresh.clock.set(wita("2026-12-02 08:00"))
    with fresh.sessions.begin() as session:
        issuing.issue_ticket(session, fresh.clock.now(), "SKCK")
    wednesday = Period(date(2026, 12, 2), date(2026, 12, 2))
    with fresh.session() as session:
        assert closed_days_to_remember(session, wednesday, date(2026, 12, 3)) == []


def test_part_stored_part_live_gives_the_same_figures(fresh: Hall) -> None:
    store(fresh, BOTH_DAYS, TUESDAY)  # Monday stored, Tuesday live
    for by in (By.HALL, By.SERVICE, By.OFFICER):
        with fresh.session() as session:
            mixed = summary(session, BOTH_DAYS, by, Scope(), REPORT_NOW)
            live = summary(session, BOTH_DAYS, by, Scope(), REPORT_NOW, stored=False)
        assert [figures(r) for r in mixed.rows] == [figures(r) for r in live.rows]
        assert figures(mixed.total) == {"key": "hall", "label": "Seluruh aula", **HALL}
