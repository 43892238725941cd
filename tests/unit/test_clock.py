"""The training clock (ANTRE_CLOCK_START): it runs on in real time, and the processes of one
hall given the same start keep one time."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from queue_server.clock import ShiftedClock
from queue_server.config import parse_config
from queue_server.runtime import make_clock
from queue_server.settings import Settings
from tests.support.halls import hall_data

START = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Singaraja


def test_a_shifted_clock_starts_at_its_moment_and_runs_on() -> None:
    clock = ShiftedClock(START)
    first = clock.now()
    assert timedelta(0) <= first - START < timedelta(seconds=1)
    time.sleep(0.05)
    assert clock.now() - first >= timedelta(seconds=0.05)


def test_processes_given_the_same_start_keep_one_time() -> None:
    """A process started two seconds after another shows the same time, not two seconds
    less: otherwise its tickets would queue ahead of the first process's newer ones."""
    started_at = time.time() - 2.0  # as the first process was made
    earlier = ShiftedClock(START, started_at)
    later = ShiftedClock(START, started_at)
    gap = abs(later.now() - earlier.now())
    assert gap < timedelta(milliseconds=50)
    assert timedelta(seconds=1.9) < earlier.now() - START < timedelta(seconds=3)


def test_the_settings_give_the_clock_its_start_and_anchor(tmp_path: Path) -> None:
    config = parse_config(hall_data(), tmp_path / "config.yaml")
    started_at = time.time() - 60
    clock = make_clock(Settings(data_dir=tmp_path, clock_start=datetime(2026, 11, 30, 9, 0),
                                clock_started_at=started_at), config)
    shown = clock.now() - START
    assert timedelta(seconds=59) < shown < timedelta(seconds=62)
