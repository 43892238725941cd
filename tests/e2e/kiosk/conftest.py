"""The kiosk and the visitor's ticket page in Debian's Chromium, against a real `antre serve`.

Servers are shared per module where tests only add tickets (each test reads the counts it
changed); a test that stops its server or moves the clock gets its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
import yaml

from tests.support.browser import touch_pages
from tests.support.servers import ServedHall, serve_hall
from tests.support.servers import call_api as api

REPO = Path(__file__).resolve().parents[3]
KIOSK = "kiosk-1"
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
PHONE = {"width": 360, "height": 740}  # a small, cheap Android phone
WAIT_MS = 20_000  # generous: the test machine may be busy with other suites

pytestmark = pytest.mark.browser


def real_hall_data() -> dict[str, Any]:
    """The hall's own config.yaml: all 18 agencies."""
    data: dict[str, Any] = yaml.safe_load((REPO / "config.yaml").read_text())
    return data


def issue(hall: ServedHall, service: str, **extra: Any) -> dict[str, Any]:
    status, ticket = api(hall, "POST", "/tickets", KIOSK, {"service": service, **extra})
    assert status == 201, ticket
    return dict(ticket)


def service_state(hall: ServedHall, code: str) -> dict[str, Any]:
    status, body = api(hall, "GET", "/services", KIOSK)
    assert status == 200
    for agency in body["agencies"]:
        for service in agency["services"]:
            if service["code"] == code:
                return dict(service)
    raise AssertionError(f"no service {code}")


@pytest.fixture(scope="session")
def small_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHall]:
    """The small hall at Monday 09:00, shared: the kiosk flows issue KK and SKCK and never
    call them; the ticket page's line is KTP at Loket 2, and its leaver takes PASPOR."""
    served = serve_hall(tmp_path_factory.mktemp("hall"))
    yield served
    served.server.stop()


Opener = Callable[..., Any]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Opener]:
    """open_page(url, viewport=PORTRAIT) -> a Playwright page in a fresh touch context."""
    with touch_pages(browser, WAIT_MS) as open_touch:

        def opener(url: str, viewport: dict[str, int] | None = None, **options: Any) -> Any:
            return open_touch(url, viewport or PORTRAIT, **options)

        yield opener


@pytest.fixture
def open_kiosk(open_page: Opener) -> Opener:
    """open_kiosk(hall, viewport=PORTRAIT, kiosk=KIOSK, **query) -> the kiosk's start screen,
    opened with its setup link."""

    def opener(hall: ServedHall, viewport: dict[str, int] | None = None, kiosk: str = KIOSK,
               **query: Any) -> Any:
        params = "".join(f"&{key}={value}" for key, value in query.items())
        page = open_page(f"{hall.url}/kiosk/{kiosk}?token={hall.tokens[kiosk]}{params}",
                         viewport)
        page.wait_for_selector("body[data-screen=start][data-online=true]")
        return page

    return opener


def awake(page: Any, screen: str) -> None:
    """Wait until `screen` is shown and takes touches (its first half second does not)."""
    page.wait_for_selector(f"body[data-screen={screen}] .screen:not(.arming)")


def go_to_confirm(page: Any, agency: str, service: str) -> None:
    awake(page, "start")
    page.locator(f"[data-agency='{agency}']").tap()
    awake(page, "services")
    page.locator(f"[data-service='{service}']").tap()
    awake(page, "confirm")


def shown_code(page: Any) -> str:
    page.wait_for_selector("body[data-screen=result]")
    code: str = page.locator(".number").inner_text()
    return code


# Every visible piece of text smaller than `minimum` px: [(class, text, size)].
SMALL_TEXT_JS = """minimum => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest("script, noscript, [hidden]")) continue;
    if (!element.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < minimum) found.push([element.className, node.textContent.trim().slice(0, 40), size]);
  }
  return found;
}"""

# Every visible touch target smaller than `minimum` px either way: [(text, width, height)].
SMALL_TARGETS_JS = """minimum => [...document.querySelectorAll("button, a, [role=button]")]
  .filter(element => element.getClientRects().length && !element.closest("[hidden]"))
  .map(element => [element.textContent.trim().slice(0, 40), element.getBoundingClientRect()])
  .filter(([, box]) => box.width < minimum || box.height < minimum)
  .map(([text, box]) => [text, box.width, box.height])"""


def settled(page: Any, screen: str) -> None:
    """Wait until `screen` is awake and drawn (for a screenshot or a measurement)."""
    awake(page, screen)
    page.wait_for_timeout(250)  # the screen's short fade-in


def assert_readable(page: Any) -> None:
    """Body text at least 24 px, touch targets at least 64 px, nothing to scroll the page."""
    assert page.evaluate(SMALL_TEXT_JS, 24) == []
    assert page.evaluate(SMALL_TARGETS_JS, 64) == []
    assert page.evaluate("document.scrollingElement.scrollHeight <= innerHeight")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


class StandInAgent:
    """Speaks the print agent's side of the server's contract (queue_server/printing.py) the
    way `antre kiosk-agent` does, answering each job as told: the kiosk page is under test
    here, not the agent."""

    def __init__(self, hall: ServedHall, answers: list[dict[str, Any]]) -> None:
        self.answers = answers
        self.jobs: list[dict[str, Any]] = []
        self.client = socketio.Client(reconnection=False)
        self.client.on("print_ticket", self.print_ticket)
        self.client.connect(hall.url, auth={"kiosk": KIOSK, "token": hall.tokens[KIOSK],
                                            "agent": True}, wait_timeout=10)

    def print_ticket(self, job: dict[str, Any]) -> None:
        self.jobs.append(job)
        self.client.emit("print_result", {"job_id": job["job_id"], **self.answers.pop(0)})
