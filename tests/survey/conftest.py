"""An app with the small hall and two rating screens (beside Loket 2 and Loket 3), and a way
to have a ticket served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from queue_server.people import issue_device_token
from tests.api.conftest import Api, make_api, template  # noqa: F401  (the template fixture)
from tests.support.halls import hall_data

SCREENS = [{"id": "rating-L2", "name": "Penilaian Loket 2", "counter": "L2",
            "timeout_seconds": 60},
           {"id": "rating-L3", "name": "Penilaian Loket 3", "counter": "L3"}]
ALL_FOUR = {f"U{n}": 4 for n in range(1, 10)}


def survey_hall_data() -> dict[str, Any]:
    data = hall_data()
    data["survey_screens"] = [dict(screen) for screen in SCREENS]
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
