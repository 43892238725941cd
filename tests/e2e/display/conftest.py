"""The hall display in Debian's Chromium against a real `antre serve`.

One server serves the module's tests (each test looks only at the calls it makes); a test that
stops its server gets its own. Calls are made as the hall makes them: the kiosk's token issues a
ticket, an officer's bearer token calls it at a counter.
"""

from __future__ import annotations

import io
import json
import math
import urllib.error
import urllib.request
import wave
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from display.announce import CLIP_WORDS
from tests.support.servers import ServedHall, serve_hall

REPO = Path(__file__).resolve().parents[3]
FULL_HD = {"width": 1920, "height": 1080}
HD = {"width": 1280, "height": 720}
WAIT_MS = 10_000

pytestmark = pytest.mark.browser

KIOSK = "kiosk-utara"
# Who works which counter, and the service whose tickets the tests issue for it.
COUNTERS = {"L01": ("ayu", "KTP"), "L02": ("dewi", "IKD"), "L12": ("budi", "SKCK"),
            "L09": ("admin", "PASPOR")}

# The fake speechSynthesis a `browser` display gets in the tests: Chromium on the test machine
# has no voices, so the test gives it one local id-ID voice that "speaks" for 400 ms.
FAKE_SPEECH = """
(() => {
  const voice = {name: "Test Indonesia", lang: "id-ID", localService: true, default: true,
                 voiceURI: "test-id"};
  window.__spoken = [];
  const fake = {
    getVoices: () => [voice],
    addEventListener: () => {},
    speak(utterance) {
      window.__spoken.push({text: utterance.text, lang: utterance.lang});
      setTimeout(() => utterance.onend && utterance.onend(), 400);
    },
    cancel() {},
  };
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
  }
  Object.defineProperty(window, "speechSynthesis", {value: fake, configurable: true});
  Object.defineProperty(window, "SpeechSynthesisUtterance", {value: Utterance,
                                                             configurable: true});
})();
"""

# Every data-audio-state the page passes through, in order.
WATCH_AUDIO_STATE = """
window.__states = [];
new MutationObserver(() => {
  const state = document.body.dataset.audioState;
  if (window.__states[window.__states.length - 1] !== state) window.__states.push(state);
}).observe(document, {attributes: true, subtree: true,
                       attributeFilter: ["data-audio-state"]});
"""


def tone_wav(seconds: float = 0.06, rate: int = 8000, freq: float = 440.0) -> bytes:
    samples = array("h", (int(8000 * math.sin(2 * math.pi * freq * i / rate))
                          for i in range(int(seconds * rate))))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def make_clip_set(folder: Path) -> Path:
    """A complete clip set of tiny tones, one file per word a call can need."""
    folder.mkdir(parents=True, exist_ok=True)
    for index, word in enumerate(CLIP_WORDS):
        (folder / f"{word}.wav").write_bytes(tone_wav(freq=300.0 + 10 * index))
    return folder


def real_hall_data() -> dict[str, Any]:
    """The hall's own config.yaml: 18 agencies, 36 counters, a main and two zone displays."""
    data: dict[str, Any] = yaml.safe_load((REPO / "config.yaml").read_text())
    return data


def make_media(folder: Path) -> Path:
    """Two pictures for a slideshow, and a file that is not one."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for name, colour in (("1-layanan.png", "#1565c0"), ("2-jadwal.png", "#2e7d32")):
        Image.new("RGB", (160, 90), colour).save(folder / name)
    (folder / "catatan.txt").write_text("not a picture")
    return folder


def display_hall_data(clips_dir: Path | None = None,
                      media_dir: Path | None = None) -> dict[str, Any]:
    """The hall's own config (a screen of its real size), with a display per voice engine.

    The hall's displays only ring the chime here; quotas and required outcomes are taken out,
    as the tests call many tickets, and recalls count at once (the recall interval has its own
    tests in tests/api)."""
    data = real_hall_data()
    data["rules"]["recall_interval_seconds"] = 0
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.pop("quota", None)
            service.pop("outcome_required", None)
    for display in data["displays"]:
        display["voice"] = "chime"
        display.pop("clips_dir", None)
    data["displays"] += [
        {"id": "bel", "name": "Layar Bel", "voice": "chime"},
        {"id": "espeak", "name": "Layar eSpeak", "voice": "espeak"},
        {"id": "peramban", "name": "Layar Peramban", "voice": "browser"},
    ]
    if clips_dir is not None:
        data["displays"].append({"id": "klip", "name": "Layar Klip", "voice": "clips",
                                 "clips_dir": str(clips_dir)})
    if media_dir is not None:
        data["displays"].append({"id": "galeri", "name": "Layar Galeri", "voice": "chime",
                                 "agencies": ["DUKCAPIL"], "media_dir": str(media_dir)})
    return data




@dataclass
class Hall:
    """A served hall, called through its HTTP API."""

    served: ServedHall

    @property
    def url(self) -> str:
        return self.served.url

    def token(self, who: str) -> str:
        return self.served.tokens[who]

    def api(self, method: str, path: str, who: str | None = None,
            body: dict[str, Any] | None = None) -> tuple[int, Any]:
        """Call /api/v1 as `who` (a username or device id): (status, JSON or None).

        A connection per request: on a kept-alive one, the server's separate header and
        body writes meet the client's delayed ACK and each request takes 40 ms."""
        headers = {"Content-Type": "application/json"}
        if who is not None:
            headers["Authorization"] = f"Bearer {self.token(who)}"
        request = urllib.request.Request(f"{self.url}/api/v1{path}", method=method,
                                         data=json.dumps(body or {}).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                raw = answer.read()
                return answer.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            with error:
                return error.code, json.loads(error.read() or b"null")

    def open_counters(self) -> None:
        for counter, (officer, _service) in COUNTERS.items():
            status, body = self.api("POST", f"/counters/{counter}/open", officer)
            assert status == 200, body

    def call(self, counter: str) -> dict[str, Any]:
        """Issue a ticket the counter serves and call the next one there (finishing the one
        before): the called ticket."""
        officer, service = COUNTERS[counter]
        status, ticket = self.api("POST", "/tickets", KIOSK, {"service": service})
        assert status == 201, ticket
        status, body = self.api("POST", f"/counters/{counter}/call-next", officer,
                                {"finish_current": True})
        assert status == 200, body
        return dict(body["ticket"])

    def recall(self, counter: str) -> dict[str, Any]:
        officer, _service = COUNTERS[counter]
        status, body = self.api("POST", f"/counters/{counter}/recall", officer)
        assert status == 200, body
        return dict(body["ticket"])


def start_hall(directory: Path) -> Hall:
    data = display_hall_data(make_clip_set(directory / "clips"), make_media(directory / "media"))
    hall = Hall(serve_hall(directory, data))
    hall.open_counters()
    hall.call("L01")  # the first call of a fresh server process is slow: warm it up
    return hall


@pytest.fixture(scope="package")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    """The display hall, served once for all the display tests (making its users' argon2
    hashes alone takes seconds), its four counters open."""
    served = start_hall(tmp_path_factory.mktemp("display-hall"))
    yield served
    served.served.server.stop()


OpenDisplay = Callable[..., Any]


@pytest.fixture
def open_display(browser: Any) -> Iterator[OpenDisplay]:
    """`open_display(hall, display_id)`: `/display/<id>` opened through its setup link in a
    fresh browser context (or `context=`), once it has its first snapshot."""
    contexts = []

    def opening(served: Hall, display_id: str, viewport: dict[str, int] = FULL_HD, *,
                init: str = "", context: Any = None, motion: bool = False) -> Any:
        if context is None:
            # Still, unless asked: Chromium without a GPU spends a core on the running text.
            context = browser.new_context(viewport=viewport,
                                          reduced_motion="no-preference" if motion else "reduce")
            context.add_init_script(WATCH_AUDIO_STATE + init)
            contexts.append(context)
        page = context.new_page()
        page.goto(f"{served.url}/display/{display_id}?token={served.token(display_id)}")
        page.wait_for_selector("body[data-ready=true]", timeout=WAIT_MS)
        return page

    yield opening
    for context in contexts:
        context.close()


def audio_log(page: Any) -> list[str]:
    log: list[str] = page.evaluate("[...window.antreDisplay.log]")
    return log


def shown_code(page: Any) -> str:
    code: str = page.eval_on_selector("#now-code", "node => node.dataset.code")
    return code


def wait_shown(page: Any, code: str, timeout: float = WAIT_MS) -> None:
    page.wait_for_function("code => document.querySelector('#now-code').dataset.code === code",
                           arg=code, timeout=timeout)


def wait_said(page: Any, code: str, times: int = 1, timeout: float = 20_000) -> None:
    """Until the page has finished announcing `code` `times` times."""
    page.wait_for_function(
        "([code, times]) => window.antreDisplay.log"
        ".filter(e => e.startsWith(`done:${code}@`)).length >= times",
        arg=[code, times], timeout=timeout)
