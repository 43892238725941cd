"""PostgreSQL's statistics of the tables a busy day grows, kept by the server when the
database's own autovacuum is off.

PostgreSQL plans a query from what it knows of each table. On a table never analysed it
guesses, and for a place in line it took an index of every ticket by day and read the whole
day (issue #17: on a server with autovacuum off, the place cost as much with 2,000 waiting
as counting them all). Autovacuum, on by default, analyses a table once a tenth of it has
changed; where it is off, `antre serve` does the same for these tables.
"""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import Engine, bindparam, text

from queue_server import context
from queue_server.extensions import socketio

log = logging.getLogger(__name__)

GROWN = ("tickets", "ticket_events", "line_counts", "service_days", "number_sequences")
CHECK_EVERY_S = 2.0
# Autovacuum's own defaults (autovacuum_analyze_threshold, _scale_factor).
THRESHOLD, SCALE_FACTOR = 50, 0.1

_STALE = text(
    "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
    "AND relname IN :tables AND n_mod_since_analyze > :threshold + :scale * n_live_tup"
).bindparams(bindparam("tables", expanding=True))


def autovacuum_on(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.exec_driver_sql("SHOW autovacuum").scalar() == "on"


def analyze_stale(engine: Engine) -> list[str]:
    """ANALYZE each of GROWN that changed by autovacuum's measure since it was last
    analysed; the tables analysed."""
    with engine.connect() as connection:
        stale = list(connection.execute(_STALE, {
            "tables": list(GROWN), "threshold": THRESHOLD, "scale": SCALE_FACTOR}).scalars())
        for table in stale:
            connection.exec_driver_sql(f"ANALYZE {table}")
        connection.commit()
    return stale


def keep_statistics(engine: Engine) -> None:
    while True:
        socketio.sleep(CHECK_EVERY_S)
        try:
            analyze_stale(engine)
        except Exception:
            log.exception("analysing the tables failed; trying again in %.0f s", CHECK_EVERY_S)


def start_keeping_statistics(app: Flask) -> None:
    """Under `antre serve` (gevent) on PostgreSQL with autovacuum off."""
    engine: Engine = app.extensions[context.EXTENSION].engine
    if (socketio.async_mode != "gevent" or engine.dialect.name != "postgresql"
            or autovacuum_on(engine)):
        return
    log.warning("PostgreSQL's autovacuum is off: this server analyses the tables a day grows "
                "itself (turn autovacuum on: it is the default)")
    socketio.start_background_task(keep_statistics, engine)
