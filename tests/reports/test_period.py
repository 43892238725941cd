"""What a report may be asked for: the refusals name what to fix."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from queue_server.reports.period import (
    BadRange,
    By,
    Period,
    UnknownGrouping,
    parse_by,
)


def test_a_range_of_days() -> None:
    period = Period.parse("2026-11-01", "2026-11-30")
    assert (period.first, period.last, period.days) == (date(2026, 11, 1),
                                                         date(2026, 11, 30), 30)


def test_a_range_in_site_time() -> None:
    start, end = Period.parse("2026-11-30", "2026-11-30").instants("Asia/Makassar")
    assert (start, end) == (datetime(2026, 11, 29, 16, tzinfo=UTC),
                            datetime(2026, 11, 30, 16, tzinfo=UTC))


@pytest.mark.parametrize(("first", "last", "says"), [
    ("2026-11-30", "2026-11-01", "'to' is before 'from'"),
    ("2025-01-01", "2026-01-02", "at most 366 days"),
    ("30-11-2026", "2026-12-01", "YYYY-MM-DD"),
    (None, "2026-12-01", "give both"),
    ("9999-12-31", "9999-12-31", "between 2000-01-01 and 2099-12-31"),
    ("0001-01-01", "0001-01-01", "between 2000-01-01 and 2099-12-31"),
])
def test_bad_ranges(first: str | None, last: str, says: str) -> None:
    with pytest.raises(BadRange) as refused:
        Period.parse(first, last)
    assert refused.value.status == 422
    assert says in refused.value.message("en")


def test_a_leap_year_fits() -> None:
    assert Period.parse("2028-01-01", "2028-12-31").days == 366


def test_groupings() -> None:
    assert parse_by(None) is By.HALL
    assert parse_by("officer") is By.OFFICER
    with pytest.raises(UnknownGrouping) as refused:
        parse_by("month")
    assert refused.value.status == 422
    assert "hall, agency, service, counter, officer, day, weekday, hour" in \
        refused.value.message("en")
