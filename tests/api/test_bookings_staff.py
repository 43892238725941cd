"""Staff's view of today's tickets taken from home (GET /api/v1/bookings/today) and the
overview's counts: per service and slot, who has not arrived, scoped to the user's agencies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from queue_server.models import Ticket
from queue_server.queue.bookings import BookingRequest, book
from queue_server.queue.checkin import check_in
from queue_server.queue.expiry import expire_bookings
from queue_server.queue.identity import identity_key
from tests.api.conftest import Api, make_api
from tests.support.halls import remote_hall_data

KEY = identity_key("test-secret")


@pytest.fixture
def remote_api(tmp_path: Path, template: tuple[Path, dict[str, str]]) -> Iterator[Api]:
    """The small hall taking numbers from home, Monday 09:00 WITA: KTP keeps 2 of its 5 for
    remote bookings, KK asks the NIK, SKCK offers 30-minute slots for 2."""
    built = make_api(tmp_path, template, remote_hall_data())
    yield built
    built.app.extensions["antre"].engine.dispose()


def book_one(api: Api, service: str, phone: str, *, nik: str | None = None,
             slot: str | None = None) -> Ticket:
    with api.app.extensions["antre"].sessions.begin() as session:
        ticket = book(session, api.clock.now(), KEY, BookingRequest(
            service, phone, nik, None, time.fromisoformat(slot) if slot else None))
        session.expunge(ticket)
        return ticket


def arrive(api: Api, ticket: Ticket) -> None:
    with api.app.extensions["antre"].sessions.begin() as session:
        check_in(session, api.clock.now(), session.get_one(Ticket, ticket.id))


def get(api: Api, who: str | None, query: str) -> Any:
    headers = api.bearer(who) if who else {}
    return api.client().get(f"/api/v1/bookings/today?{query}", headers=headers)


def ok(answer: Any) -> Any:
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def counts(service: dict[str, Any]) -> tuple[int, int, int, int]:
    found = service["counts"]
    return found["booked"], found["checked_in"], found["not_arrived"], found["expired"]


def test_a_counter_sees_its_services_bookings_and_who_has_not_arrived(remote_api: Api) -> None:
    first = book_one(remote_api, "KTP", "0812-3456-7890")
    second = book_one(remote_api, "KK", "0813 1111 2222", nik="5108014507900003")
    book_one(remote_api, "SKCK", "0814-5555-6666", slot="10:00")  # Polres: not L1's
    arrive(remote_api, first)
    found = ok(get(remote_api, "ayu", "counter=L1"))
    assert found["day"] == "2026-11-30"
    assert [(s["code"], s["takes_remote"], counts(s)) for s in found["services"]] == [
        ("KTP", True, (1, 1, 0, 0)), ("KK", True, (1, 0, 1, 0))]
    assert all(s["slots"] == [] for s in found["services"])  # no appointments for these
    assert found["not_arrived_total"] == 1
    (waiting,) = found["not_arrived"]
    assert (waiting["id"], waiting["code"], waiting["service"], waiting["booking_code"],
            waiting["phone_last4"], waiting["nik_last4"], waiting["window"],
            waiting["slot_start"]) == (
        second.id, second.code, "KK", second.booking_code, "2222", "0003", "open", None)
    assert waiting["arrive_until"] is not None


def test_an_appointment_service_lists_the_days_slots(remote_api: Api) -> None:
    one = book_one(remote_api, "SKCK", "0812-0000-0001", slot="10:00")
    book_one(remote_api, "SKCK", "0812-0000-0002", slot="10:00")
    book_one(remote_api, "SKCK", "0812-0000-0003", slot="10:30")
    found = ok(get(remote_api, "budi", "service=SKCK"))
    (skck,) = found["services"]
    assert counts(skck) == (3, 0, 3, 0)
    slots = {s["start"]: s for s in skck["slots"]}
    # Monday 08:00 to the 14:30 cutoff in 30-minute slots
    assert list(slots)[:3] == ["08:00", "08:30", "09:00"] and list(slots)[-1] == "14:00"
    assert (slots["10:00"]["end"], slots["10:00"]["capacity"], slots["10:00"]["taken"],
            slots["10:00"]["left"]) == ("10:30", 2, 2, 0)
    assert (slots["08:00"]["taken"], slots["08:00"]["left"]) == (0, 0)  # started already
    assert slots["10:30"]["left"] == 1 and slots["11:00"]["left"] == 2
    # Before the arrival window opens: early
    assert [w["window"] for w in found["not_arrived"]] == ["early", "early", "early"]
    assert found["not_arrived"][0]["slot_start"] == "2026-11-30T02:00:00Z"

    remote_api.clock.advance(minutes=65)  # 10:05, in the window
    arrive(remote_api, one)
    found = ok(get(remote_api, "budi", "service=SKCK"))
    slots = {s["start"]: s for s in found["services"][0]["slots"]}
    assert (slots["10:00"]["counts"]["checked_in"], slots["10:00"]["counts"]["not_arrived"],
            slots["10:00"]["left"]) == (1, 1, 0)


def test_never_arrived_bookings_are_counted_expired(remote_api: Api) -> None:
    book_one(remote_api, "SKCK", "0812-0000-0001", slot="10:00")
    remote_api.clock.advance(hours=3)  # 12:00: past the window and its grace
    with remote_api.app.extensions["antre"].sessions.begin() as session:
        assert len(expire_bookings(session, remote_api.clock.now())) == 1
    found = ok(get(remote_api, "budi", "service=SKCK"))
    (skck,) = found["services"]
    assert counts(skck) == (1, 0, 0, 1)
    slot = next(s for s in skck["slots"] if s["start"] == "10:00")
    assert slot["counts"] == {"booked": 1, "checked_in": 0, "not_arrived": 0, "expired": 1}
    assert (slot["taken"], slot["left"]) == (0, 0)  # expired: holds nothing; started
    assert found["not_arrived"] == [] and found["not_arrived_total"] == 0


def test_a_long_list_is_paged_and_found_by_its_last_digits(remote_api: Api) -> None:
    tickets = [book_one(remote_api, "SKCK", f"0812-0000-{n:04d}", slot=slot)
               for n, slot in ((1, "13:00"), (2, "10:00"), (3, "11:30"))]
    found = ok(get(remote_api, "admin", "service=SKCK&limit=2"))
    assert found["not_arrived_total"] == 3 and (found["limit"], found["offset"]) == (2, 0)
    # by arrival window: 10:00, 11:30, then 13:00
    assert [w["id"] for w in found["not_arrived"]] == [tickets[1].id, tickets[2].id]
    rest = ok(get(remote_api, "admin", "service=SKCK&limit=2&offset=2"))
    assert [w["id"] for w in rest["not_arrived"]] == [tickets[0].id]
    by_phone = ok(get(remote_api, "admin", "service=SKCK&find=0003"))
    assert (by_phone["not_arrived_total"], by_phone["not_arrived"][0]["id"]) == (
        1, tickets[2].id)
    code = tickets[0].booking_code or ""
    by_code = ok(get(remote_api, "admin", f"find={code.lower()}"))
    assert [w["id"] for w in by_code["not_arrived"]] == [tickets[0].id]


def test_each_user_sees_only_their_agencies(remote_api: Api) -> None:
    book_one(remote_api, "KTP", "0812-3456-7890")
    book_one(remote_api, "SKCK", "0814-5555-6666", slot="10:00")
    mine = ok(get(remote_api, "sari", ""))
    assert [s["code"] for s in mine["services"]] == ["KTP", "KK"]
    assert [w["service"] for w in mine["not_arrived"]] == ["KTP"]
    everything = ok(get(remote_api, "admin", ""))
    assert [s["code"] for s in everything["services"]] == ["KTP", "KK", "SKCK", "PASPOR"]
    assert everything["not_arrived_total"] == 2
    assert [s["code"] for s in ok(get(remote_api, "budi", "agency=POLRES"))["services"]] == [
        "SKCK"]


@pytest.mark.parametrize(("who", "query", "status", "code"), [
    (None, "", 401, "unauthorized"),
    ("ayu", "counter=L3", 403, "forbidden"),
    ("ayu", "service=SKCK", 403, "forbidden"),
    ("sari", "agency=POLRES", 403, "forbidden"),
    ("ayu", "agency=NOPE", 404, "unknown_agency"),
    ("ayu", "service=NOPE", 404, "unknown_service"),
    ("ayu", "counter=L9", 404, "unknown_counter"),
    ("ayu", "counter=L1&service=KTP", 422, "invalid_input"),
    ("ayu", "limit=0", 422, "invalid_input"),
    ("ayu", "limit=500", 422, "invalid_input"),
    ("ayu", "offset=-1", 422, "invalid_input"),
])
def test_refusals_say_why(remote_api: Api, who: str | None, query: str, status: int,
                          code: str) -> None:
    answer = get(remote_api, who, query)
    assert answer.status_code == status, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == code and error["message"]


def test_the_overview_counts_remote_tickets_per_service(remote_api: Api) -> None:
    first = book_one(remote_api, "KTP", "0812-3456-7890")
    book_one(remote_api, "KTP", "0813-3456-7890")
    arrive(remote_api, first)
    answer = remote_api.client().get("/api/v1/overview", headers=remote_api.bearer("sari"))
    services = {s["code"]: s["remote"] for s in ok(answer)["services"]}
    assert services == {
        "KTP": {"booked": 2, "checked_in": 1, "not_arrived": 1, "expired": 0},
        "KK": {"booked": 0, "checked_in": 0, "not_arrived": 0, "expired": 0}}


def test_in_the_openapi_document(remote_api: Api) -> None:
    document = ok(remote_api.client().get("/api/v1/openapi.json"))
    operation = document["paths"]["/api/v1/bookings/today"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "counter", "service", "agency", "find", "limit", "offset"}
    assert {"401", "403", "404", "422"} <= set(operation["responses"])
