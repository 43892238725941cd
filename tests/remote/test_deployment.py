"""docs/remote.md's nginx block publishes what the booking and tracking pages load and the
public API, and nothing of the staff's or the devices' side.

nginx's choice of a location is followed as its documentation states it: an exact `=` match,
else the longest prefix unless a regular expression (tried in order) matches. The pages'
files are found by crawling them as a browser would: the rendered page's src/href, then every
module's imports and the absolute paths its code names.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.api.conftest import Api
from tests.remote.conftest import PHONE

DOC = Path(__file__).resolve().parents[2] / "docs" / "remote.md"
LOCATION = re.compile(r"location\s+(=|~|\^~)?\s*(\S+)\s*\{")
REFERENCE = re.compile(r"""(?:src|href)="([^"]+)"|from\s+["']([^"']+)["']"""
                       r"""|["'](/(?:static|vendor|t|ambil)/[^"'?`$]+)["']""")


def public_locations() -> list[tuple[str | None, str]]:
    block = DOC.read_text(encoding="utf-8").split("```nginx", 1)[1].split("```", 1)[0]
    return [(modifier, pattern) for modifier, pattern in LOCATION.findall(block)]


def chosen(path: str, locations: list[tuple[str | None, str]]) -> str:
    for modifier, pattern in locations:
        if modifier == "=" and path == pattern:
            return pattern
    prefixes = [(m, p) for m, p in locations if m in ("", "^~") and path.startswith(p)]
    longest = max(prefixes, key=lambda item: len(item[1]))
    if longest[0] == "^~":
        return longest[1]
    for modifier, pattern in locations:
        if modifier == "~" and re.search(pattern, path):
            return pattern
    return longest[1]


def published(path: str) -> bool:
    return chosen(path, public_locations()) != "/"


def crawl(api: Api, start: list[str]) -> set[str]:
    """Every same-site path the pages load, each checked to answer 200."""
    client, seen, todo = api.client(), set(), list(start)
    while todo:
        url = todo.pop()
        path = urlsplit(url).path
        if path in seen:
            continue
        seen.add(path)
        with client.get(url) as answer:  # closed: a static file's handle is let go
            assert answer.status_code == 200, (url, answer.status_code)
            text = answer.get_data(as_text=True)
        if not path.endswith((".js", ".css")) and "/t/" not in path and path != "/ambil":
            continue
        for groups in REFERENCE.findall(text):
            found = next(g for g in groups if g)
            if found.startswith(("data:", "http", "#", "?")) or "{" in found:
                continue
            todo.append(urljoin(url, found))
    return seen


def test_the_public_pages_load_only_what_is_published(remote_api: Api) -> None:
    token = remote_api.client().post("/api/v1/bookings", json={
        "service": "KTP", "phone": PHONE}).get_json()["ticket"]["token"]
    loaded = crawl(remote_api, ["/ambil", f"/t/{token}"])
    assert {"/ambil/static/booking.js", "/static/shared/dom.js", "/t/sw.js",
            f"/t/{token}/qr.svg", "/vendor/socket.io.min.js"} <= loaded
    assert [path for path in sorted(loaded) if not published(path)] == []
    api_paths = ["/api/v1/bookings/services", "/api/v1/services/SKCK/slots",
                 "/api/v1/bookings", f"/api/v1/tickets/{token}",
                 f"/api/v1/tickets/{token}/cancel", f"/api/v1/tickets/{token}/survey",
                 "/socket.io/"]
    assert [path for path in api_paths if not published(path)] == []


def test_the_staff_and_devices_stay_on_the_lan(remote_api: Api) -> None:
    token = "A" * 43
    private = ["/", "/console", "/console/overview", "/console/admin", "/kiosk/kiosk-1",
               "/display/aula", "/survey/meja-1", "/healthz", "/api/v1/openapi.json",
               "/api/v1/services", "/api/v1/tickets", "/api/v1/overview",
               "/api/v1/counters/L1/call-next", f"/api/v1/tickets/{token}/check-in",
               "/api/v1/tickets/K7QM2D/check-in", "/api/v1/auth/login", "/api/v1/kiosks",
               "/static/console/console.js", "/t/../console", "/ambil/../console",
               "/api/v1/bookings/today"]
    assert [path for path in private if published(path)] == []
