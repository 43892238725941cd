"""The administration pages in Chromium against a real `antre serve`, by keyboard where a
person would type, and the pictures for docs/admin.md."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import screenshot_dir
from tests.support.people import PASSWORD
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser
WAIT_MS = 10_000


def open_admin(browser: Any, served: ServedHall, username: str, path: str = "",
               password: str = PASSWORD) -> Any:
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="id-ID")
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{served.url}/console/admin{path}")
    page.wait_for_selector("#signin-username:focus")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_selector("#admin-view:not([hidden])")
    return page


def shot(page: Any, name: str, tmp_path: Path) -> None:
    directory: Path = screenshot_dir(tmp_path)
    page.screenshot(path=str(directory / f"admin-{name}.png"), full_page=True)


def test_an_officer_added_on_the_page_then_signs_in(browser: Any,
                                                    hall_server: ServedHall,
                                                    tmp_path: Path) -> None:
    page = open_admin(browser, hall_server, "sari")
    page.wait_for_selector("#people-table tr[data-username='ayu']")
    # A supervisor sees her agency's staff and may change only its officers.
    assert page.locator("#people-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.username)") == ["ayu", "dewi", "sari"]
    assert page.locator("tr[data-username='sari'] button").count() == 0
    page.click("#person-add")
    page.wait_for_selector("#person-username:focus")
    page.keyboard.type("wayan")
    page.keyboard.press("Tab")
    page.keyboard.type("I Wayan Sudarma")
    page.check("#person-agencies input[value='DUKCAPIL']")
    assert page.locator("#person-role option").evaluate_all(
        "options => options.map(o => o.value)") == ["officer"]
    page.click("#person-form button[type='submit']")
    page.wait_for_selector("#secret-dialog[open]")
    password = page.inner_text("#secret-value")
    assert len(password) >= 8
    shot(page, "password", tmp_path)
    page.keyboard.press("Enter")
    page.wait_for_selector("#people-table tr[data-username='wayan']")
    shot(page, "people", tmp_path)
    page.close()

    console = browser.new_page(locale="id-ID")
    console.set_default_timeout(WAIT_MS)
    console.goto(f"{hall_server.url}/console")
    console.wait_for_selector("#signin-username:focus")
    console.fill("#signin-username", "wayan")
    console.fill("#signin-password", password)
    console.keyboard.press("Enter")
    console.wait_for_selector("#choose-view:not([hidden])")
    console.close()

    log = open_admin(browser, hall_server, "admin", "/audit?kind=people")
    log.wait_for_selector("#audit-table tr[data-kind='people']")
    assert "user.add" in log.inner_text("#audit-table tbody")
    assert "wayan" in log.inner_text("#audit-table tbody")
    log.close()


def test_an_officer_sees_none_of_it(browser: Any, hall_server: ServedHall,
        tmp_path: Path) -> None:
    page = open_admin(browser, hall_server, "ayu")
    page.wait_for_selector("#admin-error:not([hidden])")
    assert page.locator("#people-card").is_hidden()
    page.close()


def test_a_revoked_display_drops_at_once(browser: Any, hall_server: ServedHall,
        tmp_path: Path) -> None:
    display = browser.new_page()
    display.set_default_timeout(WAIT_MS)
    display.goto(f"{hall_server.url}/display/aula?token={hall_server.tokens['aula']}")
    display.wait_for_selector("body[data-online='true']")
    page = open_admin(browser, hall_server, "admin", "/devices")
    page.wait_for_selector("#devices-table tr[data-device='aula'] td[data-connections='1']")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#devices-table tr[data-device='aula'] button[data-action='revoke']")
    display.wait_for_selector("body[data-online='false']", timeout=2000)
    display.wait_for_selector("#setup:not([hidden])")
    # A new token comes once, with the setup link and its QR code.
    page.wait_for_selector("#devices-table tr[data-device='aula'] td[data-connections='0']")
    page.click("#devices-table tr[data-device='aula'] button[data-action='token']")
    page.wait_for_selector("#secret-dialog[open]")
    link = page.inner_text("#secret-link")
    assert link.endswith("/display/aula?token=" + page.inner_text("#secret-value"))
    page.wait_for_function("() => document.getElementById('secret-qr').naturalWidth > 0")
    shot(page, "device-token", tmp_path)
    # The link names the hall's public address (config.yaml); here the server is local.
    display.goto(hall_server.url + link[link.index("/display/"):])
    display.wait_for_selector("body[data-online='true']")
    display.close()
    page.close()


def test_a_quota_edited_on_the_page_is_in_config_yaml_and_in_effect(
        browser: Any, hall_server: ServedHall, tmp_path: Path) -> None:
    from tests.support.servers import call_api

    config = tmp_path / "config.yaml"
    config.write_text("# MPP Buleleng (kept by the page)\n" + config.read_text(encoding="utf-8")
                      .replace("prefix: A\n", "prefix: A  # the busiest letter\n"),
                      encoding="utf-8")
    page = open_admin(browser, hall_server, "admin", "/services")
    page.wait_for_selector("#services-table tr[data-service='KTP']")
    page.click("#services-table tr[data-service='KTP'] button[data-action='edit']")
    page.wait_for_selector("#service-quota:focus")
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    shot(page, "service", tmp_path)
    page.keyboard.press("Enter")
    page.wait_for_selector("#services-table tr[data-service='KTP'] td.quota:text-is('8')")
    shot(page, "services", tmp_path)
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# MPP Buleleng (kept by the page)\n")
    assert "prefix: A  # the busiest letter" in text
    ktp_text = text.split("code: KTP")[1].split("code: KK")[0]
    assert "quota: 8" in ktp_text
    assert "outcome" not in ktp_text  # nothing else was written
    status, services = call_api(hall_server, "GET", "/services", "kiosk-1")
    assert status == 200
    ktp = next(s for a in services["agencies"] for s in a["services"] if s["code"] == "KTP")
    assert ktp["quota_left"] == 8  # the same server process, no restart
    page.close()


def _ticker_shows(display: Any, words: str) -> None:
    """The display scrolls `words` within a second (an event, not a poll)."""
    display.wait_for_function(
        "words => document.getElementById('ticker').textContent.includes(words)", arg=words,
        timeout=1000)


def test_the_running_text_reaches_a_connected_display_within_a_second(
        browser: Any, hall_server: ServedHall, tmp_path: Path) -> None:
    displays = {}
    for name in ("aula", "zona-a"):
        displays[name] = browser.new_page()
        displays[name].set_default_timeout(WAIT_MS)
        displays[name].goto(f"{hall_server.url}/display/{name}?token={hall_server.tokens[name]}")
        displays[name].wait_for_selector("body[data-ready='true']")
    page = open_admin(browser, hall_server, "admin", "/hall")
    page.wait_for_selector("#running-form:not([hidden])")
    page.fill("#running-text", "Loket Samsat buka sampai pukul 12.00")
    page.click("#running-form button[type='submit']")
    _ticker_shows(displays["aula"], "Loket Samsat")
    _ticker_shows(displays["zona-a"], "Loket Samsat")
    # One display's own text: only that one changes; the field then says the hall's as a hint.
    page.select_option("#running-display", "zona-a")
    page.wait_for_selector("#running-text[placeholder='Loket Samsat buka sampai pukul 12.00']")
    assert page.input_value("#running-text") == ""
    page.fill("#running-text", "Zona A: antrean KTP ditutup pukul 11.00")
    shot(page, "hall", tmp_path)
    page.keyboard.press("Enter")
    _ticker_shows(displays["zona-a"], "Zona A: antrean KTP")
    page.wait_for_timeout(500)
    assert "Zona A" not in displays["aula"].inner_text("#ticker")
    for display in displays.values():
        display.close()
    page.close()


def _kiosk_services(served: ServedHall) -> dict[str, Any]:
    from tests.support.servers import call_api

    status, services = call_api(served, "GET", "/services", "kiosk-1")
    assert status == 200
    return {s["code"]: s for a in services["agencies"] for s in a["services"]}


def _operation(page: Any, service: str, action: str, reason: str, quota: str | None = None
               ) -> None:
    """Open the service's dialog, type (the quota and) the reason, and press Enter."""
    page.click(f"#hall-services tr[data-service='{service}'] button[data-action='{action}']")
    if quota is not None:
        page.wait_for_selector("#op-quota:focus")
        page.keyboard.press("Control+A")
        page.keyboard.type(quota)
        page.keyboard.press("Tab")
    page.wait_for_selector("#op-reason:focus")
    page.keyboard.type(reason)
    page.keyboard.press("Enter")
    page.wait_for_selector("#op-dialog", state="hidden")


def test_a_supervisor_closes_reopens_and_sets_todays_quota_on_the_hall_page(
        browser: Any, hall_server: ServedHall, tmp_path: Path) -> None:
    page = open_admin(browser, hall_server, "sari", "/hall")
    page.wait_for_selector("#hall-services tr[data-service='KTP']")
    # Her agency's services only, and no running text or announcement for a supervisor.
    assert page.locator("#hall-services tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.service)") == ["KTP", "KK"]
    assert page.locator("#running-form").is_hidden()
    assert page.locator("#hall-admin-only").is_visible()
    # A close without a reason is refused in the dialog and changes nothing.
    page.click("#hall-services tr[data-service='KTP'] button[data-action='close']")
    page.wait_for_selector("#op-reason:focus")
    page.keyboard.press("Enter")
    page.wait_for_selector("#op-error:text-is('Tulis alasannya.')")
    page.keyboard.press("Escape")
    assert _kiosk_services(hall_server)["KTP"]["open"]

    _operation(page, "KTP", "close", "Blangko KTP habis")
    page.wait_for_selector("#hall-services tr[data-service='KTP'][data-open='false']")
    shot(page, "hall-closed", tmp_path)
    # In English at one press, the closed service's message too, without asking the server.
    page.click("#lang")
    page.wait_for_selector("#hall-services th:text-is('Service')")
    closed_row = page.inner_text("#hall-services tr[data-service='KTP']")
    assert "Closed" in closed_row and "Tutup" not in closed_row
    page.click("#lang")
    page.wait_for_selector("#hall-services th:text-is('Layanan')")
    assert not _kiosk_services(hall_server)["KTP"]["open"]
    _operation(page, "KK", "quota", "Petugas hanya satu hari ini", quota="3")
    page.wait_for_selector("#hall-services tr[data-service='KK'] td.quota:text-is('0 / 3')")
    assert _kiosk_services(hall_server)["KK"]["quota_left"] == 3
    _operation(page, "KTP", "reopen", "Blangko sudah datang")
    page.wait_for_selector("#hall-services tr[data-service='KTP'][data-open='true']")
    assert _kiosk_services(hall_server)["KTP"]["open"]
    page.close()

    log = open_admin(browser, hall_server, "admin", "/audit?kind=operations")
    log.wait_for_selector("#audit-table tr[data-kind='operations']")
    lines = log.inner_text("#audit-table tbody")
    for words in ("service.closed", "Blangko KTP habis", "service.quota",
                  "service.reopened", "sari", "127.0.0.1"):
        assert words in lines, words
    shot(log, "audit", tmp_path)
    log.close()


def test_a_services_hours_edited_on_the_page_are_in_config_yaml_and_in_effect(
        browser: Any, hall_server: ServedHall, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    page = open_admin(browser, hall_server, "sari", "/services")
    page.wait_for_selector("#services-table tr[data-service='KK'] td.hours")
    page.click("#services-table tr[data-service='KK'] button[data-action='edit']")
    page.wait_for_selector("#service-quota:focus")
    # It keeps the hall's hours: the week is shown, not editable, until unticked.
    assert page.is_checked("#service-hall-hours")
    assert page.is_disabled("#hours-table tr[data-day='mon'] input[data-key='open']")
    page.uncheck("#service-hall-hours")
    monday = "#hours-table tr[data-day='mon']"
    page.fill(f"{monday} input[data-key='open']", "8.30")  # not a time: the server says so
    page.keyboard.press("Enter")
    page.wait_for_selector("#service-error:has-text('not a time of day')")
    assert "08:30" not in config.read_text(encoding="utf-8")
    page.fill(f"{monday} input[data-key='issue_from']", "10:00")
    page.fill(f"{monday} input[data-key='open']", "10:00")
    page.fill(f"{monday} input.breaks", "12:00-12:30 Salat")
    page.uncheck("#hours-table tr[data-day='fri'] input.on")  # closed on Fridays
    shot(page, "service-hours", tmp_path)
    page.keyboard.press("Enter")
    page.wait_for_selector("#service-dialog", state="hidden")
    page.wait_for_selector("#services-table tr[data-service='KK'] td.hours:text-is('jam sendiri')")
    kk_text = config.read_text(encoding="utf-8").split("code: KK")[1].split("code: ")[0]
    assert 'issue_from: "10:00"' in kk_text and "name: Salat" in kk_text
    assert "fri:" not in kk_text and "thu:" in kk_text
    kk = _kiosk_services(hall_server)["KK"]  # Monday 09:00: not yet, without a restart
    assert not kk["open"] and kk["closed_reason"] == "not_open_yet"
    page.close()


def test_the_devices_page_shows_a_kiosks_agent_and_printer_as_reported(
        browser: Any, hall_server: ServedHall, tmp_path: Path) -> None:
    import socketio

    from tests.support.servers import call_api

    display = browser.new_page()
    display.goto(f"{hall_server.url}/display/aula?token={hall_server.tokens['aula']}")
    display.wait_for_selector("body[data-online='true']", timeout=WAIT_MS)
    page = open_admin(browser, hall_server, "admin", "/devices")
    aula = "#devices-table tr[data-device='aula']"
    page.wait_for_selector(f"{aula} td[data-connections='1'] [data-since]:has-text('sejak 30 Nov')")
    assert "30 Nov" in page.inner_text(f"{aula} td:nth-child(4)")  # last seen
    kiosk = "#devices-table tr[data-device='kiosk-1']"
    page.wait_for_selector(f"{kiosk} td[data-printer='no_agent']")
    assert "agen cetak tidak tersambung" in page.inner_text(kiosk)
    agent = socketio.Client(reconnection=False)
    agent.connect(hall_server.url, auth={"kiosk": "kiosk-1", "agent": True,
                                         "token": hall_server.tokens["kiosk-1"]},
                  wait_timeout=10)
    try:
        agent.emit("printer_status", {"state": "paper_low"})
        deadline = time.monotonic() + WAIT_MS / 1000
        while _printer(call_api(hall_server, "GET", "/admin/devices", "admin")) != "paper_low":
            assert time.monotonic() < deadline, "the report did not arrive"
            time.sleep(0.05)
        page.reload()
        page.wait_for_selector(f"{kiosk} td[data-printer='paper_low']")
        row = page.inner_text(kiosk)
        assert "Kertas printer hampir habis" in row and "agen cetak tersambung" in row
        assert "laporan terakhir" in row
        shot(page, "devices", tmp_path)
        # The list is read again every 10 s: the keyboard's place survives it.
        page.focus(f"{kiosk} button[data-action='token']")
        page.evaluate(f"document.querySelector(\"{kiosk}\").dataset.old = 'yes'")
        page.wait_for_selector(f"{kiosk}:not([data-old])", timeout=15_000)
        assert page.evaluate("[document.activeElement.dataset.action, "
                             "document.activeElement.closest('tr').dataset.device]") == \
            ["token", "kiosk-1"]
    finally:
        agent.disconnect()
    display.close()
    page.close()


def _printer(answer: tuple[int, Any]) -> str:
    status, body = answer
    assert status == 200, body
    return str(next(d for d in body["devices"] if d["id"] == "kiosk-1")["printer_state"])


def _fail_sign_in(served: ServedHall, username: str, times: int) -> None:
    """Wrong passwords typed `times` times, as a browser sends them (cookie and CSRF)."""
    import http.cookiejar
    import json
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{served.url}/api/v1/auth/csrf", timeout=10) as answer:
        csrf = json.loads(answer.read())["csrf_token"]
    for _ in range(times):
        request = urllib.request.Request(
            f"{served.url}/api/v1/auth/login", method="POST",
            data=json.dumps({"username": username, "password": "salah-sekali"}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": csrf})
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code == 401
            error.close()


def test_a_name_slowed_by_failed_sign_ins_is_unlocked_and_given_a_chosen_password(
        browser: Any, hall_server: ServedHall, tmp_path: Path) -> None:
    _fail_sign_in(hall_server, "dewi", 6)
    page = open_admin(browser, hall_server, "sari")
    row = "#people-table tr[data-username='dewi']"
    page.wait_for_selector(f"{row} [data-failed='6']:text-is('6 kali gagal masuk: diperlambat')")
    page.click(f"{row} button[data-action='unlock']")
    page.wait_for_selector(f"{row} button[data-action='change']")
    page.wait_for_selector(f"{row} [data-failed]", state="detached")
    assert page.locator(f"{row} button[data-action='unlock']").count() == 0
    # A password the supervisor chooses: too short is refused in the dialog, then it works.
    page.click(f"{row} button[data-action='reset']")
    page.wait_for_selector("#password-value:focus")
    page.keyboard.type("pendek")
    page.keyboard.press("Enter")
    page.wait_for_selector("#password-error:not(:empty)")
    page.fill("#password-value", "sandi-baru-dewi")
    page.keyboard.press("Enter")
    page.wait_for_selector("#password-dialog", state="hidden")
    assert page.locator("#secret-dialog[open]").count() == 0  # nothing to show: she chose it
    page.close()
    again = open_admin(browser, hall_server, "dewi", password="sandi-baru-dewi")
    again.wait_for_selector("#admin-error:not([hidden])")  # signed in: an officer sees none
    again.close()
