"""Sign-in, sign-out, failed-login slowing and locking, and the OpenAPI document."""

from __future__ import annotations

import time
from typing import Any

from openapi_spec_validator import validate

from tests.api.conftest import PASSWORD, Api


def _login(api: Api, client: Any, username: str, password: str) -> Any:
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    return client.post("/api/v1/auth/login", headers={"X-CSRFToken": token},
                       json={"username": username, "password": password})


def test_login_me_and_logout(api: Api) -> None:
    client, token = api.signed_in("ayu")
    me = client.get("/api/v1/auth/me").get_json()
    assert me["username"] == "ayu" and me["role"] == "officer" and me["agencies"] == ["DUKCAPIL"]
    assert client.post("/api/v1/auth/logout", headers={"X-CSRFToken": token}).status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_login_needs_csrf_and_valid_fields(api: Api) -> None:
    client = api.client()
    no_csrf = client.post("/api/v1/auth/login", json={"username": "ayu", "password": PASSWORD})
    assert no_csrf.status_code == 403 and no_csrf.get_json()["error"]["code"] == "csrf_failed"
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    missing = client.post("/api/v1/auth/login", headers={"X-CSRFToken": token},
                          json={"username": "ayu"})
    assert missing.status_code == 422 and missing.get_json()["error"]["code"] == "invalid_input"
    wrong_type = client.post("/api/v1/auth/login", headers={"X-CSRFToken": token},
                             json={"username": ["ayu"], "password": PASSWORD})
    assert wrong_type.status_code == 422


def test_wrong_password_is_refused_then_slowed_then_locked(api: Api) -> None:
    client = api.client()
    codes, delays = [], []
    for _ in range(10):
        started = time.monotonic()
        answer = _login(api, client, "ayu", "salah-sekali")
        delays.append(time.monotonic() - started)
        codes.append(answer.get_json()["error"]["code"])
    assert codes == ["invalid_credentials"] * 10
    # Failures six to ten wait 0.25 s more each (1.25 s at the tenth), on top of checking the
    # password; against the fastest unslowed check, so a loaded machine's slow hash cannot hide it.
    assert delays[9] - min(delays[:5]) >= 1.0
    locked = _login(api, client, "ayu", PASSWORD)
    assert locked.status_code == 429 and locked.get_json()["error"]["code"] == "login_locked"
    assert _login(api, client, "dewi", PASSWORD).status_code == 200  # others unaffected


def test_a_good_login_clears_earlier_failures(api: Api) -> None:
    client = api.client()
    for _ in range(4):
        _login(api, client, "ayu", "salah")
    assert _login(api, client, "ayu", PASSWORD).status_code == 200
    for _ in range(5):
        assert _login(api, client, "ayu", "salah").get_json()["error"]["code"] \
            == "invalid_credentials"
    assert _login(api, client, "ayu", PASSWORD).status_code == 200


def test_passwords_and_tokens_are_never_logged(api: Api, caplog: Any) -> None:
    client = api.client()
    with caplog.at_level("DEBUG"):
        _login(api, client, "ayu", "sandi-yang-salah")
        api.client().get("/api/v1/services", headers=api.bearer("kiosk-1"))
    assert "sandi-yang-salah" not in caplog.text
    assert api.tokens["kiosk-1"] not in caplog.text


def test_openapi_document_is_valid_and_lists_every_route(api: Api) -> None:
    document = api.client().get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    routes = set()
    for rule in api.app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        routes |= {(m, path) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    call_next = document["paths"]["/api/v1/counters/{counter_id}/call-next"]["post"]
    assert set(call_next["responses"]) >= {"200", "204", "409"}
    assert call_next["requestBody"]["content"]["application/json"]["schema"]["$ref"] \
        == "#/components/schemas/CallNextRequest"
