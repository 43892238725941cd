"""Alembic environment: the server passes its connection; `alembic` on the command line
uses ANTRE_DATABASE_URL (or the default SQLite file)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from queue_server import signin  # noqa: F401  (staff sessions, failed sign-ins)
from queue_server.admin import audit  # noqa: F401  (the audit log)
from queue_server.models import Base
from queue_server.reports import store  # noqa: F401  (its tables are in Base.metadata)
from queue_server.survey import store as survey_store  # noqa: F401  (the survey's tables)


def run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    from queue_server.db import make_engine
    from queue_server.settings import Settings

    with make_engine(Settings().effective_database_url).connect() as fresh:
        run(fresh)
        fresh.commit()
