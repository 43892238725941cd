"""Services that cannot issue now show why, and cannot be chosen: a full quota, and a service
whose tickets start later (the server's clock at Monday 07:45; PASPOR issues from 08:00)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.kiosk.conftest import Opener, api, awake, issue, service_state
from tests.support.servers import ServedHall, serve_hall

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def early_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHall]:
    served = serve_hall(tmp_path_factory.mktemp("early"), clock_start="2026-11-30T07:45:00")
    yield served
    served.server.stop()


def test_a_full_quota_greys_the_service_live_with_the_reason(
        early_hall: ServedHall, open_kiosk: Opener) -> None:
    page = open_kiosk(early_hall)
    awake(page, "start")
    page.locator("[data-agency=DUKCAPIL]").tap()
    awake(page, "services")
    card = page.locator("[data-service=KTP]")
    assert "closed" not in (card.get_attribute("class") or "")
    quota = service_state(early_hall, "KTP")["quota_left"]
    assert quota == 5
    for _ in range(quota):
        issue(early_hall, "KTP")

    page.wait_for_selector("[data-service=KTP].closed")
    reason = service_state(early_hall, "KTP")["closed_message"]["id"]
    assert reason.startswith("Kuota hari ini habis")
    assert reason in card.inner_text()
    card.tap(force=True)  # a visitor may still touch it
    page.wait_for_timeout(300)
    assert page.evaluate("document.body.dataset.screen") == "services"
    status, answer = api(early_hall, "POST", "/tickets", "kiosk-1", {"service": "KTP"})
    assert (status, answer["error"]["code"]) == (409, "quota_reached")
    assert service_state(early_hall, "KTP")["waiting"] == 5


def test_a_service_not_yet_issuing_says_from_when(early_hall: ServedHall,
                                                   open_kiosk: Opener) -> None:
    page = open_kiosk(early_hall)
    awake(page, "start")
    page.locator("[data-agency=IMIGRASI]").tap()
    awake(page, "services")
    card = page.locator("[data-service=PASPOR]")
    assert "closed" in (card.get_attribute("class") or "")
    assert card.get_attribute("aria-disabled") == "true"
    expected = service_state(early_hall, "PASPOR")["closed_message"]["id"]
    assert "08" in expected
    assert expected in card.inner_text()
    card.tap(force=True)  # a visitor may still touch it
    page.wait_for_timeout(300)
    assert page.evaluate("document.body.dataset.screen") == "services"

    page.locator("#lang").tap()
    awake(page, "services")
    english = service_state(early_hall, "PASPOR")["closed_message"]["en"]
    page.wait_for_function(
        "text => document.querySelector('[data-service=PASPOR]').innerText.includes(text)",
        arg=english)
    # A tile whose every service is closed says so on the start screen too.
    page.locator(".back").tap()
    awake(page, "start")
    assert "Closed" in page.locator("[data-agency=IMIGRASI]").inner_text()
    assert service_state(early_hall, "PASPOR")["waiting"] == 0


def test_on_a_sunday_the_kiosk_says_why_and_when_it_opens(tmp_path_factory: pytest.TempPathFactory,
                                                           open_kiosk: Opener) -> None:
    served = serve_hall(tmp_path_factory.mktemp("sunday"), clock_start="2026-12-06T09:00:00")
    try:
        page = open_kiosk(served)
        awake(page, "start")
        hint = page.locator(".intro .hint")
        page.wait_for_selector(".intro .hint.hall-closed")
        assert hint.inner_text() == "Hari Minggu layanan tutup. Buka kembali Senin, 07.30."
    finally:
        served.server.stop()
