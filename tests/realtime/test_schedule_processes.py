"""The opening hours' schedule with two real `antre serve` processes on one PostgreSQL schema
and Redis: a service closing by the clock is told once, at that moment, to a kiosk on one
process and a display on the other."""

from __future__ import annotations

import json
import queue
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.scaleout import test_two_processes as scaleout
from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import add_people
from tests.support.servers import LiveServer, antre_env, start_server

pytestmark = pytest.mark.postgres

postgres_url = scaleout.postgres_url  # a fresh schema, dropped afterwards
NOON = datetime.fromisoformat("2026-11-30T12:00:00+08:00")  # passports stop on Mondays


def _listen(url: str, auth: dict[str, str], heard: queue.Queue[tuple[str, Any, float]],
            name: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.on("queue_changed", lambda data: heard.put((name, data, time.monotonic())))
    client.connect(url, auth=auth, wait_timeout=scaleout.WAIT_S)
    return client


def _noon(server: LiveServer, token: str) -> float:
    """When this process's clock says 12.00, on this test's monotonic clock."""
    request = urllib.request.Request(f"{server.url}/api/v1/displays/aula/snapshot",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=scaleout.WAIT_S) as answer:
        server_now = datetime.fromisoformat(json.loads(answer.read())["now"])
    return time.monotonic() + (NOON - server_now).total_seconds()


def test_two_processes_tell_a_closing_by_the_clock_once_at_that_moment(
        tmp_path: Path, postgres_url: str) -> None:
    data = hall_data()
    hall = prepare_hall(postgres_url, data)
    tokens = add_people(hall, ["kiosk-1", "aula"])
    hall.engine.dispose()
    config = write_hall_yaml(tmp_path, data)
    scaleout._forget_antre_keys()
    servers: list[LiveServer] = []
    clients: list[socketio.Client] = []

    def start(name: str) -> LiveServer:
        env = antre_env(tmp_path / name, config, ANTRE_DATABASE_URL=postgres_url,
                        ANTRE_MESSAGE_QUEUE=scaleout.REDIS_URL,
                        ANTRE_CLOCK_START="2026-11-30T11:59:45")
        return start_server(env, tmp_path / f"server-{name}.log")

    try:
        with ThreadPoolExecutor(2) as pool:
            servers += pool.map(start, ("a", "b"))
        heard: queue.Queue[tuple[str, Any, float]] = queue.Queue()
        clients.append(_listen(servers[0].url, {"kiosk": "kiosk-1", "token": tokens["kiosk-1"]},
                               heard, "kiosk"))
        clients.append(_listen(servers[1].url, {"display": "aula", "token": tokens["aula"]},
                               heard, "display"))
        # Each test process runs its own clock from its own start: the first to reach noon
        # tells it (with the system clock in a hall, both reach it together).
        noon = min(_noon(server, tokens["aula"]) for server in servers)
        assert noon - time.monotonic() > 2, "the servers took too long to start"

        time.sleep(max(0.0, noon - time.monotonic()) + 2.0)
        told: list[tuple[str, Any, float]] = []
        while not heard.empty():
            told.append(heard.get_nowait())
        paspor = [(name, event, at) for name, event, at in told if event["service"] == "PASPOR"]
        assert sorted(name for name, _, _ in paspor) == ["display", "kiosk"], told
        assert len({event["event_id"] for _, event, _ in paspor}) == 1  # one process told it
        for _name, event, at in paspor:
            assert (event["open"], event["closed_reason"]) == (False, "after_cutoff")
            assert -0.2 < at - noon < 1.0, at - noon
    finally:
        for client in clients:
            client.disconnect()
        for server in servers:
            server.stop()
        scaleout._forget_antre_keys()
