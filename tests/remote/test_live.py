"""Live: a check-in puts the ticket in the counter's line at once, through the hub as an issued
ticket does (a booking alone changes no line, nor what walk-ins may take)."""

from __future__ import annotations

from flask_socketio import SocketIOTestClient

from queue_server.extensions import socketio
from tests.api.conftest import Api
from tests.realtime.conftest import drain
from tests.remote.conftest import PHONE


def connect(api: Api, **auth: str) -> SocketIOTestClient:
    client = socketio.test_client(api.app, auth=auth)
    assert client.is_connected()
    drain(client)  # the snapshot
    return client


def test_a_check_in_joins_the_counters_line_live(remote_api: Api) -> None:
    kiosk = connect(remote_api, kiosk="kiosk-1", token=remote_api.tokens["kiosk-1"])
    counter = connect(remote_api, token=remote_api.tokens["ayu"], counter="L1")
    ticket = remote_api.client().post("/api/v1/bookings", json={
        "service": "KTP", "phone": PHONE}).get_json()["ticket"]
    assert drain(kiosk, "queue_changed") == []
    answer = remote_api.client().post(f"/api/v1/tickets/{ticket['token']}/check-in",
                                      headers=remote_api.bearer("kiosk-1"))
    assert answer.status_code == 200
    for client in (counter, kiosk):  # an officer hears it in each of his rooms
        told = {(e["waiting"], e["quota_left"])
                for e in drain(client, "queue_changed") if e["service"] == "KTP"}
        assert told == {(1, 3)}
    kiosk.disconnect()
    counter.disconnect()
