"""Services and counters changed through the API: config.yaml written back with its comments,
in effect without a restart, and every refusal leaves the file as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import Api

HEADER = "# The small hall (a comment the page must keep)\n"


@pytest.fixture
def config_path(api: Api) -> Path:
    path: Path = api.app.extensions["antre"].settings.config
    text = path.read_text(encoding="utf-8").replace(
        "quota: 5", "quota: 5  # five a day while the camera is shared")
    path.write_text(HEADER + text, encoding="utf-8")
    return path


def _kiosk_service(api: Api, code: str) -> dict[str, Any]:
    answer = api.client().get("/api/v1/services", headers=api.bearer("kiosk-1")).get_json()
    found: dict[str, Any] = next(s for a in answer["agencies"] for s in a["services"]
                                 if s["code"] == code)
    return found


def _patch(api: Api, who: str, code: str, body: dict[str, Any]) -> Any:
    return api.client().patch(f"/api/v1/admin/services/{code}", headers=api.bearer(who),
                              json=body)


def test_a_quota_change_is_written_with_comments_and_in_effect_at_once(
        api: Api, config_path: Path) -> None:
    assert _kiosk_service(api, "KTP")["quota_left"] == 5
    answer = _patch(api, "sari", "KTP", {"quota": 7, "requirements": ["KK asli"]})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["changes"]["quota"] == [5, 7]
    text = config_path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert "quota: 7  # five a day while the camera is shared" in text
    assert "- KK asli" in text
    assert _kiosk_service(api, "KTP")["quota_left"] == 7
    log = api.client().get("/api/v1/admin/audit?kind=settings",
                           headers=api.bearer("admin")).get_json()["entries"]
    assert log[0]["target"] == "KTP" and log[0]["person"] == "sari"


def test_no_limit_removes_the_key(api: Api, config_path: Path) -> None:
    assert _patch(api, "admin", "KTP", {"quota": None}).status_code == 200
    assert "quota: 5" not in config_path.read_text(encoding="utf-8")
    assert _kiosk_service(api, "KTP")["quota_left"] is None


def test_refusals_change_nothing(api: Api, config_path: Path) -> None:
    before = config_path.read_text(encoding="utf-8")
    client = api.client()
    assert _patch(api, "ayu", "KTP", {"quota": 9}).status_code == 403
    assert _patch(api, "sari", "SKCK", {"quota": 9}).status_code == 403
    assert _patch(api, "admin", "NOPE", {"quota": 9}).status_code == 404
    for body in ({"quota": 0}, {"name": ""}, {"target_minutes": "ten"},
                 {"prefix": "Z"}, {"outcome_required": True}):
        answer = _patch(api, "admin", "KTP", body)
        assert answer.status_code == 422, (body, answer.get_json())
        assert answer.get_json()["error"]["message"]
    unknown = client.put("/api/v1/admin/counters/L1/services", headers=api.bearer("admin"),
                         json={"services": ["KTP", "NOPE"]})
    assert unknown.status_code == 422 and "NOPE" in unknown.get_json()["error"]["message"]
    orphan = client.put("/api/v1/admin/counters/L3/services", headers=api.bearer("admin"),
                        json={"services": ["KTP"]})
    assert orphan.status_code == 422 and "SKCK" in orphan.get_json()["error"]["message"]
    assert client.put("/api/v1/admin/counters/L3/services", headers=api.bearer("sari"),
                      json={"services": ["SKCK"]}).status_code == 403
    assert config_path.read_text(encoding="utf-8") == before
    assert _kiosk_service(api, "KTP")["quota_left"] == 5


def test_a_counters_services_change_at_once(api: Api, config_path: Path) -> None:
    answer = api.client().put("/api/v1/admin/counters/L2/services", headers=api.bearer("sari"),
                              json={"services": ["KK", "KTP"]})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["counter"]["services"] == ["KK", "KTP"]
    assert config_path.read_text(encoding="utf-8").startswith(HEADER)
    counter = api.client().get("/api/v1/counters/L2", headers=api.bearer("dewi")).get_json()
    assert counter["services"] == ["KK", "KTP"]  # in the order given, not by id


def test_the_settings_list_follows_the_agency(api: Api) -> None:
    theirs = api.client().get("/api/v1/admin/settings", headers=api.bearer("sari")).get_json()
    assert {s["code"] for s in theirs["services"]} == {"KTP", "KK"}
    assert {c["id"] for c in theirs["counters"]} == {"L1", "L2"}
    assert api.client().get("/api/v1/admin/settings",
                            headers=api.bearer("ayu")).status_code == 403


MONDAY_FROM_TEN = {"issue_from": "10:00", "open": "10:00", "cutoff": "14:00", "close": "15:00",
                   "breaks": [{"start": "12:00", "end": "12:30", "name": "Salat"}]}


def test_a_services_own_hours_are_written_quoted_and_in_effect_at_once(
        api: Api, config_path: Path) -> None:
    assert _kiosk_service(api, "KTP")["open"]  # Monday 09:00, the hall's hours
    answer = _patch(api, "sari", "KTP", {"hours": {"mon": MONDAY_FROM_TEN}})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["service"]["hours"] == {"mon": MONDAY_FROM_TEN}
    text = config_path.read_text(encoding="utf-8")
    assert text.startswith(HEADER) and "quota: 5  # five a day" in text
    ktp = text.split("code: KTP")[1].split("code: KK")[0]
    assert 'issue_from: "10:00"' in ktp and 'start: "12:00"' in ktp and "name: Salat" in ktp
    service = _kiosk_service(api, "KTP")  # the same process, no restart
    assert not service["open"] and service["closed_reason"] == "not_open_yet"
    # The same hours again change nothing, whatever the break's name is written as.
    again = _patch(api, "sari", "KTP", {"hours": {"mon": MONDAY_FROM_TEN}})
    assert again.get_json()["changes"] == {}
    # null: the hall's hours again, and the key leaves the file.
    back = _patch(api, "sari", "KTP", {"hours": None})
    assert back.status_code == 200 and back.get_json()["service"]["hours"] is None
    assert "10:00" not in config_path.read_text(encoding="utf-8")
    assert _kiosk_service(api, "KTP")["open"]
    log = api.client().get("/api/v1/admin/audit?kind=settings",
                           headers=api.bearer("admin")).get_json()["entries"]
    assert [set(e["changes"]) for e in log] == [{"hours"}, {"hours"}]


def test_bad_hours_are_refused_with_the_reason_and_the_file_stays(
        api: Api, config_path: Path) -> None:
    before = config_path.read_text(encoding="utf-8")
    for hours, reason in (
            ({"mon": {**MONDAY_FROM_TEN, "open": "8.00"}}, "not a time of day"),
            ({"mon": {**MONDAY_FROM_TEN, "open": "09:00"}}, "issue_from <= open"),
            ({"mon": {**MONDAY_FROM_TEN, "breaks": [{"start": "16:00", "end": "16:30"}]}},
             "between open and close"),
            ({"mon": {**MONDAY_FROM_TEN, "breaks": [{"start": "13:00", "end": "12:00"}]}},
             "end after it starts"),
            ({"monday": MONDAY_FROM_TEN}, "monday"),
            ({"mon": {"open": "10:00"}}, "issue_from")):
        answer = _patch(api, "admin", "KTP", {"hours": hours})
        assert answer.status_code == 422, (hours, answer.get_json())
        assert reason in answer.get_json()["error"]["message"], answer.get_json()
    assert _patch(api, "sari", "PASPOR", {"hours": None}).status_code == 403
    assert config_path.read_text(encoding="utf-8") == before
    assert _kiosk_service(api, "KTP")["open"]


def test_the_hall_hours_come_with_the_settings(api: Api) -> None:
    settings = api.client().get("/api/v1/admin/settings", headers=api.bearer("admin")).get_json()
    assert set(settings["hall_hours"]) == {"mon", "tue", "wed", "thu", "fri"}
    paspor = next(s for s in settings["services"] if s["code"] == "PASPOR")
    assert set(paspor["hours"]) == {"mon"}
    assert next(s for s in settings["services"] if s["code"] == "KTP")["hours"] is None
