"""`/`: a small Indonesian start page with the hall's pages and the staff's guides."""

from __future__ import annotations

import pytest

from tests.e2e.kiosk.conftest import Opener
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser


def test_the_root_is_the_halls_start_page(small_hall: ServedHall, open_page: Opener) -> None:
    page = open_page(f"{small_hall.url}/", {"width": 1280, "height": 800})
    assert page.evaluate("document.documentElement.lang") == "id"
    assert "Not Found" not in page.inner_text("body")
    assert "Mulai dari sini" in page.inner_text("#first")
    links = page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in ("/console", "/console/overview", "/console/reports", "/kiosk/kiosk-1",
                 "/docs/console.md", "/docs/display.md"):
        assert href in links, href
    assert any(href.startswith("/display/") for href in links)
    page.locator("a[href='/docs/console.md']").click()
    page.wait_for_url("**/docs/console.md")
    assert "#" in page.inner_text("body")  # the guide itself, as text
    answer = page.goto(f"{small_hall.url}/docs/..%2Fconfig.yaml")
    assert answer is not None and answer.status == 404
