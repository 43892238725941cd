"""The supervisor's overview end to end, and the pictures of both pages for the docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.console.conftest import (
    WAIT_MS,
    call_api,
    issue,
    open_console,
    open_counter,
    records,
    wait_current,
)
from tests.support.browser import screenshot_dir
from tests.support.people import PASSWORD
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser


def open_overview(browser: Any, served: ServedHall, username: str) -> Any:
    page = browser.new_page(viewport={"width": 1366, "height": 1000}, locale="id-ID")
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{served.url}/console/overview")
    page.wait_for_selector("#signin-username:focus")
    page.fill("#signin-username", username)
    page.fill("#signin-password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#floor-view:not([hidden])")
    return page


def kiosk_sees(served: ServedHall, code: str) -> dict[str, Any]:
    status, services = call_api(served, "GET", "/services", "kiosk-1")
    assert status == 200
    found: dict[str, Any] = next(
        s for a in services["agencies"] for s in a["services"] if s["code"] == code)
    return found


def test_a_supervisors_quota_change_takes_effect_at_the_kiosk_at_once(
        browser: Any, hall_server: ServedHall) -> None:
    issue(hall_server, "KTP")
    issue(hall_server, "KTP")
    page = open_overview(browser, hall_server, "sari")
    page.wait_for_selector("#services-table tr[data-service='KTP']")
    # Only her agency's counters and services; the kiosk has no print agent connected.
    assert page.locator("#counters-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.counter)") == ["L1", "L2"]
    assert page.locator("#services-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.service)") == ["KTP", "KK"]
    assert page.inner_text("#kiosks-table tr[data-kiosk='kiosk-1'] .printer") == \
        "Tidak ada agen"
    assert page.is_disabled("#running-text")  # the running text is the admin's

    row = page.locator("#services-table tr[data-service='KTP']")
    row.get_by_role("button", name="Ubah kuota KTP-el").click()
    page.wait_for_selector("#op-dialog[open]")
    page.fill("#op-quota", "2")
    page.keyboard.press("Enter")  # no reason yet: refused, nothing sent
    assert page.inner_text("#op-error") == "Tuliskan alasannya."
    page.fill("#op-reason", "Blangko KTP tinggal sedikit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#op-dialog[open]", state="detached")
    page.wait_for_function(
        "() => document.querySelector(\"tr[data-service='KTP'] .quota-left\").textContent === '0'")

    shown = kiosk_sees(hall_server, "KTP")
    assert (shown["quota"], shown["quota_left"], shown["open"], shown["closed_reason"]) == (
        2, 0, False, "quota_reached")
    status, refused = call_api(hall_server, "POST", "/tickets", "kiosk-1", {"service": "KTP"})
    assert (status, refused["error"]["code"]) == (409, "quota_reached")

    page.locator("#services-table tr[data-service='KK']").get_by_role(
        "button", name="Tutup hari ini Kartu Keluarga").click()
    page.fill("#op-reason", "Petugas KK mengikuti bimtek")
    page.keyboard.press("Enter")
    page.wait_for_selector("#services-table tr[data-service='KK'] button:text('Buka kembali')")
    assert kiosk_sees(hall_server, "KK")["closed_reason"] == "closed_today"
    assert records(hall_server, "SELECT kind, reason FROM service_day_events ORDER BY id") == [
        ("quota", "Blangko KTP tinggal sedikit"), ("closed", "Petugas KK mengikuti bimtek")]
    assert page.locator("#changes-list li").count() == 2


def test_a_supervisor_closes_a_counter_whose_console_is_gone(
        browser: Any, hall_server: ServedHall) -> None:
    """Loket 1 opened by a script (no console beats for it): the overview flags it and lets
    the supervisor close it, with the reason recorded on the counter's event."""
    status, _ = call_api(hall_server, "POST", "/counters/L1/open", "ayu", {})
    assert status == 200
    page = open_overview(browser, hall_server, "sari")
    row = page.locator("#counters-table tr[data-counter='L1']")
    row.get_by_role("button", name="Tutup loket Loket 1").click()
    page.wait_for_selector("#op-dialog[open]")
    assert page.text_content("#op-title") == "Tutup Loket 1"
    page.keyboard.press("Enter")  # no reason: refused, nothing sent
    assert page.inner_text("#op-error") == "Tuliskan alasannya."
    page.fill("#op-reason", "Petugas pulang, browser tertinggal terbuka")
    page.keyboard.press("Enter")
    page.wait_for_selector("#op-dialog[open]", state="detached")
    page.wait_for_selector("#counters-table tr[data-counter='L1'] .state[data-state='closed']")
    assert row.get_by_role("button", name="Tutup loket Loket 1").count() == 0
    users = dict(records(hall_server, "SELECT username, id FROM users"))
    assert records(hall_server, "SELECT counter_id, state, user_id, reason FROM counter_events"
                                " ORDER BY id DESC LIMIT 1") == [
        ("L1", "closed", users["sari"], "Petugas pulang, browser tertinggal terbuka")]
    # "sejak": the time today, the day too when it was another day
    moment = "(iso) => import('/console/static/time.js').then((m) => m.moment(iso))"
    assert page.evaluate(moment, "2026-11-30T01:07:00Z") == "09.07"
    earlier = page.evaluate(moment, "2026-11-29T01:07:00Z")
    assert "29/11" in earlier and earlier.endswith("09.07"), earlier


def test_pictures_of_the_console_and_the_overview(browser: Any, hall_server: ServedHall,
                                                  tmp_path: Path) -> None:
    shots = screenshot_dir(tmp_path)
    for service, extra in [("KTP", {}), ("KK", {}), ("KTP", {}),
                           ("KTP", {"priority": True, "priority_reason": "lansia"}),
                           ("KK", {}), ("KTP", {}), ("SKCK", {}), ("SKCK", {}),
                           ("KTP", {"priority": True, "priority_reason": "ibu_hamil"}),
                           ("KTP", {}), ("KK", {}), ("PASPOR", {})]:
        issue(hall_server, service, **extra)

    page = open_console(browser, hall_server, "ayu")
    page.screenshot(path=shots / "console-choose.png")
    open_counter(page, "Loket 1")
    for _ in range(2):  # two served, one parked, one no-show: the side panel has content
        page.keyboard.press("n")
        page.wait_for_selector("#current[data-status='called']")
        page.keyboard.press("m")
        page.wait_for_selector("#current[data-status='serving']")
        page.keyboard.press("s")
        if page.is_visible("#outcome-dialog[open]"):
            page.keyboard.press("1")
            page.keyboard.press("Enter")
        page.wait_for_selector("#current-empty:not([hidden])")
    page.keyboard.press("n")
    page.wait_for_selector("#current[data-status='called']")
    page.keyboard.press("m")
    page.wait_for_selector("#current[data-status='serving']")
    page.keyboard.press("h")
    page.wait_for_selector("#parked-list li")
    page.keyboard.press("n")
    page.wait_for_selector("#current[data-status='called']")
    for count in (2, 3):  # a key pressed while the last one is still on its way is dropped
        page.keyboard.press("u")
        page.wait_for_selector(f"#current-status:text('({count}×)')")
    page.wait_for_function("() => !document.querySelector('[data-action=\"no-show\"]').disabled")
    page.keyboard.press("t")
    page.wait_for_selector("#noshow-list li")
    page.keyboard.press("n")
    page.wait_for_selector("#current[data-status='called']")
    code = page.inner_text("#current-code")
    page.keyboard.press("m")
    wait_current(page, code, "serving")
    page.wait_for_function("() => document.getElementById('stat-served').textContent === '2'")
    issue(hall_server, "KTP", priority=True, priority_reason="disabilitas")
    page.wait_for_selector("#waiting-list li.priority .badge:text('Prioritas: disabilitas')")
    page.screenshot(path=shots / "console-officer.png")

    page.click("#lang")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.inner_text("[data-action='call-next'] span") == "Call next"

    assert call_api(hall_server, "POST", "/counters/L3/open", "budi")[0] == 200
    assert call_api(hall_server, "POST", "/counters/L3/call-next", "budi", {})[0] == 200
    assert call_api(hall_server, "POST", "/counters/L2/open", "dewi")[0] == 200
    assert call_api(hall_server, "POST", "/counters/L2/break", "dewi", {})[0] == 200
    assert call_api(hall_server, "POST", "/services/PASPOR/quota", "admin",
                    {"quota": 40, "reason": "Satu petugas Imigrasi cuti"})[0] == 200
    assert call_api(hall_server, "POST", "/services/SKCK/close", "admin",
                    {"reason": "Jaringan Polri gangguan"})[0] == 200
    admin = open_overview(browser, hall_server, "admin")
    admin.fill("#running-text", "Selamat datang di MPP Kabupaten Buleleng. "
                                "Siapkan KTP-el dan Kartu Keluarga asli.")
    admin.click("#running-save")
    admin.wait_for_selector("#toast:text('Teks berjalan disimpan')")
    snapshot = call_api(hall_server, "GET", "/displays/aula/snapshot", "aula")[1]
    assert snapshot["running_text"].startswith("Selamat datang di MPP")
    admin.wait_for_selector("#counters-table tr[data-counter='L1'] .flag:text('konsol aktif')")
    admin.wait_for_function(
        "() => document.querySelectorAll('#counters-table tbody tr').length === 4")
    admin.wait_for_timeout(300)  # the toast fades before the picture
    admin.evaluate("document.getElementById('toast').hidden = true")
    admin.screenshot(path=shots / "console-overview.png", full_page=True)
    assert page.errors == []


def test_a_failed_print_has_a_reprint_button_on_the_overview(
        browser: Any, hall_server: ServedHall) -> None:
    """No print agent at the kiosk: the ticket's print failed; the supervisor sees it and its
    reprint button, and the refusal says why (the agent is not connected)."""
    ticket = issue(hall_server, "KTP")
    assert ticket["print_status"] == "failed"
    page = open_overview(browser, hall_server, "sari")
    item = page.locator(f"#failed-prints li[data-ticket='{ticket['code']}']")
    item.wait_for()
    assert "Kiosk Utara" in item.inner_text()
    assert page.is_hidden("#failed-prints-empty")
    item.get_by_role("button", name=f"Cetak ulang {ticket['code']}").click()
    page.wait_for_function("() => document.getElementById('toast').textContent.length > 0")
    assert "Kiosk Utara" in page.inner_text("#toast")  # no agent connected: said, not hidden
