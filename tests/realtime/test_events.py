"""What a commit tells whom: calls, counters, queues and visitors' places, numbered per room,
and only once the database has it."""

from __future__ import annotations

import time
from typing import Any

from queue_server import changes
from queue_server.models import DeviceKind, ServiceDay, ServiceDayEvent, Site
from queue_server.queue import calling, counters, issuing
from tests.realtime.conftest import HubHall, drain, names, once
from tests.support.halls import wita


def test_a_call_reaches_the_displays_that_cover_its_agency_only(hub_hall: HubHall) -> None:
    hall, zone_a, zone_b = (hub_hall.device(d) for d in ("aula", "zona-a", "zona-b"))
    counter, staff, polres = (hub_hall.officer("ayu", "L1"), hub_hall.officer("ayu"),
                              hub_hall.officer("budi"))
    hub_hall.open("L1")
    hub_hall.issue()
    for client in (hall, zone_a, zone_b, counter, staff, polres):
        drain(client)

    hub_hall.call_next("L1")

    for client in (hall, zone_a, counter, staff):
        [call] = once(drain(client, "ticket_called"))
        assert call["code"] == "A-001" and call["counter"] == {"id": "L1", "number": 1,
                                                              "name": "Loket 1"}
    assert drain(zone_b) == []  # nothing of DUKCAPIL at all on the POLRES zone
    assert "ticket_called" not in names(polres)


def test_a_call_carries_what_the_display_shows_and_says(hub_hall: HubHall) -> None:
    hall = hub_hall.device("aula")
    hub_hall.open("L1")
    hub_hall.issue()
    hub_hall.call_next("L1")
    hub_hall.act(calling.recall, "L1")
    first, again = drain(hall, "ticket_called")
    assert first == {
        "code": "A-001",
        "service": {"code": "KTP", "name": "KTP-el"},
        "agency": {"code": "DUKCAPIL", "short_name": "Disdukcapil", "colour": "#1565c0"},
        "counter": {"id": "L1", "number": 1, "name": "Loket 1"},
        "call_count": 1,
        "at": "2026-11-30T09:00:01+08:00",
        "recall": False,
        "announcement": {
            "id": "Nomor antrean A satu, silakan menuju loket satu",
            "en": "Queue number A one, please proceed to counter one",
            "speech_id": "Nomor antrean a satu, silakan menuju loket satu",
            "words": ["nomor-antrean", "a", "satu", "silakan-menuju", "loket", "satu"],
        },
        "event_id": first["event_id"],
        "room": "display:aula",
        "seq": first["seq"],
        "epoch": first["epoch"],
    }
    assert (again["recall"], again["call_count"], again["code"]) == (True, 2, "A-001")
    assert again["event_id"] != first["event_id"] and again["seq"] > first["seq"]
    assert again["epoch"] == first["epoch"]  # one room, one epoch


def test_each_room_numbers_its_own_events(hub_hall: HubHall) -> None:
    hall, zone_b = hub_hall.device("aula"), hub_hall.device("zona-b")
    drain(hall), drain(zone_b)
    hub_hall.open("L1")
    hub_hall.issue()
    hub_hall.call_next("L1")
    seen = drain(hall)
    assert {event["room"] for event in seen} == {"display:aula"}
    assert [event["seq"] for event in seen] == list(range(1, len(seen) + 1))
    assert drain(zone_b) == []

    hub_hall.open("L3", "budi")
    hub_hall.issue("SKCK")
    hub_hall.call_next("L3", "budi")
    polres = drain(zone_b)
    assert [event["seq"] for event in polres] == list(range(1, len(polres) + 1))
    later = drain(hall)  # the hall display saw those too, numbered on from its own
    assert [event["seq"] for event in later] == list(range(len(seen) + 1,
                                                           len(seen) + len(later) + 1))

    hall.emit("snapshot")
    [snapshot] = drain(hall, "snapshot")
    assert snapshot["seq"] == later[-1]["seq"]
    # Every number of a room counts in one epoch, the snapshot's too; rooms have their own.
    assert {event["epoch"] for event in seen + later} == {snapshot["epoch"]}
    assert snapshot["epochs"] == {"display:aula": snapshot["epoch"]}
    assert {event["epoch"] for event in polres} != {snapshot["epoch"]}


def test_a_visitor_hears_when_someone_ahead_is_called(hub_hall: HubHall) -> None:
    first, second, third = hub_hall.issue(), hub_hall.issue(), hub_hall.issue()
    visitors = {t.code: hub_hall.connect(ticket=t.token) for t in (first, second, third)}
    assert drain(visitors["A-003"], "snapshot")[0]["ahead"] == 2
    hub_hall.open("L1")
    for visitor in visitors.values():
        drain(visitor)

    hub_hall.call_next("L1")

    [called] = drain(visitors["A-001"], "ticket_changed")
    assert (called["status"], called["counter"]["id"]) == ("called", "L1")
    [moved] = drain(visitors["A-003"], "ticket_changed")
    assert (moved["code"], moved["status"], moved["ahead"]) == ("A-003", "waiting", 1)
    # 1 was the opened counter's new estimate; then the call.
    assert moved["room"] == f"ticket:{third.id}" and moved["seq"] == 2
    assert drain(visitors["A-002"], "ticket_changed")[0]["ahead"] == 0


def test_only_those_behind_a_newcomer_move(hub_hall: HubHall) -> None:
    regular = hub_hall.issue()
    visitor = hub_hall.connect(ticket=regular.token)
    drain(visitor)
    hub_hall.issue()  # a regular visitor joins behind: nothing changes ahead of A-001
    assert drain(visitor, "ticket_changed") == []
    hub_hall.issue(priority=True, priority_reason="lansia")  # a priority one goes first
    [moved] = drain(visitor, "ticket_changed")
    assert moved["ahead"] == 1


def test_a_transfer_to_the_front_and_a_walkout_move_the_line(hub_hall: HubHall) -> None:
    moving = hub_hall.issue()
    first, second = hub_hall.issue("KK"), hub_hall.issue("KK")
    visitors = {t.code: hub_hall.connect(ticket=t.token) for t in (moving, first, second)}
    hub_hall.open("L1")
    hub_hall.call_next("L1")
    hub_hall.act(calling.start_service, "L1")
    for visitor in visitors.values():
        drain(visitor)

    hub_hall.act(calling.transfer, "L1", "KK", front=True)
    [own] = drain(visitors["A-001"], "ticket_changed")
    assert (own["status"], own["service"], own["ahead"]) == ("waiting", "KK", 0)
    assert [e["ahead"] for e in drain(visitors["B-001"], "ticket_changed")] == [1]
    assert [e["ahead"] for e in drain(visitors["B-002"], "ticket_changed")] == [2]

    with hub_hall.session() as session:
        leaving = issuing.find_ticket_by_token(session, first.token)
        issuing.cancel_ticket(session, hub_hall.clock.now(), leaving)
        changes.commit(session, hub_hall.state.publish)
    assert [e["status"] for e in drain(visitors["B-001"], "ticket_changed")] == ["cancelled"]
    assert [e["ahead"] for e in drain(visitors["B-002"], "ticket_changed")] == [1]
    assert drain(visitors["A-001"], "ticket_changed") == []  # ahead of the walkout


def test_queues_and_counters_are_told_to_kiosks_displays_and_staff(hub_hall: HubHall) -> None:
    kiosk, hall, counter = (hub_hall.device("kiosk-1"), hub_hall.device("aula"),
                            hub_hall.officer("ayu", "L2"))
    for client in (kiosk, hall, counter):
        drain(client)
    hub_hall.issue()
    [queue] = drain(kiosk, "queue_changed")
    assert queue == {"service": "KTP", "agency": "DUKCAPIL", "waiting": 1, "agency_waiting": 1,
                     "open": True, "closed_reason": None, "closed_message": None,
                     "quota_left": 4, "estimated_wait_min": None, "event_id": queue["event_id"],
                     "room": "kiosk:kiosk-1", "seq": 1, "epoch": queue["epoch"]}
    copies = drain(counter, "queue_changed")  # L2 serves KTP; the officer is in two rooms
    assert {e["room"] for e in copies} == {"counter:L2", "staff:DUKCAPIL"}
    assert [e["service"] for e in once(copies)] == ["KTP"]

    hub_hall.open("L2")
    [state] = drain(hall, "counter_changed")
    assert state == {"id": "L2", "number": 2, "name": "Loket 2", "agency": "DUKCAPIL",
                     "state": "open", "current": None, "current_status": None,
                     "allowed_actions": ["break", "close", "call-next", "finish-next"],
                     "recalls_left": None,
                     "event_id": state["event_id"], "room": "display:aula",
                     "seq": state["seq"], "epoch": state["epoch"]}
    copies = drain(counter, "counter_changed")
    assert [e["event_id"] for e in copies] == [state["event_id"]] * 2
    # An open counter shortens the estimate a kiosk shows.
    assert [e["service"] for e in drain(kiosk, "queue_changed")] == ["KTP"]

    hub_hall.call_next("L2")
    assert drain(hall, "counter_changed")[0]["current"] == "A-001"


def test_a_service_closed_for_the_day_is_told_to_kiosks(hub_hall: HubHall) -> None:
    kiosk = hub_hall.device("kiosk-1")
    drain(kiosk)
    with hub_hall.session() as session:
        service = issuing.find_service(session, "KK")
        day = wita("2026-11-30 00:00").date()
        session.add(ServiceDay(service_id=service.id, day=day, closed_reason="Blanko habis"))
        # What the supervisor's action records (written elsewhere); the hub hears of it.
        session.add(ServiceDayEvent(service_id=service.id, day=day, kind="closed",
                                    at=hub_hall.clock.now(), reason="Blanko habis"))
        changes.commit(session, hub_hall.state.publish)
    [queue] = drain(kiosk, "queue_changed")
    assert (queue["service"], queue["open"], queue["closed_reason"]) == ("KK", False,
                                                                         "closed_today")


def test_nothing_is_told_before_the_commit_nor_after_a_rollback(hub_hall: HubHall) -> None:
    hub_hall.open("L1")
    hub_hall.issue()
    hall = hub_hall.device("aula")
    drain(hall)
    with hub_hall.session() as session:
        calling.call_next(session, hub_hall.clock.now(), "L1", hub_hall.users["ayu"])
        session.flush()  # the change is collected here...
        assert drain(hall) == []  # ...but not told
        session.rollback()
        issuing.issue_ticket(session, hub_hall.clock.now(), "SKCK")
        changes.commit(session, hub_hall.state.publish)
    told = hall.get_received()  # the issue only: the rolled-back call is never told
    assert {item["name"] for item in told} == {"queue_changed"}
    assert {item["args"][0]["service"] for item in told} == {"SKCK"}


def test_a_failing_publisher_does_not_undo_the_commit(hub_hall: HubHall, monkeypatch: Any,
                                                      caplog: Any) -> None:
    from queue_server.hub.publication import Publication

    def broken(*_args: Any) -> None:
        raise RuntimeError("redis went away")

    monkeypatch.setattr(Publication, "consequences", broken)
    monkeypatch.setattr(Publication, "calls", broken)
    hub_hall.open("L1")
    ticket = hub_hall.issue()  # no exception reaches the caller
    assert hub_hall.call_next("L1").code == ticket.code == "A-001"
    assert "could not announce" in caplog.text
    caplog.clear()  # logged, as it should be


def test_a_new_day_expires_tickets_and_refreshes_the_screens(hub_hall: HubHall) -> None:
    hub_hall.open("L1")
    hub_hall.issue()
    waiting = hub_hall.issue()
    hub_hall.call_next("L1")
    visitor, hall = hub_hall.connect(ticket=waiting.token), hub_hall.device("aula")
    kiosk = hub_hall.device("kiosk-1")
    monday = hub_hall.hub.today()
    for client in (visitor, hall, kiosk):
        drain(client)

    assert hub_hall.hub.roll_over(monday) == monday  # the same day: nothing to do
    assert drain(hall) == [] and drain(visitor) == []

    hub_hall.clock.set(wita("2026-12-01 07:00"))
    assert hub_hall.hub.roll_over(monday) > monday
    [expired] = drain(visitor, "ticket_changed")
    assert expired["status"] == "expired"
    told = hall.get_received()
    assert told[-1]["name"] == "snapshot"  # after the expiry's own events, numbered on
    fresh = told[-1]["args"][0]
    assert fresh["day"] == "2026-12-01" and fresh["recent_calls"] == []
    assert [c["current"] for c in fresh["counters"]] == [None] * 4
    numbers = [item["args"][0]["seq"] for item in told]
    assert numbers == list(range(numbers[0], numbers[0] + len(told)))
    assert drain(kiosk, "snapshot")[-1]["kind"] == "kiosk"


def test_counter_actions_without_a_call_are_told(hub_hall: HubHall) -> None:
    counter = hub_hall.officer("ayu", "L1")
    hub_hall.open("L1")
    hub_hall.act(counters.pause_counter, "L1", hub_hall.users["ayu"], "Istirahat")
    states = [event["state"] for event in once(drain(counter, "counter_changed"))]
    assert states == ["open", "break"]


class StopLoop(BaseException):
    """Ends the endless rollover loop in a test (an Exception would be logged and retried)."""


def test_the_rollover_task_rolls_the_day_over_on_its_own(hub_hall: HubHall,
                                                          monkeypatch: Any) -> None:
    from queue_server.hub import publisher

    waiting = hub_hall.issue()
    visitor, hall = hub_hall.connect(ticket=waiting.token), hub_hall.device("aula")
    drain(visitor), drain(hall)
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 1:
            hub_hall.clock.set(wita("2026-12-01 00:01"))  # midnight passes during the nap
        else:
            raise StopLoop

    monkeypatch.setattr(publisher.socketio, "sleep", sleep)
    try:
        publisher.keep_rolling_days(hub_hall.hub)
    except StopLoop:
        pass
    assert naps == [publisher.ROLLOVER_EVERY_S] * 2
    assert drain(visitor, "ticket_changed")[0]["status"] == "expired"
    assert drain(hall, "snapshot")[0]["day"] == "2026-12-01"


def wait_for(client: Any, event: str, timeout_s: float = 5.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [item["args"][0] for item in client.queue if item["name"] == event]
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"no {event} within {timeout_s} s")


def test_under_serve_a_rush_is_told_once_and_calls_at_once(hub_hall: HubHall) -> None:
    # What `antre serve` does (0.1 s there); long here so a loaded test machine cannot split
    # the five commits across two flushes.
    hub_hall.hub.coalesce_s = 2.0
    kiosk, hall = hub_hall.device("kiosk-1"), hub_hall.device("aula")
    hub_hall.open("L1")
    for _ in range(3):
        hub_hall.issue()
    hub_hall.call_next("L1")
    assert [item["name"] for item in hall.queue[1:]] == ["ticket_called"]  # not held back
    wait_for(kiosk, "queue_changed")
    time.sleep(0.2)  # all of one flush has arrived
    told = sorted((e["service"], e["waiting"]) for e in drain(kiosk, "queue_changed"))
    assert told == [("KK", 0), ("KTP", 2)]  # five commits, one event per service


def test_a_new_running_text_reaches_the_displays(hub_hall: HubHall) -> None:
    hall, kiosk = hub_hall.device("aula"), hub_hall.device("kiosk-1")
    drain(hall), drain(kiosk)
    with hub_hall.session() as session:
        site = session.get(Site, 1)
        assert site is not None
        site.running_text = "Layanan Paspor tutup pukul 12.00"
        session.commit()
        hub_hall.hub.refresh(session, DeviceKind.DISPLAY)
    [snapshot] = drain(hall, "snapshot")
    assert snapshot["running_text"] == "Layanan Paspor tutup pukul 12.00"
    assert snapshot["seq"] == 1 and snapshot["room"] == "display:aula"
    assert drain(kiosk) == []
