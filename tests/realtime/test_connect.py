"""Connecting: who is let in, which snapshot arrives at once, and who is refused."""

from __future__ import annotations

from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

from queue_server.extensions import socketio
from queue_server.models import Device
from tests.realtime.conftest import HubHall, drain


def only_snapshot(client: SocketIOTestClient) -> dict[str, Any]:
    assert client.is_connected()
    received = client.get_received()
    assert [item["name"] for item in received] == ["snapshot"]
    snapshot: dict[str, Any] = received[0]["args"][0]
    return snapshot


def test_a_display_gets_its_snapshot_and_no_old_calls(hub_hall: HubHall) -> None:
    hub_hall.open("L1")
    hub_hall.issue()
    hub_hall.call_next("L1")

    hall = only_snapshot(hub_hall.device("aula"))  # no ticket_called replayed
    assert hall["kind"] == "display" and hall["room"] == "display:aula"
    assert hall["display"] == {"id": "aula", "name": "Layar Aula", "agencies": None}
    assert [c["id"] for c in hall["counters"]] == ["L1", "L2", "L3", "L4"]
    assert [a["code"] for a in hall["waiting"]] == ["DUKCAPIL", "POLRES", "IMIGRASI"]
    assert [call["code"] for call in hall["recent_calls"]] == ["A-001"]
    assert hall["seq"] == hall["seqs"]["display:aula"]

    zone = only_snapshot(hub_hall.device("zona-b"))
    assert zone["display"]["agencies"] == ["POLRES"]
    assert [c["id"] for c in zone["counters"]] == ["L3"]
    assert zone["recent_calls"] == [] and zone["voice"] == {"engine": "chime"}


def test_a_kiosk_gets_the_services_and_is_seen(hub_hall: HubHall) -> None:
    snapshot = only_snapshot(hub_hall.device("kiosk-1"))
    assert snapshot["kind"] == "kiosk" and snapshot["room"] == "kiosk:kiosk-1"
    assert snapshot["kiosk"]["id"] == "kiosk-1"
    ktp = snapshot["agencies"][0]["services"][0]
    assert (ktp["code"], ktp["open"], ktp["quota_left"]) == ("KTP", True, 5)
    with hub_hall.session() as session:
        kiosk = session.get(Device, "kiosk-1")
        assert kiosk is not None and kiosk.last_seen_at == hub_hall.clock.now()


def test_a_visitor_follows_their_ticket(hub_hall: HubHall) -> None:
    hub_hall.issue()
    ticket = hub_hall.issue()
    snapshot = only_snapshot(hub_hall.connect(ticket=ticket.token))
    assert snapshot["kind"] == "ticket" and snapshot["room"] == f"ticket:{ticket.id}"
    assert (snapshot["code"], snapshot["status"], snapshot["ahead"]) == ("A-002", "waiting", 1)
    assert "token" not in snapshot and "id" not in snapshot  # the public view only


def test_an_officer_connects_to_their_counter_with_a_token(hub_hall: HubHall) -> None:
    hub_hall.issue()
    snapshot = only_snapshot(hub_hall.officer("ayu", counter="L1"))
    assert snapshot["kind"] == "counter" and snapshot["id"] == "L1"
    assert [item["code"] for item in snapshot["waiting"]] == ["A-001"]
    # The issue was told to both rooms (queue_changed) before this connection.
    assert snapshot["seqs"] == {"counter:L1": 1, "staff:DUKCAPIL": 1}


def test_an_officer_connects_with_the_login_cookie(hub_hall: HubHall) -> None:
    browser = hub_hall.app.test_client()  # signs in as the console does
    csrf_token = browser.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    assert browser.post("/api/v1/auth/login", headers={"X-CSRFToken": csrf_token},
                        json={"username": "budi", "password": "rahasia123"}).status_code == 200
    client = socketio.test_client(hub_hall.app, flask_test_client=browser, auth={"counter": "L3"})
    snapshot = only_snapshot(client)
    assert snapshot["id"] == "L3" and set(snapshot["seqs"]) == {"counter:L3", "staff:POLRES"}


def test_staff_without_a_counter_get_their_agencies(hub_hall: HubHall) -> None:
    snapshot = only_snapshot(hub_hall.officer("budi"))
    assert snapshot["kind"] == "staff" and snapshot["room"] == "staff:POLRES"
    assert [a["code"] for a in snapshot["agencies"]] == ["POLRES"]
    assert [c["id"] for c in snapshot["counters"]] == ["L3"]
    admin = only_snapshot(hub_hall.officer("admin", counter="L4"))  # any counter
    assert admin["id"] == "L4" and set(admin["seqs"]) == {"counter:L4", "staff:*"}


@pytest.mark.parametrize("auth", [
    None,
    {},
    {"display": "aula"},
    {"display": "aula", "token": "not-a-token"},
    {"display": "zona-a", "token": "<aula>"},  # a display's token names that display only
    {"display": "kiosk-1", "token": "<kiosk-1>"},  # a kiosk's token is not a display's
    {"display": "aula", "token": "<kiosk-1>"},
    {"kiosk": "kiosk-1", "token": "<aula>"},
    {"ticket": "no-such-ticket"},
    {"ticket": 12},
    {"token": "not-a-token"},
    {"token": "<aula>"},  # a device token is not a user's
    {"token": "<budi>", "counter": "L1"},  # another agency's counter
    {"token": "<ayu>", "counter": "L99"},
])
def test_connections_without_valid_credentials_are_refused(
        hub_hall: HubHall, auth: dict[str, Any] | None) -> None:
    if auth is not None:
        auth = {key: hub_hall.tokens[value[1:-1]] if isinstance(value, str)
                and value.startswith("<") else value for key, value in auth.items()}
    client = socketio.test_client(hub_hall.app, auth=auth)
    assert not client.is_connected()
    assert client.queue == []  # not even a snapshot


def test_a_client_asks_for_a_fresh_snapshot(hub_hall: HubHall) -> None:
    kiosk = hub_hall.device("kiosk-1")
    drain(kiosk)
    kiosk.emit("snapshot", {"language": "en"})
    [snapshot] = drain(kiosk, "snapshot")
    assert snapshot["language"] == "en" and snapshot["kind"] == "kiosk"
