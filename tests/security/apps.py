"""An app for the security and fuzz tests: the small hall on a SQLite file, its staff with API
tokens, device tokens and a clock the test moves. Built in-process (Flask's test client)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.models import Role
from queue_server.people import add_user, issue_device_token, issue_user_token
from queue_server.settings import Settings
from tests.support.halls import MONDAY_9, hall_data, write_hall_yaml
from tests.support.people import PASSWORD, USERS

DEVICES = ("kiosk-1", "aula", "zona-a")


@dataclass
class HallApp:
    app: Flask
    clock: FixedClock
    tokens: dict[str, str]  # staff API tokens by username, device tokens by device id

    def client(self) -> FlaskClient:
        return self.app.test_client()

    def bearer(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def login(self, client: FlaskClient, username: str, password: str = PASSWORD,
              **headers: str) -> Any:
        token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        return client.post("/api/v1/auth/login", json={"username": username,
                                                        "password": password},
                           headers={"X-CSRFToken": token, **headers})

    def signed_in(self, username: str) -> tuple[FlaskClient, str]:
        """A client with a login session, and the CSRF token its writes must carry."""
        client = self.client()
        answer = self.login(client, username)
        assert answer.status_code == 200, answer.get_json()
        return client, answer.get_json()["csrf_token"]

    def dispose(self) -> None:
        self.app.extensions["antre"].engine.dispose()


def build_app(directory: Path, data: dict[str, Any] | None = None,
              people: bool = True, **settings: Any) -> HallApp:
    """The hall served in-process from `directory`, its clock at Monday 09:00 WITA."""
    config = write_hall_yaml(directory, data or hall_data())
    clock = FixedClock(MONDAY_9)
    app = create_app(Settings(config=config, data_dir=directory / "data",
                              secret_key="test-secret", **settings), clock)
    app.config["TESTING"] = True
    tokens: dict[str, str] = {}
    if people:
        state = app.extensions["antre"]
        with state.sessions.begin() as session:
            for username, (role, agencies) in USERS.items():
                add_user(session, clock.now(), username, username.title(), Role(role),
                         PASSWORD, agencies)
                tokens[username] = issue_user_token(session, username)
            for device in DEVICES:
                tokens[device] = issue_device_token(session, device)
    return HallApp(app, clock, tokens)
