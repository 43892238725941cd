"""The real hall (config.yaml, 18 agencies) on a portrait and a landscape kiosk screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.kiosk.conftest import (
    LANDSCAPE,
    PORTRAIT,
    Opener,
    api,
    assert_readable,
    real_hall_data,
    settled,
)
from tests.support.browser import screenshot_dir
from tests.support.servers import ServedHall, serve_hall

pytestmark = pytest.mark.browser
KIOSK = "kiosk-utara"
MORNING = {"KTP": 14, "KK": 6, "SKCK": 9, "PASPOR": 5, "PKB-TAHUNAN": 7, "JKN-DAFTAR": 4,
           "PLN-PASANG": 2, "NPWP": 3}


@pytest.fixture(scope="module")
def real_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHall]:
    data = real_hall_data()
    served = serve_hall(tmp_path_factory.mktemp("real"), data)
    try:
        # A morning's worth of visitors, so the tiles show real counts.
        for service, count in MORNING.items():
            for _ in range(count):
                status, body = api(served, "POST", "/tickets", KIOSK, {"service": service})
                assert status == 201, body
        yield served
    finally:
        served.server.stop()


def agency_codes() -> list[str]:
    return [agency["code"] for agency in real_hall_data()["agencies"]]


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_all_18_agencies_fit_one_screen_in_large_type(
        real_hall: ServedHall, open_page: Opener, viewport: dict[str, int],
        tmp_path: Path) -> None:
    page = open_page(f"{real_hall.url}/kiosk/{KIOSK}?token={real_hall.tokens[KIOSK]}", viewport)
    page.wait_for_selector("body[data-screen=start][data-online=true]")
    settled(page, "start")
    tiles = page.locator(".tile")
    assert tiles.count() == 18
    assert [tiles.nth(i).get_attribute("data-agency") for i in range(18)] == agency_codes()
    for i in range(18):
        box = tiles.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0, i
        assert box["x"] + box["width"] <= viewport["width"], i
        assert box["y"] + box["height"] <= viewport["height"], i
        assert box["width"] >= 64 and box["height"] >= 64
    assert "20 menunggu" in page.locator("[data-agency=DUKCAPIL]").inner_text()
    assert_readable(page)
    shots = screenshot_dir(tmp_path)
    orientation = "portrait" if viewport is PORTRAIT else "landscape"
    page.screenshot(path=shots / f"kiosk-{orientation}-start.png")

    page.locator("[data-agency=DUKCAPIL]").tap()
    settled(page, "services")
    assert page.locator(".service").count() == 9
    assert_readable(page)
    page.screenshot(path=shots / f"kiosk-{orientation}-services.png")

    page.locator("[data-service=KTP]").tap()
    settled(page, "confirm")
    page.locator("[data-reason=lansia]").tap()
    assert_readable(page)
    page.screenshot(path=shots / f"kiosk-{orientation}-confirm.png")


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_result_screen_is_readable(real_hall: ServedHall, open_page: Opener,
                                       viewport: dict[str, int], tmp_path: Path) -> None:
    page = open_page(f"{real_hall.url}/kiosk/{KIOSK}?token={real_hall.tokens[KIOSK]}"
                     "&printwait=1", viewport)
    page.wait_for_selector("body[data-screen=start][data-online=true]")
    page.locator("[data-agency=POLRES]").tap()
    page.locator("[data-service=SKCK]").tap()
    page.locator(".issue").tap()
    page.wait_for_selector("body[data-screen=result] section[data-print=failed]")
    settled(page, "result")
    page.wait_for_function("() => document.querySelector('.qr').naturalWidth > 0")
    assert_readable(page)
    orientation = "portrait" if viewport is PORTRAIT else "landscape"
    page.screenshot(path=screenshot_dir(tmp_path) / f"kiosk-{orientation}-result.png")


def test_english_is_one_tap_away(real_hall: ServedHall, open_page: Opener) -> None:
    page: Any = open_page(f"{real_hall.url}/kiosk/{KIOSK}?token={real_hall.tokens[KIOSK]}")
    page.wait_for_selector("body[data-screen=start][data-online=true]")
    assert "Silakan pilih instansi" in page.inner_text("main")
    page.locator("#lang").tap()
    assert "Please choose the agency" in page.inner_text("main")
    assert "waiting" in page.locator("[data-agency=DUKCAPIL]").inner_text()
    assert page.locator("#lang").inner_text() == "Bahasa Indonesia"
    assert page.evaluate("document.documentElement.lang") == "en"


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_check_in_screen_is_readable(real_hall: ServedHall, open_page: Opener,
                                         viewport: dict[str, int], tmp_path: Path) -> None:
    """The hall takes numbers from home (config.yaml's remote block): the start screen offers
    the check-in, whose keys are the booking codes' letters and digits, all on one screen."""
    page = open_page(f"{real_hall.url}/kiosk/{KIOSK}?token={real_hall.tokens[KIOSK]}", viewport)
    page.wait_for_selector("body[data-screen=start][data-online=true]")
    page.locator("[data-action=checkin]").tap()
    settled(page, "checkin")
    assert page.locator(".key").count() == 31 + 1  # the code's alphabet and the eraser
    for letter in "K7QM2":
        page.locator(f"[data-key='{letter}']").tap()
    assert_readable(page)
    orientation = "portrait" if viewport is PORTRAIT else "landscape"
    page.screenshot(path=screenshot_dir(tmp_path) / f"kiosk-{orientation}-checkin.png")
