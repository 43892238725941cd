"""Tickets taken from home on the officer's console and the overview (issue 16), in Chromium
against a real `antre serve` whose hall takes numbers from home: the desk's list of who has
not arrived, checking a visitor in from it (after the phone's last digits) or by the booking
code typed, the ticket then waiting with its 'daring' mark; the overview's counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.console.conftest import (
    WAIT_MS,
    open_console,
    open_counter,
    records,
    serve_template,
    wait_waiting,
)
from tests.e2e.console.test_overview import open_overview
from tests.support.browser import screenshot_dir
from tests.support.halls import remote_hall_data
from tests.support.servers import ServedHall, call_api

pytestmark = pytest.mark.browser


@pytest.fixture
def remote_server(tmp_path: Path, console_template: tuple[Path, dict[str, str]]
                  ) -> Iterator[ServedHall]:
    """The console's hall taking numbers from home (KTP keeps 2 of its 5 for them, KK asks
    the NIK), served from Monday 09:00 WITA."""
    served = serve_template(tmp_path, console_template, remote_hall_data())
    yield served
    served.server.stop()


def book(served: ServedHall, service: str, phone: str, **extra: Any) -> dict[str, Any]:
    """A booking from a visitor's phone: the public API, no credentials."""
    status, answer = call_api(served, "POST", "/bookings",
                              body={"service": service, "phone": phone, **extra})
    assert status == 201, answer
    ticket: dict[str, Any] = answer["ticket"]
    return ticket


def not_arrived(page: Any) -> list[str]:
    codes: list[str] = page.locator("#not-arrived-list li.booked").evaluate_all(
        "rows => rows.map(r => r.dataset.code)")
    return codes


def wait_not_arrived(page: Any, codes: list[str]) -> None:
    page.wait_for_function(
        "(codes) => JSON.stringify([...document.querySelectorAll('#not-arrived-list li.booked')]"
        ".map(r => r.dataset.code)) === JSON.stringify(codes)", arg=codes)


def test_an_officer_checks_a_booked_visitor_in_from_the_list(
        browser: Any, remote_server: ServedHall) -> None:
    ktp = book(remote_server, "KTP", "0812-3456-7890")
    kk = book(remote_server, "KK", "0813-1111-2222", nik="5108014507900003")
    page = open_console(browser, remote_server, "ayu")
    open_counter(page, "Loket 1")
    page.wait_for_selector("#bookings-card:not([hidden])")
    wait_not_arrived(page, [ktp["code"], kk["code"]])
    assert page.inner_text("#not-arrived-count") == "2"
    assert page.inner_text("#booked-services li[data-service='KTP'] .remote-counts") == \
        "1 dipesan · 0 hadir · 1 belum datang"
    row = page.locator(f"#not-arrived-list li[data-code='{ktp['code']}']")
    assert "HP …7890" in row.inner_text() and ktp["booking_code"] in row.inner_text()
    assert page.locator("#waiting-list li").count() == 0  # a booking is not in the line

    row.get_by_role("button", name=f"Check-in {ktp['code']}").click()
    page.wait_for_selector("#checkin-dialog[open]")
    assert "harus 7890" in page.inner_text("#checkin-digits")
    page.keyboard.press("Enter")  # the confirm button has the focus
    page.wait_for_selector("#checkin-dialog[open]", state="detached")
    assert "masuk antrean" in page.inner_text("#toast")
    wait_waiting(page, [ktp["code"]])
    badge = page.locator(f"#waiting-list li[data-code='{ktp['code']}'] .badge.remote")
    assert (badge.inner_text(), badge.get_attribute("data-channel")) == ("daring", "online")
    wait_not_arrived(page, [kk["code"]])
    page.wait_for_function(
        "() => document.querySelector(\"#booked-services li[data-service='KTP'] .remote-counts\")"
        ".textContent === '1 dipesan · 1 hadir · 0 belum datang'")
    users = dict(records(remote_server, "SELECT username, id FROM users"))
    assert records(remote_server,
                   "SELECT t.status, e.user_id FROM tickets t JOIN ticket_events e "
                   "ON e.ticket_id = t.id AND e.kind = 'checked_in' WHERE t.code = ?",
                   ktp["code"]) == [("waiting", users["ayu"])]
    assert page.errors == []


def test_by_the_code_typed_or_the_phones_last_digits(browser: Any,
                                                     remote_server: ServedHall) -> None:
    ktp = book(remote_server, "KTP", "0812-3456-7890")
    kk = book(remote_server, "KK", "0813-1111-2222", nik="5108014507900003")
    page = open_console(browser, remote_server, "ayu")
    open_counter(page, "Loket 1")
    wait_not_arrived(page, [ktp["code"], kk["code"]])

    page.fill("#checkin-code", "ZZZZZZ")  # no such booking: said, nothing done
    page.keyboard.press("Enter")
    page.wait_for_selector("#notice:not([hidden])")
    assert page.inner_text("#notice")
    assert not_arrived(page) == [ktp["code"], kk["code"]]

    page.fill("#checkin-code", ktp["booking_code"].lower())  # as a visitor reads it out
    page.keyboard.press("Enter")
    wait_waiting(page, [ktp["code"]])
    wait_not_arrived(page, [kk["code"]])
    assert page.input_value("#checkin-code") == ""

    page.fill("#checkin-code", "2222")  # the KK visitor's phone ends in 2222
    page.keyboard.press("Enter")
    page.wait_for_selector("#checkin-dialog[open]")
    assert page.text_content("#checkin-title") == f"Check-in {kk['code']}"
    assert "0003" in page.inner_text("#checkin-digits")  # the NIK's last digits too
    page.click("#checkin-submit")
    page.wait_for_selector("#checkin-dialog[open]", state="detached")
    page.wait_for_function(
        "() => document.querySelectorAll('#waiting-list li').length === 2", timeout=WAIT_MS)
    assert page.inner_text("#not-arrived-empty") == "Tidak ada yang ditunggu."

    # checked in already: the server's refusal is said in the dialog's stead
    page.fill("#checkin-code", kk["booking_code"])
    page.keyboard.press("Enter")
    page.wait_for_function("() => /sudah/i.test(document.getElementById('notice').textContent)")
    assert page.errors == []


def test_the_overview_counts_booked_checked_in_and_not_arrived(
        browser: Any, remote_server: ServedHall) -> None:
    first = book(remote_server, "KTP", "0812-3456-7890")
    book(remote_server, "KTP", "0813-3456-7890")
    status, _ = call_api(remote_server, "POST", f"/tickets/{first['booking_code']}/check-in",
                         "ayu", {})
    assert status == 200
    page = open_overview(browser, remote_server, "sari")
    cell = "#services-table tr[data-service='{}'] .remote"
    page.wait_for_selector(cell.format("KTP"))
    assert page.inner_text(cell.format("KTP")) == "2 dipesan · 1 hadir · 1 belum datang"
    assert page.inner_text(cell.format("KK")) == "0 dipesan · 0 hadir · 0 belum datang"
    page.click("#lang")
    page.wait_for_function(
        f"() => document.querySelector(\"{cell.format('KTP')}\").textContent"
        " === '2 booked · 1 checked in · 1 not arrived'")


def test_an_appointment_shows_its_slot_on_the_desk(browser: Any, remote_server: ServedHall,
                                                   tmp_path: Path) -> None:
    """SKCK offers 30-minute slots for two: the desk shows the day's slots, and the checked-in
    appointment waits marked with its time (and the picture for docs/console.md)."""
    skck = book(remote_server, "SKCK", "0812-3456-7890", slot="09:30")
    later = book(remote_server, "SKCK", "0813-2222-4444", slot="11:00")
    page = open_console(browser, remote_server, "budi")
    open_counter(page, "Loket 3")
    wait_not_arrived(page, [skck["code"], later["code"]])
    page.screenshot(path=str(screenshot_dir(tmp_path) / "console-bookings.png"))
    slot = page.locator("#booked-services li[data-service='SKCK'] .slot[data-start='09:30']")
    assert slot.inner_text().split() == ["09.30", "1/2"]
    assert page.locator("#booked-services .slot").first.get_attribute("data-start") == "08:00"
    page.locator(f"#not-arrived-list li[data-code='{skck['code']}']").get_by_role(
        "button", name=f"Check-in {skck['code']}").click()
    page.click("#checkin-submit")
    wait_waiting(page, [skck["code"]])
    wait_not_arrived(page, [later["code"]])
    badge = page.locator(f"#waiting-list li[data-code='{skck['code']}'] .badge.remote")
    assert (badge.inner_text(), badge.get_attribute("data-channel")) == (
        "janji temu 09.30", "appointment")
    page.wait_for_function(
        "() => document.querySelector(\"#booked-services .slot[data-start='09:30'] .slot-in\")"
        "?.textContent === '✓1'")
    assert page.errors == []
