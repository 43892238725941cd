"""A display tells the server it is on and whether its voice works; the overview lists every
display, on or not, voice working or not (a TV that only chimes does not go unnoticed)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api


def displays(api: Api) -> dict[str, dict[str, Any]]:
    answer = api.client().get("/api/v1/overview", headers=api.bearer("admin"))
    assert answer.status_code == 200, answer.get_json()
    return {d["id"]: d for d in answer.get_json()["displays"]}


def report(api: Api, display: str, ok: bool) -> int:
    answer = api.client().post(f"/api/v1/displays/{display}/voice-state",
                               headers=api.bearer(display), json={"voice_ok": ok})
    return int(answer.status_code)


def test_the_overview_lists_displays_and_their_voice(api: Api) -> None:
    before = displays(api)
    assert set(before) == {"aula", "zona-a"}
    assert before["aula"] == {"id": "aula", "name": "Layar Aula", "voice": "espeak",
                              "on": False, "voice_ok": None}
    assert report(api, "aula", True) == 204
    assert report(api, "zona-a", False) == 204
    now = displays(api)
    assert (now["aula"]["on"], now["aula"]["voice_ok"]) == (True, True)
    assert (now["zona-a"]["on"], now["zona-a"]["voice_ok"]) == (True, False)
    assert report(api, "zona-a", True) == 204  # its voice works again
    assert displays(api)["zona-a"]["voice_ok"] is True


def test_only_the_display_itself_reports(api: Api) -> None:
    answer = api.client().post("/api/v1/displays/aula/voice-state",
                               headers=api.bearer("zona-a"), json={"voice_ok": False})
    assert answer.status_code in (401, 403, 404)
    assert displays(api)["aula"]["voice_ok"] is None
