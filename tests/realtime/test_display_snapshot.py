"""What a display shows: today's last calls of its agencies, its counters, who waits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select

from queue_server.models import Device, Site, TicketEvent
from queue_server.queue import calling
from queue_server.readmodels.displays import display_snapshot
from tests.realtime.conftest import HubHall
from tests.support.halls import wita


def snapshot(hub_hall: HubHall, display_id: str) -> dict[str, Any]:
    with hub_hall.session() as session:
        display = session.get(Device, display_id)
        assert display is not None
        return display_snapshot(session, hub_hall.clock.now(), display, hub_hall.state.hall)


def test_the_hall_display_shows_every_agency(hub_hall: HubHall) -> None:
    with hub_hall.session() as session:
        site = session.get(Site, 1)
        assert site is not None
        site.running_text = "Selamat datang di MPP Buleleng"
        session.commit()
    hub_hall.open("L1")
    hub_hall.open("L3", "budi")
    hub_hall.issue(), hub_hall.issue(), hub_hall.issue("SKCK"), hub_hall.issue("SKCK")
    hub_hall.call_next("L1")
    hub_hall.clock.advance(seconds=30)
    hub_hall.call_next("L3", "budi")

    hall = snapshot(hub_hall, "aula")
    assert hall["site"]["name"] == "Mal Pelayanan Publik Kabupaten Buleleng"
    assert hall["site"]["timezone_label"] == "WITA"
    assert hall["running_text"] == "Selamat datang di MPP Buleleng"
    assert [(c["code"], c["counter"]["id"]) for c in hall["recent_calls"]] == [
        ("C-001", "L3"), ("A-001", "L1")]  # newest first
    assert hall["recent_calls"][0]["announcement"]["id"] == \
        "Nomor antrean C satu, silakan menuju loket tiga"
    assert [(c["id"], c["state"], c["current"]) for c in hall["counters"]] == [
        ("L1", "open", "A-001"), ("L2", "closed", None), ("L3", "open", "C-001"),
        ("L4", "closed", None)]
    assert hall["waiting"] == [
        {"code": "DUKCAPIL", "short_name": "Disdukcapil", "colour": "#1565c0", "waiting": 1},
        {"code": "POLRES", "short_name": "Polres", "colour": "#5d4037", "waiting": 1},
        {"code": "IMIGRASI", "short_name": "Imigrasi", "colour": "#00695c", "waiting": 0}]
    assert hall["voice"] == {"engine": "espeak"} and hall["day"] == "2026-11-30"

    zone = snapshot(hub_hall, "zona-a")
    assert [c["code"] for c in zone["recent_calls"]] == ["A-001"]
    assert [c["id"] for c in zone["counters"]] == ["L1", "L2"]
    assert [a["code"] for a in zone["waiting"]] == ["DUKCAPIL"]


def test_recent_calls_keep_the_last_ten_recalls_included(hub_hall: HubHall) -> None:
    hub_hall.open("L1")
    hub_hall.issue()
    hub_hall.call_next("L1")
    for _ in range(11):
        hub_hall.clock.advance(seconds=10)
        hub_hall.act(calling.recall, "L1")
    calls = snapshot(hub_hall, "aula")["recent_calls"]
    assert [c["call_count"] for c in calls] == list(range(12, 2, -1))
    assert all(c["recall"] for c in calls)


def test_yesterdays_calls_are_not_shown(hub_hall: HubHall) -> None:
    hub_hall.open("L1")
    hub_hall.issue()
    hub_hall.call_next("L1")
    hub_hall.clock.set(wita("2026-12-01 08:00"))
    assert snapshot(hub_hall, "aula")["recent_calls"] == []


def test_a_snapshot_reads_in_a_few_queries_however_busy_the_hall(hub_hall: HubHall) -> None:
    hub_hall.open("L1")
    hub_hall.open("L3", "budi")
    for _ in range(4):
        hub_hall.issue()
        hub_hall.issue("SKCK")
    hub_hall.call_next("L1")
    hub_hall.call_next("L3", "budi")
    statements: list[str] = []
    engine = hub_hall.state.engine
    listener = event.listens_for(engine, "before_cursor_execute")(
        lambda *args: statements.append(args[2]))
    try:
        snapshot(hub_hall, "aula")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    # BEGIN, the display, site, agencies, waiting, calls, counters, their tickets: a fixed
    # number, however many counters and tickets the hall has.
    assert len(statements) <= 8, statements
    with hub_hall.session() as session:
        assert session.scalar(select(func.count()).select_from(TicketEvent)) > 8
