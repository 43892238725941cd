"""GET /services, POST /tickets, GET /tickets/<token>, cancel: happy paths and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.support.halls import wita


def _error(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.get_json()
    body = answer.get_json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def _waiting(api: Api, service: str = "KTP") -> int:
    overview = api.client().get("/api/v1/services", headers=api.bearer("kiosk-1")).get_json()
    return next(s["waiting"] for a in overview["agencies"] for s in a["services"]
                if s["code"] == service)


def test_services_lists_agencies_with_state_and_estimates(api: Api) -> None:
    api.issue("KTP")
    answer = api.client().get("/api/v1/services", headers=api.bearer("kiosk-1"))
    assert answer.status_code == 200
    agencies = answer.get_json()["agencies"]
    assert [a["code"] for a in agencies] == ["DUKCAPIL", "POLRES", "IMIGRASI"]
    ktp = agencies[0]["services"][0]
    assert ktp["code"] == "KTP" and ktp["open"] is True and ktp["closed_reason"] is None
    assert ktp["waiting"] == 1 and ktp["quota"] == 5 and ktp["quota_left"] == 4
    # No counter serving KTP is open: no figure (the pages say "belum ada loket yang buka")
    assert ktp["estimated_wait_min"] is None
    assert ktp["requirements"] == ["Kartu Keluarga"]
    assert agencies[0]["waiting"] == 1


def test_services_explain_why_a_service_is_closed(api: Api) -> None:
    api.clock.set(wita("2026-11-30 07:45"))  # kiosks issue, but passports only from 08:00
    services = {s["code"]: s for a in api.client().get(
        "/api/v1/services", headers=api.bearer("kiosk-1")).get_json()["agencies"]
        for s in a["services"]}
    assert services["KTP"]["open"] is True
    assert services["PASPOR"]["open"] is False
    assert services["PASPOR"]["closed_reason"] == "not_open_yet"
    # Both languages at once, the shape `queue_changed` carries too.
    assert services["PASPOR"]["closed_message"] == {
        "id": "Pengambilan nomor dibuka pukul 08.00.", "en": "Tickets are issued from 08.00."}


def test_kiosk_issues_a_ticket(api: Api) -> None:
    body = api.issue("KTP", priority=True, priority_reason="lansia")
    assert body["code"] == "A-001" and body["number"] == 1
    assert body["service"] == "KTP" and body["agency"] == "DUKCAPIL"
    assert body["status"] == "waiting" and body["priority"] is True
    assert body["priority_reason"] == "lansia" and body["channel"] == "kiosk"
    assert body["ahead"] == 0 and body["estimated_wait_min"] is None  # no counter open
    # No print agent is connected here (tests/printing has them): the ticket is valid, unprinted.
    assert (body["print_status"], body["print_error"]) == ("failed", "no_agent")
    assert body["tracking_url"] == f"http://antre.test/t/{body['token']}"
    second = api.issue("KTP")
    assert second["code"] == "A-002" and second["ahead"] == 1


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({"service": 12}, 422, "invalid_input"),
    ({}, 422, "invalid_input"),
    ({"service": "KTP", "priority": "ya"}, 422, "invalid_input"),
    ({"service": "KTP", "priority": True, "priority_reason": "vip"}, 422, "invalid_input"),
    ({"service": "KTP", "extra": 1}, 422, "invalid_input"),
    ({"service": "NOPE"}, 404, "unknown_service"),
])
def test_issue_refuses_bad_input_and_changes_nothing(api: Api, payload: dict[str, Any],
                                                     status: int, code: str) -> None:
    answer = api.client().post("/api/v1/tickets", headers=api.bearer("kiosk-1"), json=payload)
    _error(answer, status, code)
    assert _waiting(api) == 0


def test_issue_refuses_a_body_that_is_not_json(api: Api) -> None:
    answer = api.client().post("/api/v1/tickets", headers={
        **api.bearer("kiosk-1"), "Content-Type": "application/json"}, data="{service: KTP")
    _error(answer, 400, "invalid_json")


def test_kiosk_channel_needs_the_kiosk_token(api: Api) -> None:
    _error(api.client().post("/api/v1/tickets", json={"service": "KTP"}), 401, "unauthorized")
    _error(api.client().post("/api/v1/tickets", headers=api.bearer("aula"),
                             json={"service": "KTP"}), 401, "unauthorized")
    _error(api.client().post("/api/v1/tickets", headers={"Authorization": "Bearer nope"},
                             json={"service": "KTP"}), 401, "invalid_token")
    assert _waiting(api) == 0


def test_full_quota_and_closed_service_are_refused(api: Api) -> None:
    for _ in range(5):
        api.issue("KTP")
    answer = api.client().post("/api/v1/tickets", headers=api.bearer("kiosk-1"),
                               json={"service": "KTP"})
    _error(answer, 409, "quota_reached")
    assert _waiting(api) == 5
    api.clock.set(wita("2026-11-30 14:30"))
    late = api.client().post("/api/v1/tickets", headers=api.bearer("kiosk-1"),
                             json={"service": "SKCK"})
    _error(late, 409, "after_cutoff")
    assert "14.30" in late.get_json()["error"]["message"]


def test_online_channel_is_refused_until_remote_booking_exists(api: Api) -> None:
    """Anonymous online tickets (priority ones too) drained quotas; see tests/security for
    the rules and for X-Forwarded-For behind the hall's proxies."""
    anonymous = api.client().post("/api/v1/tickets",
                                  json={"service": "SKCK", "channel": "online"})
    _error(anonymous, 401, "unauthorized")
    signed = api.client().post("/api/v1/tickets", headers=api.bearer("kiosk-1"),
                               json={"service": "SKCK", "channel": "online"})
    _error(signed, 403, "online_issuing_unavailable")
    assert _waiting(api, "SKCK") == 0


def test_authenticated_kiosk_is_not_rate_limited(api: Api) -> None:
    for _ in range(130):
        assert api.client().get("/api/v1/services",
                                headers=api.bearer("kiosk-1")).status_code == 200
    statuses = {api.client().get("/api/v1/services").status_code for _ in range(125)}
    assert statuses == {200, 429}


def test_visitor_views_and_cancels_their_ticket(api: Api) -> None:
    first = api.issue("KTP")
    mine = api.issue("KTP")
    view = api.client().get(f"/api/v1/tickets/{mine['token']}")
    assert view.status_code == 200
    body = view.get_json()
    assert body["code"] == "A-002" and body["ahead"] == 1 and body["status"] == "waiting"
    assert "token" not in body and "id" not in body
    cancelled = api.client().post(f"/api/v1/tickets/{mine['token']}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    again = api.client().post(f"/api/v1/tickets/{mine['token']}/cancel")
    _error(again, 409, "invalid_transition")
    assert _waiting(api) == 1
    assert api.client().get(f"/api/v1/tickets/{first['token']}").get_json()["ahead"] == 0


def test_unknown_ticket_token_is_404(api: Api) -> None:
    _error(api.client().get("/api/v1/tickets/not-a-token"), 404, "unknown_ticket")
    _error(api.client().post("/api/v1/tickets/not-a-token/cancel"), 404, "unknown_ticket")


def test_unknown_api_path_and_method_answer_json(api: Api) -> None:
    _error(api.client().get("/api/v1/nothing-here"), 404, "not_found")
    _error(api.client().delete("/api/v1/services"), 405, "method_not_allowed")


def test_errors_speak_english_when_asked(api: Api) -> None:
    answer = api.client().post("/api/v1/tickets", headers={
        **api.bearer("kiosk-1"), "Accept-Language": "en"}, json={"service": "NOPE"})
    assert answer.get_json()["error"]["message"] == "Unknown service 'NOPE'."
    default = api.client().post("/api/v1/tickets", headers=api.bearer("kiosk-1"),
                                json={"service": "NOPE"})
    assert default.get_json()["error"]["message"] == "Layanan 'NOPE' tidak dikenal."
