"""Database engine: SQLite by default, PostgreSQL by URL; schema upgrades through Alembic."""

from __future__ import annotations

import select
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config as AlembicConfig
from gevent.monkey import get_original
from psycopg.pq import TransactionStatus
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
# In a session's info: the network address of whoever the session works for (a request's
# client), kept on the ticket and counter events a staff member causes, for the audit log.
CALLER_ADDRESS = "antre.caller_address"
# In a PostgreSQL connection's info: whether its transaction has written (or may have).
_WROTE = "antre.wrote"


def make_engine(url: str, *, single_connection: bool = False) -> Engine:
    """An engine tuned for the hall.

    On SQLite every transaction starts with BEGIN IMMEDIATE, so two writers never both read and
    then fail to upgrade their lock; WAL lets readers go on beside the one writer.
    `single_connection` makes the server's greenlets take turns on one connection, which is
    both the fastest way to use SQLite and free of lock waits that would block the gevent hub.
    """
    options: dict[str, Any] = {}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if single_connection:
            options.update(pool_size=1, max_overflow=0, pool_timeout=60)
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    else:
        _replace_closed_connections(engine)
        _end_reads_with_commit(engine)
    return engine


def _end_reads_with_commit(engine: Engine) -> None:
    """End a PostgreSQL transaction that wrote nothing with COMMIT rather than ROLLBACK (the
    same to the database). At every ROLLBACK psycopg forgets the statements it has prepared
    on that connection and deallocates them: each reading session (the hub's, a snapshot's)
    made every statement on its connection be parsed and planned anew, and cost a round trip
    more. A statement that does not begin with SELECT counts as a write."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.info[_WROTE] = False

    @event.listens_for(engine, "before_cursor_execute")
    def _on_execute(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip()[:6].upper() != "SELECT":
            connection.info[_WROTE] = True

    @event.listens_for(engine, "rollback")
    def _on_rollback(connection: Connection) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        if connection.info.get(_WROTE, True) or dbapi_connection is None or \
                dbapi_connection.info.transaction_status is not TransactionStatus.INTRANS:
            return
        try:
            dbapi_connection.commit()  # the rollback that follows finds nothing to undo
        except psycopg.Error:
            pass  # a lost connection: the rollback that follows meets it and reports it


def _replace_closed_connections(engine: Engine) -> None:
    """Check a pooled connection before it is used, without a round trip: an idle PostgreSQL
    connection has nothing to read, so one that does was hung up on (a restart, or a backend
    ended by an administrator, sends its FATAL message and closes). The pool then replaces
    it. SQLAlchemy's pre-ping asked the server (SELECT 1) at every checkout: a round trip
    more in every request, about a twelfth of an issue's CPU on PostgreSQL."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _readable(dbapi_connection.fileno()):
            raise DisconnectionError("the database closed this idle connection")


# The kernel's poll, also where gevent has patched `select`: asked without waiting, it needs no
# event loop, and unlike select() it takes descriptors past 1,023 (a server holding a thousand
# display connections opens its database connections there).
_poll = get_original("select", "poll")


def _readable(fd: int) -> bool:
    poller = _poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event, not the driver, decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def staff_address(session: Session, user_id: int | None) -> str | None:
    """The address to keep on an event: the caller's, when a staff member caused it (a
    visitor's or a kiosk's is not kept)."""
    return session.info.get(CALLER_ADDRESS) if user_id is not None else None


def take_startup_lock(connection: Connection) -> None:
    """On PostgreSQL, wait until no other server process is upgrading the schema or applying
    config.yaml, and hold that turn to the end of this transaction: several processes started
    at once (after a deploy or a power cut) would otherwise create the same tables or rows
    together, and all but one would fail. SQLite serves one process (BEGIN IMMEDIATE)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('antre:startup:' "
                                "|| current_schema()))"))


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        take_startup_lock(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
