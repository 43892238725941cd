"""The console in Debian's Chromium against a real `antre serve`: helpers to issue tickets,
sign officers in, listen as a display, and read what the server recorded."""

from __future__ import annotations

import json
import queue
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.support.halls import prepare_hall, unlimited_hall_data, write_hall_yaml
from tests.support.people import PASSWORD, add_people
from tests.support.servers import ServedHall, antre_env, call_api, start_server

WAIT_MS = 10_000
VIEWPORT = {"width": 1366, "height": 860}


@pytest.fixture(scope="session")
def console_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A data directory with the hall, its people and device tokens, made once: argon2 is
    slow on purpose, and each test would otherwise pay for five password hashes."""
    directory = tmp_path_factory.mktemp("console-template")
    data = unlimited_hall_data()  # the race issues fifty KTP tickets
    hall = prepare_hall(f"sqlite:///{directory / 'antre.db'}", data)
    tokens = add_people(hall, [k["id"] for k in data["kiosks"]] +
                        [d["id"] for d in data["displays"]])
    hall.engine.dispose()
    return directory, tokens


@pytest.fixture
def hall_server(tmp_path: Path, console_template: tuple[Path, dict[str, str]]
                ) -> Iterator[ServedHall]:
    """A real `antre serve` on a copy of the template, its clock at Monday 09:00 WITA."""
    served = serve_template(tmp_path, console_template, unlimited_hall_data())
    yield served
    served.server.stop()


def serve_template(tmp_path: Path, console_template: tuple[Path, dict[str, str]],
                   hall: dict[str, Any]) -> ServedHall:
    """A real `antre serve` on a copy of the template (its people and tokens) with the hall
    `hall` as config, its clock at Monday 09:00 WITA; the caller stops it."""
    template, tokens = console_template
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    env = antre_env(data_dir, write_hall_yaml(tmp_path, hall),
                    ANTRE_CLOCK_START="2026-11-30T09:00:00")
    return ServedHall(start_server(env, tmp_path / "server.log"), tokens, data_dir)




def issue(served: ServedHall, service: str = "KTP", **extra: Any) -> dict[str, Any]:
    status, ticket = call_api(served, "POST", "/tickets", "kiosk-1",
                              {"service": service, **extra})
    assert status == 201, ticket
    return ticket  # type: ignore[no-any-return]


def records(served: ServedHall, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read what the server recorded, straight from its SQLite file."""
    path = served.data_dir / "antre.db"
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as connection:
        return connection.execute(sql, params).fetchall()


def open_console(browser: Any, served: ServedHall, username: str,
                 remembered: str | None = None) -> Any:
    """A fresh browser context (its own cookies and storage) with the console signed in by
    keyboard alone; the page is left at the counter choice."""
    context = browser.new_context(viewport=VIEWPORT, locale="id-ID")
    if remembered:
        context.add_init_script(
            f"localStorage.setItem('antre.console.counter', {json.dumps(remembered)})")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{served.url}/console")
    page.wait_for_selector("#signin-username:focus")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#choose-view:not([hidden])")
    return page


def at_desk(page: Any, counter_name: str) -> None:
    page.wait_for_selector("#desk-view:not([hidden])")
    page.wait_for_function("() => document.getElementById('live').dataset.state === 'on'")
    assert counter_name in page.inner_text("#where")


def open_counter(page: Any, counter_name: str) -> None:
    page.locator("#counter-choices button", has_text=counter_name).click()
    at_desk(page, counter_name)


def current_code(page: Any) -> str:
    return str(page.inner_text("#current-code"))


def wait_current(page: Any, code: str, status: str | None = None) -> None:
    page.wait_for_function(
        "([code, status]) => document.getElementById('current-code').textContent === code"
        " && (!status || document.getElementById('current').dataset.status === status)",
        arg=[code, status])


def waiting_codes(page: Any) -> list[str]:
    return [str(code) for code in page.locator("#waiting-list li .code").all_inner_texts()]


def wait_waiting(page: Any, codes: list[str]) -> None:
    page.wait_for_function(
        "(codes) => JSON.stringify([...document.querySelectorAll('#waiting-list li .code')]"
        ".map(e => e.textContent)) === JSON.stringify(codes)", arg=codes)


def page_fetch(page: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """A request from the page's own session (cookie and CSRF), as the console would send."""
    return page.evaluate(
        """async ([method, path, body]) => {
            const csrf = (await (await fetch('/api/v1/auth/csrf')).json()).csrf_token;
            const answer = await fetch(path, {method, headers: {'Content-Type': 'application/json',
                'X-CSRFToken': csrf}, body: body === null ? undefined : JSON.stringify(body)});
            return {status: answer.status, body: await answer.json().catch(() => null)};
        }""", [method, path, body])


class DisplayListener:
    """The hall display `aula` on Socket.IO with its token, collecting `ticket_called`."""

    def __init__(self, served: ServedHall) -> None:
        self.calls: queue.Queue[dict[str, Any]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("ticket_called", self.calls.put)
        self.client.connect(served.url, auth={"display": "aula", "token": served.tokens["aula"]},
                            wait_timeout=10)

    def next_call(self) -> dict[str, Any]:
        return self.calls.get(timeout=WAIT_MS / 1000)

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def display(hall_server: ServedHall) -> Iterator[DisplayListener]:
    listener = DisplayListener(hall_server)
    yield listener
    listener.close()

