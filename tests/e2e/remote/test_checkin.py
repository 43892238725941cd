"""Checking in at the kiosk a ticket booked from home: the booking code typed on the screen's
keys, or the e-ticket's QR read by a barcode scanner that types into the page; the ticket is
printed like one taken at the kiosk."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.agent import KioskAgent
from tests.e2e.kiosk.conftest import Opener, StandInAgent, awake, issue, shown_code
from tests.e2e.remote.conftest import PUBLIC_URL, api, book, nik, phone, remote_hall
from tests.support.agents import RunningAgent, agent_options
from tests.support.servers import ServedHall, serve_hall, start_server

pytestmark = pytest.mark.browser


def status_of(hall: ServedHall, token: str) -> str:
    status, ticket = api(hall, "GET", f"/tickets/{token}")
    assert status == 200, ticket
    return str(ticket["status"])


def test_the_booking_code_typed_on_the_kiosk_checks_in_and_prints(
        hall: ServedHall, open_kiosk: Opener) -> None:
    mine = book(hall, "KTP", phone(1), nik=nik(1))
    agent = StandInAgent(hall, [{"ok": True}])
    try:
        page = open_kiosk(hall)
        awake(page, "start")
        page.locator("[data-action=checkin]").tap()
        awake(page, "checkin")
        assert page.locator(".checkin-go").is_disabled()  # nothing typed yet
        for letter in mine["booking_code"][:-1]:
            page.locator(f"[data-key='{letter}']").tap()
        page.locator("[data-key=erase]").tap()  # a slip of the finger, taken back
        for letter in mine["booking_code"][-2:]:
            page.locator(f"[data-key='{letter}']").tap()
        assert "".join(page.locator(".cell").all_inner_texts()) == mine["booking_code"]
        page.locator(".checkin-go").tap()

        assert shown_code(page) == mine["code"]
        assert "Tempat Anda di antrean tetap" in page.locator(".checkin-note").inner_text()
        page.wait_for_selector("section[data-print=printed]")
        assert agent.jobs[0]["ticket"]["code"] == mine["code"]
        assert agent.jobs[0]["ticket"]["tracking_url"] == f"{PUBLIC_URL}/t/{mine['token']}"
    finally:
        agent.client.disconnect()
    assert status_of(hall, mine["token"]) == "waiting"


def test_a_scanner_typing_the_tracking_link_checks_in_from_any_screen(
        hall: ServedHall, open_kiosk: Opener, tmp_path: Path) -> None:
    """The real print agent beside the kiosk prints the checked-in ticket's ESC/POS bytes."""
    mine = book(hall, "KTP", phone(2), nik=nik(2))
    paper = tmp_path / "printer.bin"
    paper.touch()
    with RunningAgent(KioskAgent(agent_options(hall, tmp_path / "agent", f"file:{paper}")),
                      wait_s=20):
        page = open_kiosk(hall)
        awake(page, "start")
        page.locator("[data-agency=POLRES]").tap()  # someone left the kiosk mid-way
        awake(page, "services")
        page.keyboard.type(f"{PUBLIC_URL}/t/{mine['token']}")
        page.keyboard.press("Enter")

        assert shown_code(page) == mine["code"]
        page.wait_for_selector("section[data-print=printed]")
        printed = paper.read_bytes()
        assert mine["code"].encode() in printed and b"\x1dVB\x00" in printed  # then a cut
    assert status_of(hall, mine["token"]) == "waiting"

    # The same link scanned again: it is in the line already, and the kiosk says so.
    page.locator(".done").tap()
    awake(page, "start")
    page.keyboard.type(f"{PUBLIC_URL}/t/{mine['token']}")
    page.keyboard.press("Enter")
    problem = page.locator(".screen-checkin .problem")
    problem.wait_for()
    assert "Check-in belum berhasil" in problem.inner_text()


def test_too_early_is_refused_with_the_arrival_window(hall: ServedHall,
                                                      open_kiosk: Opener) -> None:
    # It is 09.00: an 11.30 appointment may check in from 11.00.
    mine = book(hall, "PASPOR", phone(3), date="2026-11-30", slot="11:30")
    page = open_kiosk(hall)
    awake(page, "start")
    page.keyboard.type(mine["booking_code"].lower())  # a scanner set to lower case
    page.keyboard.press("Enter")
    problem = page.locator(".screen-checkin .problem")
    problem.wait_for()
    assert "Check-in belum berhasil" in problem.inner_text()
    assert "11.00" in problem.inner_text()
    assert status_of(hall, mine["token"]) == "booked"

    # Something that is no ticket at all is said so, and nothing is asked of the server.
    page.locator(".screen-checkin .problem .plain").tap()
    page.keyboard.type("https://example.com/not-a-ticket")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.screen-checkin .problem')"
                           ".textContent.includes('Kode tidak dikenali')")


def test_a_late_check_in_joins_at_the_back_of_the_line(tmp_path: Path,
                                                       open_kiosk: Opener) -> None:
    # Booked at 07.45 for 08.30 (its window 08.00 to 08.45); the visitor comes at 09.00.
    served = serve_hall(tmp_path, remote_hall(), clock_start="2026-11-30T07:45:00")
    try:
        mine = book(served, "PASPOR", phone(1), date="2026-11-30", slot="08:30")
    finally:
        served.server.stop()
    served.server = start_server(dict(served.server.env, ANTRE_CLOCK_START="2026-11-30T09:00:00"),
                                 tmp_path / "at-nine.log")
    try:
        issue(served, "PASPOR")  # a visitor who took a number at 09.00
        page = open_kiosk(served)
        page.keyboard.type(mine["booking_code"])
        page.keyboard.press("Enter")
        assert shown_code(page) == mine["code"]
        note = page.locator(".checkin-note").inner_text()
        assert "antrean paling belakang" in note and "tetap" not in note
        # Behind the 09.00 walk-in: on time, the 08.30 appointment would have ranked first.
        status, ticket = api(served, "GET", f"/tickets/{mine['token']}")
        assert (status, ticket["status"], ticket["ahead"]) == (200, "waiting", 1)
    finally:
        served.server.stop()
