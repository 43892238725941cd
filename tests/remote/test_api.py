"""The booking API over HTTP: the public routes, every refusal with its reason and nothing
changed, check-in by a kiosk (printed as an issued ticket is) or by staff of the agency."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from queue_server.models import Device, Ticket, TicketEvent
from queue_server.queue.identity import identity_key, phone_identity
from tests.api.conftest import Api
from tests.remote.conftest import NIK
from tests.support.halls import wita

PHONE = "0812 3456 7890"


def post(api: Api, payload: dict[str, Any], client: FlaskClient | None = None) -> Any:
    return (client or api.client()).post("/api/v1/bookings", json=payload)


def booked(api: Api, service: str = "KTP", phone: str = PHONE, **extra: Any) -> dict[str, Any]:
    answer = post(api, {"service": service, "phone": phone, **extra})
    assert answer.status_code == 201, answer.get_json()
    ticket: dict[str, Any] = answer.get_json()["ticket"]
    return ticket


def services(api: Api) -> dict[str, dict[str, Any]]:
    body = api.client().get("/api/v1/bookings/services").get_json()
    return {s["code"]: s for agency in body["agencies"] for s in agency["services"]}


def written(api: Api) -> tuple[int, int]:
    with api.app.extensions["antre"].sessions() as session:
        return (session.scalar(select(func.count()).select_from(Ticket)) or 0,
                session.scalar(select(func.count()).select_from(TicketEvent)) or 0)


def error_of(answer: Any, status: int) -> str:
    assert answer.status_code == status, answer.get_json()
    body = answer.get_json()["error"]
    assert body["message"]
    code: str = body["code"]
    return code


def test_services_say_what_can_be_booked(remote_api: Api) -> None:
    body = remote_api.client().get("/api/v1/bookings/services").get_json()
    assert (body["enabled"], body["days_ahead"], body["few_ahead"]) == (True, 7, 2)
    found = services(remote_api)
    assert found["KTP"]["remote_left"] == 2 and found["KTP"]["remote_open"] is True
    assert found["KK"]["asks_nik"] is True and found["KK"]["remote_left"] is None
    assert found["SKCK"]["offers_slots"] is True and found["KTP"]["offers_slots"] is False
    assert found["KTP"]["requirements"] == ["Kartu Keluarga"]
    booked(remote_api)
    booked(remote_api, phone="081299998888")
    ktp = services(remote_api)["KTP"]
    assert (ktp["remote_left"], ktp["remote_open"]) == (0, False)
    assert ktp["remote_closed_message"]["en"].startswith("The numbers KTP-el keeps")
    remote_api.clock.set(wita("2026-11-30 13:30"))
    skck = services(remote_api)["SKCK"]
    assert skck["remote_open"] is False
    assert skck["remote_closed_message"]["id"].endswith("untuk hari ini ditutup pukul 13.30.")


def test_a_booking_is_tracked_and_cancelled_like_a_ticket(remote_api: Api) -> None:
    ticket = booked(remote_api)
    assert (ticket["code"], ticket["status"], ticket["slot"], ticket["day"]) == (
        "A-001", "booked", None, "2026-11-30")
    assert ticket["tracking_url"] == f"/t/{ticket['token']}" and ticket["phone_last4"] == "7890"
    assert ticket["arrive_until"] == "2026-11-30T01:15:00Z"
    seen = remote_api.client().get(f"/api/v1/tickets/{ticket['token']}").get_json()
    assert seen["status"] == "booked" and seen["code"] == "A-001"
    gone = remote_api.client().post(f"/api/v1/tickets/{ticket['token']}/cancel")
    assert gone.status_code == 200 and gone.get_json()["status"] == "cancelled"
    assert services(remote_api)["KTP"]["remote_left"] == 2  # the unit is given back
    assert booked(remote_api)["code"] == "A-002"  # and the phone may book again


def test_an_appointment_in_a_slot(remote_api: Api) -> None:
    ticket = booked(remote_api, "SKCK", date="2026-12-01", slot="10:00")
    assert (ticket["day"], ticket["slot"]) == ("2026-12-01", "10:00")
    assert ticket["arrive_from"] == "2026-12-01T01:30:00Z"
    slots = remote_api.client().get("/api/v1/services/SKCK/slots?date=2026-12-01").get_json()
    assert slots["closed_message"] is None
    assert slots["slots"][:2] == [
        {"start": "08:00", "end": "08:30", "capacity": 2, "left": 2},
        {"start": "08:30", "end": "09:00", "capacity": 2, "left": 2}]
    ten = next(s for s in slots["slots"] if s["start"] == "10:00")
    assert ten["left"] == 1
    assert slots["slots"][-1]["start"] == "14:00"  # the last one starting before the cutoff
    saturday = remote_api.client().get("/api/v1/services/SKCK/slots?date=2026-12-05")
    assert saturday.get_json()["closed_message"]["id"] == "Hari Sabtu layanan tutup."
    today = remote_api.client().get("/api/v1/services/SKCK/slots?date=2026-11-30&lang=en")
    today = today.get_json()
    assert today["slots"][0]["left"] == 0  # 08:00 is past at 09:00


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"service": "KTP", "phone": "12345"}, 422, "invalid_phone"),
    ({"service": "KK", "phone": PHONE}, 422, "nik_required"),
    ({"service": "KK", "phone": PHONE, "nik": "5108014507900000"}, 422, "invalid_nik"),
    ({"service": "SKCK", "phone": PHONE, "date": "2026-12-01", "slot": "10:10"}, 422,
     "invalid_slot"),
    ({"service": "SKCK", "phone": PHONE, "date": "2026-12-01", "slot": "25:00"}, 422,
     "invalid_slot"),
    ({"service": "SKCK", "phone": PHONE, "date": "besok", "slot": "10:00"}, 422,
     "invalid_date"),
    ({"service": "SKCK", "phone": PHONE, "date": "2026-12-31", "slot": "10:00"}, 422,
     "invalid_date"),
    ({"service": "SKCK", "phone": PHONE, "date": "2026-12-05", "slot": "10:00"}, 409,
     "remote_closed"),
    ({"service": "NOPE", "phone": PHONE}, 404, "unknown_service"),
    ({"service": "KTP"}, 422, "invalid_input"),
    ({"service": "KTP", "phone": 812345678}, 422, "invalid_input"),
])
def test_bad_bookings_are_refused_and_change_nothing(remote_api: Api, payload: dict[str, Any],
                                                     status: int, code: str) -> None:
    before = written(remote_api)
    assert error_of(post(remote_api, payload), status) == code
    assert written(remote_api) == before


def test_conflicting_bookings_are_refused_with_their_reason(remote_api: Api) -> None:
    booked(remote_api)
    booked(remote_api, "SKCK", "081200000001", date="2026-12-01", slot="10:00")
    booked(remote_api, "SKCK", "081200000002", date="2026-12-01", slot="10:00")
    booked(remote_api, "KK", "081200000003", nik=NIK)
    booked(remote_api, "KTP", "081200000004")
    before = written(remote_api)
    for payload, code in [
        ({"service": "KTP", "phone": "+62 812-3456-7890"}, "already_booked"),
        ({"service": "KK", "phone": "081200000009", "nik": NIK}, "already_booked"),
        ({"service": "SKCK", "phone": "081200000005", "date": "2026-12-01", "slot": "10:00"},
         "slot_full"),
        ({"service": "KTP", "phone": "081200000006"}, "remote_quota_reached"),
    ]:
        assert error_of(post(remote_api, payload), 409) == code
    assert written(remote_api) == before


def test_bookings_are_rate_limited_per_address_and_per_phone(remote_api: Api) -> None:
    client = remote_api.client()
    for _ in range(10):  # refused bookings count too: a script is stopped either way
        error_of(post(remote_api, {"service": "KTP", "phone": "1"}, client), 422)
    assert error_of(post(remote_api, {"service": "KTP", "phone": PHONE}, client), 429) \
        == "rate_limited"
    assert written(remote_api) == (0, 0)
    # One phone from many addresses: ten tries a day.
    for index in range(10):
        answer = remote_api.client().post(
            "/api/v1/bookings", json={"service": "KK", "phone": PHONE},
            environ_base={"REMOTE_ADDR": f"10.0.0.{index}"})
        error_of(answer, 422)
    answer = remote_api.client().post("/api/v1/bookings", json={"service": "KK", "phone": PHONE},
                                      environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert error_of(answer, 429) == "rate_limited"


def check_in(api: Api, key: str, who: str = "kiosk-1") -> Any:
    return api.client().post(f"/api/v1/tickets/{key}/check-in", headers=api.bearer(who))


def test_a_kiosk_checks_in_and_prints_the_ticket(remote_api: Api) -> None:
    ticket = booked(remote_api)
    remote_api.clock.advance(minutes=5)
    with remote_api.app.extensions["antre"].sessions.begin() as session:
        kiosk = session.get_one(Device, "kiosk-1")
        kiosk.agent_seen_at = remote_api.clock.now()  # its print agent is connected
    answer = check_in(remote_api, ticket["booking_code"].lower())
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["ticket"]["status"] == "waiting" and body["ticket"]["place_kept"] is True
    assert body["ticket"]["print_status"] == "pending"
    assert body["ticket"]["arrive_until"] == ticket["arrive_until"]
    assert body["ticket"]["tracking_url"] == f"http://antre.test/t/{ticket['token']}"
    job = body["print"]
    assert job["job_id"].endswith(".1") and job["ticket"]["code"] == "A-001"
    assert job["ticket"]["tracking_url"] == f"http://antre.test/t/{ticket['token']}"
    again = check_in(remote_api, ticket["token"])
    assert error_of(again, 409) == "already_checked_in"


def test_a_kiosk_without_its_agent_shows_the_number_instead(remote_api: Api) -> None:
    ticket = booked(remote_api)
    body = check_in(remote_api, ticket["token"]).get_json()
    assert body["print"] is None and body["ticket"]["print_status"] == "failed"
    assert body["ticket"]["print_error"] == "no_agent"


def test_staff_of_the_agency_check_in_others_do_not_see_the_ticket(remote_api: Api) -> None:
    ktp = booked(remote_api)
    assert error_of(check_in(remote_api, ktp["token"], "budi"), 404) == "unknown_ticket"
    assert error_of(check_in(remote_api, ktp["token"], "aula"), 401) == "unauthorized"
    assert error_of(remote_api.client().post(f"/api/v1/tickets/{ktp['token']}/check-in"),
                    401) == "unauthorized"
    body = check_in(remote_api, ktp["token"], "ayu").get_json()
    assert body["print"] is None and body["ticket"]["print_status"] == "none"
    assert body["ticket"]["token"] is None  # only a kiosk's answer carries the token
    assert error_of(check_in(remote_api, "ZZZZZZ", "sari"), 404) == "unknown_ticket"


def test_too_early_and_too_late(remote_api: Api) -> None:
    slot = booked(remote_api, "SKCK", date="2026-12-01", slot="10:00")
    early = check_in(remote_api, slot["token"])
    assert error_of(early, 409) == "too_early"
    assert early.get_json()["error"]["message"] == (
        f"Terlalu awal. Check-in nomor {slot['code']} mulai Selasa 01-12-2026, pukul 09.30 "
        "(sampai 10.15).")
    late = booked(remote_api)
    remote_api.clock.set(wita("2026-11-30 10:16"))  # 09:15 + the hour's grace, and a minute
    assert error_of(check_in(remote_api, late["token"]), 409) == "too_late"
    remote_api.clock.set(wita("2026-12-01 09:45"))
    assert check_in(remote_api, slot["token"]).get_json()["ticket"]["place_kept"] is True


def test_an_officer_checks_in_from_the_console_session(remote_api: Api) -> None:
    ticket = booked(remote_api)
    client, csrf = remote_api.signed_in("ayu")
    refused = client.post(f"/api/v1/tickets/{ticket['booking_code']}/check-in")
    assert error_of(refused, 403) == "csrf_failed"
    assert remote_api.client().get(f"/api/v1/tickets/{ticket['token']}").get_json()[
        "status"] == "booked"
    answer = client.post(f"/api/v1/tickets/{ticket['booking_code']}/check-in",
                         headers={"X-CSRFToken": csrf})
    assert answer.status_code == 200 and answer.get_json()["ticket"]["status"] == "waiting"


def test_the_phone_is_hashed_with_a_key_from_the_servers_secret(remote_api: Api) -> None:
    booked(remote_api)
    with remote_api.app.extensions["antre"].sessions() as session:
        stored = session.scalars(select(Ticket.phone_hash)).one()
    assert stored == phone_identity(identity_key("test-secret"), PHONE).hash
    assert stored != phone_identity(identity_key("another-secret"), PHONE).hash
