"""A visitor at the kiosk: agency → service → confirm → the number, on the small hall."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from kiosk.agent import KioskAgent
from tests.e2e.kiosk.conftest import (
    KIOSK,
    LANDSCAPE,
    Opener,
    StandInAgent,
    api,
    awake,
    go_to_confirm,
    issue,
    service_state,
    shown_code,
)
from tests.support.agents import RunningAgent, agent_options
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser


def shown_token(page: Any) -> str:
    """The tracking token of the ticket on the result screen (from its QR code's address)."""
    source: str = page.locator(".qr").get_attribute("src")
    return source.split("?")[0].split("/")[2]


def decoded_qr(page: Any) -> str:
    page.wait_for_function("() => document.querySelector('.qr').naturalWidth > 0")
    image = Image.open(io.BytesIO(page.locator(".qr").screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    text: str = found[0].text
    return text


def test_the_setup_link_keeps_the_token_in_the_browser_not_in_the_address(
        small_hall: ServedHall, open_kiosk: Opener) -> None:
    page = open_kiosk(small_hall)
    assert page.url == f"{small_hall.url}/kiosk/{KIOSK}"
    assert page.evaluate(f"localStorage.getItem('antre.kiosk.{KIOSK}.token')") == \
        small_hall.tokens[KIOSK]
    page.reload()
    page.wait_for_selector("body[data-screen=start][data-online=true]")
    assert page.locator(".tile").count() == 3


def test_a_kiosk_without_its_token_says_it_is_not_set_up(small_hall: ServedHall,
                                                          open_page: Opener) -> None:
    page = open_page(f"{small_hall.url}/kiosk/{KIOSK}")
    page.wait_for_selector("body[data-screen=setup]")
    assert "belum disiapkan" in page.inner_text("main")
    page = open_page(f"{small_hall.url}/kiosk/{KIOSK}?token=not-the-token")
    page.wait_for_selector("body[data-screen=setup]")
    # A refused token is not "not set up": the kiosk says the server did not accept it.
    page.wait_for_function("() => document.querySelector('main').innerText"
                           ".includes('Token kiosk ini tidak diterima')")
    assert "belum disiapkan" not in page.inner_text("main")


def test_an_unknown_kiosk_id_is_not_found_and_says_which_exist(
        small_hall: ServedHall, open_page: Opener) -> None:
    page = open_page(f"{small_hall.url}/kiosk/kiosk-99")
    answer = page.goto(f"{small_hall.url}/kiosk/kiosk-99")
    assert answer is not None and answer.status == 404
    text = page.inner_text("body")
    assert "kiosk-99" in text and "kiosk-1" in text and "antre config apply" in text


def test_a_visitor_takes_a_number_and_sees_it_with_its_qr_code(
        small_hall: ServedHall, open_kiosk: Opener) -> None:
    before = service_state(small_hall, "KK")["waiting"]
    page = open_kiosk(small_hall)
    awake(page, "start")
    page.locator("[data-agency=DUKCAPIL]").tap()
    awake(page, "services")
    card = page.locator("[data-service=KK]")
    assert "Kartu Keluarga" in card.inner_text()
    # No counter serving KK is open (these flows never open one): no "Segera", no figure.
    assert "Belum ada loket yang buka" in card.inner_text() and "Segera" not in card.inner_text()
    page.locator("[data-service=KK]").tap()
    awake(page, "confirm")
    assert page.locator("[data-reason=none]").get_attribute("aria-pressed") == "true"
    page.locator(".issue").tap()

    code = shown_code(page)
    assert code.startswith("B-")
    token = shown_token(page)
    status, ticket = api(small_hall, "GET", f"/tickets/{token}")
    assert status == 200
    assert (ticket["code"], ticket["service"], ticket["status"]) == (code, "KK", "waiting")
    assert decoded_qr(page) == f"http://antre.test/t/{token}"
    assert "Kartu Keluarga" in page.inner_text("main")
    assert service_state(small_hall, "KK")["waiting"] == before + 1


def test_a_priority_ticket_is_marked_priority(small_hall: ServedHall,
                                              open_kiosk: Opener) -> None:
    page = open_kiosk(small_hall, LANDSCAPE)
    go_to_confirm(page, "DUKCAPIL", "KK")
    page.locator("[data-reason=ibu_hamil]").tap()
    assert page.locator("[data-reason=ibu_hamil]").get_attribute("aria-pressed") == "true"
    assert page.locator("[data-reason=none]").get_attribute("aria-pressed") == "false"
    page.locator(".issue").tap()
    code = shown_code(page)
    assert "Prioritas · Ibu hamil" in page.locator(".priority-badge").inner_text()

    status, counter = api(small_hall, "GET", "/counters/L1", "ayu")
    assert status == 200
    [queued] = [item for item in counter["waiting"] if item["code"] == code]
    assert (queued["priority"], queued["priority_reason"]) == (True, "ibu_hamil")


def test_without_a_printer_the_screen_is_the_ticket_and_stays_longer(
        small_hall: ServedHall, open_kiosk: Opener) -> None:
    # No print agent is connected to this kiosk: the print never happens.
    page = open_kiosk(small_hall, idle=2, printwait=1)
    go_to_confirm(page, "POLRES", "SKCK")
    page.locator(".issue").tap()
    code = shown_code(page)
    page.wait_for_selector("section[data-print=failed]")
    failed_at = time.monotonic()
    text = page.inner_text("main")
    assert "Tiket tidak dapat dicetak" in text and "Nomor Anda tetap berlaku" in text
    token = shown_token(page)
    assert decoded_qr(page) == f"http://antre.test/t/{token}"
    status, ticket = api(small_hall, "GET", f"/tickets/{token}")
    assert (status, ticket["code"], ticket["status"]) == (200, code, "waiting")

    # Idle is two seconds here; an unprinted number stays three times as long.
    time.sleep(max(0.0, failed_at + 3.0 - time.monotonic()))
    assert page.evaluate("document.body.dataset.screen") == "result"
    page.wait_for_selector("body[data-screen=start]", timeout=8000)
    assert time.monotonic() - failed_at > 5.0


def test_idle_brings_back_the_start_screen_in_indonesian(small_hall: ServedHall,
                                                          open_kiosk: Opener) -> None:
    page = open_kiosk(small_hall, idle=2)
    page.locator("#lang").tap()
    awake(page, "start")
    page.locator("[data-agency=POLRES]").tap()
    awake(page, "services")
    assert "Choose a service" in page.inner_text("main")
    started = time.monotonic()
    page.wait_for_selector("body[data-screen=start]", timeout=6000)
    assert time.monotonic() - started > 1.0
    assert "Silakan pilih instansi" in page.inner_text("main")


def test_a_double_tap_issues_one_ticket(small_hall: ServedHall, open_kiosk: Opener) -> None:
    before = service_state(small_hall, "SKCK")["waiting"]
    page = open_kiosk(small_hall)
    go_to_confirm(page, "POLRES", "SKCK")
    button = page.locator(".issue")
    button.wait_for(state="visible")
    page.wait_for_function("() => !document.querySelector('.issue').disabled")
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.touchscreen.tap(x, y)
    page.touchscreen.tap(x, y)
    shown_code(page)
    page.touchscreen.tap(x, y)  # a late third touch lands on the result screen: harmless
    page.wait_for_timeout(700)
    assert page.evaluate("document.body.dataset.screen") == "result"
    assert service_state(small_hall, "SKCK")["waiting"] == before + 1


def test_waiting_counts_follow_the_hall_live(small_hall: ServedHall,
                                             open_kiosk: Opener) -> None:
    page = open_kiosk(small_hall)
    tile = page.locator("[data-agency=POLRES] .tile-waiting")
    before = service_state(small_hall, "SKCK")["waiting"]
    assert tile.inner_text() == f"{before} menunggu"
    issue(small_hall, "SKCK")
    issue(small_hall, "SKCK")
    page.wait_for_function(
        f"() => document.querySelector('[data-agency=POLRES] .tile-waiting').textContent"
        f" === '{before + 2} menunggu'")


def test_the_printed_ticket_and_a_printer_out_of_paper(small_hall: ServedHall,
                                                       open_kiosk: Opener) -> None:
    agent = StandInAgent(small_hall, [
        {"ok": True}, {"ok": False, "error": "paper_out", "message": "paper end sensor"}])
    try:
        page = open_kiosk(small_hall)
        go_to_confirm(page, "POLRES", "SKCK")
        page.locator(".issue").tap()
        code = shown_code(page)
        page.wait_for_selector("section[data-print=printed]")
        assert "Silakan ambil tiket Anda" in page.locator(".print-status").inner_text()
        assert agent.jobs[0]["ticket"]["code"] == code

        awake(page, "result")
        page.locator(".done").tap()
        go_to_confirm(page, "POLRES", "SKCK")
        page.locator(".issue").tap()
        shown_code(page)
        page.wait_for_selector("section[data-print=failed]")
        status = page.locator(".print-status").inner_text()
        assert "Tiket tidak dapat dicetak" in status and "Kertas printer habis" in status
        assert page.locator(".qr").is_visible()
    finally:
        agent.client.disconnect()


def test_the_ticket_tapped_at_the_kiosk_comes_out_of_the_agents_printer(
        small_hall: ServedHall, open_kiosk: Opener, tmp_path: Path) -> None:
    """The real print agent (`antre kiosk-agent`'s code) beside the kiosk, printing to a file:
    the tapped ticket's ESC/POS bytes arrive there and the screen says to take it."""
    paper = tmp_path / "printer.bin"
    paper.touch()
    with RunningAgent(KioskAgent(agent_options(small_hall, tmp_path / "agent",
                                               f"file:{paper}")), wait_s=20):
        page = open_kiosk(small_hall)
        go_to_confirm(page, "POLRES", "SKCK")
        page.locator(".issue").tap()
        code = shown_code(page)
        page.wait_for_selector("section[data-print=printed]")
        assert "Silakan ambil tiket Anda" in page.locator(".print-status").inner_text()
        printed = paper.read_bytes()
        assert code.encode() in printed and b"\x1dVB\x00" in printed  # the code, then a cut
