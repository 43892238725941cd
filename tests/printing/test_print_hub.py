"""The server's side of printing, in one process: Flask-SocketIO's test clients stand in for
the agent, the kiosk page and staff; the clock stands still unless moved."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient
from sqlalchemy import select

from printer import render_ticket
from printer.payload import parse_job
from queue_server.models import Device, PrintStatus, Ticket, TicketEvent
from tests.realtime.conftest import HubHall, drain, make_hub_hall, names

KIOSK = "kiosk-1"


@pytest.fixture
def hub_hall(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> Iterator[HubHall]:
    built = make_hub_hall(tmp_path)
    yield built
    built.state.engine.dispose()
    failures = [r.getMessage() for r in caplog.records
                if r.name.startswith("queue_server") and r.levelno >= logging.ERROR]
    assert failures == [], failures


def agent(hall: HubHall) -> SocketIOTestClient:
    client = hall.connect(kiosk=KIOSK, token=hall.tokens[KIOSK], agent=True)
    assert client.is_connected()
    return client


def issue(hall: HubHall, service: str = "KTP", **body: Any) -> dict[str, Any]:
    answer = hall.app.test_client().post(
        "/api/v1/tickets", json={"service": service, **body},
        headers={"Authorization": f"Bearer {hall.tokens[KIOSK]}"})
    assert answer.status_code == 201, answer.get_json()
    hall.clock.advance(seconds=1)
    found: dict[str, Any] = answer.get_json()
    return found


def ticket_row(hall: HubHall, ticket_id: int) -> Ticket:
    with hall.session() as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        return found


def event_kinds(hall: HubHall, ticket_id: int) -> list[tuple[str, dict[str, Any]]]:
    with hall.session() as session:
        return [(e.kind, e.data) for e in session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
            .order_by(TicketEvent.id))]


def device(hall: HubHall) -> Device:
    with hall.session() as session:
        found = session.get(Device, KIOSK)
        assert found is not None
        return found


def test_an_agent_gets_its_printer_settings_and_no_queue_traffic(hub_hall: HubHall) -> None:
    client = agent(hub_hall)
    [snapshot] = drain(client, "snapshot")
    assert snapshot["kind"] == "agent" and snapshot["room"] == "agent:kiosk-1"
    assert snapshot["kiosk"] == {"id": KIOSK, "name": "Kiosk Utara", "printer": "dummy",
                                 "paper_width": 80, "profile": None}
    assert device(hub_hall).agent_seen_at == hub_hall.clock.now()
    issue(hub_hall)
    assert names(client) == ["print_ticket"]  # not the kiosk page's queue_changed


def test_the_job_holds_the_ticket_as_printed(hub_hall: HubHall) -> None:
    client = agent(hub_hall)
    drain(client)
    issued = issue(hub_hall, priority=True, priority_reason="lansia")
    assert (issued["print_status"], issued["print_error"]) == ("pending", None)
    [job] = drain(client, "print_ticket")
    assert job["job_id"] == f"{issued['id']}.1" and job["room"] == "agent:kiosk-1"
    assert (job["width"], job["profile"]) == (80, None)
    assert job["ticket"] == {
        "site_name": "Mal Pelayanan Publik Kabupaten Buleleng",
        "site_address": "Lantai 3 Pasar Banyuasri, Singaraja",
        "agency_name": "Dinas Kependudukan dan Pencatatan Sipil", "service_name": "KTP-el",
        "code": "A-001", "priority_label": "PRIORITAS - Lansia",
        "issued_at": "2026-11-30T09:00:00+08:00", "ahead": 0, "estimated_wait_min": None,
        "wait_note": "belum ada loket yang buka",  # no counter serving KTP is open
        "requirements": ["Kartu Keluarga"], "tracking_url": issued["tracking_url"],
        "footer": [],
    }
    printed = render_ticket(parse_job(job).ticket.to_ticket(), width=job["width"])
    assert b"A-001" in printed and b"09:00 WITA" in printed
    assert b"Perkiraan tunggu: belum ada loket yang buka" in printed


def test_a_result_settles_the_ticket_once_and_tells_the_kiosk(hub_hall: HubHall) -> None:
    client, page = agent(hub_hall), hub_hall.device(KIOSK)
    issued = issue(hub_hall)
    drain(page)
    job_id = f"{issued['id']}.1"
    client.emit("print_result", {"job_id": job_id, "ok": True})
    [told] = drain(page, "print_status")
    assert {k: told[k] for k in ("ticket_id", "code", "print_status", "error", "message")} == \
        {"ticket_id": issued["id"], "code": "A-001", "print_status": "printed", "error": None,
         "message": None}
    client.emit("print_result", {"job_id": job_id, "ok": True})  # the same answer again
    client.emit("print_result", {"job_id": job_id, "ok": False, "error": "paper_out"})
    assert drain(page, "print_status") == []
    assert ticket_row(hub_hall, issued["id"]).print_status is PrintStatus.PRINTED
    assert [kind for kind, _ in event_kinds(hub_hall, issued["id"])] == ["issued", "printed"]


def test_answers_that_are_not_the_agents_to_give_are_ignored(
        hub_hall: HubHall, caplog: pytest.LogCaptureFixture) -> None:
    client, page = agent(hub_hall), hub_hall.device(KIOSK)
    issued = issue(hub_hall)
    online = hub_hall.app.test_client().post(  # a ticket issued at a counter: no kiosk
        "/api/v1/tickets", json={"service": "KK", "channel": "counter"},
        headers={"Authorization": f"Bearer {hub_hall.tokens['ayu']}"}).get_json()
    page.emit("print_result", {"job_id": f"{issued['id']}.1", "ok": True})  # not an agent
    client.emit("print_result", {"job_id": f"{issued['id']}.7", "ok": True})  # not this job
    client.emit("print_result", {"job_id": f"{online['id']}.1", "ok": True})  # not its kiosk
    client.emit("print_result", {"job_id": "A-001", "ok": "yes"})  # malformed
    client.emit("print_result", "nonsense")
    assert ticket_row(hub_hall, issued["id"]).print_status is PrintStatus.PENDING
    assert ticket_row(hub_hall, online["id"]).print_status is PrintStatus.NONE
    assert "not its own" in caplog.text and "malformed print_result" in caplog.text


def test_a_failed_print_keeps_the_reason_for_the_audit(hub_hall: HubHall) -> None:
    client, page = agent(hub_hall), hub_hall.device(KIOSK)
    issued = issue(hub_hall)
    client.emit("print_result", {"job_id": f"{issued['id']}.1", "ok": False,
                                 "error": "cover_open", "message": "Penutup printer terbuka",
                                 "detail": "DLE EOT 1, 2, 4 answered 1a 16 12"})
    [told] = drain(page, "print_status")
    assert (told["print_status"], told["error"], told["message"]) == \
        ("failed", "cover_open", "Penutup printer terbuka.")
    assert told["messages"]["en"] == "The printer cover is open."
    assert event_kinds(hub_hall, issued["id"])[-1] == (
        "print_failed", {"attempt": 1, "error": "cover_open",
                         "detail": "DLE EOT 1, 2, 4 answered 1a 16 12"})
    other = issue(hub_hall)
    client.emit("print_result", {"job_id": f"{other['id']}.1", "ok": False, "error": "??"})
    assert ticket_row(hub_hall, other["id"]).print_error == "error"  # an unknown kind


def test_no_agent_or_a_silent_one_means_failed_at_once(hub_hall: HubHall) -> None:
    issued = issue(hub_hall)
    assert (issued["print_status"], issued["print_error"]) == ("failed", "no_agent")
    assert event_kinds(hub_hall, issued["id"])[-1] == (
        "print_failed", {"attempt": 1, "error": "no_agent", "detail": ""})
    agent(hub_hall)
    assert issue(hub_hall)["print_status"] == "pending"
    hub_hall.clock.advance(seconds=21)  # no status report for 20 s: the agent is gone
    assert issue(hub_hall)["print_error"] == "no_agent"


def test_printer_reports_reach_the_device_and_staff_on_change(hub_hall: HubHall) -> None:
    staff = hub_hall.officer("admin")
    drain(staff)
    client = agent(hub_hall)
    [back] = drain(staff, "printer_changed")  # before any report: its printer is unknown yet
    assert (back["agent"], back["state"]) == (True, "unknown")
    client.emit("printer_status", {"state": "paper_low", "online": True, "raw": "121212"})
    [changed] = drain(staff, "printer_changed")
    assert {k: changed[k] for k in ("kiosk", "name", "agent", "state", "message_id", "at")} == {
        "kiosk": KIOSK, "name": "Kiosk Utara", "agent": True, "state": "paper_low",
        "message_id": "Kertas printer hampir habis", "at": "2026-11-30T09:00:00+08:00"}
    hub_hall.clock.advance(seconds=5)
    client.emit("printer_status", {"state": "paper_low"})  # no news: no event
    client.emit("printer_status", {"state": "on_fire"})  # not a state: ignored
    assert drain(staff, "printer_changed") == []
    found = device(hub_hall)
    assert (found.printer_status, found.printer_status_at, found.agent_seen_at) == \
        ("paper_low", hub_hall.clock.now(), hub_hall.clock.now())
    client.disconnect()
    [gone] = drain(staff, "printer_changed")
    assert (gone["agent"], gone["state"]) == (False, "no_agent")
    assert device(hub_hall).agent_seen_at is None and device(hub_hall).printer_status is None


def test_a_quick_reconnect_is_not_undone_by_the_old_connection_leaving(
        hub_hall: HubHall) -> None:
    old = agent(hub_hall)
    hub_hall.clock.advance(seconds=3)
    agent(hub_hall)  # the new connection, before the server noticed the old one is gone
    old.disconnect()
    assert device(hub_hall).agent_seen_at == hub_hall.clock.now()
    assert issue(hub_hall)["print_status"] == "pending"


def test_a_returning_agent_gets_its_pending_jobs_but_not_stale_ones(hub_hall: HubHall) -> None:
    first = agent(hub_hall)
    stale = issue(hub_hall)
    hub_hall.clock.advance(minutes=3)
    first.disconnect()  # gone before answering either job
    hub_hall.clock.advance(seconds=10)
    agent(hub_hall)
    fresh = issue(hub_hall)
    first_back = agent(hub_hall)  # reconnects a second time: the fresh job comes again
    page = hub_hall.device(KIOSK)
    drain(page)
    assert [job["job_id"] for job in drain(first_back, "print_ticket")] == [f"{fresh['id']}.1"]
    assert ticket_row(hub_hall, stale["id"]).print_error == "no_answer"
    assert event_kinds(hub_hall, stale["id"])[-1][0] == "print_failed"


def test_staff_see_every_kiosk(hub_hall: HubHall) -> None:
    web = hub_hall.app.test_client()
    bearer = {"Authorization": f"Bearer {hub_hall.tokens['ayu']}"}
    [kiosk] = web.get("/api/v1/kiosks", headers=bearer).get_json()["kiosks"]
    assert kiosk == {"id": KIOSK, "name": "Kiosk Utara", "printer": "dummy", "paper_width": 80,
                     "agent_connected": False, "agent_seen_at": None,
                     "printer_state": "no_agent",
                     "message_id": "Printer kiosk tidak tersambung",
                     "message_en": "The kiosk printer is not connected",
                     "printer_status_at": None}
    agent(hub_hall).emit("printer_status", {"state": "ok"})
    [kiosk] = web.get("/api/v1/kiosks", headers=bearer).get_json()["kiosks"]
    assert (kiosk["agent_connected"], kiosk["printer_state"], kiosk["message_en"]) == \
        (True, "ok", "The printer is ready")
    refused = web.get("/api/v1/kiosks",
                      headers={"Authorization": f"Bearer {hub_hall.tokens[KIOSK]}"})
    assert refused.status_code == 401


def test_a_reprint_is_a_new_audited_job(hub_hall: HubHall) -> None:
    client = agent(hub_hall)
    issued = issue(hub_hall)
    client.emit("print_result", {"job_id": f"{issued['id']}.1", "ok": True})
    drain(client)
    answer = hub_hall.app.test_client().post(
        f"/api/v1/tickets/{issued['id']}/reprint",
        headers={"Authorization": f"Bearer {hub_hall.tokens['ayu']}"})
    assert answer.status_code == 200 and answer.get_json()["print_status"] == "pending"
    [job] = drain(client, "print_ticket")
    assert job["job_id"] == f"{issued['id']}.2"
    client.emit("print_result", {"job_id": f"{issued['id']}.1", "ok": True})  # the old job
    assert ticket_row(hub_hall, issued["id"]).print_status is PrintStatus.PENDING
    client.emit("print_result", {"job_id": job["job_id"], "ok": True})
    assert ticket_row(hub_hall, issued["id"]).print_status is PrintStatus.PRINTED
    kinds = event_kinds(hub_hall, issued["id"])
    assert [kind for kind, _ in kinds] == ["issued", "printed", "reprinted", "printed"]
    assert kinds[2][1] == {"attempt": 2}
