"""Demo history: past days played through the engine, refused on a database with real days."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from queue_server.models import CounterEvent, Ticket, TicketEvent, TicketStatus
from queue_server.reports.demo import HistoryRefused, fill_history
from queue_server.reports.figures import summary
from queue_server.reports.period import By, Period, Scope
from tests.reports.days import REPORT_NOW, prepare_days
from tests.support.halls import Hall, hall_data, prepare_hall, write_hall_yaml
from tests.support.servers import ANTRE, antre_env

MONDAY = date(2026, 11, 30)


def busy_hall_data() -> dict[str, Any]:
    data = hall_data()
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.pop("quota", None)
    return data


@pytest.fixture
def empty(database_url: str) -> Iterator[Hall]:
    hall = prepare_hall(database_url, busy_hall_data())
    yield hall
    hall.engine.dispose()


def test_history_fills_open_days_through_the_engine(empty: Hall) -> None:
    result = fill_history(empty.sessions, MONDAY, days=3, per_day=60, seed=5)
    # Wed 25, Thu 26, Fri 27 November: the weekend is skipped
    assert result.days == [date(2026, 11, 25), date(2026, 11, 26), date(2026, 11, 27)]
    with empty.session() as session:
        statuses = dict(session.execute(
            select(Ticket.status, func.count()).group_by(Ticket.status)).all())
        kinds = set(session.scalars(select(TicketEvent.kind).distinct()))
        assert session.scalar(select(func.count(CounterEvent.id))) > 0
        report = summary(session, Period(result.days[0], result.days[-1]), By.HOUR, Scope(),
                         REPORT_NOW).total
    assert sum(statuses.values()) == result.issued > 120
    assert TicketStatus.WAITING not in statuses and TicketStatus.CALLED not in statuses
    assert statuses[TicketStatus.DONE] > result.issued // 2
    assert {"issued", "called", "started", "finished"} <= kinds
    assert report.issued == result.issued
    assert report.served == statuses[TicketStatus.DONE]
    assert report.busiest_hour is not None and 8 <= report.busiest_hour <= 10
    assert report.open_s and report.open_s > 3 * 4 * 3600


def test_the_same_seed_gives_the_same_history(tmp_path: Path) -> None:
    counts = []
    for run in ("a", "b"):
        hall = prepare_hall(f"sqlite:///{tmp_path / run}.db", busy_hall_data())
        counts.append(fill_history(hall.sessions, MONDAY, days=1, per_day=40, seed=9).issued)
        with hall.session() as session:
            counts.append(session.scalar(select(func.sum(Ticket.number))))
        hall.engine.dispose()
    assert counts[:2] == counts[2:]


def test_real_days_are_never_mixed_with_demo_ones(tmp_path: Path) -> None:
    hall = prepare_days(f"sqlite:///{tmp_path / 'real.db'}")
    with pytest.raises(HistoryRefused, match="already holds 8 tickets"):
        fill_history(hall.sessions, MONDAY, days=1, per_day=10)
    hall.engine.dispose()


def test_the_command(tmp_path: Path) -> None:
    config = write_hall_yaml(tmp_path, busy_hall_data())
    env = antre_env(tmp_path / "unused", config, ANTRE_CLOCK_START="2026-11-30T09:00:00")
    command = [str(ANTRE), "demo", "history", "--days", "2", "--per-day", "30",
               "--data-dir", str(tmp_path / "demo")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "2026-11-26: " in done.stdout and "filled 2 days" in done.stdout
    assert (tmp_path / "demo" / "antre.db").exists()
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 1
    assert "already holds" in again.stderr
