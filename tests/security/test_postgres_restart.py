"""A PostgreSQL restart as `antre serve` lives through it (issue 11: what survives a restart):
every connection the server holds is cut at once, as a restart cuts them. The shared test
server cannot be stopped under the other tests, so only this server's own connections are
ended, found by their application name. The server must answer the next request on a fresh
connection, with nothing lost and the numbers running on."""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from queue_server.db import make_engine
from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import add_people
from tests.support.postgres import POSTGRES_URL, postgres_schema
from tests.support.servers import ServedHall, antre_env, call_api, start_server
from tests.support.waiting import eventually

pytestmark = pytest.mark.postgres


def cut_connections(application: str) -> int:
    """End every backend of `application`; how many there were."""
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :name"), {"name": application}).all())
    finally:
        admin.dispose()


def backends(application: str) -> int:
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            return int(connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": application}).scalar_one())
    finally:
        admin.dispose()


def health(served: ServedHall) -> tuple[int, dict[str, object]]:
    with urllib.request.urlopen(f"{served.url}/healthz", timeout=10) as answer:
        return answer.status, json.load(answer)


def test_the_server_carries_on_when_the_database_cuts_its_connections(tmp_path: Path) -> None:
    application = f"antre_restart_{uuid.uuid4().hex[:8]}"
    with postgres_schema(prefix="t_pgrestart") as url:
        url = f"{url}&application_name={application}"
        prepared = prepare_hall(url, hall_data())
        tokens = add_people(prepared, ["kiosk-1"])
        prepared.engine.dispose()
        env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path), ANTRE_DATABASE_URL=url,
                        ANTRE_CLOCK_START="2026-11-30T09:00:00")
        served = ServedHall(start_server(env, tmp_path / "server.log"), tokens,
                            tmp_path / "data")
        try:
            status, first = call_api(served, "POST", "/tickets", "kiosk-1", {"service": "KTP"})
            assert status == 201, first

            assert cut_connections(application) >= 1  # the server kept one in its pool

            status, second = call_api(served, "POST", "/tickets", "kiosk-1", {"service": "KTP"})
            assert status == 201, second
            assert second["number"] == first["number"] + 1  # nothing lost, nothing skipped
            assert health(served)[0] == 200
            assert call_api(served, "POST", "/counters/L1/open", "ayu")[0] == 200
            status, called = call_api(served, "POST", "/counters/L1/call-next", "ayu")
            assert (status, called["ticket"]["code"]) == (200, first["code"])
        finally:
            served.server.stop()


def test_a_pooled_connection_is_checked_without_a_round_trip_and_replaced_once_cut() -> None:
    """Checking out an idle connection asks the server nothing (a ping per request was a round
    trip more in every one); a connection the server has hung up on is replaced before use."""
    application = f"antre_checkout_{uuid.uuid4().hex[:8]}"
    engine = make_engine(f"{POSTGRES_URL}?application_name={application}")
    pings: list[object] = []
    ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda connection: pings.append(connection) or ping(connection)  # type: ignore[method-assign]
    try:
        with engine.connect() as connection:
            first = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        for _ in range(5):
            with engine.connect() as connection:
                assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() == first
        assert pings == []

        assert cut_connections(application) == 1
        eventually(lambda: backends(application) == 0)  # it has said FATAL and hung up
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != first
    finally:
        engine.dispose()


def test_the_checkout_check_takes_a_connection_past_descriptor_1023() -> None:
    """A server with a thousand displays connected holds descriptors past 1,023, where
    select() refuses; a database connection opened there is checked out all the same."""
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    engine = make_engine(POSTGRES_URL)
    try:
        for _ in range(2):  # opened, then taken again from the pool and checked
            with engine.connect() as connection:
                assert connection.connection.dbapi_connection.fileno() > 1023
                assert connection.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
        for fd in held:
            os.close(fd)
