"""An app on a SQLite file with the small hall, its users and device tokens, and a fixed clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.models import Role
from queue_server.people import add_user, issue_device_token, issue_user_token
from queue_server.settings import Settings
from tests.support.halls import MONDAY_9, hall_data, write_hall_yaml
from tests.support.people import PASSWORD, USERS


@dataclass
class Api:
    app: Flask
    clock: FixedClock
    tokens: dict[str, str]  # user API tokens and device tokens, by username or device id

    def client(self) -> FlaskClient:
        return self.app.test_client()

    def bearer(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def signed_in(self, username: str) -> tuple[FlaskClient, str]:
        """A client with a login session, and the CSRF token its writes must carry."""
        client = self.client()
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        answer = client.post("/api/v1/auth/login", headers={"X-CSRFToken": token},
                             json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.get_json()
        return client, answer.get_json()["csrf_token"]

    def issue(self, service: str = "KTP", **extra: Any) -> dict[str, Any]:
        answer = self.client().post("/api/v1/tickets", headers=self.bearer("kiosk-1"),
                                    json={"service": service, **extra})
        assert answer.status_code == 201, answer.get_json()
        body: dict[str, Any] = answer.get_json()
        return body

    def act(self, who: str, counter: str, action: str, **body: Any) -> Any:
        return self.client().post(f"/api/v1/counters/{counter}/{action}",
                                  headers=self.bearer(who), json=body)


def build_app(directory: Path, data: dict[str, Any], settings: dict[str, Any] | None = None,
              clock: FixedClock | None = None) -> tuple[Flask, FixedClock]:
    """An app on `data` with a fixed clock (its own unless given); SQLite in `directory`
    unless `settings` say."""
    settings = Settings(config=write_hall_yaml(directory, data),
                        data_dir=directory / "data", secret_key="test-secret",
                        **(settings or {}))
    clock = clock or FixedClock(MONDAY_9)
    app = create_app(settings, clock)
    app.config["TESTING"] = True
    return app, clock


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A data directory with the users and tokens made once: argon2 is slow on purpose, and
    every API test would otherwise pay for five password hashes."""
    directory = tmp_path_factory.mktemp("template")
    app, clock = build_app(directory, hall_data())
    state = app.extensions["antre"]
    tokens = {}
    with state.sessions.begin() as session:
        for username, (role, agencies) in USERS.items():
            add_user(session, clock.now(), username, username.title(), Role(role), PASSWORD,
                     agencies)
            tokens[username] = issue_user_token(session, username)
        for device in ("kiosk-1", "aula", "zona-a"):
            tokens[device] = issue_device_token(session, device)
    state.engine.dispose()
    return directory / "data", tokens


def make_api(tmp_path: Path, template: tuple[Path, dict[str, str]],
             data: dict[str, Any] | None = None, settings: dict[str, Any] | None = None) -> Api:
    """A fresh app on a copy of the template's database (with `data` applied and extra
    `settings`, if given)."""
    data_dir, tokens = template
    shutil.copytree(data_dir, tmp_path / "data")
    app, clock = build_app(tmp_path, data or hall_data(), settings)
    return Api(app, clock, tokens)


@pytest.fixture
def api(tmp_path: Path, template: tuple[Path, dict[str, str]]) -> Iterator[Api]:
    built = make_api(tmp_path, template)
    yield built
    built.app.extensions["antre"].engine.dispose()
