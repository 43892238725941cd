"""The kiosk's live connection is the shared one: an event it already has is drawn once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.kiosk.conftest import Opener, issue
from tests.support.servers import ServedHall

pytestmark = pytest.mark.browser

CONNECTION = "(await import('/static/shared/live.js')).connections[0]"


def stats(page: Any) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(f"async () => ({{...{CONNECTION}.stats}})")
    return found


def test_a_queue_change_or_a_print_result_delivered_twice_is_drawn_once(
        small_hall: ServedHall, open_kiosk: Opener) -> None:
    page = open_kiosk(small_hall)
    page.evaluate(f"""async () => {{
      window.__heard = [];
      {CONNECTION}.socket.on("queue_changed", (event) => window.__heard.push(event));
    }}""")
    issue(small_hall, "KK")
    page.wait_for_function("() => window.__heard.length > 0")
    drawn = stats(page)["drawn"]

    # The same queue change again, as a second delivery would bring it.
    page.evaluate(f"""async () => {{
      const [draw] = {CONNECTION}.socket.listeners("queue_changed");
      draw(window.__heard[0]);
    }}""")
    # A print result twice: no snapshot repeats one, so only its event id tells the copy.
    page.evaluate(f"""async () => {{
      const [draw] = {CONNECTION}.socket.listeners("print_status");
      const result = {{event_id: "print-twice", ticket_id: -1, code: "X-000",
                       print_status: "printed"}};
      draw(result);
      draw({{...result}});
    }}""")
    after = stats(page)
    assert after["drawn"].get("queue_changed") == drawn.get("queue_changed")
    assert after["drawn"].get("print_status") == 1
    assert after["duplicates"] >= 2
