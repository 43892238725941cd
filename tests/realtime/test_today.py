"""Today's hall reaches the screens by events: a service closed, reopened or given a new quota
by staff, a service opening or closing by the clock, a running text and an announcement, each
to the rooms concerned and no other."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from queue_server.hub.schedule import Due, next_change, tell
from queue_server.models import Service
from tests.realtime.conftest import HubHall, drain, once
from tests.support.halls import wita


def _api(hub_hall: HubHall) -> FlaskClient:
    return hub_hall.app.test_client()


def _as(hub_hall: HubHall, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {hub_hall.tokens[who]}"}


def _service_ids(hub_hall: HubHall, *codes: str) -> tuple[int, ...]:
    with hub_hall.session() as session:
        return tuple(session.scalars(select(Service.id).where(Service.code == code)).one()
                     for code in codes)


@pytest.mark.parametrize(("path", "body", "expected"), [
    ("/api/v1/services/KTP/close", {"reason": "Blangko KTP-el habis"},
     {"open": False, "closed_reason": "closed_today", "closed_message": {
         "id": "Layanan ditutup hari ini: Blangko KTP-el habis",
         "en": "The service is closed today: Blangko KTP-el habis"}}),
    ("/api/v1/services/KTP/quota", {"quota": 0, "reason": "Petugas rapat"},
     {"open": False, "closed_reason": "quota_reached", "quota_left": 0}),
])
def test_staffs_change_to_a_service_reaches_its_kiosks_and_displays_not_another_zone(
        hub_hall: HubHall, path: str, body: dict[str, Any], expected: dict[str, Any]) -> None:
    kiosk, hall, zone_a, zone_b = (hub_hall.device(d)
                                   for d in ("kiosk-1", "aula", "zona-a", "zona-b"))
    for client in (kiosk, hall, zone_a, zone_b):
        drain(client)
    answer = _api(hub_hall).post(path, json=body, headers=_as(hub_hall, "admin"))
    assert answer.status_code == 200, answer.get_json()
    for client in (kiosk, hall, zone_a):
        [event] = once(drain(client, "queue_changed"))
        assert event["service"] == "KTP"
        assert {key: event[key] for key in expected} == expected
    assert drain(zone_b) == []  # a POLRES zone shows nothing of DUKCAPIL


def test_a_reopened_service_is_told_open_again(hub_hall: HubHall) -> None:
    api, admin = _api(hub_hall), _as(hub_hall, "admin")
    assert api.post("/api/v1/services/KK/close", json={"reason": "Jaringan SIAK putus"},
                    headers=admin).status_code == 200
    kiosk, hall = hub_hall.device("kiosk-1"), hub_hall.device("aula")
    drain(kiosk), drain(hall)
    assert api.post("/api/v1/services/KK/reopen", json={"reason": "Jaringan pulih"},
                    headers=admin).status_code == 200
    for client in (kiosk, hall):
        [event] = drain(client, "queue_changed")
        assert (event["service"], event["open"], event["closed_message"]) == ("KK", True, None)


def test_the_next_change_by_the_clock_is_found_per_service(hub_hall: HubHall) -> None:
    ktp, kk, skck, paspor = _service_ids(hub_hall, "KTP", "KK", "SKCK", "PASPOR")
    with hub_hall.session() as session:
        def due(moment: str) -> Due | None:
            return next_change(session, wita(moment))

        # Monday: the hall's services from 07.30, passports from 08.00 and only until noon.
        assert due("2026-11-30 06:00") == Due(wita("2026-11-30 07:30"), (ktp, kk, skck))
        assert due("2026-11-30 07:30") == Due(wita("2026-11-30 08:00"), (paspor,))
        assert due("2026-11-30 09:00") == Due(wita("2026-11-30 12:00"), (paspor,))
        assert due("2026-11-30 12:00") == Due(wita("2026-11-30 14:30"), (ktp, kk, skck))
        # After the last cutoff: the first opening tomorrow.
        assert due("2026-11-30 15:00") == Due(wita("2026-12-01 07:30"), (ktp, kk, skck))
        # Friday's prayer break: issuing pauses and resumes.
        assert due("2026-12-04 11:00") == Due(wita("2026-12-04 11:30"), (ktp, kk, skck))
        assert due("2026-12-04 11:30") == Due(wita("2026-12-04 13:00"), (ktp, kk, skck))
        # Saturday: nothing today or on Sunday. Christmas (a Friday) is a holiday.
        assert due("2026-12-05 10:00") is None
        assert due("2026-12-24 15:00") is None


def test_a_service_closing_by_the_clock_is_told_once_to_its_kiosks_and_displays(
        hub_hall: HubHall) -> None:
    kiosk, hall, zone_b = (hub_hall.device(d) for d in ("kiosk-1", "aula", "zona-b"))
    hub_hall.clock.set(wita("2026-11-30 11:59:59"))
    with hub_hall.session() as session:
        due = next_change(session, hub_hall.clock.now())
    assert due is not None
    for client in (kiosk, hall, zone_b):
        drain(client)

    hub_hall.clock.set(due.at)
    assert tell(hub_hall.hub, due)
    for client in (kiosk, hall):
        [event] = drain(client, "queue_changed")
        assert (event["service"], event["open"], event["closed_reason"]) == (
            "PASPOR", False, "after_cutoff")
        assert event["closed_message"]["id"] == \
            "Pengambilan nomor hari ini sudah ditutup pukul 12.00."
    assert drain(zone_b) == []
    # A second process reaching the same moment finds it told.
    assert not tell(hub_hall.hub, due)
    assert drain(kiosk) == []


def test_the_remote_share_freed_at_its_cut_off_is_told_to_the_kiosks(
        hub_hall: HubHall) -> None:
    """KTP keeps 20 % of its quota of 5 for remote bookings until an hour before its 14.30
    cutoff: at 13.30 walk-ins may take that one too."""
    with hub_hall.session() as session:
        ktp = session.scalars(select(Service).where(Service.code == "KTP")).one()
        ktp.remote_share, ktp.remote_cutoff_minutes = 20, 60
        session.commit()
        ktp_id = ktp.id
        assert next_change(session, wita("2026-11-30 13:00")) == Due(
            wita("2026-11-30 13:30"), (ktp_id,))
    kiosk = hub_hall.device("kiosk-1")
    [ktp_state] = [s for a in drain(kiosk, "snapshot")[0]["agencies"] for s in a["services"]
                   if s["code"] == "KTP"]
    assert ktp_state["quota_left"] == 4
    hub_hall.clock.set(wita("2026-11-30 13:30"))
    assert tell(hub_hall.hub, Due(wita("2026-11-30 13:30"), (ktp_id,)))
    [event] = drain(kiosk, "queue_changed")
    assert (event["service"], event["open"], event["quota_left"]) == ("KTP", True, 5)


def test_an_announcement_to_one_display_reaches_it_alone(hub_hall: HubHall) -> None:
    hall, zone_a, zone_b, kiosk = (hub_hall.device(d)
                                   for d in ("aula", "zona-a", "zona-b", "kiosk-1"))
    for client in (hall, zone_a, zone_b, kiosk):
        drain(client)
    answer = _api(hub_hall).post("/api/v1/admin/announcement", headers=_as(hub_hall, "admin"),
                                 json={"text": "Loket 3 pindah ke lantai 2", "display": "zona-b"})
    assert answer.status_code == 200, answer.get_json()
    [event] = drain(zone_b, "announcement")
    assert (event["text"], event["said"]) == ("Loket 3 pindah ke lantai 2", {
        "id": "Pengumuman: Loket 3 pindah ke lantai 2",
        "en": "Announcement: Loket 3 pindah ke lantai 2"})
    for client in (hall, zone_a, kiosk):
        assert drain(client) == []

    _api(hub_hall).post("/api/v1/admin/announcement", headers=_as(hub_hall, "admin"),
                        json={"text": "Mohon antre dengan tertib"})
    for client in (hall, zone_a, zone_b):
        assert [e["text"] for e in drain(client, "announcement")] == ["Mohon antre dengan tertib"]
    assert drain(kiosk) == []
