"""The display blueprint's server side, in-process: the page, a call's voice, the slideshow
folder. (The browser tests hear these routes; here each refusal is checked.)"""

from __future__ import annotations

import io
import json
import re
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from display.announce import make_announcement
from display.voice import espeak_available, join_clips
from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.people import issue_device_token
from queue_server.settings import Settings
from tests.e2e.display.conftest import make_clip_set, make_media
from tests.support.halls import MONDAY_9, hall_data, write_hall_yaml

DISPLAYS = [
    {"id": "aula", "name": "Layar Aula", "voice": "espeak"},
    {"id": "zona-a", "name": "Zona A", "agencies": ["DUKCAPIL"], "voice": "clips",
     "clips_dir": "clips", "media_dir": "media"},
    {"id": "zona-b", "name": "Zona B", "agencies": ["POLRES"], "voice": "chime"},
]


@dataclass
class Served:
    app: Flask
    tokens: dict[str, str]
    folder: Path

    def get(self, path: str, who: str | None = None) -> TestResponse:
        client: FlaskClient = self.app.test_client()
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return client.get(path, headers=headers)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    make_clip_set(tmp_path / "clips")  # relative folders are read beside config.yaml
    make_media(tmp_path / "media")
    data = hall_data()
    data["displays"] = DISPLAYS
    settings = Settings(config=write_hall_yaml(tmp_path, data), data_dir=tmp_path / "data",
                        secret_key="test-secret")
    app = create_app(settings, FixedClock(MONDAY_9))
    app.config["TESTING"] = True
    state = app.extensions["antre"]
    with state.sessions.begin() as session:
        tokens = {d["id"]: issue_device_token(session, d["id"]) for d in DISPLAYS}
    yield Served(app, tokens, tmp_path)
    state.engine.dispose()


def voice(code: str, counter: str) -> str:
    return f"voice.wav?code={code}&counter={counter}"


def test_the_page_is_public_carries_the_servers_time_and_only_exists_for_a_display(
        served: Served) -> None:
    answer = served.get("/display/zona-a")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    html = answer.get_data(as_text=True)
    config = json.loads(re.search(r'id="antre-config">(.*?)</script>', html, re.S)[1])
    assert config["server_now"] == int(MONDAY_9.timestamp() * 1000)
    assert config["display"] == {"id": "zona-a", "name": "Zona A", "voice": "clips",
                                 "agencies": ["DUKCAPIL"]}
    assert config["site"]["timezone"] == "Asia/Makassar"
    assert served.get("/display/kiosk-1").status_code == 404


@pytest.mark.skipif(not espeak_available(), reason="espeak-ng is not installed")
def test_espeak_says_a_call_as_a_cached_wav(served: Served) -> None:
    answer = served.get(f"/display/aula/{voice('A-012', 'L1')}", "aula")
    assert answer.status_code == 200
    assert answer.mimetype == "audio/wav"
    assert answer.headers["Cache-Control"].startswith("private")
    with wave.open(io.BytesIO(answer.data)) as wav:
        assert wav.getnframes() / wav.getframerate() > 1.0
    assert list((served.folder / "data" / "voice-cache").glob("espeak-*.wav"))


def test_without_espeak_the_voice_is_unavailable_and_the_page_rings_the_chime_alone(
        served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(served.folder / "no-programs-here"))
    answer = served.get(f"/display/aula/{voice('A-013', 'L1')}", "aula")
    assert answer.status_code == 503
    assert answer.json["error"]["code"] == "voice_unavailable"


def test_a_clip_set_is_joined_in_the_order_of_the_words(served: Served) -> None:
    answer = served.get(f"/display/zona-a/{voice('B-007', 'L1')}", "zona-a")
    assert answer.status_code == 200
    words = make_announcement("B-007", "Loket 1", 1).words
    assert answer.data == join_clips(words, served.folder / "clips")


@pytest.mark.parametrize(("display", "who", "query", "status", "code"), [
    ("aula", None, voice("A-012", "L1"), 401, "unauthorized"),
    ("aula", "zona-a", voice("A-012", "L1"), 401, "unauthorized"),  # another display's token
    ("zona-a", "zona-a", voice("C-001", "L3"), 404, "unknown_counter"),  # not its agency
    ("zona-a", "zona-a", voice("C-001", "L1"), 404, "unknown_code"),  # L1 serves no C
    ("zona-a", "zona-a", voice("A-1234", "L1"), 400, "bad_code"),
    ("zona-a", "zona-a", voice("A-001", "L9"), 404, "unknown_counter"),
    ("zona-b", "zona-b", voice("C-001", "L3"), 404, "no_server_voice"),  # the chime alone
])
def test_a_voice_is_rendered_only_for_a_real_call_of_that_display(
        served: Served, display: str, who: str | None, query: str, status: int,
        code: str) -> None:
    answer = served.get(f"/display/{display}/{query}", who)
    assert answer.status_code == status
    assert answer.json["error"]["code"] == code


def test_the_slideshow_lists_and_serves_only_the_pictures_of_its_folder(served: Served) -> None:
    listed = served.get("/display/zona-a/media.json")
    assert listed.json == {"images": ["1-layanan.png", "2-jadwal.png"]}
    with served.get("/display/zona-a/media/1-layanan.png") as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/png"
    for refused in ("catatan.txt", "..%2Fconfig.yaml", "%2E%2E%2Fclips%2Fa.wav"):
        assert served.get(f"/display/zona-a/media/{refused}").status_code == 404
    assert served.get("/display/aula/media.json").json == {"images": []}
