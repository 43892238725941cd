"""Devices and the audit log through /api/v1/admin."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from queue_server.extensions import socketio
from queue_server.hub.connections import close_revoked
from queue_server.hub.publisher import HUB
from queue_server.models import Device
from tests.api.conftest import Api


def test_only_an_administrator_manages_devices(api: Api) -> None:
    client = api.client()
    for who in ("sari", "ayu"):
        assert client.get("/api/v1/admin/devices", headers=api.bearer(who)).status_code == 403
        assert client.post("/api/v1/admin/devices/aula/revoke", headers=api.bearer(who),
                           json={}).status_code == 403
    assert client.get("/api/v1/auth/me", headers=api.bearer("aula")).status_code in (401, 403)
    listed = client.get("/api/v1/admin/devices", headers=api.bearer("admin")).get_json()
    devices = {d["id"]: d for d in listed["devices"]}
    assert devices["aula"]["kind"] == "display" and devices["aula"]["has_token"]
    assert devices["kiosk-1"]["printer_state"] == "no_agent"
    assert not devices["kiosk-1"]["agent_connected"]


def test_a_new_token_comes_once_with_its_setup_link_and_qr_the_old_one_stops(api: Api) -> None:
    client = api.client()
    answer = client.post("/api/v1/admin/devices/aula/token", headers=api.bearer("admin"),
                         json={})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["setup_url"].endswith(f"/display/aula?token={body['token']}")
    assert body["qr_svg"].startswith("data:image/svg+xml;base64,")
    old = client.get("/api/v1/displays/aula/snapshot", headers=api.bearer("aula"))
    new = client.get("/api/v1/displays/aula/snapshot",
                     headers={"Authorization": f"Bearer {body['token']}"})
    assert (old.status_code, new.status_code) == (401, 200)


def test_a_revoked_device_token_stops_working(api: Api) -> None:
    client = api.client()
    answer = client.post("/api/v1/admin/devices/kiosk-1/revoke", headers=api.bearer("admin"),
                         json={})
    assert answer.status_code == 200 and not answer.get_json()["has_token"]
    refused = client.post("/api/v1/tickets", headers=api.bearer("kiosk-1"),
                          json={"service": "KTP"})
    assert refused.status_code == 401
    assert client.post("/api/v1/admin/devices/nope/revoke", headers=api.bearer("admin"),
                       json={}).status_code == 404


def test_the_log_has_administration_operations_and_tickets_filtered(api: Api) -> None:
    client = api.client()
    client.post("/api/v1/admin/devices/aula/revoke", headers=api.bearer("admin"), json={})
    client.post("/api/v1/admin/people/ayu/revoke-token", headers=api.bearer("sari"), json={})
    client.post("/api/v1/services/SKCK/close", headers=api.bearer("admin"),
                json={"reason": "Server SKCK gangguan"})
    api.issue("KTP")
    everything = client.get("/api/v1/admin/audit", headers=api.bearer("admin")).get_json()
    kinds = {e["kind"] for e in everything["entries"]}
    assert kinds == {"devices", "people", "operations", "tickets"}
    revoke = next(e for e in everything["entries"] if e["action"] == "device.revoke")
    assert revoke["person"] == "admin" and revoke["address"] == "127.0.0.1"
    by_sari = client.get("/api/v1/admin/audit?person=sari",
                         headers=api.bearer("admin")).get_json()["entries"]
    assert [e["action"] for e in by_sari] == ["user.revoke_token"]
    polres = client.get("/api/v1/admin/audit?agency=POLRES",
                        headers=api.bearer("admin")).get_json()["entries"]
    assert [e["action"] for e in polres] == ["service.closed"]
    assert polres[0]["changes"] == {"reason": "Server SKCK gangguan"}
    assert polres[0]["address"] == "127.0.0.1" and polres[0]["person"] == "admin"
    # A supervisor reads only their agencies' lines: not the display, not Polres.
    theirs = client.get("/api/v1/admin/audit", headers=api.bearer("sari")).get_json()
    assert {e["kind"] for e in theirs["entries"]} == {"people", "tickets"}
    assert client.get("/api/v1/admin/audit", headers=api.bearer("dewi")).status_code == 403
    yesterday = client.get("/api/v1/admin/audit?day=2020-01-01",
                           headers=api.bearer("admin")).get_json()
    assert yesterday["entries"] == []


def test_the_log_as_csv_and_bad_filters(api: Api) -> None:
    client = api.client()
    client.post("/api/v1/admin/people/dewi/revoke-token", headers=api.bearer("admin"),
                json={})
    answer = client.get("/api/v1/admin/audit?format=csv&kind=people",
                        headers=api.bearer("admin"))
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0][:4] == ["at", "kind", "action", "target"]
    assert rows[1][1:4] == ["people", "user.revoke_token", "dewi"]
    for bad in ("day=yesterday", "day=9999-12-31", "day=0001-01-01", "kind=everything",
                "format=pdf"):
        refused = client.get(f"/api/v1/admin/audit?{bad}", headers=api.bearer("admin"))
        assert refused.status_code == 422, bad


def test_counters_opened_and_closed_are_in_the_log_with_their_reason(api: Api) -> None:
    client = api.client()
    assert client.post("/api/v1/counters/L1/open", headers=api.bearer("ayu"),
                       json={}).status_code == 200
    assert client.post("/api/v1/counters/L3/open", headers=api.bearer("budi"),
                       json={}).status_code == 200
    closed = client.post("/api/v1/counters/L1/close-left", headers=api.bearer("sari"),
                         json={"reason": "Ditinggal tanpa ditutup"})
    assert closed.status_code == 204, closed.get_json()
    theirs = client.get("/api/v1/admin/audit?kind=operations",
                        headers=api.bearer("sari")).get_json()["entries"]
    assert [(e["action"], e["target"], e["person"]) for e in theirs] == [
        ("counter.closed", "L1", "sari"), ("counter.open", "L1", "ayu")]
    assert theirs[0]["changes"] == {"reason": "Ditinggal tanpa ditutup"}
    assert theirs[0]["agencies"] == ["DUKCAPIL"]
    assert {e["address"] for e in theirs} == {"127.0.0.1"}  # where each acted from
    polres = client.get("/api/v1/admin/audit?agency=POLRES&person=budi",
                        headers=api.bearer("admin")).get_json()["entries"]
    assert [e["action"] for e in polres] == ["counter.open"]


def test_a_ticket_transition_keeps_the_officers_address_and_not_the_kiosks(api: Api) -> None:
    api.issue("KTP")
    client = api.client()
    assert client.post("/api/v1/counters/L1/open", headers=api.bearer("ayu"), json={},
                       environ_base={"REMOTE_ADDR": "10.0.0.21"}).status_code == 200
    called = client.post("/api/v1/counters/L1/call-next", headers=api.bearer("ayu"), json={},
                         environ_base={"REMOTE_ADDR": "10.0.0.21"})
    assert called.status_code == 200, called.get_json()
    entries = client.get("/api/v1/admin/audit?kind=tickets",
                         headers=api.bearer("admin")).get_json()["entries"]
    by_action = {e["action"]: e for e in entries}
    assert by_action["ticket.called"]["person"] == "ayu"
    assert by_action["ticket.called"]["address"] == "10.0.0.21"
    assert by_action["ticket.issued"]["address"] is None  # a kiosk's, not a staff action


def test_a_connected_device_says_since_when_and_a_gone_one_when_last_seen(api: Api) -> None:
    def aula() -> dict[str, Any]:
        listed = api.client().get("/api/v1/admin/devices", headers=api.bearer("admin"))
        found: dict[str, Any] = next(d for d in listed.get_json()["devices"]
                                     if d["id"] == "aula")
        return found

    assert (aula()["connections"], aula()["connected_since"]) == (0, None)
    first = socketio.test_client(api.app, auth={"display": "aula", "token": api.tokens["aula"]})
    connected_at = api.clock.now()
    api.clock.advance(minutes=5)
    second = socketio.test_client(api.app, auth={"display": "aula", "token": api.tokens["aula"]})
    state = aula()
    assert state["connections"] == 2
    assert datetime.fromisoformat(state["connected_since"]) == connected_at  # the oldest
    assert datetime.fromisoformat(state["last_seen_at"]) == api.clock.now()
    first.disconnect()
    second.disconnect()
    api.clock.advance(minutes=5)
    gone = aula()
    assert (gone["connections"], gone["connected_since"]) == (0, None)
    assert datetime.fromisoformat(gone["last_seen_at"]) == connected_at + timedelta(minutes=5)


def test_a_connection_whose_token_changed_elsewhere_is_closed(api: Api) -> None:
    """Another process revoked the token while the message queue missed the disconnect: this
    process's own check (every few seconds under `antre serve`) closes the connection."""
    display = socketio.test_client(api.app, auth={"display": "aula", "token": api.tokens["aula"]})
    kiosk = socketio.test_client(api.app,
                                 auth={"kiosk": "kiosk-1", "token": api.tokens["kiosk-1"]})
    hub = api.app.extensions[HUB]
    with hub.state.sessions() as session:
        assert close_revoked(session, hub.presence) == 0  # nothing changed: nobody goes
        session.execute(update(Device).where(Device.id == "aula").values(token_hash=None))
        session.commit()
        assert close_revoked(session, hub.presence) == 1
    assert not display.is_connected() and kiosk.is_connected()
    assert set(hub.presence.local()) == {"kiosk:kiosk-1"}
    kiosk.disconnect()
    assert hub.presence.local() == {}
