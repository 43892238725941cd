"""What the server and the `antre` commands need, made once per process: the settings, the
hall's config, the database engine and its sessions, the clock and the rate windows.

`build_runtime` is the one way to make it, so `create_app` and the CLI find the database in
the same state: schema upgraded, config.yaml applied, earlier days' tickets expired.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from queue_server import changes
from queue_server.clock import Clock, ShiftedClock, SystemClock, site_moment
from queue_server.config import HallConfig, load_config
from queue_server.db import make_engine, session_factory, upgrade_schema
from queue_server.provision import apply_config
from queue_server.queue import catalog
from queue_server.queue.rollover import expire_past_days
from queue_server.settings import Settings
from queue_server.throttle import WindowCounter, make_windows

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What every request needs, made once per process."""

    settings: Settings
    hall: HallConfig
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    windows: WindowCounter
    # Set by the Socket.IO hub: receives what each commit changed.
    publish: changes.Publisher | None = None


def make_clock(settings: Settings, hall: HallConfig) -> Clock:
    if settings.clock_start is None:
        return SystemClock()
    return ShiftedClock(site_moment(settings.clock_start, hall.site.timezone),
                        settings.clock_started_at)


def build_runtime(settings: Settings, clock: Clock | None = None) -> Runtime:
    """Read config.yaml (ConfigError names each bad key), open the database and bring it up
    to date: upgrade the schema, apply the config, expire what earlier days left open."""
    hall = load_config(settings.config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # One connection, taken in turns: the fastest way to use SQLite under gevent, and free
    # of lock waits that would block the hub (see make_engine).
    engine = make_engine(settings.effective_database_url, single_connection=True)
    state = Runtime(settings, hall, engine, session_factory(engine),
                    clock or make_clock(settings, hall), make_windows(settings.message_queue))
    _prepare_database(state)
    return state


def _prepare_database(state: Runtime) -> None:
    upgrade_schema(state.engine)
    catalog.forget(state.engine)
    with state.sessions.begin() as session:
        apply_config(session, state.hall)
    catalog.install(state.engine, state.sessions())
    with state.sessions.begin() as session:
        expired = expire_past_days(session, state.clock.now())
    if expired:
        log.info("expired %d tickets left open on earlier days", expired)
