"""/healthz is honest about the displays' voice: a display set to espeak on a PC without
espeak-ng only rings the chime, and the server says so."""

from __future__ import annotations

import pytest

from queue_server import health
from tests.api.conftest import Api


def test_healthz_reports_the_espeak_voice(api: Api) -> None:
    body = api.client().get("/healthz").get_json()
    assert body["voice"]["displays"] == ["aula", "zona-a"]
    assert body["voice"]["espeak"] is health.espeak_available()


def test_without_espeak_the_server_is_degraded(api: Api,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(health, "espeak_available", lambda: False)
    answer = api.client().get("/healthz")
    assert answer.status_code == 200  # the hall still serves: the TVs ring the chime
    body = answer.get_json()
    assert body["status"] == "degraded"
    assert body["voice"] == {"espeak": False, "displays": ["aula", "zona-a"]}
