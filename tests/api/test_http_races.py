"""Races through HTTP against a real `antre serve` (gevent, SQLite): kiosks and counters at once."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter as Tally
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from queue_server.db import make_engine, session_factory
from queue_server.models import Role, Ticket
from queue_server.people import add_user, issue_device_token, issue_user_token
from tests.support.halls import prepare_hall, unlimited_hall_data, write_hall_yaml
from tests.support.races import race
from tests.support.servers import LiveServer, antre_env, start_server

COUNTERS = 10


def _post(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def busy_hall(tmp_path: Path) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """A served hall with ten KTP counters, ten officers with API tokens and a kiosk token."""
    data = unlimited_hall_data()
    data["counters"] += [{"id": f"K{i}", "number": 10 + i, "name": f"Loket {10 + i}",
                          "agency": "DUKCAPIL", "services": ["KTP"]} for i in range(COUNTERS)]
    env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path, data),
                    ANTRE_CLOCK_START="2026-11-30T09:00:00")
    (tmp_path / "data").mkdir()
    hall = prepare_hall(f"sqlite:///{tmp_path / 'data' / 'antre.db'}", data)
    with hall.sessions.begin() as session:
        tokens = {"kiosk": issue_device_token(session, "kiosk-1")}
        for i in range(COUNTERS):
            add_user(session, hall.clock.now(), f"petugas{i}", f"Petugas {i}", Role.OFFICER,
                     "rahasia-loket", ["DUKCAPIL"])
            tokens[f"K{i}"] = issue_user_token(session, f"petugas{i}")
    hall.engine.dispose()
    server = start_server(env, tmp_path / "server.log")
    yield server, tokens
    server.stop()


def _numbers(tmp_path: Path) -> list[int]:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'antre.db'}")
    with session_factory(engine)() as session:
        numbers = list(session.scalars(select(Ticket.number).where(Ticket.prefix == "A")))
    engine.dispose()
    return numbers


def test_eight_kiosks_over_http_get_unique_gapless_numbers(
        busy_hall: tuple[LiveServer, dict[str, str]], tmp_path: Path) -> None:
    server, tokens = busy_hall
    codes: list[str] = []
    lock = threading.Lock()

    def kiosk(_index: int) -> None:
        for _ in range(25):
            status, body = _post(f"{server.url}/api/v1/tickets", tokens["kiosk"],
                                 {"service": "KTP"})
            assert status == 201, body
            with lock:
                codes.append(body["code"])

    race(8, kiosk)
    assert sorted(codes) == [f"A-{n:03d}" for n in range(1, 201)]
    assert sorted(_numbers(tmp_path)) == list(range(1, 201))


def test_ten_counters_over_http_never_call_a_ticket_twice(
        busy_hall: tuple[LiveServer, dict[str, str]]) -> None:
    server, tokens = busy_hall
    waiting = 120
    for _ in range(waiting):
        assert _post(f"{server.url}/api/v1/tickets", tokens["kiosk"],
                     {"service": "KTP"})[0] == 201
    for i in range(COUNTERS):
        assert _post(f"{server.url}/api/v1/counters/K{i}/open", tokens[f"K{i}"])[0] == 200
    called: list[tuple[str, str]] = []
    lock = threading.Lock()

    def counter(index: int) -> None:
        counter_id = f"K{index}"
        while True:
            status, body = _post(f"{server.url}/api/v1/counters/{counter_id}/call-next",
                                 tokens[counter_id], {"finish_current": True})
            if status == 204:
                return
            assert status == 200, body
            with lock:
                called.append((counter_id, body["ticket"]["code"]))

    race(COUNTERS, counter)
    tally = Tally(code for _, code in called)
    assert len(tally) == waiting and max(tally.values()) == 1
    assert len({counter_id for counter_id, _ in called}) > 1
