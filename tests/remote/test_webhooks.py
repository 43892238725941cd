"""The webhook: written with the event, posted by the sender to a real HTTP receiver, retried
while the receiver is down and delivered once it is up; `called` and `few_ahead` noticed from
the tickets' state; two senders never post one row twice; nothing of it blocks the line."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from queue_server.config import parse_config
from queue_server.models import Role, TicketStatus, WebhookDelivery
from queue_server.people import add_user
from queue_server.queue import calling, counters, issuing
from queue_server.queue.outbox import note_progress
from queue_server.runtime import Runtime
from queue_server.webhooks.sender import claim
from queue_server.webhooks.worker import one_pass
from tests.api.conftest import Api, make_api
from tests.remote.conftest import PHONE, arrive, booking
from tests.support.halls import Hall, prepare_hall, remote_hall_data
from tests.support.races import race


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Receiver:
    """The hall's SMS gateway: a real HTTP server on `port`, started when the test says."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[dict[str, Any]] = []
        self.server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (http.server's name)
                length = int(self.headers["Content-Length"])
                received.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver(free_port())
    yield made
    made.stop()


@pytest.fixture
def hooked_api(tmp_path: Path, request: pytest.FixtureRequest,
               receiver: Receiver) -> Iterator[Api]:
    built = make_api(tmp_path, request.getfixturevalue("template"), remote_hall_data(
        webhook_url=f"http://127.0.0.1:{receiver.port}/antre"))
    yield built
    built.app.extensions["antre"].engine.dispose()


def outbox(state: Runtime) -> list[WebhookDelivery]:
    with state.sessions() as session:
        rows = list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))
        session.expunge_all()
        return rows


def test_a_receiver_that_is_down_gets_the_event_once_it_is_up(hooked_api: Api,
                                                               receiver: Receiver) -> None:
    state: Runtime = hooked_api.app.extensions["antre"]
    answer = hooked_api.client().post("/api/v1/bookings", json={"service": "KTP",
                                                                "phone": PHONE})
    assert answer.status_code == 201
    token = answer.get_json()["ticket"]["token"]
    [row] = outbox(state)
    assert (row.event, row.payload["phone"]) == ("booked", "+6281234567890")

    assert one_pass(state).delivered == 0  # nobody listens on the port yet
    [row] = outbox(state)
    assert (row.attempts, row.delivered_at) == (1, None) and row.last_error
    assert row.next_attempt_at == hooked_api.clock.now() + timedelta(seconds=5)
    # The booking was made and stays whatever the gateway does; a walk-in is issued meanwhile.
    assert hooked_api.issue("KTP")["code"] == "A-002"

    receiver.start()
    assert one_pass(state).delivered == 0  # not due again yet: no hammering
    hooked_api.clock.advance(seconds=5)
    assert one_pass(state).delivered == 1
    [sent] = receiver.received
    assert sent["event"] == "booked" and sent["phone"] == "+6281234567890"
    assert sent["ticket"]["tracking_url"] == f"http://antre.test/t/{token}"
    assert sent["ticket"]["code"] == "A-001" and sent["ticket"]["phone_last4"] == "7890"
    [row] = outbox(state)
    assert row.delivered_at == hooked_api.clock.now() and "phone" not in row.payload
    hooked_api.clock.advance(minutes=5)
    assert one_pass(state).delivered == 0 and len(receiver.received) == 1  # sent once


def test_expiry_is_told_and_never_waits_for_the_gateway(hooked_api: Api,
                                                        receiver: Receiver) -> None:
    state: Runtime = hooked_api.app.extensions["antre"]
    answer = hooked_api.client().post("/api/v1/bookings", json={"service": "KTP",
                                                                "phone": PHONE})
    expires = answer.get_json()["ticket"]["expires_at"]
    hooked_api.clock.advance(minutes=76)  # the window (15 min) and the grace (an hour) passed
    assert expires < hooked_api.clock.now().isoformat()
    done = one_pass(state)
    assert (done.expired, done.delivered) == (1, 0)  # expired although the gateway is down
    assert [r.event for r in outbox(state)] == ["booked", "expired"]
    receiver.start()
    hooked_api.clock.advance(seconds=5)
    one_pass(state)
    assert [item["event"] for item in receiver.received] == ["booked", "expired"]
    assert receiver.received[1]["ticket"]["status"] == "expired"


def test_called_and_few_ahead_are_noticed_from_the_tickets(database_url: str) -> None:
    hall = prepare_hall(database_url, remote_hall_data(webhook_url="http://127.0.0.1:9/x"))
    try:
        first = booking(hall, phone="081200000001")
        second = booking(hall, phone="081200000002")
        hall.clock.advance(minutes=1)
        for _ in range(2):
            with hall.sessions.begin() as session:
                issuing.issue_ticket(session, hall.clock.now(), "KTP")
        arrive(hall, second.token)  # its place is kept: before both walk-ins
        with hall.sessions.begin() as session:
            assert note_progress(session, hall.clock.now()) == 1
        with hall.sessions.begin() as session:
            officer = add_user(session, hall.clock.now(), "ayu", "Ayu", Role.OFFICER,
                               "rahasia-loket", ["DUKCAPIL"]).id
            counters.open_counter(session, hall.clock.now(), "L1", officer)
            assert calling.call_next(session, hall.clock.now(), "L1",
                                     officer).status is TicketStatus.CALLED
        with hall.sessions.begin() as session:
            assert note_progress(session, hall.clock.now()) == 1
            assert note_progress(session, hall.clock.now()) == 0  # once per ticket and event
            rows = [(r.ticket_id, r.event, r.payload.get("ahead"), r.payload.get("counter"))
                    for r in session.scalars(select(WebhookDelivery)
                                             .order_by(WebhookDelivery.id))]
        assert rows == [(first.id, "booked", None, None), (second.id, "booked", None, None),
                        (second.id, "few_ahead", 0, None), (second.id, "called", None,
                                                             "Loket 1")]
    finally:
        hall.engine.dispose()


def test_two_senders_never_claim_the_same_row(database_url: str) -> None:
    hall = prepare_hall(database_url, remote_hall_data(webhook_url="http://127.0.0.1:9/x"))
    try:
        for index in range(30):
            booking(hall, "KK", phone=f"0812000001{index:02d}",
                    nik=f"510801450790{index + 1:04d}")
        claimed: list[list[int]] = [[], [], [], []]

        def sender(index: int) -> None:
            with hall.sessions() as session:
                claimed[index] = [c.id for c in claim(session, hall.clock.now())]

        race(4, sender)
        taken = [row_id for ids in claimed for row_id in ids]
        assert len(taken) == len(set(taken)) == 30  # each row once, none left unclaimed
    finally:
        hall.engine.dispose()


def test_without_a_webhook_nothing_is_kept(remote_hall: Hall) -> None:
    booking(remote_hall)
    with remote_hall.session() as session:
        assert session.scalars(select(WebhookDelivery)).all() == []


def test_antre_remote_sweep_expires_from_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from queue_server.cli import main
    from queue_server.clock import FixedClock
    from queue_server.queue.bookings import BookingRequest, book
    from queue_server.runtime import build_runtime
    from queue_server.settings import Settings
    from tests.remote.conftest import KEY
    from tests.support.halls import MONDAY_9, write_hall_yaml

    env = {"ANTRE_CONFIG": str(write_hall_yaml(tmp_path, remote_hall_data())),
           "ANTRE_DATA_DIR": str(tmp_path / "data")}
    state = build_runtime(Settings(config=Path(env["ANTRE_CONFIG"]),
                                   data_dir=tmp_path / "data"), FixedClock(MONDAY_9))
    with state.sessions.begin() as session:
        book(session, state.clock.now(), KEY, BookingRequest("KTP", PHONE))
    state.engine.dispose()
    run = CliRunner().invoke(main, ["remote", "sweep"],
                             env={**env, "ANTRE_CLOCK_START": "2026-11-30T10:14:00"})
    assert (run.exit_code, run.output) == (0, "expired 0, noted 0, delivered 0\n")
    run = CliRunner().invoke(main, ["remote", "sweep"],
                             env={**env, "ANTRE_CLOCK_START": "2026-11-30T10:16:00"})
    assert (run.exit_code, run.output) == (0, "expired 1, noted 0, delivered 0\n")


def test_a_webhook_removed_from_the_config_leaves_no_phone_behind(hooked_api: Api) -> None:
    state: Runtime = hooked_api.app.extensions["antre"]
    hooked_api.client().post("/api/v1/bookings", json={"service": "KTP", "phone": PHONE})
    without = replace(state, hall=parse_config(remote_hall_data()))  # webhook_url removed
    assert one_pass(without).delivered == 0
    [row] = outbox(state)
    assert row.failed_at is not None and "phone" not in row.payload
    assert row.last_error == "no webhook_url in config.yaml"
