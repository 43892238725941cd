"""Counter endpoints: every action's happy path, and the refusals that must change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api, make_api
from tests.support.halls import hall_data


def _error(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["code"] == code


def _counter(api: Api, counter: str = "L1", who: str = "ayu") -> dict[str, Any]:
    answer = api.client().get(f"/api/v1/counters/{counter}", headers=api.bearer(who))
    assert answer.status_code == 200, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    return body


def _ok(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    return body


def test_full_cycle_through_the_api(api: Api) -> None:
    ticket = api.issue("KTP")
    opened = _ok(api.act("ayu", "L1", "open"))
    assert opened["counter"]["state"] == "open" and opened["ticket"] is None
    assert opened["counter"]["officer"]["username"] == "ayu"
    assert [w["code"] for w in opened["counter"]["waiting"]] == ["A-001"]

    called = _ok(api.act("ayu", "L1", "call-next"))
    assert called["ticket"]["code"] == ticket["code"] and called["ticket"]["status"] == "called"
    assert called["ticket"]["counter"] == {"id": "L1", "number": 1, "name": "Loket 1"}
    assert called["counter"]["current"]["code"] == "A-001"

    assert _ok(api.act("ayu", "L1", "recall"))["ticket"]["call_count"] == 2
    assert _ok(api.act("ayu", "L1", "start"))["ticket"]["status"] == "serving"
    finished = _ok(api.act("ayu", "L1", "finish"))
    assert finished["ticket"]["status"] == "done" and finished["counter"]["current"] is None

    nobody = api.act("ayu", "L1", "call-next")
    assert nobody.status_code == 204 and nobody.data == b""
    assert _ok(api.act("ayu", "L1", "break", reason="Istirahat siang"))["counter"]["state"] \
        == "break"
    assert _ok(api.act("ayu", "L1", "open"))["counter"]["state"] == "open"
    assert _ok(api.act("ayu", "L1", "close"))["counter"]["state"] == "closed"


def test_call_next_with_an_active_ticket_conflicts_unless_finishing_it(api: Api) -> None:
    issued = api.issue("KTP")  # the kiosk's answer has the token; staff answers do not
    api.issue("KTP")
    api.act("ayu", "L1", "open")
    first = _ok(api.act("ayu", "L1", "call-next"))["ticket"]
    _error(api.act("ayu", "L1", "call-next"), 409, "counter_busy")
    assert _counter(api)["current"]["code"] == first["code"]
    both = _ok(api.act("ayu", "L1", "call-next", finish_current=True))
    assert both["ticket"]["code"] == "A-002"
    status = api.client().get(f"/api/v1/tickets/{issued['token']}").get_json()["status"]
    assert status == "done"


def test_finish_current_respects_a_required_outcome(api: Api) -> None:
    api.issue("KK")
    api.act("ayu", "L1", "open")
    api.act("ayu", "L1", "call-next")
    _error(api.act("ayu", "L1", "call-next", finish_current=True), 422, "outcome_required")
    assert _counter(api)["current"]["status"] == "called"
    _error(api.act("ayu", "L1", "finish", outcome="Entah"), 422, "unknown_outcome")
    done = _ok(api.act("ayu", "L1", "finish", outcome="Selesai"))
    assert done["ticket"]["status"] == "done"


def test_call_transfer_park_resume_no_show_and_recycle(api: Api) -> None:
    first, second = api.issue("KTP"), api.issue("KTP")
    api.act("ayu", "L1", "open")
    chosen = _ok(api.act("ayu", "L1", "call", ticket_id=second["id"], reason="Dokumen siap"))
    assert chosen["ticket"]["code"] == second["code"]
    recycled = _ok(api.act("ayu", "L1", "recycle"))
    assert recycled["ticket"]["status"] == "waiting"

    api.act("ayu", "L1", "call-next")
    api.act("ayu", "L1", "start")
    parked = _ok(api.act("ayu", "L1", "park"))
    assert parked["ticket"]["status"] == "parked"
    assert [p["code"] for p in parked["counter"]["parked"]] == [first["code"]]
    resumed = _ok(api.act("ayu", "L1", "resume", ticket_id=first["id"]))
    assert resumed["ticket"]["status"] == "serving"
    _error(api.act("ayu", "L1", "transfer", service="NOPE"), 404, "unknown_service")
    moved = _ok(api.act("ayu", "L1", "transfer", service="KK", position="front"))
    assert moved["ticket"]["service"] == "KK" and moved["ticket"]["code"] == first["code"]

    api.act("ayu", "L1", "call", ticket_id=second["id"])
    _error(api.act("ayu", "L1", "no-show"), 409, "recalls_required")
    api.act("ayu", "L1", "recall")
    api.act("ayu", "L1", "recall")
    assert _ok(api.act("ayu", "L1", "no-show"))["ticket"]["status"] == "no_show"


@pytest.mark.parametrize(("action", "body"), [
    ("call", {"ticket_id": "satu"}),
    ("call", {}),
    ("transfer", {"service": "KK", "position": "middle"}),
    ("resume", {"ticket_id": None}),
    ("finish", {"outcome": 5}),
    ("call-next", {"finish_current": "yes"}),
])
def test_actions_refuse_wrong_types_and_missing_fields(api: Api, action: str,
                                                       body: dict[str, Any]) -> None:
    api.issue("KTP")
    api.act("ayu", "L1", "open")
    before = _counter(api)
    _error(api.act("ayu", "L1", action, **body), 422, "invalid_input")
    assert _counter(api) == before


@pytest.mark.parametrize(("action", "body", "status", "code"), [
    ("call", {"ticket_id": 999}, 404, "unknown_ticket"),
    ("transfer", {"service": "KK"}, 409, "no_active_ticket"),
    ("resume", {"ticket_id": 999}, 404, "unknown_ticket"),
    ("recall", {}, 409, "no_active_ticket"),
    ("start", {}, 409, "no_active_ticket"),
])
def test_actions_refuse_what_does_not_apply(api: Api, action: str, body: dict[str, Any],
                                            status: int, code: str) -> None:
    api.issue("KTP")
    api.act("ayu", "L1", "open")
    before = _counter(api)
    _error(api.act("ayu", "L1", action, **body), status, code)
    assert _counter(api) == before


def test_unknown_counter_no_token_and_wrong_agency(api: Api) -> None:
    _error(api.act("ayu", "L99", "open"), 404, "unknown_counter")
    _error(api.client().post("/api/v1/counters/L1/open"), 401, "unauthorized")
    _error(api.client().get("/api/v1/counters/L1"), 401, "unauthorized")
    _error(api.act("budi", "L1", "open"), 403, "forbidden")  # POLRES officer, DUKCAPIL counter
    _error(api.client().get("/api/v1/counters/L1", headers=api.bearer("budi")), 403,
           "forbidden")
    _error(api.act("kiosk-1", "L1", "open"), 401, "unauthorized")  # a device is not staff
    assert _counter(api)["state"] == "closed"


def test_an_officer_works_only_the_counter_they_opened(api: Api) -> None:
    api.issue("KTP")
    api.act("ayu", "L1", "open")
    _error(api.act("dewi", "L1", "call-next"), 409, "counter_taken")
    _error(api.act("dewi", "L1", "open"), 409, "counter_taken")
    assert _counter(api)["current"] is None
    # A supervisor of the agency may still act, e.g. to close a counter left open.
    assert _ok(api.act("sari", "L1", "close"))["counter"]["state"] == "closed"


def test_an_officer_holds_one_counter_at_a_time(api: Api) -> None:
    api.act("ayu", "L1", "open")
    api.act("ayu", "L2", "open")
    assert _counter(api, "L1")["state"] == "closed"
    assert _counter(api, "L2")["state"] == "open"


def test_session_writes_need_the_csrf_token(api: Api) -> None:
    api.issue("KTP")
    client, token = api.signed_in("ayu")
    _error(client.post("/api/v1/counters/L1/open", json={}), 403, "csrf_failed")
    _error(client.post("/api/v1/counters/L1/open", json={},
                       headers={"X-CSRFToken": "forged"}), 403, "csrf_failed")
    assert _counter(api)["state"] == "closed"
    opened = client.post("/api/v1/counters/L1/open", json={}, headers={"X-CSRFToken": token})
    assert opened.status_code == 200
    assert client.get("/api/v1/counters/L1").status_code == 200  # reads need no token


def test_recalls_pressed_in_a_hurry_do_not_count(tmp_path: Path,
                                                 template: tuple[Path, dict[str, str]]) -> None:
    """Ten presses in two seconds are one call heard, not five recalls: a recall within the
    hall's interval (15 s, as config.yaml) is refused with the time it becomes possible."""
    data = hall_data()
    data["rules"] = {"recall_interval_seconds": 15}
    api = make_api(tmp_path, template, data)
    api.issue("KTP")
    _ok(api.act("ayu", "L1", "open"))
    _ok(api.act("ayu", "L1", "call-next"))  # 09:00:10
    answers = []
    for _ in range(10):
        api.clock.advance(seconds=0.2)
        answers.append(api.act("ayu", "L1", "recall"))
    assert [a.status_code for a in answers] == [409] * 10
    refusal = answers[-1].get_json()["error"]
    assert refusal["code"] == "recall_too_soon"
    assert refusal["message"] == ("Panggilan sebelumnya masih diumumkan. Panggil ulang bisa "
                                  "lagi pukul 09.00.15 (13 detik lagi).")
    english = api.client().post("/api/v1/counters/L1/recall?lang=en",
                                headers=api.bearer("ayu"), json={}).get_json()["error"]
    assert english["message"] == ("The previous call is still being announced. You can "
                                  "recall again at 09.00.15 (in 13 s).")
    _error(api.act("ayu", "L1", "no-show"), 409, "recalls_required")
    api.clock.advance(seconds=13)
    assert _ok(api.act("ayu", "L1", "recall"))["ticket"]["call_count"] == 2
    assert api.act("ayu", "L1", "recall").status_code == 409  # counted from the recall now
    api.app.extensions["antre"].engine.dispose()
