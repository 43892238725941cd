"""The hall TV read from 10 m: every text a visitor must read is at least the readable size
(4.5% of the screen's height, display.css --read) and at WCAG AA contrast (4.5:1), at
1920x1080 and 1280x720; closed counters are not shown, the rest page through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.display.conftest import (
    FULL_HD,
    HD,
    WAIT_MS,
    WATCH_AUDIO_STATE,
    Hall,
    OpenDisplay,
    display_hall_data,
)
from tests.support.browser import screenshot_dir
from tests.support.servers import serve_hall

pytestmark = pytest.mark.browser

READ_SHARE = 0.045  # of the screen's height (16:9)
CONTRAST = 4.5

# Each visible element that holds text of its own: its font size and the contrast of its ink
# on the first opaque background behind it (WCAG 2.x relative luminance).
MEASURE = """() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92
      : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const behind = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return rgb(getComputedStyle(document.body).backgroundColor).slice(0, 3);
  };
  const out = [];
  for (const node of document.querySelectorAll('#screen *')) {
    const own = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own) continue;
    const style = getComputedStyle(node);
    const box = node.getBoundingClientRect();
    if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
    if (node.closest('[hidden]')) continue;
    const [a, b] = [lum(rgb(style.color)), lum(behind(node))];
    out.push({ text: node.textContent.trim().slice(0, 30), cls: node.className || node.id,
               size: parseFloat(style.fontSize),
               contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
  }
  return out;
}"""


@pytest.mark.parametrize("viewport", [FULL_HD, HD], ids=["1920x1080", "1280x720"])
def test_every_text_reads_from_ten_metres(hall: Hall, open_display: OpenDisplay,
                                          viewport: dict[str, int], tmp_path: Path) -> None:
    page = open_display(hall, "aula", viewport)
    for counter in ("L12", "L02", "L01"):
        hall.call(counter)
    page.wait_for_function("() => window.antreDisplay.stats.calls >= 3", timeout=WAIT_MS)
    page.wait_for_timeout(500)
    smallest = viewport["height"] * READ_SHARE
    texts: list[dict[str, Any]] = page.evaluate(MEASURE)
    assert len(texts) > 10
    too_small = [t for t in texts if t["size"] < smallest - 0.5]
    assert too_small == [], too_small
    too_faint = [t for t in texts if t["contrast"] < CONTRAST]
    assert too_faint == [], too_faint
    # Closed counters are not shown: only the open ones (a page of them at a time).
    states = page.locator("#counters .tile:not([hidden])").evaluate_all(
        "tiles => tiles.map(t => t.dataset.state)")
    assert states and "closed" not in states
    assert "Tutup" not in page.inner_text("#counters")
    width, height = viewport["width"], viewport["height"]
    page.screenshot(path=screenshot_dir(tmp_path) / f"display-readable-{width}x{height}.png")


def test_on_a_sunday_the_display_shows_the_closed_notice(
        tmp_path_factory: pytest.TempPathFactory, open_display: OpenDisplay,
        tmp_path: Path) -> None:
    """Not 36 "Tutup" tiles: why the hall is closed and when it opens, in both languages."""
    served = serve_hall(tmp_path_factory.mktemp("sunday-display"), display_hall_data(),
                        clock_start="2026-12-06T09:00:00")
    try:
        page = open_display(Hall(served), "aula", FULL_HD)
        page.wait_for_selector("#closed-notice:not([hidden])")
        assert page.inner_text("#closed-id") == \
            "Hari Minggu layanan tutup. Buka kembali Senin, 07.30."
        assert page.inner_text("#closed-en") == "Closed on Sundays. Open again Monday 07.30."
        assert page.locator("#counters .tile").evaluate_all(
            "tiles => tiles.filter(t => t.offsetParent !== null).length") == 0
        page.screenshot(path=screenshot_dir(tmp_path) / "display-closed-sunday-1920x1080.png")
    finally:
        served.server.stop()


def test_a_display_whose_voice_fails_says_so_to_the_overview(
        hall: Hall, browser: Any, open_display: OpenDisplay) -> None:
    """The server's voice answers 503 (espeak-ng missing): the TV chimes, and tells the server,
    whose overview marks it; when the voice works again, so does the overview."""
    context = browser.new_context(viewport=HD, reduced_motion="reduce")
    try:
        context.add_init_script(WATCH_AUDIO_STATE)
        broken = {"on": True}

        def voice(route: Any) -> None:
            if broken["on"]:
                route.fulfill(status=503, body="no espeak-ng")
            else:
                route.continue_()

        context.route("**/voice.wav*", voice)
        page = open_display(hall, "espeak", context=context)

        def listed() -> dict[str, Any]:
            status, body = hall.api("GET", "/overview", "admin")
            assert status == 200, body
            return next(d for d in body["displays"] if d["id"] == "espeak")

        hall.call("L01")
        page.wait_for_function("() => window.antreDisplay.log.some(e => e.startsWith('novoice:'))",
                               timeout=WAIT_MS)
        page.wait_for_timeout(500)
        assert (listed()["on"], listed()["voice_ok"]) == (True, False)
        broken["on"] = False
        hall.call("L01")
        page.wait_for_function("() => window.antreDisplay.log.some(e => e.startsWith('voice:'))",
                               timeout=WAIT_MS)
        page.wait_for_timeout(500)
        assert listed()["voice_ok"] is True
    finally:
        context.close()
