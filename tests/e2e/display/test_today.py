"""Today's hall reaching the screens by events, not polls: a running text for one display
and a spoken announcement."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.display.conftest import WAIT_MS, Hall, OpenDisplay

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
