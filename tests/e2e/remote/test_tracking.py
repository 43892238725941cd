"""The tracking page of a ticket booked from home, on a small phone: booked (the arrival window
and how to check in), then in the line; it warns when few are ahead and when called, by
sound, vibration and the browser's notification."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.kiosk.conftest import issue
from tests.e2e.remote.conftest import PhoneOpener, api, book, check_in, nik, phone
from tests.support.browser import screenshot_dir
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser

# The titles of the notifications the page's service worker has shown.
NOTIFICATIONS_JS = """async () => {
  const worker = await navigator.serviceWorker.getRegistration("/t/");
  return (await worker.getNotifications()).map((note) => [note.title, note.body]);
}"""

# Whether an element ends inside the row that holds it (a phone's narrow screen).
WITHIN_ITS_ROW_JS = """(id) => {
  const item = document.getElementById(id);
  return item.getBoundingClientRect().right <= item.parentElement.getBoundingClientRect().right;
}"""


def loket_2(hall: ServedHall, action: str, **body: Any) -> Any:
    """Loket 2 (KTP only) at work."""
    status, answer = api(hall, "POST", f"/counters/L2/{action}", "dewi", body)
    assert status == 200, answer
    return answer


def test_the_page_warns_when_few_are_ahead_and_when_called(
        hall: ServedHall, open_phone: PhoneOpener, tmp_path: Path) -> None:
    walk_ins = [issue(hall, "KTP") for _ in range(4)]
    mine = book(hall, "KTP", phone(1), nik=nik(1))
    page = open_phone(f"{hall.url}/t/{mine['token']}", permissions=["notifications"])
    page.wait_for_selector("body[data-status=booked]")
    assert page.locator("#status").inner_text() == "Belum check-in"
    assert page.locator("#booking-code").inner_text() == mine["booking_code"]
    assert "Datang antara pukul" in page.locator("#arrive").inner_text()
    assert page.locator("#qr").is_visible() and page.locator("#position").is_hidden()
    page.screenshot(path=screenshot_dir(tmp_path) / "ticket-booked.png", full_page=True)
    page.locator("#sound").tap()  # the touch turns sound on; notifications are allowed
    assert page.locator("#sound").inner_text() == "Bunyi, getar & notifikasi aktif"
    page.wait_for_function("async () => !!(await navigator.serviceWorker"
                           ".getRegistration('/t/'))?.active")

    check_in(hall, mine["booking_code"])  # at the kiosk: the page follows live
    page.wait_for_selector("body[data-status=waiting]")
    assert page.locator("#booked").is_hidden()
    assert page.locator("#ahead").inner_text() == "4"
    assert page.locator("#wait").inner_text() == "Belum ada loket yang buka"
    assert page.evaluate(WITHIN_ITS_ROW_JS, "wait"), "the estimate runs out of its row"
    assert page.locator("#soon").is_hidden()
    assert page.get_attribute("body", "data-alerts") is None

    loket_2(hall, "open")
    assert loket_2(hall, "call-next")["ticket"]["code"] == walk_ins[0]["code"]
    page.wait_for_function("() => document.body.dataset.alert === 'few'")
    assert page.locator("#ahead").inner_text() == "3"
    assert "3 orang lagi di depan Anda" in page.locator("#soon").inner_text()
    assert page.evaluate("window.vibrations") == [[200, 100, 200]]
    page.wait_for_function("() => document.body.dataset.notified === '1'")
    assert page.evaluate(NOTIFICATIONS_JS) == [
        ["Giliran Anda hampir tiba", "3 orang lagi di depan Anda. Bersiaplah menuju loket."]]

    # Closer still: the line says so, with no second alert.
    loket_2(hall, "call-next", finish_current=True)
    page.wait_for_function("() => document.getElementById('ahead').textContent === '2'")
    assert page.get_attribute("body", "data-alerts") == "1"

    for _ in range(2):
        loket_2(hall, "call-next", finish_current=True)
    called = loket_2(hall, "call-next", finish_current=True)["ticket"]
    assert called["code"] == mine["code"]
    page.wait_for_function("() => document.body.dataset.alert === 'called'")
    assert page.get_attribute("body", "data-alerts") == "2"
    assert "Silakan menuju Loket 2" in page.locator("#called").inner_text()
    assert page.locator("#soon").is_hidden()
    assert page.evaluate("window.vibrations")[-1] == [500, 200, 500, 200, 800]
    page.wait_for_function("() => document.body.dataset.notified === '2'")
    titles = [title for title, _body in page.evaluate(NOTIFICATIONS_JS)]
    assert titles == ["Nomor Anda dipanggil!"]  # the same tag: the call replaced the warning


def test_a_visitor_drops_a_booking_from_the_page(hall: ServedHall,
                                                 open_phone: PhoneOpener) -> None:
    mine = book(hall, "KTP", phone(2), nik=nik(2))
    page = open_phone(f"{hall.url}/t/{mine['token']}")
    page.wait_for_selector("body[data-status=booked]")
    # Notifications not yet allowed: the button stays after the first touch, to ask.
    page.locator("#sound").tap()
    page.wait_for_function("() => document.getElementById('sound').disabled")
    assert page.evaluate("window.vibrations") == [150]  # the button's own short buzz
    assert page.evaluate("Notification.permission") != "granted"
    page.locator("#leave").tap()
    page.locator("#confirm-yes").tap()
    page.wait_for_selector("body[data-status=cancelled]")
    assert page.locator("#booked").is_hidden()
    status, ticket = api(hall, "GET", f"/tickets/{mine['token']}")
    assert (status, ticket["status"]) == (200, "cancelled")
