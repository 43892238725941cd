"""Bad input is a 4xx with a reason, never a server error (issue 11, findings 7 and 9): ids
beyond 64 bits, deeply nested JSON, control characters, huge bodies; and the caller is
authenticated before the body is judged."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.apps import HallApp, build_app
from tests.support.postgres import postgres_schema

TOO_BIG = 2**63  # one past the largest 64-bit signed integer
DEEP = b"[" * 10_000 + b"]" * 10_000


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallApp]:
    served = build_app(tmp_path)
    served.app.config["PROPAGATE_EXCEPTIONS"] = False  # a server error answers 500
    yield served
    served.dispose()


def refused(answer: Any, status: int, code: str) -> None:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True))
    assert answer.get_json()["error"]["code"] == code


@pytest.mark.parametrize("action", ["return", "remove", "reprint"])
def test_a_ticket_id_beyond_64_bits_is_unknown(hall: HallApp, action: str) -> None:
    answer = hall.client().post(f"/api/v1/tickets/{TOO_BIG}/{action}",
                                headers=hall.bearer("admin"), json={"reason": "uji"})
    refused(answer, 404, "not_found")


@pytest.mark.parametrize("action", ["call", "resume"])
def test_a_ticket_id_beyond_64_bits_in_a_body_is_invalid(hall: HallApp, action: str) -> None:
    hall.client().post("/api/v1/counters/L1/open", headers=hall.bearer("ayu"), json={})
    for ticket_id in (TOO_BIG, -1, 0):
        answer = hall.client().post(f"/api/v1/counters/L1/{action}",
                                    headers=hall.bearer("ayu"), json={"ticket_id": ticket_id})
        refused(answer, 422, "invalid_input")


def test_deeply_nested_json_is_refused_on_the_public_login(hall: HallApp) -> None:
    client = hall.client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    answer = client.post("/api/v1/auth/login", data=DEEP, content_type="application/json",
                         headers={"X-CSRFToken": token})
    refused(answer, 400, "invalid_json")


def test_deeply_nested_json_is_refused_on_an_action(hall: HallApp) -> None:
    answer = hall.client().post("/api/v1/counters/L1/finish", data=DEEP,
                                content_type="application/json", headers=hall.bearer("ayu"))
    refused(answer, 400, "invalid_json")


@pytest.mark.parametrize("path,body", [
    ("/api/v1/auth/login", {"username": "ay\u0000u", "password": "rahasia-loket"}),
    ("/api/v1/tickets", {"service": "KTP\u0000"}),
    ("/api/v1/counters/L1/break", {"reason": "salat\u0007"}),
    ("/api/v1/services/KTP/close", {"reason": "listrik\u0000padam"}),
])
def test_control_characters_in_text_are_refused_with_a_reason(
        hall: HallApp, path: str, body: dict[str, str]) -> None:
    client = hall.client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    headers = {"X-CSRFToken": token} if "login" in path else hall.bearer(
        "kiosk-1" if path == "/api/v1/tickets" else "admin")
    answer = client.post(path, json=body, headers=headers)
    refused(answer, 422, "control_characters")
    assert "kontrol" in answer.get_json()["error"]["message"]


def test_line_breaks_and_tabs_are_text_not_control(hall: HallApp) -> None:
    answer = hall.client().put("/api/v1/site/running-text", headers=hall.bearer("admin"),
                               json={"text": "Selamat datang\tdi MPP\nBuleleng"})
    assert answer.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/tickets/abc%00def", "/api/v1/counters/L%001",
                                  "/api/v1/services?lang=%00en", "/t/abc%01def"])
def test_control_characters_in_the_address_are_refused(hall: HallApp, path: str) -> None:
    answer = hall.client().get(path, headers=hall.bearer("admin"))
    assert answer.status_code == 400
    if path.startswith("/api/"):
        refused(answer, 400, "control_characters")


def test_a_huge_body_is_refused_before_it_is_read(hall: HallApp) -> None:
    client = hall.client()
    token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    body = b'{"username": "' + b"a" * (20 * 1024 * 1024) + b'", "password": "x"}'
    started = time.monotonic()
    answer = client.post("/api/v1/auth/login", data=body, content_type="application/json",
                         headers={"X-CSRFToken": token})
    refused(answer, 413, "too_large")
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("path", ["/api/v1/counters/L1/heartbeat", "/api/v1/counters/L1/leave",
                                  "/api/v1/counters/L1/call", "/api/v1/tickets"])
def test_nobody_is_told_they_must_sign_in_before_the_body_is_judged(
        hall: HallApp, path: str) -> None:
    answer = hall.client().post(path, data=b"false", content_type="application/json")
    refused(answer, 401, "unauthorized")
    wrong_token = hall.client().post(path, data=b"false", content_type="application/json",
                                     headers={"Authorization": "Bearer nope"})
    refused(wrong_token, 401, "invalid_token")


def test_the_document_lists_what_every_operation_may_answer(hall: HallApp) -> None:
    """A body can be malformed (400), too large (413) or invalid (422); an authenticated
    operation can meet a caller without credentials (401); any address can carry control
    characters (400)."""
    document = hall.client().get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            listed = set(operation["responses"])
            assert "400" in listed, (method, path)
            if "requestBody" in operation:
                assert {"413", "422"} <= listed, (method, path)
            if operation.get("security"):
                assert "401" in listed, (method, path)
            for parameter in operation.get("parameters", []):
                if parameter["schema"].get("type") == "integer" and parameter["in"] == "path":
                    assert parameter["schema"]["maximum"] == TOO_BIG - 1


@pytest.mark.postgres
def test_control_characters_never_reach_postgresql(tmp_path: Path) -> None:
    """PostgreSQL refuses a NUL in text outright (SQLite would store it): still a 4xx."""
    with postgres_schema() as url:
        served = build_app(tmp_path, database_url=url)
        served.app.config["PROPAGATE_EXCEPTIONS"] = False
        try:
            client = served.client()
            assert client.get("/api/v1/tickets/abc%00def").status_code == 400
            token = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
            login = client.post("/api/v1/auth/login", headers={"X-CSRFToken": token},
                                json={"username": "ay\u0000u", "password": "x"})
            refused(login, 422, "control_characters")
            issue = client.post("/api/v1/tickets", headers=served.bearer("kiosk-1"),
                                json={"service": "K\u0000TP"})
            refused(issue, 422, "control_characters")
        finally:
            served.dispose()
