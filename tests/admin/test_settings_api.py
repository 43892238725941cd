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
