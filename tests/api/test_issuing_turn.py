"""On PostgreSQL a process issues one ticket at a time, from its quota to its commit: the
greenlet holding the service's rows locked is never queued behind others of its process. And
with two processes on one database, the line follows the numbers' order."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import event, select

from queue_server.api import tickets
from queue_server.clock import FixedClock
from queue_server.hub.publisher import HUB
from queue_server.models import Ticket
from queue_server.people import issue_device_token
from queue_server.queue import issuing
from tests.api.conftest import build_app
from tests.support.halls import MONDAY_9, unlimited_hall_data
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
    monkeypatch.setattr(tickets, "issue_placed", inside.enter(tickets.issue_placed))
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


class TickingClock(FixedClock):
    """A running clock that never shows two readers the same instant: one millisecond later
    at each reading, as a real one would be for requests a few milliseconds apart."""

    def __init__(self) -> None:
        super().__init__(MONDAY_9)
        self._reading = threading.Lock()

    def now(self) -> datetime:
        with self._reading:
            return self.advance(milliseconds=1)


def test_two_processes_queue_their_tickets_in_the_order_of_their_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each process reads the time when a request comes in, then may wait for the other
    process's commit on the service's rows: the later number must not queue ahead."""
    clock = TickingClock()
    taking = issuing.take_quota_unit

    def after_a_pause(*args: Any, **kwargs: Any) -> Any:
        time.sleep(random.uniform(0, 0.005))  # the other process may read the time meanwhile
        return taking(*args, **kwargs)

    monkeypatch.setattr(issuing, "take_quota_unit", after_a_pause)
    with postgres_schema() as url:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
        apps = [build_app(tmp_path / name, unlimited_hall_data(), {"database_url": url},
                          clock)[0] for name in ("a", "b")]
        turns = {app: threading.Lock() for app in apps}  # each "process" its own turn

        @contextmanager
        def own_turn() -> Iterator[None]:
            with turns[current_app._get_current_object()]:  # type: ignore[attr-defined]
                yield

        monkeypatch.setattr(tickets, "_issuing_turn", own_turn)
        with apps[0].extensions["antre"].sessions.begin() as session:
            token = issue_device_token(session, "kiosk-1")
        statuses: list[int] = []

        def kiosk(index: int) -> None:
            client = apps[index % 2].test_client()
            for _ in range(EACH):
                answer = client.post("/api/v1/tickets", json={"service": "KTP"},
                                     headers={"Authorization": f"Bearer {token}"})
                statuses.append(answer.status_code)

        try:
            race(8, kiosk)
            with apps[0].extensions["antre"].sessions() as session:
                line = session.scalars(select(Ticket.number).where(Ticket.prefix == "A")
                                       .order_by(Ticket.queue_key, Ticket.id)).all()
        finally:
            for app in apps:
                app.extensions["antre"].engine.dispose()
    assert statuses == [201] * 8 * EACH
    assert list(line) == list(range(1, 8 * EACH + 1))


def test_a_kiosks_answer_is_built_after_the_commit_from_what_the_request_holds(
        on_postgres: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The service's rows stay locked until the commit, and every kiosk of the service waits
    on them: the answer is built after it, and on PostgreSQL reads nothing (the place came
    with the ticket's INSERT)."""
    app, token = on_postgres
    seen: list[tuple[bool, int]] = []
    statements: list[str] = []
    engine = app.extensions["antre"].engine
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _k, statement, *_: statements.append(statement))
    build = tickets.ticket_out

    def observed(session: Any, *args: Any, **kwargs: Any) -> Any:
        before = len(statements)
        in_transaction = session.in_transaction()
        answer = build(session, *args, **kwargs)
        seen.append((in_transaction, len(statements) - before))
        return answer

    monkeypatch.setattr(tickets, "ticket_out", observed)
    client = app.test_client()
    for _ in range(3):
        answer = client.post("/api/v1/tickets", json={"service": "KTP"},
                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 201, answer.get_json()
    assert seen == [(False, 0)] * 3
    assert answer.get_json()["ahead"] == 2


def test_an_issue_on_postgresql_is_three_statements(
        on_postgres: tuple[Any, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The kiosk's token, the quota with the number, the ticket with its events and its
    place: the place came with the INSERT, a round trip less under the service's lock.
    (The hub's flush, 0.1 s after the commit under `antre serve`, is not the request's.)"""
    app, token = on_postgres
    monkeypatch.setattr(app.extensions[HUB], "flush", lambda _found: None)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/tickets", json={"service": "KTP"},
                       headers=headers).status_code == 201  # the day's rows are made
    statements: list[str] = []
    event.listen(app.extensions["antre"].engine, "before_cursor_execute",
                 lambda _c, _k, statement, *_: statements.append(statement))
    answer = client.post("/api/v1/tickets", json={"service": "KTP"}, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["ahead"] == 1
    assert len(statements) == 3, "\n".join(s.split("\n")[0][:120] for s in statements)
    assert "INSERT INTO tickets" in statements[-1]
