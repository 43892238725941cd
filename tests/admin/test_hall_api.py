"""Today's hall: an announcement reaches the chosen displays as an event at once."""

from __future__ import annotations

from queue_server.extensions import socketio
from tests.api.conftest import Api


def _events(client: object, name: str) -> list[dict[str, object]]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]  # type: ignore[attr-defined]


def test_an_announcement_reaches_the_displays_now(api: Api) -> None:
    aula = socketio.test_client(api.app, auth={"display": "aula", "token": api.tokens["aula"]})
    zona = socketio.test_client(api.app, auth={"display": "zona-a",
                                               "token": api.tokens["zona-a"]})
    aula.get_received()
    zona.get_received()
    answer = api.client().post("/api/v1/admin/announcement", headers=api.bearer("admin"),
                               json={"text": "Loket  Samsat tutup pukul 12.00", "display": "aula"})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["displays"] == ["aula"]
    [event] = _events(aula, "announcement")
    assert event["said"] == {"id": "Pengumuman: Loket Samsat tutup pukul 12.00",
                             "en": "Announcement: Loket Samsat tutup pukul 12.00"}
    assert "seq" in event and "epoch" in event
    assert _events(zona, "announcement") == []
    everyone = api.client().post("/api/v1/admin/announcement", headers=api.bearer("admin"),
                                 json={"text": "Selamat datang"})
    assert everyone.get_json()["displays"] == ["aula", "zona-a"]
    assert len(_events(zona, "announcement")) == 1
    log = api.client().get("/api/v1/admin/audit?kind=operations",
                           headers=api.bearer("admin")).get_json()["entries"]
    assert [e["action"] for e in log] == ["display.announcement"] * 2


def test_announcement_refusals(api: Api) -> None:
    client = api.client()
    for who in ("sari", "ayu"):
        assert client.post("/api/v1/admin/announcement", headers=api.bearer(who),
                           json={"text": "x"}).status_code == 403
    for text in ("", "   ", "x" * 301):
        refused = client.post("/api/v1/admin/announcement", headers=api.bearer("admin"),
                              json={"text": text})
        assert refused.status_code == 422 and refused.get_json()["error"]["message"], text
    assert client.post("/api/v1/admin/announcement", headers=api.bearer("admin"),
                       json={"text": "x", "display": "nope"}).status_code == 404


def test_a_running_text_change_is_in_the_log(api: Api) -> None:
    answer = api.client().put("/api/v1/site/running-text", headers=api.bearer("admin"),
                              json={"text": "Selamat datang di MPP"})
    assert answer.status_code == 200
    log = api.client().get("/api/v1/admin/audit?kind=operations",
                           headers=api.bearer("admin")).get_json()["entries"]
    assert log[0]["action"] == "site.running_text"
    assert log[0]["changes"] == {"text": "Selamat datang di MPP"}
