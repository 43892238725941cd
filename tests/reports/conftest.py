"""The two hand-built days on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reports.days import prepare_days
from tests.support.halls import Hall


@pytest.fixture
def days(database_url: str) -> Iterator[Hall]:
    hall = prepare_days(database_url)
    yield hall
    hall.engine.dispose()
