"""Every administration endpoint refuses the wrong caller and bad values, and a refusal
changes nothing: not the people, the devices, config.yaml, nor the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api

ADMIN = "/api/v1/admin"
OFFICER_BODY = {"username": "kadek", "name": "Kadek", "role": "officer",
                "agencies": ["DUKCAPIL"]}

# (method, path, body) of every write, with a body the right caller could send.
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/people", OFFICER_BODY),
    ("PATCH", "/people/ayu", {"name": "Ayu Lestari"}),
    ("POST", "/people/ayu/disable", {}),
    ("POST", "/people/ayu/enable", {}),
    ("POST", "/people/ayu/password", {}),
    ("POST", "/people/ayu/unlock", {}),
    ("POST", "/people/ayu/revoke-token", {}),
    ("POST", "/devices/aula/token", {}),
    ("POST", "/devices/aula/revoke", {}),
    ("PATCH", "/services/KTP", {"quota": 9}),
    ("PUT", "/counters/L1/services", {"services": ["KTP"]}),
    ("POST", "/announcement", {"text": "Selamat pagi"}),
]
READS = ["/people", "/devices", "/audit", "/settings"]


def _state(api: Api) -> dict[str, Any]:
    """Everything a refused request might have changed, as the administrator reads it."""
    client = api.client()
    state: dict[str, Any] = {path: client.get(ADMIN + path, headers=api.bearer("admin"))
                             .get_json() for path in READS}
    for device in state["/devices"]["devices"]:
        device.pop("last_seen_at")
    state["config"] = api.app.extensions["antre"].settings.config.read_text(encoding="utf-8")
    return state


def _send(api: Api, method: str, path: str, body: dict[str, Any], who: str | None) -> Any:
    headers = api.bearer(who) if who else {}
    return api.client().open(ADMIN + path, method=method, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_an_officer_and_a_stranger_are_refused_and_nothing_changes(
        api: Api, method: str, path: str, body: dict[str, Any]) -> None:
    before = _state(api)
    stranger = _send(api, method, path, body, None)
    officer = _send(api, method, path, body, "ayu")
    assert (stranger.status_code, officer.status_code) == (401, 403)
    assert officer.get_json()["error"]["message"]
    assert _state(api) == before


@pytest.mark.parametrize("path", READS)
def test_an_officer_reads_none_of_it(api: Api, path: str) -> None:
    assert api.client().get(ADMIN + path).status_code == 401
    assert api.client().get(ADMIN + path, headers=api.bearer("dewi")).status_code == 403


SUPERVISOR_REFUSED = [
    # another agency's officer, person by person action
    ("PATCH", "/people/budi", {"name": "B"}),
    ("POST", "/people/budi/disable", {}),
    ("POST", "/people/budi/enable", {}),
    ("POST", "/people/budi/password", {}),
    ("POST", "/people/budi/unlock", {}),
    ("POST", "/people/budi/revoke-token", {}),
    # a fellow supervisor and the administrator are not hers either
    ("POST", "/people/admin/password", {}),
    ("PATCH", "/people/sari", {"role": "admin"}),
    # her officer, but to another agency or a higher role
    ("PATCH", "/people/ayu", {"agencies": ["POLRES"]}),
    ("PATCH", "/people/ayu", {"role": "supervisor"}),
    ("POST", "/people", {**OFFICER_BODY, "agencies": ["POLRES"]}),
    # devices and announcements are the administrator's
    ("POST", "/devices/aula/token", {}),
    ("POST", "/devices/kiosk-1/revoke", {}),
    ("POST", "/announcement", {"text": "Selamat pagi"}),
    # another agency's service and counter
    ("PATCH", "/services/SKCK", {"quota": 9}),
    ("PUT", "/counters/L3/services", {"services": ["SKCK"]}),
]


@pytest.mark.parametrize(("method", "path", "body"), SUPERVISOR_REFUSED)
def test_a_supervisor_is_refused_outside_her_agency_and_role(
        api: Api, method: str, path: str, body: dict[str, Any]) -> None:
    before = _state(api)
    answer = _send(api, method, path, body, "sari")
    assert answer.status_code == 403, answer.get_json()
    assert answer.get_json()["error"]["message"]
    assert _state(api) == before


UNKNOWN = [
    ("PATCH", "/people/nobody", {"name": "N"}),
    ("POST", "/people/nobody/disable", {}),
    ("POST", "/people/nobody/enable", {}),
    ("POST", "/people/nobody/password", {}),
    ("POST", "/people/nobody/unlock", {}),
    ("POST", "/people/nobody/revoke-token", {}),
    ("POST", "/devices/nope/token", {}),
    ("POST", "/devices/nope/revoke", {}),
    ("PATCH", "/services/NOPE", {"quota": 9}),
    ("PUT", "/counters/L99/services", {"services": ["KTP"]}),
    ("POST", "/announcement", {"text": "x", "display": "kiosk-1"}),
]


@pytest.mark.parametrize(("method", "path", "body"), UNKNOWN)
def test_an_unknown_person_device_service_or_counter_is_404(
        api: Api, method: str, path: str, body: dict[str, Any]) -> None:
    before = _state(api)
    answer = _send(api, method, path, body, "admin")
    assert answer.status_code == 404, answer.get_json()
    assert _state(api) == before


BAD_VALUES = [
    ("PATCH", "/people/ayu", {"name": ""}),
    ("PATCH", "/people/ayu", {"role": "boss"}),
    ("PATCH", "/people/ayu", {"agencies": ["NOPE"]}),
    ("PATCH", "/people/ayu", {"agencies": []}),
    ("PATCH", "/people/ayu", {"username": "ayu2"}),
    ("POST", "/people/ayu/password", {"password": "short"}),
    ("POST", "/people/ayu/disable", {"now": True}),
    ("POST", "/devices/aula/token", {"token": "mine"}),
    ("PATCH", "/services/KTP", {"target_minutes": 0}),
    ("PATCH", "/services/KTP", {"target_wait_minutes": 601}),
    ("PATCH", "/services/KTP", {"requirements": [""]}),
    ("PATCH", "/services/KTP", {"outcomes": [], "outcome_required": True}),
    ("PATCH", "/services/KK", {"outcomes": []}),  # KK requires an outcome
    ("PUT", "/counters/L1/services", {"services": []}),
    ("PUT", "/counters/L1/services", {"services": ["SKCK"]}),  # Polres' service
    ("POST", "/announcement", {"text": "x" * 301}),
]


@pytest.mark.parametrize(("method", "path", "body"), BAD_VALUES)
def test_bad_values_are_422_with_the_reason_and_nothing_changes(
        api: Api, method: str, path: str, body: dict[str, Any]) -> None:
    before = _state(api)
    answer = _send(api, method, path, body, "admin")
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["message"]
    assert _state(api) == before


def test_the_last_administrator_is_neither_disabled_nor_demoted_nor_raised_past(
        api: Api) -> None:
    before = _state(api)
    for method, path, body in (
            ("POST", "/people/admin/disable", {}),
            ("PATCH", "/people/admin", {"role": "supervisor", "agencies": ["DUKCAPIL"]})):
        answer = _send(api, method, path, body, "admin")
        assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "last_admin"
    own = _send(api, "PATCH", "/people/sari", {"role": "admin"}, "sari")
    assert own.status_code == 403
    assert _state(api) == before


def test_the_audit_filters_refuse_bad_values(api: Api) -> None:
    for query in ("day=2026-13-01", "kind=people,devices", "format=xml", "person=" + "x" * 65,
                  "agency=" + "x" * 33, "lang=fr"):
        answer = api.client().get(f"{ADMIN}/audit?{query}", headers=api.bearer("admin"))
        assert answer.status_code == 422, query
        assert answer.get_json()["error"]["message"]
