"""Scale-out: two real `antre serve` processes on one PostgreSQL schema, with Socket.IO's
message queue and the rooms' sequences on Redis. A call made through one process reaches a
display connected to the other, and kiosks on both get one gapless run of numbers."""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import socketio
from sqlalchemy import text

from queue_server.db import make_engine
from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import add_people
from tests.support.postgres import POSTGRES_URL
from tests.support.servers import LiveServer, antre_env, start_server

pytestmark = pytest.mark.postgres

# A Redis database of these tests' own; only the keys Antre makes there are removed.
REDIS_URL = "redis://127.0.0.1:6379/14"
WAIT_S = 10
ARRIVAL_S = 3.0  # "within a couple of seconds", with room for a loaded test machine


def _forget_antre_keys() -> None:
    with redis.Redis.from_url(REDIS_URL) as client:
        for index, key in enumerate(client.scan_iter(match="antre:*", count=500)):
            assert index < 100_000, "far more antre:* keys than these tests make"
            client.delete(key)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema, dropped afterwards."""
    schema = f"t_scale_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class Pair:
    first: LiveServer  # "process A"
    second: LiveServer  # "process B"
    tokens: dict[str, str]
    database_url: str


@pytest.fixture
def pair(tmp_path: Path, postgres_url: str) -> Iterator[Pair]:
    """The small hall (KK without a quota) served by two processes that share the database,
    Redis and the secret key."""
    data = hall_data()
    hall = prepare_hall(postgres_url, data)
    tokens = add_people(hall, ["kiosk-1", "aula", "zona-a"])
    hall.engine.dispose()
    config = write_hall_yaml(tmp_path, data)
    _forget_antre_keys()
    servers: list[LiveServer] = []

    def start(name: str) -> None:
        env = antre_env(tmp_path / name, config, ANTRE_DATABASE_URL=postgres_url,
                        ANTRE_MESSAGE_QUEUE=REDIS_URL, ANTRE_CLOCK_START="2026-11-30T09:00:00")
        servers.append(start_server(env, tmp_path / f"server-{name}.log"))

    try:
        # Both at once, as after a deploy or a power cut: each upgrades the schema and
        # applies config.yaml at start, and neither may trip over the other.
        with ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(start, name) for name in ("a", "b")]:
                started.result()
        servers.sort(key=lambda server: server.log.name)
        assert servers[0].env["ANTRE_SECRET_KEY"] == servers[1].env["ANTRE_SECRET_KEY"]
        yield Pair(servers[0], servers[1], tokens, postgres_url)
    finally:
        for server in servers:
            server.stop()
        _forget_antre_keys()


def _post(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body or {}).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=WAIT_S) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _display(url: str, display: str, token: str,
             events: queue.Queue[tuple[str, Any, float]]) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    for name in ("snapshot", "ticket_called"):
        client.on(name, lambda data, name=name: events.put((name, data, time.monotonic())))
    client.connect(url, auth={"display": display, "token": token}, wait_timeout=WAIT_S)
    return client


def _next(events: queue.Queue[tuple[str, Any, float]], name: str,
          matching: Any = lambda data: True) -> tuple[Any, float]:
    """The next `name` event that matches (other runs may share Redis's pub/sub channel)."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        try:
            found, data, at = events.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if found == name and matching(data):
            return data, at
    raise AssertionError(f"no matching {name} within {WAIT_S} s")


def _same_moment(local_iso: str, utc_iso: str) -> bool:
    return datetime.fromisoformat(local_iso) == datetime.fromisoformat(
        utc_iso.replace("Z", "+00:00"))


def test_a_call_through_one_process_reaches_a_display_on_the_other(pair: Pair) -> None:
    on_b: queue.Queue[tuple[str, Any, float]] = queue.Queue()
    on_a: queue.Queue[tuple[str, Any, float]] = queue.Queue()
    display_b = _display(pair.second.url, "aula", pair.tokens["aula"], on_b)
    display_a = _display(pair.first.url, "aula", pair.tokens["aula"], on_a)
    try:
        snapshot, _ = _next(on_b, "snapshot")
        assert snapshot["display"]["id"] == "aula"
        _next(on_a, "snapshot")
        a = pair.first.url
        status, ticket = _post(f"{a}/api/v1/tickets", pair.tokens["kiosk-1"],
                               {"service": "KTP"})
        assert status == 201, ticket
        assert _post(f"{a}/api/v1/counters/L1/open", pair.tokens["ayu"])[0] == 200

        sent = time.monotonic()
        status, called = _post(f"{a}/api/v1/counters/L1/call-next", pair.tokens["ayu"])
        assert status == 200, called
        assert called["ticket"]["code"] == ticket["code"]

        def this_call(data: dict[str, Any]) -> bool:
            return data["code"] == ticket["code"] and _same_moment(
                data["at"], called["ticket"]["called_at"])

        heard, at = _next(on_b, "ticket_called", this_call)
        assert at - sent < ARRIVAL_S, f"process B's display heard the call {at - sent:.1f} s on"
        assert heard["counter"]["id"] == "L1" and heard["room"] == "display:aula"
        assert "A satu" in heard["announcement"]["id"]
        # Both processes number the room from one sequence on Redis: the display on A, told
        # directly, sees the very number the display on B got through the message queue.
        also, _ = _next(on_a, "ticket_called", this_call)
        assert also["seq"] == heard["seq"] > snapshot["seq"]
        assert also["event_id"] == heard["event_id"]
    finally:
        display_b.disconnect()
        display_a.disconnect()


def test_kiosks_on_both_processes_get_one_gapless_run_of_numbers(pair: Pair) -> None:
    per_kiosk, kiosks = 10, 8
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(kiosks)

    def kiosk(index: int) -> None:
        url = (pair.first if index % 2 == 0 else pair.second).url
        try:
            barrier.wait(timeout=WAIT_S)
            for _ in range(per_kiosk):
                status, body = _post(f"{url}/api/v1/tickets", pair.tokens["kiosk-1"],
                                     {"service": "KK"})
                assert status == 201, body
                with lock:
                    codes.append(body["code"])
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(kiosks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    total = kiosks * per_kiosk
    assert sorted(codes) == [f"B-{n:03d}" for n in range(1, total + 1)]
    engine = make_engine(pair.database_url)
    try:
        with engine.connect() as connection:
            stored = sorted(connection.execute(
                text("SELECT number FROM tickets WHERE prefix = 'B'")).scalars())
    finally:
        engine.dispose()
    assert stored == list(range(1, total + 1))


def test_two_processes_started_at_once_on_an_empty_database_both_come_up(
        tmp_path: Path, postgres_url: str) -> None:
    """Each process upgrades the schema and applies config.yaml at start; started together on
    a new database they take turns instead of creating the same tables twice."""
    config = write_hall_yaml(tmp_path, hall_data())
    servers: list[LiveServer] = []

    def start(name: str) -> None:
        env = antre_env(tmp_path / name, config, ANTRE_DATABASE_URL=postgres_url,
                        ANTRE_MESSAGE_QUEUE=REDIS_URL)
        servers.append(start_server(env, tmp_path / f"server-{name}.log"))

    try:
        with ThreadPoolExecutor(2) as pool:
            for started in [pool.submit(start, name) for name in ("a", "b")]:
                started.result()
        for server in servers:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=WAIT_S) as answer:
                assert json.loads(answer.read())["config"]["counters"] == 4
    finally:
        for server in servers:
            server.stop()
        _forget_antre_keys()


def _devices(url: str, token: str) -> dict[str, dict[str, Any]]:
    request = urllib.request.Request(f"{url}/api/v1/admin/devices",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=WAIT_S) as answer:
        return {device["id"]: device for device in json.loads(answer.read())["devices"]}


def test_the_devices_page_sees_and_revokes_a_display_held_by_the_other_process(
        pair: Pair) -> None:
    dropped = threading.Event()
    events: queue.Queue[tuple[str, Any, float]] = queue.Queue()
    display = _display(pair.second.url, "aula", pair.tokens["aula"], events)
    display.on("disconnect", lambda *reason: dropped.set())
    try:
        _next(events, "snapshot")
        # Asked of process A, which holds none of the display's connections.
        aula = _devices(pair.first.url, pair.tokens["admin"])["aula"]
        assert aula["connections"] == 1 and aula["connected_since"] is not None

        sent = time.monotonic()
        status, _ = _post(f"{pair.first.url}/api/v1/admin/devices/aula/revoke",
                          pair.tokens["admin"])
        assert status == 200
        assert dropped.wait(ARRIVAL_S), "the display on process B was not disconnected"
        assert time.monotonic() - sent < ARRIVAL_S
        for server in (pair.first, pair.second):
            assert _devices(server.url, pair.tokens["admin"])["aula"]["connections"] == 0
        with pytest.raises(socketio.exceptions.ConnectionError):  # its old token stays out
            _display(pair.second.url, "aula", pair.tokens["aula"], events)
    finally:
        display.disconnect()
