"""Calls reach the right displays at once; recalls come back; a reload does not replay."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.e2e.display.conftest import (
    Hall,
    OpenDisplay,
    audio_log,
    shown_code,
    wait_said,
    wait_shown,
)

pytestmark = pytest.mark.browser


def tiles(page: Any) -> list[str]:
    found: list[str] = page.eval_on_selector_all("#counters .tile",
                                                 "nodes => nodes.map(n => n.dataset.counter)")
    return found


def tile_code(page: Any, counter: str) -> str:
    text: str = page.eval_on_selector(f"#counters .tile[data-counter={counter}] .tile-code",
                                      "node => node.textContent")
    return text


def test_a_call_reaches_the_main_and_its_zone_display_within_a_second_not_the_other_zone(
        hall: Hall, open_display: OpenDisplay) -> None:
    main = open_display(hall, "aula")
    zone_a = open_display(hall, "zona-a")
    zone_b = open_display(hall, "zona-b")
    # Each shows only the counters of its agencies.
    assert tiles(main) == [f"L{n:02}" for n in range(1, 37)]
    assert tiles(zone_a) == [f"L{n:02}" for n in range(1, 23)]
    assert tiles(zone_b) == [f"L{n:02}" for n in range(23, 37)]
    assert "DUKCAPIL" not in zone_b.eval_on_selector_all(
        "#waiting .chip", "nodes => nodes.map(n => n.dataset.agency)")

    code = hall.call("L01")["code"]
    deadline = time.monotonic() + 1.0
    for page in (main, zone_a):
        left_ms = max(1.0, (deadline - time.monotonic()) * 1000)
        wait_shown(page, code, timeout=left_ms)
        assert tile_code(page, "L01") == code
        assert page.text_content("#now-counter") == "Loket 1"
        assert "Disdukcapil" in page.text_content("#now-agency")
    assert main.eval_on_selector("#now", "node => node.dataset.state") == "flash"

    zone_b.wait_for_timeout(500)
    assert zone_b.evaluate("window.antreDisplay.stats.calls") == 0
    assert shown_code(zone_b) != code
    assert code not in zone_b.text_content("#screen")


def test_a_recall_is_shown_and_said_again(hall: Hall, open_display: OpenDisplay) -> None:
    main = open_display(hall, "aula")
    first = hall.call("L12")["code"]
    wait_shown(main, first)
    other = hall.call("L09")["code"]
    wait_shown(main, other)  # after the first call's chime

    recalled = hall.recall("L12")
    assert recalled["code"] == first and recalled["call_count"] == 2
    wait_shown(main, first)
    assert main.eval_on_selector("#now", "node => node.classList.contains('recall')")
    wait_said(main, first, times=2)
    chimes = [e for e in audio_log(main) if e.startswith(f"chime:{first}@")]
    assert len(chimes) == 2 and chimes[0] != chimes[1]  # two calls, each said once


def test_a_reload_shows_the_last_call_without_saying_it_again(
        hall: Hall, open_display: OpenDisplay) -> None:
    main = open_display(hall, "aula")
    code = hall.call("L02")["code"]
    wait_said(main, code)

    main.reload()
    main.wait_for_selector("body[data-ready=true]")
    assert shown_code(main) == code
    assert main.eval_on_selector("#now", "node => node.dataset.state") == "shown"
    assert tile_code(main, "L02") == code
    main.wait_for_timeout(1000)
    assert audio_log(main) == []
    assert main.evaluate("window.__states") == []  # never left idle


def test_the_page_follows_the_servers_clock_in_wita_not_the_tv_boxs(
        hall: Hall, browser: Any) -> None:
    context = browser.new_context()
    try:
        # A TV box whose clock never got the time: it thinks it is New Year 2020.
        context.clock.install(time=1577836800)
        page = context.new_page()
        page.goto(f"{hall.url}/display/aula?token={hall.token('aula')}")
        page.wait_for_selector("body[data-ready=true]")
        # The server's clock started at Monday 30 November 2026, 09:00 WITA.
        assert page.text_content("#clock-date") == "Senin, 30 November 2026"
        assert page.text_content("#clock-time").startswith("09:0")
        assert page.text_content("#clock-tz") == "WITA"
    finally:
        context.close()
