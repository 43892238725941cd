"""Staff sessions end on the server (issue 11, finding 6): a cookie copied before sign-out no
longer works after it, nor after the user is disabled; CSRF tokens expire and a console gets
a new one; the cookie is SameSite=Lax and, behind TLS, Secure."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from queue_server.people import disable_user
from queue_server.security import CSRF_TIME_LIMIT_S
from tests.security.apps import HallApp, build_app


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallApp]:
    served = build_app(tmp_path)
    yield served
    served.dispose()


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def copy_of(hall: HallApp, client: FlaskClient) -> FlaskClient:
    """Another browser holding the same session cookie (stolen, or saved before sign-out)."""
    thief = hall.client()
    thief.set_cookie("session", session_cookie(client))
    return thief


def test_a_cookie_copied_before_sign_out_does_not_work_after_it(hall: HallApp) -> None:
    client, csrf_token = hall.signed_in("ayu")
    thief = copy_of(hall, client)
    assert thief.get("/api/v1/auth/me").status_code == 200
    opened = thief.post("/api/v1/counters/L1/open", headers={"X-CSRFToken": csrf_token})
    assert opened.status_code == 200
    assert client.post("/api/v1/auth/logout",
                       headers={"X-CSRFToken": csrf_token}).status_code == 204
    assert thief.get("/api/v1/auth/me").status_code == 401
    closed = thief.post("/api/v1/counters/L1/close", headers={"X-CSRFToken": csrf_token})
    assert closed.status_code == 401


def test_signing_out_ends_only_that_session(hall: HallApp) -> None:
    desk, desk_token = hall.signed_in("ayu")
    phone, _ = hall.signed_in("ayu")
    desk.post("/api/v1/auth/logout", headers={"X-CSRFToken": desk_token})
    assert phone.get("/api/v1/auth/me").status_code == 200


def test_disabling_a_user_ends_their_sessions_and_token(hall: HallApp) -> None:
    client, _ = hall.signed_in("dewi")
    state = hall.app.extensions["antre"]
    with state.sessions.begin() as session:
        disable_user(session, hall.clock.now(), "dewi")
    assert client.get("/api/v1/auth/me").status_code == 401
    assert hall.client().get("/api/v1/auth/me", headers=hall.bearer("dewi")).status_code == 401
    assert hall.login(hall.client(), "dewi").status_code == 401


def test_csrf_tokens_expire_and_a_fresh_one_works(
        hall: HallApp, monkeypatch: pytest.MonkeyPatch) -> None:
    client, csrf_token = hall.signed_in("ayu")
    assert 0 < CSRF_TIME_LIMIT_S <= 12 * 3600
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + CSRF_TIME_LIMIT_S + 60)
    stale = client.post("/api/v1/counters/L1/open", headers={"X-CSRFToken": csrf_token})
    assert stale.status_code == 403 and stale.get_json()["error"]["code"] == "csrf_failed"
    fresh = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]  # what the console does
    assert client.post("/api/v1/counters/L1/open",
                       headers={"X-CSRFToken": fresh}).status_code == 200


def test_the_session_cookie_is_lax_and_http_only(hall: HallApp) -> None:
    client = hall.client()
    answer = hall.login(client, "ayu")
    cookie = answer.headers["Set-Cookie"]
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie


def test_behind_tls_the_session_cookie_is_secure(tmp_path: Path) -> None:
    hall = build_app(tmp_path, secure_cookies=True)
    try:
        client = hall.client()
        token = client.get("/api/v1/auth/csrf", base_url="https://antre.test").get_json()
        answer = client.post("/api/v1/auth/login", base_url="https://antre.test",
                             json={"username": "ayu", "password": "rahasia-loket"},
                             headers={"X-CSRFToken": token["csrf_token"],
                                      "Referer": "https://antre.test/console/"})
        assert answer.status_code == 200, answer.get_json()
        assert "Secure" in answer.headers["Set-Cookie"]
    finally:
        hall.dispose()
