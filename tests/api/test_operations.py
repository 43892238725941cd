"""Operations endpoints: the supervisor's day changes, the overview, the officer's own day,
console presence, and staff handling single tickets — with who may do what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from queue_server.extensions import socketio
from queue_server.models import Device
from tests.api.conftest import Api


def _ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def _error(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["code"] == code


def _post(api: Api, who: str, path: str, **body: Any) -> Any:
    return api.client().post(f"/api/v1{path}", headers=api.bearer(who), json=body)


def _get(api: Api, who: str, path: str) -> Any:
    return api.client().get(f"/api/v1{path}", headers=api.bearer(who))


def kiosk_service(api: Api, code: str) -> dict[str, Any]:
    services = _ok(_get(api, "kiosk-1", "/services"))
    return next(s for a in services["agencies"] for s in a["services"] if s["code"] == code)


def test_quota_change_reaches_the_kiosk_at_once(api: Api) -> None:
    kiosk = socketio.test_client(api.app, auth={"kiosk": "kiosk-1",
                                                "token": api.tokens["kiosk-1"]})
    kiosk.get_received()
    api.issue("KTP")
    api.issue("KTP")
    assert kiosk_service(api, "KTP")["quota_left"] == 3
    kiosk.get_received()
    day = _ok(_post(api, "sari", "/services/KTP/quota", quota=2, reason="Blangko menipis"))
    assert day == {"service": "KTP", "day": "2026-11-30", "closed_today": None, "quota": 2,
                   "issued": 2, "quota_left": 0}
    shown = kiosk_service(api, "KTP")
    assert (shown["open"], shown["closed_reason"], shown["quota"], shown["quota_left"]) == (
        False, "quota_reached", 2, 0)
    told = [m["args"][0] for m in kiosk.get_received() if m["name"] == "queue_changed"]
    assert [(m["service"], m["open"], m["quota_left"]) for m in told] == [("KTP", False, 0)]
    answer = api.client().post("/api/v1/tickets", headers=api.bearer("kiosk-1"),
                               json={"service": "KTP"})
    _error(answer, 409, "quota_reached")

    _ok(_post(api, "sari", "/services/KTP/quota", quota=None, reason="Blangko datang"))
    assert kiosk_service(api, "KTP")["quota_left"] == 3
    kiosk.disconnect()


def test_close_and_reopen_a_service_for_today(api: Api) -> None:
    closed = _ok(_post(api, "sari", "/services/KTP/close", reason="Jaringan SIAK terputus"))
    assert closed["closed_today"] == "Jaringan SIAK terputus"
    shown = kiosk_service(api, "KTP")
    assert (shown["open"], shown["closed_reason"]) == (False, "closed_today")
    assert "Jaringan SIAK terputus" in shown["closed_message"]["id"]
    _error(_post(api, "sari", "/services/KTP/close", reason="lagi"), 409, "already_closed")
    _ok(_post(api, "sari", "/services/KTP/reopen", reason="Jaringan pulih"))
    assert kiosk_service(api, "KTP")["open"] is True
    _error(_post(api, "sari", "/services/KTP/reopen", reason="lagi"), 409, "not_closed")

    changes = _ok(_get(api, "sari", "/overview"))["changes"]
    assert [(c["service"], c["kind"], c["reason"], c["user"]) for c in changes] == [
        ("KTP", "reopened", "Jaringan pulih", "Sari"),
        ("KTP", "closed", "Jaringan SIAK terputus", "Sari")]
    # Where each was asked from, for the audit log.
    assert [c["data"]["address"] for c in changes] == ["127.0.0.1", "127.0.0.1"]


@pytest.mark.parametrize(("who", "code", "status", "error"), [
    ("ayu", "KTP", 403, "forbidden"),  # officers do not change the day
    ("sari", "SKCK", 403, "forbidden"),  # another agency's service
    ("sari", "NOPE", 404, "unknown_service"),
    ("kiosk-1", "KTP", 401, "unauthorized"),
])
def test_who_may_change_a_service_day(api: Api, who: str, code: str, status: int,
                                      error: str) -> None:
    for kind, body in (("close", {"reason": "coba"}), ("reopen", {"reason": "coba"}),
                       ("quota", {"quota": 1, "reason": "coba"})):
        _error(_post(api, who, f"/services/{code}/{kind}", **body), status, error)
    assert _ok(_get(api, "admin", "/overview"))["changes"] == []


def test_an_admin_may_change_any_agency(api: Api) -> None:
    _ok(_post(api, "admin", "/services/SKCK/quota", quota=10, reason="Acara khusus"))
    assert kiosk_service(api, "SKCK")["quota_left"] == 10


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"quota": -1, "reason": "x"},
                                  {"quota": "5", "reason": "x"}, {"reason": "x"}])
def test_bad_quota_input_changes_nothing(api: Api, body: dict[str, Any]) -> None:
    _error(_post(api, "sari", "/services/KTP/quota", **body), 422, "invalid_input")
    assert kiosk_service(api, "KTP")["quota"] == 5


def test_session_writes_need_the_csrf_token(api: Api) -> None:
    client, token = api.signed_in("sari")
    answer = client.post("/api/v1/services/KTP/close", json={"reason": "uji"})
    _error(answer, 403, "csrf_failed")
    answer = client.post("/api/v1/services/KTP/close", json={"reason": "uji"},
                         headers={"X-CSRFToken": token})
    assert answer.status_code == 200


def _display(api: Api, display_id: str) -> Any:
    client = socketio.test_client(api.app, auth={"display": display_id,
                                                 "token": api.tokens[display_id]})
    client.get_received()
    return client


def _running_text_events(client: Any) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == "running_text"]


def test_running_text_is_for_administrators_and_reaches_the_displays(api: Api) -> None:
    display = _display(api, "aula")
    client = api.client()
    answer = client.put("/api/v1/site/running-text", headers=api.bearer("sari"),
                        json={"text": "x"})
    _error(answer, 403, "forbidden")
    answer = client.put("/api/v1/site/running-text", headers=api.bearer("admin"),
                        json={"text": "Selamat datang di MPP Buleleng"})
    assert _ok(answer) == {"text": "Selamat datang di MPP Buleleng", "displays": [
        {"id": "aula", "name": "Layar Aula", "own_text": None,
         "shown": "Selamat datang di MPP Buleleng"},
        {"id": "zona-a", "name": "Zona A", "own_text": None,
         "shown": "Selamat datang di MPP Buleleng"}]}
    snapshot = _ok(_get(api, "aula", "/displays/aula/snapshot"))
    assert snapshot["running_text"] == "Selamat datang di MPP Buleleng"
    [pushed] = _running_text_events(display)
    assert pushed["text"] == "Selamat datang di MPP Buleleng"
    assert pushed["seq"] >= 1 and pushed["room"] == "display:aula"
    # The HTTP snapshot counts in the socket's numbers: the same room, the same epoch.
    assert (snapshot["seq"], snapshot["epoch"]) == (pushed["seq"], pushed["epoch"])
    display.disconnect()


def test_one_displays_running_text_reaches_it_alone_and_can_follow_the_hall_again(
        api: Api) -> None:
    aula, zone = _display(api, "aula"), _display(api, "zona-a")
    client = api.client()
    _ok(client.put("/api/v1/site/running-text", headers=api.bearer("admin"),
                   json={"text": "Selamat datang"}))
    aula.get_received(), zone.get_received()

    answer = _ok(client.put("/api/v1/site/running-text", headers=api.bearer("admin"),
                            json={"text": " Antrean  KTP dilayani\n di zona A ",
                                  "display": "zona-a"}))
    assert answer["text"] == "Selamat datang"
    assert {d["id"]: (d["own_text"], d["shown"]) for d in answer["displays"]} == {
        "aula": (None, "Selamat datang"),
        "zona-a": ("Antrean KTP dilayani di zona A", "Antrean KTP dilayani di zona A")}
    assert [e["text"] for e in _running_text_events(zone)] == ["Antrean KTP dilayani di zona A"]
    assert _running_text_events(aula) == []
    assert _ok(_get(api, "zona-a", "/displays/zona-a/snapshot"))["running_text"] == \
        "Antrean KTP dilayani di zona A"
    assert _ok(_get(api, "aula", "/displays/aula/snapshot"))["running_text"] == "Selamat datang"

    # The hall's text changes: only the displays without their own hear of it.
    _ok(client.put("/api/v1/site/running-text", headers=api.bearer("admin"),
                   json={"text": "Istirahat pukul 12.00"}))
    assert [e["text"] for e in _running_text_events(aula)] == ["Istirahat pukul 12.00"]
    assert _running_text_events(zone) == []

    # Empty for one display: it follows the hall's text again.
    answer = _ok(client.put("/api/v1/site/running-text", headers=api.bearer("admin"),
                            json={"text": "", "display": "zona-a"}))
    assert [e["text"] for e in _running_text_events(zone)] == ["Istirahat pukul 12.00"]
    assert {d["id"]: d["own_text"] for d in answer["displays"]} == {"aula": None, "zona-a": None}
    assert _ok(_get(api, "sari", "/site/running-text")) == answer  # supervisors may read it
    log = _ok(_get(api, "admin", "/admin/audit?kind=operations"))["entries"]
    # Each change recorded (the clock stands still here, so all at one moment).
    assert sorted((e["action"], e["target"], e["changes"]["text"] or "") for e in log) == [
        ("display.running_text", "zona-a", ""),
        ("display.running_text", "zona-a", "Antrean KTP dilayani di zona A"),
        ("site.running_text", "*", "Istirahat pukul 12.00"),
        ("site.running_text", "*", "Selamat datang")]
    aula.disconnect(), zone.disconnect()


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"text": "x", "display": "tidak-ada"}, 404, "unknown_display"),
    ({"text": "x", "display": "kiosk-1"}, 404, "unknown_display"),  # a kiosk has no ticker
    ({"text": "x" * 1001, "display": "aula"}, 422, "invalid_input"),
    ({"text": "x", "display": ""}, 422, "invalid_input"),
    ({"text": "x", "display": 7}, 422, "invalid_input"),
])
def test_a_bad_running_text_request_changes_nothing(api: Api, body: dict[str, Any],
                                                    status: int, code: str) -> None:
    display = _display(api, "aula")
    before = _ok(_get(api, "admin", "/site/running-text"))
    _error(api.client().put("/api/v1/site/running-text", headers=api.bearer("admin"),
                            json=body), status, code)
    assert _ok(_get(api, "admin", "/site/running-text")) == before
    assert _running_text_events(display) == []
    display.disconnect()


def test_overview_shows_counters_queues_and_kiosks(api: Api) -> None:
    for _ in range(3):
        api.issue("KTP")
    api.issue("KK")
    _ok(api.act("ayu", "L1", "open"))
    _ok(api.act("ayu", "L1", "call-next"))
    api.clock.advance(minutes=4)
    overview = _ok(_get(api, "sari", "/overview"))
    assert overview["role"] == "supervisor" and overview["agencies"] == ["DUKCAPIL"]
    assert overview["may_set_running_text"] is False
    assert [c["id"] for c in overview["counters"]] == ["L1", "L2"]
    l1 = overview["counters"][0]
    assert (l1["state"], l1["officer"]["username"], l1["current"]["code"],
            l1["current"]["status"]) == ("open", "ayu", "A-001", "called")
    assert (l1["waiting"], l1["longest_wait_min"], l1["served_today"]) == (3, 4, 0)
    services = {s["code"]: s for s in overview["services"]}
    assert set(services) == {"KTP", "KK"}
    assert (services["KTP"]["waiting"], services["KTP"]["issued"], services["KTP"]["quota"],
            services["KTP"]["quota_left"], services["KTP"]["manageable"]) == (2, 3, 5, 2, True)
    assert overview["kiosks"] == [{"id": "kiosk-1", "name": "Kiosk Utara",
                                   "printer": "no_agent", "printer_status_at": None,
                                   "last_seen_at": None}]
    everything = _ok(_get(api, "admin", "/overview"))
    assert [c["id"] for c in everything["counters"]] == ["L1", "L2", "L3", "L4"]
    assert everything["may_set_running_text"] is True
    _error(_get(api, "ayu", "/overview"), 403, "forbidden")


def test_a_counter_open_without_a_console_shows_as_unattended(api: Api) -> None:
    _ok(api.act("ayu", "L1", "open"))  # by a call button, or a browser since closed
    _ok(api.act("dewi", "L2", "open"))
    _ok(_post(api, "dewi", "/counters/L2/heartbeat"), 204)  # dewi's console is open
    api.clock.advance(minutes=2)
    counters = {c["id"]: c for c in _ok(_get(api, "sari", "/overview"))["counters"]}
    assert (counters["L1"]["console_live"], counters["L1"]["unattended"]) == (False, True)
    assert (counters["L2"]["console_live"], counters["L2"]["unattended"]) == (True, False)
    _ok(_post(api, "dewi", "/counters/L2/leave"), 204)
    counters = {c["id"]: c for c in _ok(_get(api, "sari", "/overview"))["counters"]}
    assert counters["L2"]["unattended"] is True
    _ok(api.act("ayu", "L1", "close"))
    counters = {c["id"]: c for c in _ok(_get(api, "sari", "/overview"))["counters"]}
    assert counters["L1"]["unattended"] is False  # closed is closed, console or not


def test_heartbeat_only_from_whoever_may_work_the_counter(api: Api) -> None:
    _ok(api.act("ayu", "L1", "open"))
    _error(_post(api, "dewi", "/counters/L1/heartbeat"), 409, "counter_taken")
    _error(_post(api, "budi", "/counters/L1/heartbeat"), 403, "forbidden")
    assert _post(api, "ayu", "/counters/L1/heartbeat").status_code == 204


def test_counters_to_choose_are_those_of_the_users_agencies(api: Api) -> None:
    def ids(who: str) -> list[str]:
        return [c["id"] for c in _ok(_get(api, who, "/counters"))["counters"]]

    assert ids("ayu") == ["L1", "L2"]
    assert ids("budi") == ["L3"]
    assert ids("admin") == ["L1", "L2", "L3", "L4"]
    _ok(api.act("ayu", "L1", "open"))
    l1 = _ok(_get(api, "dewi", "/counters"))["counters"][0]
    assert (l1["state"], l1["officer"]["username"], l1["services"]) == (
        "open", "ayu", ["KTP", "KK"])
    _error(api.client().get("/api/v1/counters"), 401, "unauthorized")


def test_the_officers_own_day(api: Api) -> None:
    for _ in range(4):
        api.issue("KTP")
    _ok(api.act("ayu", "L1", "open"))
    for minutes in (4, 8):
        _ok(api.act("ayu", "L1", "call-next"))
        _ok(api.act("ayu", "L1", "start"))
        api.clock.advance(minutes=minutes)
        _ok(api.act("ayu", "L1", "finish"))
    _ok(api.act("ayu", "L1", "call-next"))
    _ok(api.act("ayu", "L1", "recall"))
    _ok(api.act("ayu", "L1", "recall"))
    _ok(api.act("ayu", "L1", "no-show"))
    _ok(api.act("dewi", "L2", "open"))
    _ok(api.act("dewi", "L2", "call-next"))
    _ok(api.act("dewi", "L2", "finish"))

    today = _ok(_get(api, "ayu", "/counters/L1/today"))
    assert today["mine"] == {"served": 2, "average_service_min": 6.0, "no_shows": 1,
                             "transferred": 0}
    assert today["counter_served"] == 2 and today["now"].startswith("2026-11-30T01:12")
    assert [t["code"] for t in today["no_shows"]] == ["A-003"]
    dewi = _ok(_get(api, "dewi", "/counters/L2/today"))
    assert dewi["mine"]["served"] == 1  # L2 serves KTP too: the late visitor may come there
    assert [t["code"] for t in dewi["no_shows"]] == ["A-003"]
    _error(_get(api, "budi", "/counters/L1/today"), 403, "forbidden")


def test_a_late_no_show_returns_a_few_places_back(api: Api) -> None:
    for _ in range(5):
        api.issue("KTP")
        api.clock.advance(seconds=30)
    _ok(api.act("ayu", "L1", "open"))
    late = _ok(api.act("ayu", "L1", "call-next"))["ticket"]
    _ok(api.act("ayu", "L1", "recall"))
    _error(api.act("ayu", "L1", "no-show"), 409, "recalls_required")
    _ok(api.act("ayu", "L1", "recall"))
    _ok(api.act("ayu", "L1", "no-show"))
    _error(_post(api, "budi", f"/tickets/{late['id']}/return"), 404, "unknown_ticket")
    back = _ok(_post(api, "ayu", f"/tickets/{late['id']}/return"))
    assert (back["code"], back["status"], back["ahead"]) == ("A-001", "waiting", 2)
    waiting = _ok(_get(api, "ayu", "/counters/L1"))["waiting"]
    assert [w["code"] for w in waiting] == ["A-002", "A-003", "A-001", "A-004", "A-005"]
    _error(_post(api, "ayu", f"/tickets/{late['id']}/return"), 409, "invalid_transition")
    _error(_post(api, "ayu", "/tickets/9999/return"), 404, "unknown_ticket")


def test_staff_remove_a_waiting_ticket(api: Api) -> None:
    ticket = api.issue("KTP")
    _error(_post(api, "ayu", f"/tickets/{ticket['id']}/remove"), 422, "invalid_input")
    _error(_post(api, "budi", f"/tickets/{ticket['id']}/remove", reason="x"), 404,
           "unknown_ticket")
    removed = _ok(_post(api, "ayu", f"/tickets/{ticket['id']}/remove", reason="Nomor ganda"))
    assert removed["status"] == "cancelled"
    _error(_post(api, "ayu", f"/tickets/{ticket['id']}/remove", reason="lagi"), 409,
           "invalid_transition")
    assert kiosk_service(api, "KTP")["waiting"] == 0


def test_the_operations_are_in_the_openapi_document(api: Api) -> None:
    paths = _ok(api.client().get("/api/v1/openapi.json"))["paths"]
    for path, method in [("/api/v1/overview", "get"), ("/api/v1/counters", "get"),
                         ("/api/v1/counters/{counter_id}/today", "get"),
                         ("/api/v1/counters/{counter_id}/heartbeat", "post"),
                         ("/api/v1/services/{code}/quota", "post"),
                         ("/api/v1/services/{code}/close", "post"),
                         ("/api/v1/services/{code}/reopen", "post"),
                         ("/api/v1/site/running-text", "put"),
                         ("/api/v1/tickets/{ticket_id}/return", "post"),
                         ("/api/v1/tickets/{ticket_id}/remove", "post")]:
        assert method in paths[path], path


@pytest.mark.parametrize(("agent_age_s", "shown"), [(None, "no_agent"), (5, "paper_low"),
                                                    (600, "no_agent")])
def test_overview_shows_each_kiosks_printer_while_its_agent_is_there(
        api: Api, agent_age_s: int | None, shown: str) -> None:
    state = api.app.extensions["antre"]
    with state.sessions.begin() as session:
        kiosk = session.get_one(Device, "kiosk-1")
        kiosk.printer_status, kiosk.printer_status_at = "paper_low", api.clock.now()
        if agent_age_s is not None:
            kiosk.agent_seen_at = api.clock.now() - timedelta(seconds=agent_age_s)
    kiosks = _ok(_get(api, "sari", "/overview"))["kiosks"]
    assert [(k["id"], k["printer"]) for k in kiosks] == [("kiosk-1", shown)]
