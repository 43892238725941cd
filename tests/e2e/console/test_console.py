"""The officer's console end to end: Chromium, a real server, a display listening."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.console.conftest import (
    WAIT_MS,
    DisplayListener,
    call_api,
    current_code,
    issue,
    open_console,
    open_counter,
    page_fetch,
    records,
    wait_current,
    wait_waiting,
    waiting_codes,
)
from tests.support.people import PASSWORD
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser


def test_the_full_cycle_by_keyboard_alone_with_the_display_hearing_each_call(
        browser: Any, hall_server: ServedHall, display: DisplayListener) -> None:
    issue(hall_server, "KK")  # its outcome is required
    issue(hall_server, "KTP")
    page = open_console(browser, hall_server, "ayu")
    # The first counter of the officer's agency has the focus: Enter opens it.
    assert page.evaluate("document.activeElement.dataset.id") == "L1"
    page.keyboard.press("Enter")
    page.wait_for_selector("#desk-view:not([hidden])")
    page.wait_for_function("() => document.getElementById('live').dataset.state === 'on'")
    assert page.inner_text("#where") == "Loket 1 · Ayu"
    assert page.locator("[data-action='finish']").is_disabled()
    assert page.locator("[data-action='call-next'] kbd").inner_text() == "N"

    page.keyboard.press("n")
    wait_current(page, "B-001", "called")
    call = display.next_call()
    assert (call["code"], call["counter"]["id"], call["call_count"]) == ("B-001", "L1", 1)
    assert call["announcement"]["id"].startswith("Nomor antrean")
    # Called, not yet served: these do not apply.
    for action in ("transfer", "park", "call-next", "break", "close", "no-show"):
        assert page.locator(f"[data-action='{action}']").is_disabled(), action
    assert page.inner_text("#no-show-hint") == "2 panggilan ulang lagi"

    page.keyboard.press("m")
    wait_current(page, "B-001", "serving")
    assert page.is_visible("#current-target")

    page.keyboard.press("s")
    page.wait_for_selector("#outcome-dialog[open]")
    page.keyboard.press("Enter")  # nothing chosen: the outcome is required here
    assert page.inner_text("#outcome-error") == "Hasil layanan wajib dipilih."
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    page.wait_for_selector("#outcome-dialog[open]", state="detached")
    page.wait_for_selector("#current-empty:not([hidden])")
    assert records(hall_server, "SELECT status, outcome FROM tickets WHERE code = 'B-001'") \
        == [("done", "Selesai")]
    page.wait_for_function("() => document.getElementById('stat-served').textContent === '1'")

    page.keyboard.press("n")
    wait_current(page, "A-001", "called")
    call = display.next_call()
    assert (call["code"], call["counter"]["number"]) == ("A-001", 1)
    page.keyboard.press("u")  # a recall is heard again
    recall = display.next_call()
    assert (recall["code"], recall["call_count"], recall["recall"]) == ("A-001", 2, True)
    page.wait_for_selector("#current-status:text('(2×)')")  # the console has its answer too
    page.keyboard.press("l")  # finish and call next: nobody is left
    page.wait_for_selector("#current-empty:not([hidden])")
    assert page.inner_text("#notice") == "Tidak ada yang menunggu saat ini."
    assert page.errors == []


def test_two_officers_race_next_fifty_times(browser: Any, hall_server: ServedHall) -> None:
    for _ in range(50):
        issue(hall_server, "KTP")
    ayu = open_console(browser, hall_server, "ayu")
    open_counter(ayu, "Loket 1")
    dewi = open_console(browser, hall_server, "dewi")
    open_counter(dewi, "Loket 2")
    wait_waiting(dewi, waiting_codes(ayu)[:30])
    race = """() => { window.raceDone = (async () => {
        const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
        const button = document.querySelector('[data-action="finish-next"]');
        let presses = 0, idle = 0;
        while (idle < 15 && presses < 200) {
            if (document.body.dataset.busy) { await sleep(2); continue; }
            if (button.disabled) { idle++; await sleep(100); continue; }
            idle = 0; presses++;
            document.dispatchEvent(new KeyboardEvent('keydown', {key: 'l', bubbles: true}));
            await sleep(0);
        }
        return presses;
    })(); }"""
    ayu.evaluate(race)  # both loops run at once, each in its own browser context
    dewi.evaluate(race)
    presses = [page.evaluate("window.raceDone") for page in (ayu, dewi)]

    called = records(hall_server, """
        SELECT t.code, e.counter_id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
        WHERE e.kind = 'called' ORDER BY e.id""")
    codes = [code for code, _ in called]
    assert len(codes) == len(set(codes)) == 50  # nobody called twice
    assert codes == [f"A-{n:03d}" for n in range(1, 51)]  # in queue order, none skipped
    by_counter = {counter: sum(1 for _, c in called if c == counter) for counter in ("L1", "L2")}
    assert by_counter["L1"] > 5 and by_counter["L2"] > 5, by_counter
    assert records(hall_server, "SELECT status, count(*) FROM tickets GROUP BY status") == \
        [("done", 50)]
    assert sum(presses) >= 50
    assert ayu.errors == dewi.errors == []


def test_transfer_park_resume_no_show_and_late_return(browser: Any,
                                                      hall_server: ServedHall) -> None:
    for _ in range(4):
        issue(hall_server, "KTP")
    issue(hall_server, "SKCK")
    page = open_console(browser, hall_server, "ayu")
    open_counter(page, "Loket 1")

    # Transfer to another agency's service, at the front: same code, next at its counter.
    page.keyboard.press("n")
    wait_current(page, "A-001", "called")
    page.keyboard.press("m")
    wait_current(page, "A-001", "serving")
    page.keyboard.press("a")
    page.wait_for_selector("#transfer-dialog[open]")
    # Grouped by agency, this counter's agency (Dukcapil) first; focus in the filter, so
    # letter keys type there and never change the choice.
    assert page.evaluate("document.activeElement.id") == "transfer-filter"
    groups = page.locator("#transfer-list h3").all_inner_texts()
    assert groups[0] == "Dinas Kependudukan dan Pencatatan Sipil" and len(groups) >= 2
    assert page.locator("#transfer-list [role=option]").first.inner_text() == "Kartu Keluarga"
    page.keyboard.type("skck")
    assert page.locator("#transfer-list [role=option]").all_inner_texts() == ["SKCK"]
    page.keyboard.press("Enter")  # names the destination first: nothing transferred yet
    assert page.inner_text("#transfer-confirm") == (
        "Alihkan A-001 ke SKCK (Polres Buleleng)? Tekan Enter lagi untuk mengalihkan.")
    assert page.is_visible("#transfer-dialog[open]")
    assert page.is_checked("input[name=position][value=front]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#current-empty:not([hidden])")
    assert "A-001 dialihkan ke SKCK" in page.inner_text("#toast")
    assert call_api(hall_server, "POST", "/counters/L3/open", "budi")[0] == 200
    status, taken = call_api(hall_server, "POST", "/counters/L3/call-next", "budi", {})
    assert status == 200 and (taken["ticket"]["code"], taken["ticket"]["service"]) == (
        "A-001", "SKCK")

    # Park while the visitor fills in a form; serve the next; resume.
    page.keyboard.press("n")
    wait_current(page, "A-002", "called")
    page.keyboard.press("m")
    wait_current(page, "A-002", "serving")
    page.keyboard.press("h")
    page.wait_for_selector("#parked-list li[data-code='A-002']")
    page.wait_for_selector("#current-empty:not([hidden])")
    page.keyboard.press("n")
    wait_current(page, "A-003", "called")
    assert page.locator("[data-action='resume']").is_disabled()  # busy with A-003
    page.keyboard.press("s")
    page.wait_for_selector("#current-empty:not([hidden])")
    page.keyboard.press("r")
    wait_current(page, "A-002", "serving")
    assert page.locator("#parked-list li").count() == 0
    page.keyboard.press("s")
    page.wait_for_selector("#current-empty:not([hidden])")

    # No-show only after the configured two recalls.
    page.keyboard.press("n")
    wait_current(page, "A-004", "called")
    page.keyboard.press("t")
    assert page.inner_text("#notice") == \
        "Tombol T tidak berlaku sekarang: panggil ulang dulu (2 kali lagi)."
    page.keyboard.press("u")
    page.wait_for_function(
        "() => document.getElementById('current-status').textContent.includes('2×')")
    assert page.locator("[data-action='no-show']").is_disabled()
    page.keyboard.press("u")
    page.wait_for_function("() => !document.querySelector('[data-action=\"no-show\"]').disabled")
    page.keyboard.press("t")
    page.wait_for_selector("#current-empty:not([hidden])")
    page.wait_for_selector("#noshow-list li[data-code='A-004']")
    assert records(hall_server, "SELECT call_count, status FROM tickets WHERE code = 'A-004'") \
        == [(3, "no_show")]

    # The late visitor returns two places back.
    for _ in range(3):
        issue(hall_server, "KTP")
    wait_waiting(page, ["A-005", "A-006", "A-007"])
    page.locator("#noshow-list li[data-code='A-004'] button").click()
    wait_waiting(page, ["A-005", "A-006", "A-004", "A-007"])
    page.wait_for_selector("#noshow-list li", state="detached")
    assert page.errors == []


def test_another_counter_first_and_an_expired_session(browser: Any,
                                                      hall_server: ServedHall) -> None:
    issue(hall_server, "KTP")
    issue(hall_server, "KTP")
    page = open_console(browser, hall_server, "ayu")
    open_counter(page, "Loket 1")
    wait_waiting(page, ["A-001", "A-002"])

    # Ayu chooses A-001 out of turn; dewi's counter takes it before she confirms.
    page.locator("#waiting-list li[data-code='A-001'] button", has_text="Panggil").click()
    page.wait_for_selector("#ticket-dialog[open]")
    assert call_api(hall_server, "POST", "/counters/L2/open", "dewi")[0] == 200
    assert call_api(hall_server, "POST", "/counters/L2/call-next", "dewi", {})[1]["ticket"][
        "code"] == "A-001"
    page.fill("#ticket-reason", "Lansia, sudah lama menunggu")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('notice').textContent.includes('A-001')")
    assert page.inner_text("#notice") == \
        "A-001 sudah dipanggil loket lain. Antrean sudah diperbarui."
    wait_waiting(page, ["A-002"])
    assert page.is_visible("#desk-view") and current_code(page) == "—"

    # The session ends under the open console: sign in again, nothing lost, and the key
    # pressed meanwhile is carried out once signed in.
    page.context.clear_cookies()
    page.keyboard.press("n")
    page.wait_for_selector("#reauth-dialog[open]")
    assert "Loket 1" in page.inner_text("#reauth-text")
    assert page.input_value("#reauth-username") == "ayu"
    assert page.is_visible("#desk-view")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    wait_current(page, "A-002", "called")
    assert page.inner_text("#where") == "Loket 1 · Ayu"
    page.wait_for_function("() => document.getElementById('live').dataset.state === 'on'")
    page.keyboard.press("s")  # the session and the live connection work again
    page.wait_for_selector("#current-empty:not([hidden])")
    assert records(hall_server, "SELECT code, status FROM tickets ORDER BY id") == [
        ("A-001", "called"), ("A-002", "done")]
    assert page.errors == []


def test_an_officer_cannot_open_or_act_on_another_agencys_counter(
        browser: Any, hall_server: ServedHall) -> None:
    issue(hall_server, "KTP")
    # This PC last served Loket 1 (Disdukcapil); budi works for Polres.
    page = open_console(browser, hall_server, "budi", remembered="L1")
    assert page.locator("#counter-choices button").all_inner_texts()[0].startswith("Loket 3")
    assert page.locator("#counter-choices button").count() == 1
    assert "L1 yang tersimpan di komputer ini bukan loket instansi Anda" in \
        page.inner_text("#choose-error")

    answer = page_fetch(page, "POST", "/api/v1/counters/L1/open", {})
    assert (answer["status"], answer["body"]["error"]["code"]) == (403, "forbidden")
    assert call_api(hall_server, "POST", "/counters/L1/open", "ayu")[0] == 200
    for action in ("call-next", "close", "heartbeat"):
        answer = page_fetch(page, "POST", f"/api/v1/counters/L1/{action}", {})
        assert (answer["status"], answer["body"]["error"]["code"]) == (403, "forbidden")
    answer = page_fetch(page, "GET", "/api/v1/counters/L1")
    assert answer["status"] == 403
    status, body = call_api(hall_server, "POST", "/counters/L1/call-next", "budi", {})
    assert (status, body["error"]["code"]) == (403, "forbidden")
    assert records(hall_server, "SELECT status FROM tickets") == [("waiting",)]

    open_counter(page, "Loket 3")  # his own works
    assert page.errors == []


def test_notices_say_why_and_clear_closing_is_news_and_a_fresh_sign_in_lands_on_the_counter(
        browser: Any, hall_server: ServedHall) -> None:
    issue(hall_server, "KTP")
    page = open_console(browser, hall_server, "ayu")
    open_counter(page, "Loket 1")

    # A key that does not apply says why; the next action that works clears the notice.
    page.keyboard.press("t")
    page.wait_for_selector("#notice:not([hidden])")
    assert page.inner_text("#notice") == \
        "Tombol T tidak berlaku sekarang: belum ada nomor yang dipanggil."
    page.keyboard.press("n")
    wait_current(page, "A-001", "called")
    assert page.is_hidden("#notice")
    page.keyboard.press("t")
    page.wait_for_selector("#notice:not([hidden])")
    assert page.inner_text("#notice") == \
        "Tombol T tidak berlaku sekarang: panggil ulang dulu (2 kali lagi)."
    page.keyboard.press("m")
    wait_current(page, "A-001", "serving")
    assert page.is_hidden("#notice")
    page.keyboard.press("s")
    page.wait_for_selector("#current-empty:not([hidden])")

    # A fresh sign-in elsewhere (another PC: nothing remembered) lands on the open counter.
    other = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    other.set_default_timeout(WAIT_MS)
    other.goto(f"{hall_server.url}/console")
    other.wait_for_selector("#signin-username:focus")
    other.keyboard.type("ayu")
    other.keyboard.press("Tab")
    other.keyboard.type(PASSWORD)
    other.keyboard.press("Enter")
    other.wait_for_selector("#desk-view:not([hidden])")
    assert other.inner_text("#where") == "Loket 1 · Ayu"

    # Closing their own counter is news, not a failure; the header drops the counter.
    other.keyboard.press("q")
    other.wait_for_selector("#choose-view:not([hidden])")
    message = other.locator("#choose-error")
    assert message.inner_text() == "Loket 1 ditutup."
    assert message.get_attribute("class") == "info"
    assert other.evaluate("getComputedStyle(document.getElementById('choose-error')).color") \
        != "rgb(179, 38, 30)"  # not the error red
    assert other.inner_text("#where") == "Ayu"


def test_a_waiting_ticket_whose_print_failed_has_a_reprint_button(
        browser: Any, hall_server: ServedHall) -> None:
    ticket = issue(hall_server, "KTP")  # no print agent at the kiosk: the print failed
    assert ticket["print_status"] == "failed"
    page = open_console(browser, hall_server, "ayu")
    open_counter(page, "Loket 1")
    row = page.locator(f"#waiting-list li[data-code='{ticket['code']}']")
    row.get_by_role("button", name=f"Cetak ulang {ticket['code']}").click()
    page.wait_for_selector("#notice:not([hidden])")
    assert "Kiosk Utara" in page.inner_text("#notice")  # why it cannot print now
