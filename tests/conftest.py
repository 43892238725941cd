"""Shared fixtures: a small hall, real databases (a SQLite file and PostgreSQL), a fixed clock."""

from __future__ import annotations

import copy
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from queue_server.clock import FixedClock
from queue_server.config import HallConfig, parse_config
from queue_server.db import make_engine, session_factory, upgrade_schema
from queue_server.provision import apply_config

WITA = ZoneInfo("Asia/Makassar")
POSTGRES_URL = os.environ.get("ANTRE_TEST_POSTGRES",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")

WEEKDAY = {"issue_from": "07:30", "open": "08:00", "cutoff": "14:30", "close": "15:30"}
FRIDAY = {"issue_from": "07:30", "open": "08:00", "cutoff": "13:30", "close": "14:00",
          "breaks": [{"start": "11:30", "end": "13:00", "name": "Istirahat salat Jumat"}]}

SMALL_HALL: dict[str, Any] = {
    "site": {
        "name": "Mal Pelayanan Publik Kabupaten Buleleng",
        "short_name": "MPP Buleleng",
        "address": "Lantai 3 Pasar Banyuasri, Singaraja",
        "timezone": "Asia/Makassar",
        "public_url": "http://antre.test",
        "hours": {"mon": WEEKDAY, "tue": WEEKDAY, "wed": WEEKDAY, "thu": WEEKDAY,
                  "fri": FRIDAY},
        "holidays": [{"date": "2026-12-25", "name": "Hari Raya Natal"}],
    },
    "agencies": [
        {"code": "DUKCAPIL", "name": "Dinas Kependudukan dan Pencatatan Sipil",
         "short_name": "Disdukcapil", "colour": "#1565c0", "services": [
             {"code": "KTP", "name": "KTP-el", "prefix": "A", "quota": 5,
              "target_minutes": 10, "requirements": ["Kartu Keluarga"]},
             {"code": "KK", "name": "Kartu Keluarga", "prefix": "B",
              "outcomes": ["Selesai", "Berkas tidak lengkap"], "outcome_required": True},
         ]},
        {"code": "POLRES", "name": "Polres Buleleng", "short_name": "Polres",
         "colour": "#5d4037", "services": [
             {"code": "SKCK", "name": "SKCK", "prefix": "C", "target_minutes": 12},
         ]},
        {"code": "IMIGRASI", "name": "Kantor Imigrasi Singaraja", "short_name": "Imigrasi",
         "colour": "#00695c", "services": [
             {"code": "PASPOR", "name": "Paspor", "prefix": "P", "quota": 60,
              "hours": {"mon": {**WEEKDAY, "issue_from": "08:00", "cutoff": "12:00"}}},
         ]},
    ],
    "counters": [
        {"id": "L1", "number": 1, "name": "Loket 1", "agency": "DUKCAPIL",
         "services": ["KTP", "KK"]},
        {"id": "L2", "number": 2, "name": "Loket 2", "agency": "DUKCAPIL", "services": ["KTP"]},
        {"id": "L3", "number": 3, "name": "Loket 3", "agency": "POLRES", "services": ["SKCK"]},
        {"id": "L4", "number": 4, "name": "Loket 4", "agency": "IMIGRASI",
         "services": ["PASPOR"]},
    ],
    "kiosks": [{"id": "kiosk-1", "name": "Kiosk Utara", "printer": "dummy"}],
    "displays": [{"id": "aula", "name": "Layar Aula"},
                 {"id": "zona-a", "name": "Zona A", "agencies": ["DUKCAPIL"]}],
    "rules": {"priority_ratio": 2, "recalls_before_no_show": 2, "late_return_places": 2},
}


def hall_data() -> dict[str, Any]:
    """A fresh, mutable copy of the small test hall."""
    return copy.deepcopy(SMALL_HALL)


def wita(text_value: str) -> datetime:
    """'2026-11-30 09:00' read as WITA."""
    return datetime.fromisoformat(text_value).replace(tzinfo=WITA)


MONDAY_9 = wita("2026-11-30 09:00")


@dataclass
class Hall:
    """A prepared database with the hall applied, and the clock the test controls."""

    engine: Engine
    sessions: sessionmaker[Session]
    clock: FixedClock
    config: HallConfig

    def session(self) -> Session:
        return self.sessions()


def _postgres_schema_url() -> tuple[str, str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    return schema, f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A real, empty database: a SQLite file, or a fresh schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'antre.db'}"
        return
    schema, url = _postgres_schema_url()
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare_hall(url: str, data: dict[str, Any] | None = None,
                 start: datetime = MONDAY_9) -> Hall:
    config = parse_config(data or hall_data())
    engine = make_engine(url)
    upgrade_schema(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        apply_config(session, config)
    return Hall(engine, sessions, FixedClock(start), config)


@pytest.fixture
def hall(database_url: str) -> Iterator[Hall]:
    prepared = prepare_hall(database_url)
    yield prepared
    prepared.engine.dispose()


@pytest.fixture
def sqlite_hall(tmp_path: Any) -> Iterator[Hall]:
    """The hall on a SQLite file only: for the many rule tests that do not depend on the
    database."""
    prepared = prepare_hall(f"sqlite:///{tmp_path / 'antre.db'}")
    yield prepared
    prepared.engine.dispose()


def write_hall_yaml(directory: Path, data: dict[str, Any] | None = None) -> Path:
    path = directory / "config.yaml"
    path.write_text(yaml.safe_dump(data or hall_data(), allow_unicode=True, sort_keys=False))
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A real `antre serve` process on loopback."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def antre_env(data_dir: Path, config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env.update(ANTRE_DATA_DIR=str(data_dir), ANTRE_CONFIG=str(config),
               ANTRE_SECRET_KEY="test-secret", **extra)
    return env


def start_server(env: dict[str, str], log: Path, port: int | None = None) -> LiveServer:
    port = port or free_port()
    with log.open("ab") as out:
        process = subprocess.Popen([str(ANTRE), "serve", "--port", str(port)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", env, process, log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"antre serve exited {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"antre serve did not answer within 30 s:\n{log.read_text()}")


ANTRE = Path(sys.executable).parent / "antre"


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The small hall served by a real process on a SQLite file, its clock at Monday 09:00."""
    env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path),
                    ANTRE_CLOCK_START="2026-11-30T09:00:00")
    server = start_server(env, tmp_path / "server.log")
    yield server
    server.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--autoplay-policy=no-user-gesture-required"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it when run as root "
                    "(apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


PASSWORD = "rahasia-loket"
USERS = {  # username: (role, agencies)
    "admin": ("admin", []),
    "ayu": ("officer", ["DUKCAPIL"]),
    "dewi": ("officer", ["DUKCAPIL"]),
    "budi": ("officer", ["POLRES"]),
    "sari": ("supervisor", ["DUKCAPIL"]),
}


def add_people(hall: Hall, devices: list[str]) -> dict[str, str]:
    """The USERS with API tokens, and tokens for `devices`: {username or device id: token}."""
    from queue_server.models import Role
    from queue_server.people import add_user, issue_device_token, issue_user_token

    tokens = {}
    with hall.sessions.begin() as session:
        for username, (role, agencies) in USERS.items():
            add_user(session, hall.clock.now(), username, username.title(), Role(role),
                     PASSWORD, agencies)
            tokens[username] = issue_user_token(session, username)
        for device in devices:
            tokens[device] = issue_device_token(session, device)
    return tokens


@dataclass
class ServedHall:
    server: LiveServer
    tokens: dict[str, str]
    data_dir: Path

    @property
    def url(self) -> str:
        return self.server.url


def serve_hall(directory: Path, data: dict[str, Any] | None = None,
               clock_start: str = "2026-11-30T09:00:00", **env: str) -> ServedHall:
    """A real `antre serve` over `data` (default: the small hall) with USERS and a token for
    every kiosk and display. Stop it with `.server.stop()`."""
    data = data or hall_data()
    data_dir = directory / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    hall = prepare_hall(f"sqlite:///{data_dir / 'antre.db'}", data)
    devices = [k["id"] for k in data.get("kiosks", [])] + [d["id"] for d in
                                                           data.get("displays", [])]
    tokens = add_people(hall, devices)
    hall.engine.dispose()
    settings = antre_env(data_dir, write_hall_yaml(directory, data),
                         ANTRE_CLOCK_START=clock_start, **env)
    return ServedHall(start_server(settings, directory / "server.log"), tokens, data_dir)


@pytest.fixture
def served_hall(tmp_path: Path) -> Iterator[ServedHall]:
    """The small hall served for browser tests: users (password PASSWORD) and device tokens."""
    served = serve_hall(tmp_path)
    yield served
    served.server.stop()


def race(count: int, work: Callable[[int], None], timeout_s: float = 300) -> None:
    """Run `work(i)` on `count` real threads released together; fail with their errors."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout_s)
    assert not errors, errors


REPO = Path(__file__).resolve().parent.parent


def call_api(hall: ServedHall, method: str, path: str, who: str | None = None,
             body: dict[str, Any] | None = None, timeout: float = 10.0) -> tuple[int, Any]:
    """One JSON request to a served hall as `who` (a username or device id in hall.tokens):
    (status, JSON or None)."""
    headers = {"Content-Type": "application/json"}
    if who is not None:
        headers["Authorization"] = f"Bearer {hall.tokens[who]}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{hall.url}/api/v1{path}", data=data, method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")


def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when ANTRE_SCREENSHOTS=1 (to refresh the docs), else a temporary folder."""
    if os.environ.get("ANTRE_SCREENSHOTS"):
        folder = REPO / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path
