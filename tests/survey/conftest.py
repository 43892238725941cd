"""An app with the small hall and two rating screens (beside Loket 2 and Loket 3), and a way
to have a ticket served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from queue_server.people import issue_device_token
from tests.api.conftest import Api, make_api, template  # noqa: F401  (the template fixture)
from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import add_people
from tests.support.servers import ServedHall, antre_env, start_server

SCREENS = [{"id": "rating-L2", "name": "Penilaian Loket 2", "counter": "L2",
            "timeout_seconds": 60},
           {"id": "rating-L3", "name": "Penilaian Loket 3", "counter": "L3"},
           {"id": "rating-L4", "name": "Penilaian Loket 4", "counter": "L4",
            "timeout_seconds": 15}]
ALL_FOUR = {f"U{n}": 4 for n in range(1, 10)}


def survey_hall_data() -> dict[str, Any]:
    data = hall_data()
    data["survey_screens"] = [dict(screen) for screen in SCREENS]
    data["displays"][0]["show_ikm"] = True  # the hall display (aula) shows the month's IKM
    return data


@pytest.fixture
def api(tmp_path: Path, template: tuple[Path, dict[str, str]]) -> Iterator[Api]:  # noqa: F811
    built = make_api(tmp_path, template, survey_hall_data())
    built.tokens = dict(built.tokens)
    state = built.app.extensions["antre"]
    with state.sessions.begin() as session:
        for screen in SCREENS:
            built.tokens[screen["id"]] = issue_device_token(session, screen["id"])
    yield built
    state.engine.dispose()


def served(api: Api, service: str = "KTP", counter: str = "L2", officer: str = "dewi",
           ) -> dict[str, Any]:
    """A ticket issued, called and finished as served at `counter`."""
    ticket = api.issue(service)
    api.act(officer, counter, "open")
    called = api.act(officer, counter, "call-next")
    assert called.status_code == 200, called.get_json()
    assert called.get_json()["ticket"]["code"] == ticket["code"]
    finished = api.act(officer, counter, "finish")
    assert finished.status_code == 200, finished.get_json()
    return ticket


def serve_survey_hall(directory: Path) -> ServedHall:
    """A real `antre serve` of the small hall with its rating screens: USERS, and a token for
    every kiosk, display and rating screen."""
    data = survey_hall_data()
    data_dir = directory / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    hall = prepare_hall(f"sqlite:///{data_dir / 'antre.db'}", data)
    devices = [k["id"] for k in data["kiosks"]] + [d["id"] for d in data["displays"]] + [
        s["id"] for s in data["survey_screens"]]
    tokens = add_people(hall, devices)
    hall.engine.dispose()
    env = antre_env(data_dir, write_hall_yaml(directory, data),
                    ANTRE_CLOCK_START="2026-11-30T09:00:00")
    return ServedHall(start_server(env, directory / "server.log"), tokens, data_dir)


@pytest.fixture
def survey_hall(tmp_path: Path) -> Iterator[ServedHall]:
    """A fresh server per test: a screen offers whatever its counter served last, so a test
    must not inherit another's visitors."""
    served_hall = serve_survey_hall(tmp_path / "hall")
    yield served_hall
    served_hall.server.stop()
