"""The reports' schema: the service's target wait from config.yaml, and migrations that match
the models (so 0003's column and indexes are what the code expects)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from queue_server.config import parse_config
from queue_server.models import Base, Service
from queue_server.provision import apply_config
from queue_server.reports import store  # noqa: F401  (the reports' tables)
from tests.support.halls import Hall, hall_data


def test_target_wait_is_the_services_own_or_the_halls(hall: Hall) -> None:
    data = hall_data()
    data["rules"]["target_wait_minutes"] = 20
    data["agencies"][0]["services"][0]["target_wait_minutes"] = 40
    with hall.sessions.begin() as session:
        apply_config(session, parse_config(data))
    with hall.session() as session:
        targets = dict(session.execute(select(Service.code, Service.target_wait_minutes)).all())
    assert targets == {"KTP": 40, "KK": 20, "SKCK": 20, "PASPOR": 20}


def test_default_target_wait_is_thirty_minutes(hall: Hall) -> None:
    with hall.session() as session:
        assert set(session.scalars(select(Service.target_wait_minutes))) == {30}


def test_migrations_match_the_models(hall: Hall) -> None:
    with hall.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
