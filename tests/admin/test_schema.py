"""The audit log's migration matches its model, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from queue_server.admin import audit  # noqa: F401  (its table is in Base.metadata)
from queue_server.models import Base
from tests.support.halls import Hall


def test_migrations_match_the_models(hall: Hall) -> None:
    with hall.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
