"""The announcement queue: the chime, then the voice, one call at a time, for every engine;
one tab speaks when a display is open twice."""

from __future__ import annotations

from typing import Any

import pytest

from display.announce import make_announcement
from display.voice import espeak_available
from tests.e2e.display.conftest import FAKE_SPEECH, Hall, OpenDisplay, audio_log, wait_said

pytestmark = pytest.mark.browser

SPEAKING = {"klip": True, "espeak": espeak_available(), "peramban": True, "bel": False}


def timeline(page: Any) -> list[tuple[float, str]]:
    found = page.evaluate("window.antreDisplay.trace.map(t => [t.at, t.entry])")
    return [(float(at), str(entry)) for at, entry in found]


def test_each_voice_rings_the_chime_then_says_each_call_in_turn(
        hall: Hall, open_display: OpenDisplay) -> None:
    pages = {name: open_display(hall, name, init=FAKE_SPEECH if name == "peramban" else "")
             for name in SPEAKING}
    # Two counters call at the same moment: the second call waits for the first.
    first = hall.call("L12")
    second = hall.call("L01")
    for page in pages.values():
        wait_said(page, first["code"], timeout=30_000)
        wait_said(page, second["code"], timeout=30_000)

    for name, page in pages.items():
        log = audio_log(page)
        keys = [entry.split(":", 1)[1] for entry in log if entry.startswith("chime:")]
        assert [key.split("@")[0] for key in keys] == [first["code"], second["code"]], log
        steps = ["chime", "voice", "done"] if SPEAKING[name] else ["chime", "novoice", "done"] \
            if name == "espeak" else ["chime", "done"]
        assert log == [f"{step}:{key}" for key in keys for step in steps], (name, log)
        # One at a time: each step starts after the one before it ended.
        times = [at for at, _entry in timeline(page)]
        assert times == sorted(times)
        states = page.evaluate("window.__states")
        one_call = ["chime", "voice", "idle"] if SPEAKING[name] else ["chime", "idle"]
        assert states == one_call * 2, (name, states)
        if SPEAKING[name]:
            voice = dict((entry, at) for at, entry in timeline(page))
            for key in keys:
                assert voice[f"done:{key}"] - voice[f"voice:{key}"] > 300, name  # it was heard

    assert pages["peramban"].evaluate("window.__spoken") == [
        {"text": make_announcement(first["code"], "Loket 12", 12).speech_id, "lang": "id-ID"},
        {"text": make_announcement(second["code"], "Loket 1", 1).speech_id, "lang": "id-ID"},
    ]


def test_a_display_open_in_two_tabs_says_each_call_once(
        hall: Hall, open_display: OpenDisplay) -> None:
    first_tab = open_display(hall, "bel")
    second_tab = open_display(hall, "bel", context=first_tab.context)  # same browser profile
    tabs = (first_tab, second_tab)

    def said(code: str) -> list[str]:
        return [entry for tab in tabs for entry in audio_log(tab)
                if entry.startswith(f"done:{code}@")]

    code = hall.call("L09")["code"]
    for tab in tabs:
        tab.wait_for_function(
            "code => document.querySelector('#now-code').dataset.code === code", arg=code)
    _until(first_tab, lambda: len(said(code)) >= 1)
    hall.recall("L09")  # a recall is a new call: said again, once
    _until(first_tab, lambda: len(said(code)) >= 2)
    first_tab.wait_for_timeout(1000)  # a second tab that was going to speak would have

    chimes = [e for tab in tabs for e in audio_log(tab) if e.startswith(f"chime:{code}@")]
    assert len(chimes) == 2 and len(set(chimes)) == 2, chimes
    assert len(said(code)) == 2


def _until(page: Any, condition: Any, timeout_s: float = 15.0) -> None:
    for _ in range(int(timeout_s * 10)):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")
