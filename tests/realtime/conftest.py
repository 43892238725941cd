"""A real app with the small hall (plus a POLRES zone display), its people and device tokens,
a fixed clock, and Flask-SocketIO's test clients. Changes are driven through the engine and
committed with `changes.commit`, as the views do."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server import changes
from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.extensions import socketio
from queue_server.hub.publisher import HUB, Hub
from queue_server.models import Agency, Role, User
from queue_server.people import hash_password, issue_device_token, issue_user_token
from queue_server.queue import calling, counters, issuing
from queue_server.runtime import Runtime
from queue_server.settings import Settings
from tests.support.halls import MONDAY_9, hall_data, write_hall_yaml

T = TypeVar("T")

USERS = {  # username: (role, agencies)
    "admin": (Role.ADMIN, []),
    "ayu": (Role.OFFICER, ["DUKCAPIL"]),
    "budi": (Role.OFFICER, ["POLRES"]),
}
DEVICES = ("kiosk-1", "aula", "zona-a", "zona-b")


def hub_hall_data() -> dict[str, Any]:
    data = hall_data()
    data["displays"].append({"id": "zona-b", "name": "Zona B", "agencies": ["POLRES"],
                             "voice": "chime"})
    return data


@dataclass
class HubHall:
    app: Flask
    clock: FixedClock
    tokens: dict[str, str]  # by username or device id
    users: dict[str, int]  # user ids by username

    @property
    def state(self) -> Runtime:
        found: Runtime = self.app.extensions["antre"]
        return found

    @property
    def hub(self) -> Hub:
        found: Hub = self.app.extensions[HUB]
        return found

    def act(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one engine function at the clock's time and commit it as a view does."""
        with self.state.sessions() as session:
            result = action(session, self.clock.now(), *args, **kwargs)
            changes.commit(session, self.state.publish)
            return result

    def session(self) -> Session:
        return self.state.sessions()

    def connect(self, **auth: Any) -> SocketIOTestClient:
        return socketio.test_client(self.app, auth=auth or None)

    def device(self, device_id: str) -> SocketIOTestClient:
        kind = "kiosk" if device_id.startswith("kiosk") else "display"
        return self.connect(**{kind: device_id, "token": self.tokens[device_id]})

    def officer(self, username: str, counter: str | None = None) -> SocketIOTestClient:
        auth: dict[str, Any] = {"token": self.tokens[username]}
        if counter is not None:
            auth["counter"] = counter
        return self.connect(**auth)

    # Engine shortcuts; the clock moves a second after each issue so queue keys never tie.
    def issue(self, service: str = "KTP", **kwargs: Any) -> Any:
        ticket = self.act(issuing.issue_ticket, service, **kwargs)
        self.clock.advance(seconds=1)
        return ticket

    def open(self, counter: str, username: str = "ayu") -> None:
        self.act(counters.open_counter, counter, self.users[username])

    def call_next(self, counter: str, username: str = "ayu") -> Any:
        return self.act(calling.call_next, counter, self.users[username])


@cache
def password_hash() -> str:
    return hash_password("rahasia123")  # argon2 is slow on purpose; once per run is enough


def make_hub_hall(tmp_path: Path) -> HubHall:
    settings = Settings(config=write_hall_yaml(tmp_path, hub_hall_data()),
                        data_dir=tmp_path / "data", secret_key="x")
    clock = FixedClock(MONDAY_9)
    app = create_app(settings, clock)
    app.config["TESTING"] = True
    state: Runtime = app.extensions["antre"]
    tokens, users = {}, {}
    with state.sessions.begin() as session:
        for username, (role, codes) in USERS.items():
            agencies = list(session.scalars(select(Agency).where(Agency.code.in_(codes))))
            user = User(username=username, name=username.title(), role=role,
                        password_hash=password_hash(), created_at=clock.now(), agencies=agencies)
            session.add(user)
            session.flush()
            users[username] = user.id
            tokens[username] = issue_user_token(session, username)
        for device_id in DEVICES:
            tokens[device_id] = issue_device_token(session, device_id)
    return HubHall(app, clock, tokens, users)


@pytest.fixture
def hub_hall(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[HubHall]:
    built = make_hub_hall(tmp_path)
    yield built
    built.state.engine.dispose()
    # The publisher logs its failures rather than failing the commit; here they must fail.
    failures = [r.getMessage() for r in caplog.records
                if r.name.startswith("queue_server.hub") and r.levelno >= logging.ERROR]
    assert failures == [], failures


def drain(client: SocketIOTestClient, event: str | None = None) -> list[dict[str, Any]]:
    """Payloads received since the last drain (of one event, if named), oldest first."""
    received = client.get_received()
    return [item["args"][0] for item in received if event is None or item["name"] == event]


def names(client: SocketIOTestClient) -> list[str]:
    return [item["name"] for item in client.get_received()]


def once(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each event once: a connection in several rooms gets a copy per room, with one id."""
    return list({event["event_id"]: event for event in events}.values())
