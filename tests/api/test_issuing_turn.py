"""On PostgreSQL a process issues one ticket at a time, from its quota to its commit: the
greenlet holding the service's rows locked is never queued behind others of its process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from queue_server.api import tickets
from queue_server.models import Ticket
from queue_server.people import issue_device_token
from tests.api.conftest import build_app
from tests.support.halls import unlimited_hall_data
from tests.support.postgres import postgres_schema
from tests.support.races import race

pytestmark = pytest.mark.postgres

KIOSKS, EACH = 12, 5


@pytest.fixture
def on_postgres(tmp_path: Path) -> Iterator[tuple[Any, str]]:
    with postgres_schema() as url:
        app, _clock = build_app(tmp_path, unlimited_hall_data(), {"database_url": url})
        state = app.extensions["antre"]
        with state.sessions.begin() as session:
            token = issue_device_token(session, "kiosk-1")
        yield app, token
        state.engine.dispose()


class Inside:
    """How many requests are between taking the quota and their commit at once."""

    def __init__(self) -> None:
        self.now = self.most = 0
        self.lock = threading.Lock()

    def enter(self, work: Callable[..., Any]) -> Callable[..., Any]:
        def entered(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.now += 1
                self.most = max(self.most, self.now)
            time.sleep(0.01)  # long enough for the other kiosks to try to come in
            return work(*args, **kwargs)
        return entered

    def leave(self, work: Callable[..., Any]) -> Callable[..., Any]:
        def left(*args: Any, **kwargs: Any) -> Any:
            try:
                return work(*args, **kwargs)
            finally:
                with self.lock:
                    self.now -= 1
        return left


def test_kiosks_of_one_process_take_turns_from_quota_to_commit(
        on_postgres: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    app, token = on_postgres
    inside = Inside()
    monkeypatch.setattr(tickets, "issue_ticket", inside.enter(tickets.issue_ticket))
    monkeypatch.setattr(tickets, "commit", inside.leave(tickets.commit))
    statuses: list[int] = []

    def kiosk(_index: int) -> None:
        client = app.test_client()
        for _ in range(EACH):
            answer = client.post("/api/v1/tickets", json={"service": "KTP"},
                                 headers={"Authorization": f"Bearer {token}"})
            statuses.append(answer.status_code)

    race(KIOSKS, kiosk)

    assert statuses == [201] * KIOSKS * EACH
    assert inside.most == 1
    with app.extensions["antre"].sessions() as session:
        numbers = session.scalars(select(Ticket.number).where(Ticket.prefix == "A")).all()
    assert sorted(numbers) == list(range(1, KIOSKS * EACH + 1))
