"""The server restarts: the page says it is offline, reconnects by itself and shows the hall as
it is now, without replaying what it already said."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.e2e.display.conftest import Hall, OpenDisplay, audio_log, wait_said, wait_shown
from tests.support.servers import start_server

pytestmark = pytest.mark.browser


def test_after_a_server_restart_the_page_reconnects_and_shows_the_current_state(
        hall: Hall, open_display: OpenDisplay) -> None:
    page = open_display(hall, "aula")
    before = hall.call("L12")["code"]
    wait_said(page, before)

    server = hall.served.server
    # The test server's clock starts at ANTRE_CLOCK_START: restart it where it was, as a real
    # clock would be.
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as answer:
        clock = json.load(answer)["time"]
    server.stop()
    page.wait_for_selector("#offline", state="visible", timeout=5000)
    hall.served.server = start_server({**server.env, "ANTRE_CLOCK_START": clock}, server.log,
                                      port=urlsplit(server.url).port)
    # The hall goes on while the TV is still reconnecting.
    meanwhile = hall.call("L01")["code"]

    page.wait_for_selector("body[data-online=true]", timeout=15_000)
    assert page.is_hidden("#offline")
    tile = "#counters .tile[data-counter={}] .tile-code"
    page.wait_for_function("([selector, code]) => document.querySelector(selector)"
                           ".textContent === code", arg=[tile.format("L01"), meanwhile])
    assert page.text_content(tile.format("L12")) == before
    wait_said(page, meanwhile)

    # The restarted server counts its events from one again; the page keeps up.
    after = hall.call("L02")["code"]
    wait_shown(page, after)
    wait_said(page, after)
    log = audio_log(page)
    for code in (before, meanwhile, after):
        assert sum(entry.startswith(f"chime:{code}@") for entry in log) == 1, (code, log)
