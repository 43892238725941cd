"""Shared fixtures: a small hall, real databases (a SQLite file and PostgreSQL), a fixed clock,
served halls and Debian's Chromium. The helpers behind them are in tests/support/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.halls import Hall, prepare_hall, write_hall_yaml
from tests.support.postgres import postgres_schema
from tests.support.redis import OwnRedis
from tests.support.servers import (
    LiveServer,
    ServedHall,
    antre_env,
    free_port,
    serve_hall,
    start_server,
)

# The modules that share the local Redis server (its pub/sub channel and numbered databases,
# whose antre:* keys they clear): under `make test`'s two workers they never run beside each
# other.
SHARED_REDIS = frozenset({
    "tests/printing/test_agent_scaleout.py", "tests/realtime/test_schedule_processes.py",
    "tests/realtime/test_sequence.py", "tests/scaleout/test_two_processes.py",
    "tests/security/test_redis.py"})


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `pytest -n 2` (make test) the shared-Redis modules go to one worker as one unit,
    in order; every other test is scheduled alone, which balances the two workers best (whole
    modules as units made the run a minute longer). Our own scheduler: xdist's `loadgroup`
    marks no longer take with pytest 9, whose node ids xdist can no longer suffix with the
    group."""
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "shared-redis" if nodeid.split("::", 1)[0] in SHARED_REDIS else nodeid

    return ModuleScheduling(config, log)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A real, empty database: a SQLite file, or a fresh schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'antre.db'}"
        return
    with postgres_schema() as url:
        yield url


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


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The small hall served by a real process on a SQLite file, its clock at Monday 09:00."""
    env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path),
                    ANTRE_CLOCK_START="2026-11-30T09:00:00")
    server = start_server(env, tmp_path / "server.log")
    yield server
    server.stop()


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


@pytest.fixture
def served_hall(tmp_path: Path) -> Iterator[ServedHall]:
    """The small hall served for browser tests: users (password PASSWORD) and device tokens."""
    served = serve_hall(tmp_path)
    yield served
    served.server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    """A redis-server of the test's own (tests/support/redis.py), gone afterwards."""
    server = OwnRedis(free_port(), tmp_path)
    server.start()
    yield server
    server.kill()
