"""The halls the benchmarks run against: the shipped config.yaml on a fresh SQLite file or a
fresh PostgreSQL schema, its people and device tokens, and the server processes (real
`antre serve`, and the bare Flask-SocketIO floor).

Starting, watching and stopping a server process and the throwaway PostgreSQL schema are the
test suite's (tests/support: plain modules that never import pytest), so a fix there serves
both."""

from __future__ import annotations

import os
import sys
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import yaml
from sqlalchemy import text

from queue_server.config import parse_config
from queue_server.db import make_engine, session_factory, upgrade_schema
from queue_server.models import Role
from queue_server.people import add_user, issue_device_token, issue_user_token
from queue_server.provision import apply_config
from tests.support import postgres, servers
from tests.support.servers import LiveServer

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("ANTRE_BENCH_POSTGRES",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# A Redis database of its own; only the keys Antre makes there (antre:*) are removed after.
REDIS_URL = os.environ.get("ANTRE_BENCH_REDIS", "redis://127.0.0.1:6379/12")
CLOCK_START = "2026-11-30T09:00:00"  # a Monday morning: every service is issuing
SECRET_KEY = "bench-secret"
SERVICE = "KTP"  # the busiest line (prefix A); kiosks and the officer work on it
COUNTER = "L01"  # a Disdukcapil counter serving KTP
OFFICER = "petugas"
DISPLAY = "aula"  # the main hall display: every agency's calls
KIOSK = "kiosk-utara"


@dataclass
class Hall:
    """A prepared database: where it is, the config file, and the tokens to act with."""

    database_url: str
    config: Path
    tokens: dict[str, str]  # officer username or device id -> token
    # When the hall's clock showed CLOCK_START: every process started on the hall keeps this
    # one time, so two processes issue in the order tickets were taken, as on a real clock.
    clock_started_at: float = field(default_factory=time.time)


def hall_data() -> dict[str, Any]:
    """The shipped config.yaml, without the day quotas (a benchmark issues thousands) and with
    dummy printers (the server never opens them, but nothing here should point at hardware)."""
    data: dict[str, Any] = yaml.safe_load((ROOT / "config.yaml").read_text())
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.pop("quota", None)
    for kiosk in data.get("kiosks", []):
        kiosk["printer"] = "dummy"
    return data


def prepare_hall(database_url: str, directory: Path) -> Hall:
    """Schema, config, an officer of Disdukcapil with an API token, and device tokens."""
    data = hall_data()
    directory.mkdir(parents=True, exist_ok=True)
    config_path = directory / "config.yaml"
    config_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    config = parse_config(data, config_path)
    engine = make_engine(database_url)
    try:
        upgrade_schema(engine)
        sessions = session_factory(engine)
        with sessions.begin() as session:
            apply_config(session, config)
        tokens = {}
        with sessions.begin() as session:
            add_user(session, datetime.now(UTC), OFFICER, "Petugas Benchmark", Role.OFFICER,
                     "rahasia-benchmark", ["DUKCAPIL"])
            tokens[OFFICER] = issue_user_token(session, OFFICER)
            for device in [d["id"] for d in data["displays"]] + [k["id"] for k in
                                                                 data["kiosks"]]:
                tokens[device] = issue_device_token(session, device)
    finally:
        engine.dispose()
    return Hall(database_url, config_path, tokens)


def sqlite_url(directory: Path) -> str:
    """The embedded default: a SQLite file in the server's data directory."""
    (directory / "data").mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'data' / 'antre.db'}"


def ticket_numbers(database_url: str, prefix: str = "A") -> list[int]:
    """Every number given under `prefix`, as stored."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(
                text("SELECT number FROM tickets WHERE prefix = :prefix"),
                {"prefix": prefix}).scalars())
    finally:
        engine.dispose()


def postgres_schema() -> AbstractContextManager[str]:
    """A fresh schema on the benchmark's PostgreSQL server, dropped afterwards."""
    return postgres.postgres_schema(POSTGRES_URL, prefix="bench")


def forget_redis_keys(url: str = REDIS_URL, pattern: str = "antre:*") -> int:
    """Remove what Antre stored in the benchmark's Redis database (sequences, windows)."""
    removed = 0
    with redis.Redis.from_url(url) as client:
        for index, key in enumerate(client.scan_iter(match=pattern, count=500)):
            if index >= 1_000_000:
                break
            removed += client.delete(key)
    return removed


def antre_env(hall: Hall, data_dir: Path, message_queue: str | None = None) -> dict[str, str]:
    env = servers.antre_env(data_dir, hall.config, ANTRE_DATABASE_URL=hall.database_url,
                            ANTRE_SECRET_KEY=SECRET_KEY, ANTRE_CLOCK_START=CLOCK_START,
                            ANTRE_CLOCK_STARTED_AT=str(hall.clock_started_at))
    if message_queue:
        env["ANTRE_MESSAGE_QUEUE"] = message_queue
    return env


def start_antre(hall: Hall, directory: Path, name: str = "antre",
                message_queue: str | None = None) -> LiveServer:
    """A real `antre serve` (gevent) over the prepared hall."""
    directory.mkdir(parents=True, exist_ok=True)
    return servers.start_server(antre_env(hall, directory / "data", message_queue),
                                directory / f"{name}.log", timeout_s=60, name=name)


def start_bare(directory: Path) -> LiveServer:
    """The floor: a bare Flask-SocketIO (gevent) broadcaster (bench/bare.py)."""
    port = servers.free_port()
    return servers.launch([sys.executable, "-m", "bench.bare", "--port", str(port)], port,
                          dict(os.environ), directory / "bare.log", "bare", timeout_s=60,
                          cwd=ROOT)
