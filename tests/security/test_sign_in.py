"""Signing in under attack (issue 11, finding 5): nobody can lock an account by guessing at
its name; an address that keeps failing must wait; a name under attack is only slowed; an
administrator can lift the limits; the answer's timing does not tell which names exist."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from queue_server.cli import main
from tests.security.apps import HallApp, build_app
from tests.support.people import PASSWORD


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallApp]:
    served = build_app(tmp_path)
    yield served
    served.dispose()


def attempt(hall: HallApp, username: str, password: str, address: str = "10.9.0.1") -> Any:
    client = hall.client()
    client.environ_base["REMOTE_ADDR"] = address
    return hall.login(client, username, password)


def test_guessing_from_many_addresses_does_not_lock_the_name(hall: HallApp) -> None:
    for i in range(12):
        assert attempt(hall, "admin", "salah-sekali", f"10.9.1.{i}").status_code == 401
    # The administrator, at their own desk, still signs in (slowed, not locked).
    assert attempt(hall, "admin", PASSWORD, "10.9.2.1").status_code == 200


def test_an_address_that_keeps_failing_must_wait_whatever_the_names(hall: HallApp) -> None:
    for i in range(30):
        assert attempt(hall, f"tebak{i}", "salah", "10.9.3.3").status_code == 401
    refused = attempt(hall, "ayu", PASSWORD, "10.9.3.3")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "login_rate_limited"
    assert attempt(hall, "ayu", PASSWORD, "10.9.3.4").status_code == 200  # another desk


def test_one_name_from_one_address_is_locked_there_only(hall: HallApp) -> None:
    for _ in range(10):
        attempt(hall, "dewi", "salah", "10.9.4.4")
    locked = attempt(hall, "dewi", PASSWORD, "10.9.4.4")
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "login_locked"
    assert attempt(hall, "dewi", PASSWORD, "10.9.4.5").status_code == 200


def test_a_name_under_attack_is_slowed(hall: HallApp) -> None:
    def timed(password: str, address: str) -> float:
        started = time.monotonic()
        attempt(hall, "sari", password, address)
        return time.monotonic() - started

    first = min(timed("salah", f"10.9.5.{i}") for i in range(5))
    slowed = [timed("salah", f"10.9.6.{i}") for i in range(3)]
    # The sixth to eighth failures wait 0.25, 0.5 and 0.75 s on top of the password check.
    assert slowed[2] - first >= 0.6
    assert slowed[0] < slowed[2]


def test_an_administrator_lifts_the_limits_on_a_name(hall: HallApp) -> None:
    for _ in range(10):
        attempt(hall, "ayu", "salah", "10.9.7.7")
    assert attempt(hall, "ayu", PASSWORD, "10.9.7.7").status_code == 429
    client = hall.client()
    not_admin = client.post("/api/v1/users/ayu/unlock", headers=hall.bearer("sari"))
    assert not_admin.status_code == 403
    unlocked = client.post("/api/v1/users/ayu/unlock", headers=hall.bearer("admin"))
    assert unlocked.status_code == 200
    assert unlocked.get_json() == {"username": "ayu", "forgotten_failures": 20}
    assert attempt(hall, "ayu", PASSWORD, "10.9.7.7").status_code == 200
    unknown = client.post("/api/v1/users/siapa/unlock", headers=hall.bearer("admin"))
    assert unknown.status_code == 404


def test_antre_user_unlock_lifts_them_from_the_command_line(
        hall: HallApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(10):
        attempt(hall, "budi", "salah", "10.9.8.8")
    assert attempt(hall, "budi", PASSWORD, "10.9.8.8").status_code == 429
    monkeypatch.setenv("ANTRE_CONFIG", str(tmp_path / "config.yaml"))
    monkeypatch.setenv("ANTRE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ANTRE_SECRET_KEY", "test-secret")
    result = CliRunner().invoke(main, ["user", "unlock", "budi"], env=dict(os.environ))
    assert result.exit_code == 0, result.output
    assert "unlocked budi" in result.output
    assert attempt(hall, "budi", PASSWORD, "10.9.8.8").status_code == 200


def test_an_unknown_name_takes_as_long_as_a_wrong_password(hall: HallApp) -> None:
    def median_time(username: str) -> float:
        times = []
        for i in range(5):
            started = time.monotonic()
            assert attempt(hall, username, "salah", f"10.9.9.{i}").status_code == 401
            times.append(time.monotonic() - started)
        return statistics.median(times)

    known, unknown = median_time("dewi"), median_time("tidak-ada")
    assert unknown > 0.5 * known, (known, unknown)
