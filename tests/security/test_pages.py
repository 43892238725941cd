"""Every answer carries the headers that keep pages from being framed, sniffed or made to
run others' scripts; /healthz tells nobody how the hall is set up; the ticket page is
rate-limited like its API (issue 11, finding 8). In Chromium, every page works under the
policy: it loads, runs and connects with no CSP violation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from queue_server.security import CONTENT_SECURITY_POLICY
from tests.security.apps import HallApp, build_app
from tests.support.people import PASSWORD
from tests.support.servers import ServedHall, call_api


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallApp]:
    served = build_app(tmp_path)
    yield served
    served.dispose()


def ticket_token(hall: HallApp) -> str:
    answer = hall.client().post("/api/v1/tickets", headers=hall.bearer("kiosk-1"),
                                json={"service": "KTP"})
    token: str = answer.get_json()["token"]
    return token


def test_every_kind_of_answer_carries_the_headers(hall: HallApp) -> None:
    token = ticket_token(hall)
    paths = ["/console", "/console/overview", f"/display/aula?token={hall.tokens['aula']}",
             f"/kiosk/kiosk-1?token={hall.tokens['kiosk-1']}", f"/t/{token}",
             f"/t/{token}/qr.svg", "/t/not-a-ticket-at-all", "/healthz", "/api/v1/services",
             "/api/v1/openapi.json", "/api/v1/nothing-here"]
    for path in paths:
        answer = hall.client().get(path)
        assert answer.status_code < 500, path
        headers = answer.headers
        assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), path
        assert "script-src 'self'" in headers["Content-Security-Policy"], path
        assert headers.get("X-Frame-Options") == "DENY", path
        assert headers.get("X-Content-Type-Options") == "nosniff", path


def test_healthz_tells_nobody_the_config_path_or_the_database(hall: HallApp) -> None:
    anonymous = hall.client().get("/healthz").get_json()
    assert anonymous["status"] == "ok" and anonymous["database"] == {"ok": True}
    assert "path" not in anonymous["config"]
    assert "sqlite" not in str(anonymous) and "config.yaml" not in str(anonymous)
    staff = hall.client().get("/healthz", headers=hall.bearer("admin")).get_json()
    assert staff["database"]["dialect"] == "sqlite"
    assert staff["config"]["path"].endswith("config.yaml")


def test_the_ticket_page_is_rate_limited_like_its_api(hall: HallApp) -> None:
    client = hall.client()
    statuses = [client.get("/t/abcdefghijklmnopqrstuvwxyz").status_code for _ in range(121)]
    assert statuses[:120] == [404] * 120
    assert statuses[120] == 429
    token = ticket_token(hall)
    assert client.get(f"/t/{token}/qr.svg").status_code == 429  # the page's QR too
    other = hall.client()
    other.environ_base["REMOTE_ADDR"] = "10.3.3.3"  # another visitor
    assert other.get(f"/t/{token}").status_code == 200


@pytest.mark.browser
def test_every_page_works_under_the_policy(served_hall: ServedHall, browser: Any) -> None:
    """The kiosk, a display, the console (signed in) and a ticket page, in Chromium: each
    draws itself and goes live, and the browser reports no CSP violation."""
    status, ticket = call_api(served_hall, "POST", "/tickets", "kiosk-1", {"service": "KTP"})
    assert status == 201
    tokens = served_hall.tokens
    pages = {
        "kiosk": (f"/kiosk/kiosk-1?token={tokens['kiosk-1']}",
                  "body[data-screen=start][data-online=true]"),
        "display": (f"/display/aula?token={tokens['aula']}", "body[data-ready=true]"),
        "ticket": (f"/t/{ticket['token']}", "#code"),
        "console": ("/console", "#signin-username"),
    }
    context = browser.new_context()
    try:
        for name, (path, ready) in pages.items():
            page = context.new_page()
            violations: list[str] = []
            page.on("console", lambda message, found=violations: found.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.on("pageerror", lambda error, found=violations: found.append(str(error)))
            answer = page.goto(f"{served_hall.url}{path}")
            assert answer is not None
            assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
            page.wait_for_selector(ready, state="attached", timeout=15_000)
            if name == "console":
                page.fill("#signin-username", "ayu")
                page.fill("#signin-password", PASSWORD)
                page.keyboard.press("Enter")
                page.wait_for_selector("#choose-view:not([hidden])", timeout=15_000)
            page.wait_for_timeout(500)
            assert violations == [], f"{name}: {violations}"
            page.close()
    finally:
        context.close()
