"""The public booking page /ambil on a small phone: today's queue, an appointment, refusals."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.e2e.remote.conftest import (
    PUBLIC_URL,
    PhoneOpener,
    api,
    book,
    nik,
    phone,
    remote_hall,
)
from tests.support.browser import screenshot_dir
from tests.support.servers import ServedHall, serve_hall

pytestmark = pytest.mark.browser

PAGE_BUDGET = 50_000  # bytes, everything the page loads up to the list of agencies

# What the page cost to load: the document and every resource, as transferred.
PAGE_BYTES_JS = """() => {
  const [navigation] = performance.getEntriesByType("navigation");
  return performance.getEntriesByType("resource")
    .reduce((sum, entry) => sum + entry.transferSize, navigation.transferSize);
}"""


def step(page: Any, name: str) -> None:
    page.wait_for_selector(f"body[data-step={name}]")


def decoded_qr(page: Any) -> str:
    page.wait_for_function("() => document.getElementById('qr').naturalWidth > 0")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(page.locator("#qr").screenshot())))
    assert len(found) == 1
    text: str = found[0].text
    return text


def remote_left(hall: ServedHall, service: str) -> int:
    status, body = api(hall, "GET", "/bookings/services", None)
    assert status == 200, body
    for agency in body["agencies"]:
        for offered in agency["services"]:
            if offered["code"] == service:
                left: int = offered["remote_left"]
                return left
    raise AssertionError(f"no service {service}")


def test_a_visitor_takes_todays_number_from_a_phone(hall: ServedHall, open_phone: PhoneOpener,
                                                    tmp_path: Path) -> None:
    page = open_phone(f"{hall.url}/ambil")
    step(page, "agency")
    weight = page.evaluate(PAGE_BYTES_JS)
    assert 0 < weight < PAGE_BUDGET, f"the page weighs {weight} bytes"
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")  # no sideways
    page.locator("[data-agency=DUKCAPIL]").tap()
    step(page, "service")
    card = page.locator("[data-service=KTP]")
    before = remote_left(hall, "KTP")
    assert "Kartu Keluarga" in card.inner_text()  # the requirements
    assert "Sisa nomor daring hari ini" in card.inner_text()
    assert card.locator("dd").first.inner_text() == str(before)
    assert "Belum ada loket yang buka" in card.inner_text()  # the estimate: no counter open
    card.tap()
    step(page, "contact")  # KTP offers no appointments: today's queue it is
    assert "Antrean hari ini" in page.inner_text(".summary")
    privacy = page.inner_text("#privacy")
    assert "hash HMAC" in privacy and "4 angka terakhir" in privacy and "NIK" in privacy
    assert "SMS" not in privacy  # this hall has no messaging gateway (webhook_url)
    page.locator("#phone").fill(phone(1).replace(" ", "-"))
    page.locator("#nik").fill(nik(1))
    page.screenshot(path=screenshot_dir(tmp_path) / "booking-contact.png")
    page.locator("#book").tap()

    step(page, "ticket")
    code = page.locator("#code").inner_text()
    link = page.locator("#track").get_attribute("href")
    token = link.split("/")[2]
    status, ticket = api(hall, "GET", f"/tickets/{token}")
    assert (status, ticket["code"], ticket["status"]) == (200, code, "booked")
    assert decoded_qr(page) == f"{PUBLIC_URL}/t/{token}"
    booking_code = page.locator("#booking-code").inner_text()
    assert len(booking_code) == 6
    assert "Datang antara pukul" in page.locator("#arrive").inner_text()
    assert remote_left(hall, "KTP") == before - 1
    page.screenshot(path=screenshot_dir(tmp_path) / "booking-eticket.png", full_page=True)

    # The phone's back button starts afresh, the e-ticket still within reach; so does a reload.
    page.go_back()
    step(page, "agency")
    assert code in page.inner_text(".mine")
    page.reload()
    step(page, "agency")
    mine = page.locator(".mine a", has_text=code)
    assert mine.get_attribute("href") == link

    # The tracking page says it is booked, with the same booking code to type at a kiosk.
    mine.tap()
    page.wait_for_selector("body[data-status=booked]")
    assert page.locator("#status").inner_text() == "Belum check-in"
    assert page.locator("#booking-code").inner_text() == booking_code


def test_a_visitor_books_a_time_on_another_day(hall: ServedHall,
                                               open_phone: PhoneOpener) -> None:
    page = open_phone(f"{hall.url}/ambil?lang=en")
    step(page, "agency")
    page.locator("[data-agency=IMIGRASI]").tap()
    step(page, "service")
    page.locator("[data-service=PASPOR]").tap()
    step(page, "when")
    page.locator("[data-date='2026-11-30']").tap()  # today, at 09.00: the times from 09.30
    page.wait_for_selector("[data-slot]")
    assert page.locator("[data-slot]").first.get_attribute("data-slot") == "09:30"
    page.go_back()
    step(page, "when")
    page.locator("[data-date='2026-12-01']").tap()
    step(page, "slot")
    # Today's times (from 09.30) may still be on screen until the new day's are drawn.
    page.wait_for_selector("[data-slot='08:00']")
    assert page.locator("[data-slot]").first.get_attribute("data-slot") == "08:00"
    first = page.locator("[data-slot]:not([disabled])").first
    start = first.get_attribute("data-slot")
    first.tap()
    step(page, "contact")
    assert f"at {start}" in page.inner_text(".summary")
    page.locator("#phone").fill("+62" + phone(2)[1:])
    page.locator("#book").tap()
    step(page, "ticket")
    assert "Tuesday" in page.locator("#arrive").inner_text()
    token = page.locator("#track").get_attribute("href").split("/")[2].split("?")[0]
    status, ticket = api(hall, "GET", f"/tickets/{token}")
    assert (status, ticket["status"]) == (200, "booked")
    page.locator("#track").tap()  # the tracking page, in English too, says which day
    page.wait_for_selector("body[data-status=booked]")
    assert "on Tuesday 1/12" in page.locator("#arrive").inner_text()

    # The slot held one visitor: the next one finds it full.
    status, slots = api(hall, "GET", "/services/PASPOR/slots?date=2026-12-01")
    assert status == 200
    [taken] = [s for s in slots["slots"] if s["start"] == start]
    assert taken["left"] == 0
    page = open_phone(f"{hall.url}/ambil")
    step(page, "agency")
    page.locator("[data-agency=IMIGRASI]").tap()
    page.locator("[data-service=PASPOR]").tap()
    page.locator("[data-date='2026-12-01']").tap()
    full = page.locator(f"[data-slot='{start}']")
    full.wait_for()
    assert full.is_disabled() and "penuh" in full.inner_text()

    # Two visitors after the same time: the one who asks second is sent back to the times.
    free = page.locator("[data-slot]:not([disabled])").first
    later = free.get_attribute("data-slot")
    free.tap()
    step(page, "contact")
    book(hall, "PASPOR", phone(5), date="2026-12-01", slot=later)
    page.locator("#phone").fill(phone(6))
    page.locator("#book").tap()
    step(page, "slot")
    assert "sudah penuh" in page.locator("#problem").inner_text()
    page.wait_for_selector(f"[data-slot='{later}'][disabled]")


def test_refusals_are_said_and_change_nothing(hall: ServedHall,
                                              open_phone: PhoneOpener) -> None:
    book(hall, "KTP", phone(3), nik=nik(3))
    left = remote_left(hall, "KTP")
    page = open_phone(f"{hall.url}/ambil")
    step(page, "agency")
    page.locator("[data-agency=DUKCAPIL]").tap()
    page.locator("[data-service=KTP]").tap()
    step(page, "contact")

    page.locator("#phone").fill("12345")
    page.locator("#nik").fill(nik(4))
    page.locator("#book").tap()
    problem = page.locator("#problem")
    problem.wait_for()
    assert "Nomor ponsel tidak valid" in problem.inner_text()
    assert page.locator("#phone").get_attribute("aria-invalid") == "true"

    # The same phone number already holds today's KTP number.
    page.locator("#phone").fill(phone(3))
    page.locator("#book").tap()
    page.wait_for_function(
        "() => document.getElementById('problem')?.textContent.includes('sudah memegang')")
    assert page.evaluate("document.body.dataset.step") == "contact"
    assert remote_left(hall, "KTP") == left


def test_the_last_remote_number_taken_meanwhile_is_said(tmp_path: Path,
                                                        open_phone: PhoneOpener) -> None:
    data = remote_hall()
    data["agencies"][0]["services"][0]["quota"] = 4  # half of it, 2, for remote bookings
    served = serve_hall(tmp_path, data)
    try:
        book(served, "KTP", phone(1), nik=nik(1))
        page = open_phone(f"{served.url}/ambil")
        step(page, "agency")
        page.locator("[data-agency=DUKCAPIL]").tap()
        page.locator("[data-service=KTP]").tap()
        step(page, "contact")
        book(served, "KTP", phone(2), nik=nik(2))  # someone else, a moment faster
        page.locator("#phone").fill(phone(3))
        page.locator("#nik").fill(nik(3))
        page.locator("#book").tap()

        step(page, "service")  # back to the services, their figures as they are now
        assert "sudah habis" in page.locator("#problem").inner_text()
        card = page.locator("[data-service=KTP]")
        assert card.get_attribute("aria-disabled") == "true"
        assert remote_left(served, "KTP") == 0
    finally:
        served.server.stop()
