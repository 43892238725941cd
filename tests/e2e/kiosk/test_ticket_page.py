"""The visitor's phone: the ticket page follows the queue, alerts when called, lets them leave."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.kiosk.conftest import PHONE, Opener, api, issue, service_state
from tests.support.browser import screenshot_dir
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser


def act(hall: ServedHall, action: str, **body: Any) -> Any:
    """Loket 2 (KTP only) at work."""
    status, answer = api(hall, "POST", f"/counters/L2/{action}", "dewi", body)
    assert status == 200, answer
    return answer


def ticket_page(open_page: Opener, hall: ServedHall, token: str, lang: str = "") -> Any:
    page = open_page(f"{hall.url}/t/{token}{'?lang=' + lang if lang else ''}", PHONE)
    page.wait_for_function("() => document.querySelector('#offline').hidden")
    return page


def test_the_page_follows_the_line_and_alerts_when_called(
        small_hall: ServedHall, open_page: Opener, tmp_path: Path) -> None:
    ahead = [issue(small_hall, "KTP") for _ in range(2)]
    mine = issue(small_hall, "KTP")
    page = ticket_page(open_page, small_hall, mine["token"])
    assert page.locator("#code").inner_text() == mine["code"]
    assert page.locator("#status").inner_text() == "Menunggu dipanggil"
    assert page.locator("#ahead").inner_text() == "2"
    assert page.locator("#called").is_hidden()
    assert page.locator("#wait").inner_text() == "Belum ada loket yang buka"  # none serves KTP

    act(small_hall, "open")
    assert act(small_hall, "call-next")["ticket"]["code"] == ahead[0]["code"]
    page.wait_for_function("() => document.querySelector('#ahead').textContent === '1'")
    assert page.locator("#wait").inner_text() == "± 10 menit"  # one ahead, Loket 2 open
    page.screenshot(path=screenshot_dir(tmp_path) / "ticket-waiting.png")

    act(small_hall, "call-next", finish_current=True)
    page.wait_for_function("() => document.querySelector('#ahead').textContent === '0'")
    called = act(small_hall, "call-next", finish_current=True)["ticket"]
    assert called["code"] == mine["code"]
    banner = page.locator("#called")
    banner.wait_for(state="visible")
    assert "Silakan menuju Loket 2" in banner.inner_text()
    assert page.locator("#status").inner_text() == "Dipanggil"
    assert page.get_attribute("body", "data-alerts") == "1"  # the beep and the vibration
    assert page.locator("#leave").is_hidden()
    page.screenshot(path=screenshot_dir(tmp_path) / "ticket-called.png")

    act(small_hall, "recall")
    page.wait_for_function("() => document.body.dataset.alerts === '2'")
    assert "Panggilan ke-2" in banner.inner_text()

    act(small_hall, "start")
    act(small_hall, "finish")
    page.wait_for_function("() => document.body.dataset.status === 'done'")
    assert banner.is_hidden()
    page.locator("#survey-skip").wait_for(state="visible")  # served: the survey comes first
    page.locator("#survey-skip").tap()
    assert "Layanan selesai" in page.inner_text("main")


def test_the_visitor_leaves_the_queue(small_hall: ServedHall, open_page: Opener) -> None:
    mine = issue(small_hall, "PASPOR")
    before = service_state(small_hall, "PASPOR")["waiting"]
    page = ticket_page(open_page, small_hall, mine["token"], lang="en")
    assert page.locator("#leave").inner_text() == "I am leaving"
    page.locator("#leave").tap()
    dialog = page.locator("#confirm")
    dialog.wait_for(state="visible")
    assert mine["code"] in dialog.inner_text()
    page.locator("#confirm-no").tap()
    assert dialog.is_hidden()
    assert page.locator("#status").inner_text() == "Waiting to be called"

    page.locator("#leave").tap()
    page.locator("#confirm-yes").tap()
    page.wait_for_function("() => document.body.dataset.status === 'cancelled'")
    assert page.locator("#status").inner_text() == "Cancelled"
    assert "You have left the queue" in page.inner_text("main")
    assert page.locator("#leave").is_hidden()
    status, ticket = api(small_hall, "GET", f"/tickets/{mine['token']}")
    assert (status, ticket["status"]) == (200, "cancelled")
    assert service_state(small_hall, "PASPOR")["waiting"] == before - 1


def test_an_unknown_ticket_gets_a_friendly_not_found_page(
        small_hall: ServedHall, open_page: Opener) -> None:
    token = "x" * 43
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(f"{small_hall.url}/t/{token}", timeout=10)
    assert failed.value.code == 404
    failed.value.close()
    page = open_page(f"{small_hall.url}/t/{token}", PHONE)
    assert "Tiket tidak ditemukan" in page.inner_text("body")
    assert "pindai kembali" in page.inner_text("body").lower()
    page.locator(".lang").tap()
    page.wait_for_url("**?lang=en")
    assert "Ticket not found" in page.inner_text("body")
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(f"{small_hall.url}/t/{token}/qr.svg", timeout=10)
    assert failed.value.code == 404
    failed.value.close()


def test_the_page_and_its_qr_code_stay_private_to_the_visitor(
        small_hall: ServedHall, open_page: Opener) -> None:
    mine = issue(small_hall, "PASPOR")
    with urllib.request.urlopen(f"{small_hall.url}/t/{mine['token']}", timeout=10) as answer:
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
        assert mine["code"] in answer.read().decode()  # readable without the script
    with urllib.request.urlopen(f"{small_hall.url}/t/{mine['token']}/qr.svg",
                                timeout=10) as answer:
        assert answer.headers["Content-Type"].startswith("image/svg+xml")
        assert answer.headers["Cache-Control"].startswith("private")

    # The kiosk used in English asks for a QR code that opens the English page.
    page = open_page(f"{small_hall.url}/t/{mine['token']}/qr.svg?lang=en",
                     {"width": 400, "height": 400})
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.screenshot())))
    assert [code.text for code in found] == [f"{mine['tracking_url']}?lang=en"]
