"""A Redis restart and a Redis outage, on a Redis of the test's own (issue 11, findings 1
and 2): a restart gives every room a new epoch, so connected displays resync instead of
dropping new calls as already seen; while Redis is down the hall keeps working (services,
the ticket page, display snapshots, sign-in, new Socket.IO connections), /healthz says so,
and the officer is told when a call could not be announced."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.apps import HallApp, build_app
from tests.support.redis import OwnRedis
from tests.support.servers import call_api, serve_hall


@pytest.fixture
def hall(tmp_path: Path, own_redis: OwnRedis) -> Iterator[HallApp]:
    (tmp_path / "hall").mkdir()
    served = build_app(tmp_path / "hall", message_queue=own_redis.url)
    served.app.config["PROPAGATE_EXCEPTIONS"] = False
    yield served
    served.dispose()


def snapshot(hall: HallApp) -> dict[str, Any]:
    answer = hall.client().get("/api/v1/displays/aula/snapshot", headers=hall.bearer("aula"))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    return body


def act(hall: HallApp, who: str, path: str, **body: Any) -> Any:
    return hall.client().post(f"/api/v1{path}", headers=hall.bearer(who), json=body)


def call_one(hall: HallApp) -> Any:
    assert act(hall, "kiosk-1", "/tickets", service="KTP").status_code == 201
    hall.clock.advance(seconds=30)
    act(hall, "ayu", "/counters/L1/finish", outcome="Selesai")
    answer = act(hall, "ayu", "/counters/L1/call-next")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_redis_restart_gives_every_room_a_new_epoch(hall: HallApp, own_redis: OwnRedis) -> None:
    assert act(hall, "ayu", "/counters/L1/open").status_code == 200
    for _ in range(3):
        call_one(hall)
    before = snapshot(hall)
    assert before["seq"] >= 3
    own_redis.restart()  # the room's numbers are gone with it
    after = snapshot(hall)
    assert after["epoch"] != before["epoch"]
    # A display that kept `before` sees the new epoch on the next call's event and resyncs,
    # rather than dropping the call because its number is not above the old one.
    sequences = hall.app.extensions["antre.hub"].sequences
    [stamp] = sequences.next_many(["display:aula"])
    assert stamp.epoch == after["epoch"] != before["epoch"]


def test_while_redis_is_down_the_hall_keeps_working(hall: HallApp,
                                                    own_redis: OwnRedis) -> None:
    assert act(hall, "ayu", "/counters/L1/open").status_code == 200
    issued = act(hall, "kiosk-1", "/tickets", service="KTP").get_json()
    own_redis.kill()
    client = hall.client()
    assert client.get("/api/v1/services").status_code == 200  # rate limits fall back
    assert client.get(f"/api/v1/tickets/{issued['token']}").status_code == 200
    assert client.get(f"/t/{issued['token']}").status_code == 200
    assert snapshot(hall)["epoch"]  # an epoch of its own: the display resyncs later
    assert hall.login(hall.client(), "dewi").status_code == 200
    # A new Socket.IO connection's snapshot reads the same numbers (Flask-SocketIO's test
    # client refuses a message queue, so the hub is asked directly): an offline epoch, not
    # a refused connection.
    sequences = hall.app.extensions["antre.hub"].sequences
    [stamp] = sequences.current_many(["display:aula"])
    assert stamp.epoch.startswith("offline-") and stamp.seq == 0
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded"
    assert health.get_json()["message_queue"] == {"ok": False}
    # The call is made (the ticket is the counter's) but no display heard it: say so.
    called = act(hall, "ayu", "/counters/L1/call-next")
    assert called.status_code == 200
    assert called.get_json()["announced"] is False
    assert called.get_json()["counter"]["current"]["code"] == issued["code"]

    own_redis.start()
    time.sleep(0.5)
    hall.clock.advance(seconds=60)
    recalled = act(hall, "ayu", "/counters/L1/recall")
    assert recalled.status_code == 200 and recalled.get_json()["announced"] is True
    assert hall.client().get("/healthz").get_json()["message_queue"] == {"ok": True}


def test_the_overview_lists_the_calls_nobody_heard(hall: HallApp, own_redis: OwnRedis) -> None:
    assert act(hall, "ayu", "/counters/L1/open").status_code == 200
    issued = act(hall, "kiosk-1", "/tickets", service="KTP").get_json()
    own_redis.kill()
    assert act(hall, "ayu", "/counters/L1/call-next").get_json()["announced"] is False
    for who, listed in (("sari", [issued["code"]]), ("admin", [issued["code"]])):
        floor = hall.client().get("/api/v1/overview", headers=hall.bearer(who)).get_json()
        assert [c["code"] for c in floor["unannounced_calls"]] == listed, who
        assert floor["unannounced_calls"][0]["counter"] == "L1"
        assert floor["message_queue_ok"] is False


def test_a_display_that_stayed_connected_hears_the_first_call_after_a_restart(
        tmp_path: Path, own_redis: OwnRedis) -> None:
    """The probe's case, end to end: `antre serve` on Redis, a display connected throughout,
    Redis restarted. The next call reaches the display with a new epoch, so its client
    resyncs instead of dropping the call as already seen (its number restarted at 1)."""
    import queue as queues

    import socketio as sio

    served = serve_hall(tmp_path / "served", ANTRE_MESSAGE_QUEUE=own_redis.url)
    events: queues.Queue[tuple[str, Any]] = queues.Queue()
    display = sio.Client(reconnection=False)
    for name in ("snapshot", "ticket_called"):
        display.on(name, lambda data, name=name: events.put((name, data)))

    def next_event(name: str, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                found, data = events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queues.Empty:
                break
            if found == name:
                return data
        raise AssertionError(f"no {name} within {timeout} s")

    try:
        display.connect(served.url, auth={"display": "aula", "token": served.tokens["aula"]},
                        wait_timeout=10)
        first = next_event("snapshot")
        assert call_api(served, "POST", "/counters/L1/open", "ayu")[0] == 200
        for _ in range(3):
            assert call_api(served, "POST", "/tickets", "kiosk-1", {"service": "KTP"})[0] == 201
            assert call_api(served, "POST", "/counters/L1/call-next", "ayu",
                            {"finish_current": True})[0] == 200
            before = next_event("ticket_called")
        assert before["epoch"] == first["epochs"]["display:aula"] and before["seq"] >= 3
        own_redis.restart()
        assert call_api(served, "POST", "/tickets", "kiosk-1", {"service": "KTP"})[0] == 201
        deadline = time.monotonic() + 30
        while True:  # the server's pub/sub listener reconnects to the new Redis
            status, answer = call_api(served, "POST", "/counters/L1/call-next", "ayu",
                                      {"finish_current": True})
            assert status in (200, 204), answer
            if status == 200 and answer["announced"]:
                break
            assert time.monotonic() < deadline, "calls were never announced again"
            time.sleep(1)
            call_api(served, "POST", "/tickets", "kiosk-1", {"service": "KTP"})
        after = next_event("ticket_called")
        # Its number started again after the restart; the new epoch is what tells the client.
        assert after["epoch"] != before["epoch"]
        assert after["code"] != before["code"]
    finally:
        if display.connected:
            display.disconnect()
        served.server.stop()
