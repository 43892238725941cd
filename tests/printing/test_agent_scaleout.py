"""Two server processes on PostgreSQL and Redis: the agent connected to one of them prints the
tickets issued through the other, and its answer reaches the kiosk page on the first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from kiosk.agent import KioskAgent
from queue_server.queue.printjobs import AGENT_FRESH
from tests.printing.conftest import (
    CUT,
    KIOSK,
    DeviceFile,
    Listener,
    agent_connected,
    eventually,
    issue,
)
from tests.support.agents import RunningAgent, agent_options
from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import add_people
from tests.support.postgres import postgres_schema
from tests.support.servers import LiveServer, ServedHall, antre_env, start_server

pytestmark = pytest.mark.postgres

REDIS_URL = "redis://127.0.0.1:6379/13"  # this module's own database; only antre:* keys go


def _forget_antre_keys() -> None:
    with redis.Redis.from_url(REDIS_URL) as client:
        for key in client.scan_iter(match="antre:*", count=500):
            client.delete(key)


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[ServedHall, ServedHall]]:
    _forget_antre_keys()
    started: list[LiveServer] = []
    try:
        with postgres_schema(prefix="t_print") as url:
            prepared = prepare_hall(url, hall_data())
            tokens = add_people(prepared, [KIOSK])
            prepared.engine.dispose()
            config = write_hall_yaml(tmp_path)
            for name in ("a", "b"):
                env = antre_env(tmp_path / name, config, ANTRE_DATABASE_URL=url,
                                ANTRE_MESSAGE_QUEUE=REDIS_URL,
                                ANTRE_CLOCK_START="2026-11-30T09:00:00")
                started.append(start_server(env, tmp_path / f"server-{name}.log"))
            try:
                yield (ServedHall(started[0], tokens, tmp_path / "a"),
                       ServedHall(started[1], tokens, tmp_path / "b"))
            finally:
                for server in started:
                    server.stop()
    finally:
        _forget_antre_keys()


def test_an_agent_on_one_process_prints_what_the_other_issues(
        two: tuple[ServedHall, ServedHall], tmp_path: Path) -> None:
    first, second = two
    page = Listener(first, {"kiosk": KIOSK, "token": first.tokens[KIOSK]}, "print_status")
    try:
        with DeviceFile(tmp_path / "lp0") as printer, \
                RunningAgent(KioskAgent(agent_options(first, tmp_path, printer.spec))):
            agent_connected(second)  # the other process sees it, through the database
            ticket: dict[str, Any] = issue(second, "KK")
            assert ticket["print_status"] == "pending"
            told = page.next("print_status", lambda e: e["ticket_id"] == ticket["id"])
            assert told["print_status"] == "printed", told
            eventually(lambda: printer.received.count(CUT) == 1)
            assert printer.received.count(ticket["code"].encode()) == 1
        # Cleared at once by the first process's disconnect; at the latest its last stamp goes
        # stale (AGENT_FRESH), which is what a process that missed the disconnect relies on.
        agent_connected(second, False, timeout=AGENT_FRESH.total_seconds() + 5)
        assert issue(second, "KK")["print_error"] == "no_agent"
    finally:
        page.close()
