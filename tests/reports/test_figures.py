"""Every figure of the two hand-built days (tests/reports/days.py), exactly, on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from queue_server.models import Agency
from queue_server.reports.figures import summary
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.rows import FigureRow
from tests.reports.days import REPORT_NOW
from tests.support.halls import Hall

BOTH_DAYS = Period(date(2026, 11, 30), date(2026, 12, 1))

HALL = {
    "issued": 8, "issued_kiosk": 6, "issued_online": 1, "issued_appointment": 0,
    "issued_counter": 1, "priority": 1, "called": 5, "served": 4, "no_show": 1,
    "cancelled_visitor": 1, "removed_staff": 1, "expired": 1, "not_arrived": 0,
    "transferred_out": 1, "transferred_in": 1, "recalls": 2,
    # waits 240, 600, 1230, 1320, 1680: median = rank ceil(5/2) = 3, p90 = rank ceil(4.5) = 5
    "wait_mean_s": 1014.0, "wait_median_s": 1230.0, "wait_p90_s": 1680.0, "wait_max_s": 1680.0,
    # services 240, 300, 600, 840: median = rank 2 (the lower middle), p90 = rank ceil(3.6)
    "service_mean_s": 495.0, "service_median_s": 300.0, "service_p90_s": 840.0,
    "service_max_s": 840.0,
    # A-001 (1230 > KTP's 1200) and B-001 (1680 > 1500) waited too long
    "waited_within_target": 3, "wait_service_level": 0.6,
    # A-002 took 840 s of KTP's 600
    "served_within_target": 3, "service_service_level": 0.75,
    "priority_share": 0.125, "busiest_hour": 8,
    "open_s": 6600.0 + 5400.0 + 14400.0, "break_s": 600.0,
}


def figures(row: FigureRow) -> dict[str, Any]:
    values = asdict(row)
    values.pop("extra")
    return values


def report(hall: Hall, by: By, scope: Scope | None = None,
           period: Period = BOTH_DAYS) -> dict[str, dict[str, Any]]:
    with hall.session() as session:
        found = summary(session, period, by, scope or Scope(), REPORT_NOW)
    return {row.key: figures(row) for row in found.rows}


def test_whole_hall(days: Hall) -> None:
    rows = report(days, By.HALL)
    assert list(rows) == ["hall"]
    assert rows["hall"] == {"key": "hall", "label": "Seluruh aula", **HALL}


def test_the_total_of_a_grouped_report_is_the_hall(days: Hall) -> None:
    with days.session() as session:
        found = summary(session, BOTH_DAYS, By.SERVICE, Scope(), REPORT_NOW, "en")
    assert figures(found.total) == {"key": "hall", "label": "Whole hall", **HALL}
    assert [row.label for row in found.rows] == [
        "KTP-el (Disdukcapil)", "Kartu Keluarga (Disdukcapil)", "SKCK (Polres)",
        "Paspor (Imigrasi)"]


def pick(rows: dict[str, dict[str, Any]], *names: str) -> dict[str, tuple[Any, ...]]:
    return {key: tuple(row[name] for name in names) for key, row in rows.items()}


def test_by_agency(days: Hall) -> None:
    rows = report(days, By.AGENCY)
    assert list(rows) == ["DUKCAPIL", "POLRES", "IMIGRASI"]
    assert pick(rows, "issued", "served", "no_show", "cancelled_visitor", "removed_staff",
                "expired", "transferred_out", "transferred_in") == {
        "DUKCAPIL": (6, 3, 1, 1, 1, 0, 1, 0),
        "POLRES": (1, 1, 0, 0, 0, 0, 0, 1),
        "IMIGRASI": (1, 0, 0, 0, 0, 1, 0, 0)}
    # Disdukcapil's waits 240, 600, 1230, 1680; services 240 (B-001, finished at Polres),
    # 300, 840
    assert pick(rows, "wait_mean_s", "wait_median_s", "wait_p90_s", "service_mean_s",
                "service_median_s", "wait_service_level", "service_service_level") == {
        "DUKCAPIL": (937.5, 600.0, 1680.0, 460.0, 300.0, 0.5, 2 / 3),
        "POLRES": (1320.0, 1320.0, 1320.0, 600.0, 600.0, 1.0, 1.0),
        "IMIGRASI": (None, None, None, None, None, None, None)}
    assert pick(rows, "open_s", "break_s", "busiest_hour") == {
        "DUKCAPIL": (21000.0, 600.0, 8), "POLRES": (5400.0, 0.0, 8),
        "IMIGRASI": (0.0, 0.0, 9)}


def test_by_service(days: Hall) -> None:
    rows = report(days, By.SERVICE)
    assert pick(rows, "issued", "called", "served", "recalls", "transferred_out",
                "transferred_in", "wait_mean_s", "wait_p90_s", "service_mean_s",
                "priority_share", "open_s") == {
        "KTP": (5, 3, 2, 2, 0, 0, 690.0, 1230.0, 570.0, 0.2, None),
        "KK": (1, 1, 1, 0, 1, 0, 1680.0, 1680.0, 240.0, 0.0, None),
        "SKCK": (1, 1, 1, 0, 0, 1, 1320.0, 1320.0, 600.0, 0.0, None),
        "PASPOR": (1, 0, 0, 0, 0, 0, None, None, None, 0.0, None)}


def test_by_counter(days: Hall) -> None:
    rows = report(days, By.COUNTER)
    assert list(rows) == ["L1", "L2", "L3", "-"]
    assert pick(rows, "served", "no_show", "service_mean_s", "open_s", "break_s",
                "transferred_out") == {
        "L1": (1, 1, 840.0, 6600.0, 600.0, 1),
        "L2": (1, 0, 300.0, 14400.0, 0.0, 0),
        "L3": (2, 0, 420.0, 5400.0, 0.0, 0),
        "-": (0, 0, None, 0.0, 0.0, 0)}


def test_by_officer(days: Hall) -> None:
    rows = report(days, By.OFFICER)
    assert list(rows) == ["ayu", "budi", "dewi", "-"]
    assert pick(rows, "served", "service_mean_s", "no_show", "open_s", "break_s") == {
        "ayu": (1, 840.0, 1, 6600.0, 600.0),
        "budi": (2, 420.0, 0, 5400.0, 0.0),
        "dewi": (1, 300.0, 0, 14400.0, 0.0),
        "-": (0, None, 0, 0.0, 0.0)}


def test_by_day_weekday_and_hour(days: Hall) -> None:
    by_day = report(days, By.DAY)
    assert pick(by_day, "issued", "served", "wait_mean_s", "open_s") == {
        "2026-11-30": (7, 3, 1117.5, 12000.0), "2026-12-01": (1, 1, 600.0, 14400.0)}
    by_weekday = report(days, By.WEEKDAY)
    assert pick(by_weekday, "label", "issued") == {"1": ("Senin", 7), "2": ("Selasa", 1)}
    by_hour = report(days, By.HOUR)
    assert pick(by_hour, "label", "issued", "called", "open_s") == {
        "8": ("08.00–09.00", 5, 5, 22800.0), "9": ("09.00–10.00", 3, 0, 3600.0)}


def test_one_day(days: Hall) -> None:
    rows = report(days, By.HALL, period=Period(date(2026, 12, 1), date(2026, 12, 1)))
    assert pick(rows, "issued", "served", "wait_max_s", "service_max_s", "open_s") == {
        "hall": (1, 1, 600.0, 300.0, 14400.0)}


def test_a_period_without_tickets(days: Hall) -> None:
    rows = report(days, By.HALL, period=Period(date(2026, 1, 1), date(2026, 1, 31)))
    assert pick(rows, "issued", "wait_mean_s", "wait_service_level", "busiest_hour") == {
        "hall": (0, None, None, None)}


def test_a_supervisor_sees_only_their_agencies(days: Hall) -> None:
    with days.session() as session:
        polres = session.query(Agency.id).filter(Agency.code == "POLRES").scalar()
    rows = report(days, By.AGENCY, Scope([polres]))
    assert list(rows) == ["POLRES"]
    hall = report(days, By.HALL, Scope([polres]))["hall"]
    assert (hall["issued"], hall["served"], hall["open_s"]) == (1, 1, 5400.0)


@pytest.mark.parametrize("by", list(By))
def test_every_grouping_adds_up_to_the_hall(days: Hall, by: By) -> None:
    rows = report(days, by)
    for name in ("issued", "served", "no_show", "expired", "recalls", "called"):
        assert sum(row[name] for row in rows.values()) == HALL[name], name


@pytest.mark.parametrize("by", list(By))
def test_every_grouping_has_the_halls_total(days: Hall, by: By) -> None:
    """The total is added up from the groups; it must be the hall's own figures."""
    with days.session() as session:
        found = summary(session, BOTH_DAYS, by, Scope(), REPORT_NOW)
    assert figures(found.total) == {"key": "hall", "label": "Seluruh aula", **HALL}
