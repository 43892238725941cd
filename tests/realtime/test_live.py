"""End to end: a real `antre serve` (gevent) and a real Socket.IO client over the network."""

from __future__ import annotations

import json
import queue
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import socketio

from tests.support.halls import write_hall_yaml
from tests.support.servers import ANTRE, antre_env, start_server

WAIT_S = 10


def device_token(env: dict[str, str], device_id: str) -> str:
    done = subprocess.run([str(ANTRE), "device", "token", device_id], env=env, check=True,
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def listening(events: queue.Queue[tuple[str, Any]], *names: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    for name in names:
        client.on(name, lambda data, name=name: events.put((name, data)))
    return client


def next_event(events: queue.Queue[tuple[str, Any]], name: str) -> Any:
    while True:
        found, data = events.get(timeout=WAIT_S)
        if found == name:
            return data


def test_a_display_on_the_network_gets_its_snapshot_and_hears_an_issue(tmp_path: Path) -> None:
    env = antre_env(tmp_path / "data", write_hall_yaml(tmp_path),
                    ANTRE_CLOCK_START="2026-11-30T09:00:00")
    display, kiosk = device_token(env, "aula"), device_token(env, "kiosk-1")
    server = start_server(env, tmp_path / "server.log")
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    client = listening(events, "snapshot", "queue_changed", "connect_error")
    try:
        client.connect(server.url, auth={"display": "aula", "token": display},
                       wait_timeout=WAIT_S)
        snapshot = next_event(events, "snapshot")
        assert snapshot["display"]["id"] == "aula" and snapshot["seq"] == 0

        request = urllib.request.Request(
            f"{server.url}/api/v1/tickets", method="POST",
            data=json.dumps({"service": "KTP"}).encode(),
            headers={"Authorization": f"Bearer {kiosk}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=WAIT_S) as answer:
            assert answer.status == 201
        told = next_event(events, "queue_changed")
        assert (told["service"], told["waiting"], told["seq"]) == ("KTP", 1, 1)
        # The day-rollover task started beside the server without complaint.
        assert "Traceback" not in server.log.read_text()
    finally:
        client.disconnect()
        server.stop()


def test_a_wrong_token_is_refused_with_the_reason(live_server: Any) -> None:
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    client = listening(events, "connect_error")
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, auth={"display": "aula", "token": "nope"},
                       wait_timeout=WAIT_S)
    reason = next_event(events, "connect_error")
    assert "antre device token aula" in reason["message"]
