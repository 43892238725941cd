"""The rating screen's live room (`survey:<screen>`): its snapshot, `survey_changed` when its
counter serves someone and when that visitor answers, nothing of other counters, and no
connection without the screen's own token."""

from __future__ import annotations

from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from queue_server.extensions import socketio
from tests.api.conftest import Api
from tests.survey.conftest import ALL_FOUR, served


def screen(api: Api, screen_id: str, token_of: str | None = None) -> SocketIOTestClient:
    return socketio.test_client(api.app, auth={"survey": screen_id,
                                               "token": api.tokens[token_of or screen_id]})


def received(client: SocketIOTestClient) -> list[tuple[str, dict[str, Any]]]:
    return [(item["name"], item["args"][0]) for item in client.get_received()]


def test_a_screen_hears_its_counter_serve_and_its_visitor_answer(api: Api) -> None:
    l2, l3 = screen(api, "rating-L2"), screen(api, "rating-L3")
    [(name, snapshot)] = received(l2)
    assert name == "snapshot"
    assert (snapshot["kind"], snapshot["room"], snapshot["ticket"]) == (
        "survey", "survey:rating-L2", None)
    assert snapshot["counter"] == {"id": "L2", "name": "Loket 2"}
    received(l3)

    ticket = served(api, counter="L2")
    events = received(l2)
    assert [name for name, _ in events] == ["survey_changed"]  # not the queues' events
    shown = events[0][1]["ticket"]
    assert (shown["code"], shown["service_name"]) == (ticket["code"], "KTP-el")
    assert ticket["token"] not in str(events)
    assert received(l3) == []  # another counter's screen hears nothing of it

    answer = api.client().post(f"/api/v1/tickets/{ticket['token']}/survey",
                               json={"answers": ALL_FOUR})
    assert answer.status_code == 201
    [(name, after)] = received(l2)
    assert (name, after["ticket"]) == ("survey_changed", None)  # the screen starts over

    l2.emit("snapshot", {})
    [(name, again)] = received(l2)
    assert (name, again["ticket"]) == ("snapshot", None)


@pytest.mark.parametrize(("screen_id", "token_of"), [
    ("rating-L2", "rating-L3"),  # another screen's token
    ("rating-L2", "aula"),  # a display's
    ("aula", "aula"),  # a display is not a rating screen
])
def test_a_screen_connects_only_with_its_own_token(api: Api, screen_id: str,
                                                   token_of: str) -> None:
    client = screen(api, screen_id, token_of)
    assert not client.is_connected()
