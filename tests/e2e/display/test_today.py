"""Today's hall reaching the screens by events, not polls: a running text for one display
and a spoken announcement."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from display.voice import espeak_available
from tests.e2e.display.conftest import (
    FAKE_SPEECH,
    FULL_HD,
    WAIT_MS,
    Hall,
    OpenDisplay,
    audio_log,
)
from tests.e2e.display.test_readable import CONTRAST, MEASURE, READ_SHARE
from tests.support.browser import screenshot_dir
from tests.support.servers import call_api, serve_hall

pytestmark = pytest.mark.browser

TICKER = "document.getElementById('ticker').textContent"


def ticker(page: Any) -> str:
    text: str = page.evaluate(TICKER)
    return text


def set_running_text(hall: Hall, text: str, display: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text}
    if display is not None:
        body["display"] = display
    status, answer = hall.api("PUT", "/site/running-text", "admin", body)
    assert status == 200, answer
    return dict(answer)


@pytest.fixture
def hall_text(hall: Hall) -> Iterator[str]:
    """The hall's running text for one test; the shared hall gets its welcome back after."""
    text = "Selamat datang di Mal Pelayanan Publik Kabupaten Buleleng"
    set_running_text(hall, text)
    yield text
    set_running_text(hall, "", "zona-b")
    set_running_text(hall, "")


def test_one_displays_running_text_reaches_it_within_a_second_while_another_keeps_the_halls(
        hall: Hall, open_display: OpenDisplay, hall_text: str) -> None:
    main, zone = open_display(hall, "aula"), open_display(hall, "zona-b")
    for page in (main, zone):
        assert ticker(page) == hall_text
    own = "Loket BPJS Kesehatan pindah ke lantai 2 mulai hari ini"
    sent = time.monotonic()
    set_running_text(hall, own, "zona-b")
    zone.wait_for_function(f"text => {TICKER} === text", arg=own, timeout=1000)
    reached = time.monotonic() - sent
    assert reached < 1.0, reached
    main.wait_for_timeout(500)
    assert ticker(main) == hall_text
    assert main.evaluate("window.antreDisplay.live.stats.snapshots") == 1  # an event, no reload

    # After a reconnection the snapshot carries the display's own text.
    zone.reload()
    zone.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
    assert ticker(zone) == own
    # The hall's text changes: the display with its own keeps it.
    set_running_text(hall, "Istirahat pukul 12.00 sampai 13.00")
    main.wait_for_function(f"() => {TICKER}.startsWith('Istirahat')", timeout=1000)
    zone.wait_for_timeout(500)
    assert ticker(zone) == own


def announce(hall: Hall, text: str, display: str | None = None) -> dict[str, Any]:
    status, answer = hall.api("POST", "/admin/announcement", "admin",
                              {"text": text, "display": display})
    assert status == 200, answer
    return dict(answer)


def notice_log(page: Any) -> list[str]:
    """The announcer's steps for announcements, without their keys."""
    steps: list[str] = page.evaluate(
        "window.antreDisplay.log.filter(e => e.includes(':notice@')).map(e => e.split(':')[0])")
    return steps


def test_an_announcement_is_shown_and_said_after_the_call_in_progress_never_cutting_it(
        hall: Hall, open_display: OpenDisplay, tmp_path: Path) -> None:
    voiced = open_display(hall, "peramban", init=FAKE_SPEECH)
    server = open_display(hall, "espeak")
    chime = open_display(hall, "bel")
    text = "Layanan Samsat istirahat pukul 12.00 sampai 13.00"
    code = hall.call("L12")["code"]
    for page in (voiced, server, chime):
        page.wait_for_function("() => document.body.dataset.audioState !== 'idle'",
                               timeout=WAIT_MS)  # the call is being said
    sent = time.monotonic()
    announce(hall, text)
    for page in (voiced, server, chime):
        page.wait_for_selector("#announcement:not([hidden])", timeout=1000)
        assert page.inner_text("#announcement-text") == text
    assert time.monotonic() - sent < 1.0
    # Read from 10 m like the rest of the screen.
    measured = chime.evaluate(MEASURE.replace("#screen *", "#announcement *"))
    assert len(measured) == 3, measured  # the heading, its English, the text
    for found in measured:
        assert found["size"] >= READ_SHARE * FULL_HD["height"] - 0.5, found
        assert found["contrast"] >= CONTRAST, found
    chime.screenshot(path=screenshot_dir(tmp_path) / "display-announcement-1920x1080.png")
    for page in (voiced, server, chime):
        page.wait_for_function(
            "() => window.antreDisplay.log.some(e => e.startsWith('done:notice@'))",
            timeout=30_000)
        log = audio_log(page)
        # The call ran to its end before the announcement's chime.
        assert log.index(next(e for e in log if e.startswith(f"done:{code}@"))) < \
            log.index(next(e for e in log if e.startswith("chime:notice@"))), log
    assert notice_log(voiced) == ["chime", "voice", "done"]
    assert notice_log(server) == (["chime", "voice", "done"] if espeak_available()
                                  else ["chime", "novoice", "done"])
    assert notice_log(chime) == ["chime", "done"]
    spoken = voiced.evaluate("window.__spoken")
    assert spoken[-1] == {"text": f"Pengumuman: {text}", "lang": "id-ID"}


def test_an_announcement_to_one_display_reaches_it_alone(
        hall: Hall, open_display: OpenDisplay) -> None:
    zone_a, zone_b = open_display(hall, "zona-a"), open_display(hall, "zona-b")
    announce(hall, "Pemilik kendaraan DK 1234 AB ditunggu di pintu depan", "zona-b")
    zone_b.wait_for_selector("#announcement:not([hidden])", timeout=WAIT_MS)
    zone_a.wait_for_timeout(500)
    assert zone_a.is_hidden("#announcement")
    assert notice_log(zone_a) == []


def test_an_english_display_says_an_announcement_with_its_english_voice(
        hall: Hall, browser: Any) -> None:
    english_voice = ('{name: "Test English", lang: "en-GB", localService: true, '
                     'default: false, voiceURI: "test-en"}')
    init = FAKE_SPEECH.replace("getVoices: () => [voice]",
                               f"getVoices: () => [voice, {english_voice}]")
    assert init != FAKE_SPEECH
    context = browser.new_context(viewport=FULL_HD, reduced_motion="reduce")
    try:
        context.add_init_script(init)
        page = context.new_page()
        page.goto(f"{hall.url}/display/peramban?lang=en&token={hall.token('peramban')}")
        page.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
        announce(hall, "Counter 5 is closed for a moment", "peramban")
        page.wait_for_function(
            "() => window.antreDisplay.log.some(e => e.startsWith('done:notice@'))",
            timeout=WAIT_MS)
        assert notice_log(page) == ["chime", "voice", "done"]
        assert page.evaluate("window.__spoken") == [
            {"text": "Announcement: Counter 5 is closed for a moment", "lang": "en-GB"}]
    finally:
        context.close()


@pytest.mark.skipif(not espeak_available(), reason="needs espeak-ng")
def test_the_announcement_voice_is_said_in_the_pages_language(hall: Hall) -> None:
    def voice(display: str, query: str) -> tuple[int, bytes]:
        request = urllib.request.Request(
            f"{hall.url}/display/{display}/notice.wav?{query}",
            headers={"Authorization": f"Bearer {hall.token(display)}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()

    said = urllib.parse.urlencode({"text": "Loket 5 tutup sementara"})
    status, indonesian = voice("espeak", said)
    assert status == 200 and indonesian.startswith(b"RIFF")
    status, english = voice("espeak", f"{said}&lang=en")
    assert status == 200 and english.startswith(b"RIFF") and english != indonesian
    # A recorded clip set has no words for free text: espeak says an announcement there.
    assert voice("klip", said) == (200, indonesian)
    assert voice("bel", said)[0] == 404  # the chime alone
    assert voice("espeak", "text=")[0] == 400
    assert voice("espeak", urllib.parse.urlencode({"text": "x" * 301}))[0] == 400


def test_a_service_closing_by_the_clock_reaches_the_kiosk_and_the_display_at_that_moment(
        tmp_path_factory: pytest.TempPathFactory, browser: Any) -> None:
    """The small hall's passports are issued on Mondays until 12.00: the kiosk greys them out
    at 12.00 by an event, without a reload, and the display hears it too."""
    served = serve_hall(tmp_path_factory.mktemp("noon"), clock_start="2026-11-30T11:59:47")
    context = browser.new_context(viewport=FULL_HD)
    try:
        kiosk = context.new_page()
        kiosk.goto(f"{served.url}/kiosk/kiosk-1?token={served.tokens['kiosk-1']}")
        kiosk.wait_for_selector("body[data-screen=start][data-online=true]", timeout=WAIT_MS)
        display = context.new_page()
        display.goto(f"{served.url}/display/aula?token={served.tokens['aula']}")
        display.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
        status, snapshot = call_api(served, "GET", "/displays/aula/snapshot", "aula")
        assert status == 200, snapshot
        noon = time.monotonic() + (datetime.fromisoformat("2026-11-30T12:00:00+08:00")
                                   - datetime.fromisoformat(snapshot["now"])).total_seconds()
        assert noon - time.monotonic() > 3, "the server took too long to start"
        assert kiosk.locator("[data-agency=IMIGRASI].closed").count() == 0

        # The kiosk's own minute poll would come most of a minute late: this is the event.
        kiosk.wait_for_selector("[data-agency=IMIGRASI].closed", timeout=40_000)
        late = time.monotonic() - noon
        assert -0.2 < late < 1.0, late
        display.wait_for_function(
            "() => window.antreDisplay.live.stats.drawn.queue_changed >= 1", timeout=1000)
        assert display.evaluate("window.antreDisplay.live.stats.asked") == 0  # no resync
    finally:
        context.close()
        served.server.stop()
