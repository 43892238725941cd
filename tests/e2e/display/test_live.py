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


# The display's own listener for an event, taken off its socket (the page misses what the
# server sends meanwhile) and put back.
DETACH = """name => {
  const socket = window.antreDisplay.socket;
  window.__detached = socket.listeners(name)[0];
  socket.off(name, window.__detached);
}"""
ATTACH = "name => window.antreDisplay.socket.on(name, window.__detached)"


def live_stats(page: Any) -> dict[str, Any]:
    stats: dict[str, Any] = page.evaluate("({...window.antreDisplay.live.stats})")
    return stats


def test_a_missed_call_is_caught_up_by_exactly_one_snapshot_and_said(
        hall: Hall, open_display: OpenDisplay) -> None:
    main = open_display(hall, "aula")
    missed = hall.call("L12")["code"]
    wait_said(main, missed)
    before = live_stats(main)

    main.evaluate(DETACH, "ticket_called")
    hall.recall("L12")  # a recall sends the display nothing but the call: this one is lost
    main.wait_for_timeout(300)
    main.evaluate(ATTACH, "ticket_called")
    heard = hall.call("L01")["code"]  # the next event shows the gap

    wait_said(main, heard)
    wait_said(main, missed, times=2)  # the lost recall, said from the snapshot that caught up
    after = live_stats(main)
    assert after["gaps"] - before["gaps"] == 1, (before, after)
    assert after["asked"] - before["asked"] == 1, (before, after)


def test_a_call_under_a_new_epoch_is_shown_though_its_number_is_lower(
        hall: Hall, open_display: OpenDisplay) -> None:
    main = open_display(hall, "aula")
    main.evaluate("window.antreDisplay.socket.on('ticket_called', c => { window.__last = c; })")
    code = hall.call("L02")["code"]
    wait_said(main, code)
    asked = live_stats(main)["asked"]
    # The server's numbers started again (its Redis restarted): seq 1 is new, not old.
    main.evaluate("""() => {
      const [draw] = window.antreDisplay.socket.listeners("ticket_called");
      const call = window.__last;
      draw({...call, code: "Z-901", at: new Date(Date.parse(call.at) + 1000).toISOString(),
            seq: 1, epoch: "after-restart", event_id: "epoch-test"});
    }""")
    wait_shown(main, "Z-901")
    wait_said(main, "Z-901")
    stats = live_stats(main)
    assert stats["epochs"] == 1
    assert stats["asked"] > asked  # and the page asked for the hall as it is now
