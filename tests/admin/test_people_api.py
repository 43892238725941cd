"""People through /api/v1/admin/people: who may change whom, and every refusal changes
nothing."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api
from tests.support.people import PASSWORD

PEOPLE = "/api/v1/admin/people"


def _people(api: Api, who: str = "admin") -> dict[str, Any]:
    answer = api.client().get(PEOPLE, headers=api.bearer(who))
    assert answer.status_code == 200, answer.get_json()
    return {p["username"]: p for p in answer.get_json()["people"]}


def _post(api: Api, who: str, path: str, body: dict[str, Any] | None = None) -> Any:
    return api.client().post(path, headers=api.bearer(who), json=body or {})


def _sign_in(api: Api, username: str, password: str) -> int:
    client = api.client()
    csrf = client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
    return client.post("/api/v1/auth/login", headers={"X-CSRFToken": csrf},
                       json={"username": username, "password": password}).status_code


def test_an_administrator_sees_everyone_a_supervisor_their_agencies_staff(api: Api) -> None:
    everyone = _people(api)
    assert set(everyone) == {"admin", "ayu", "dewi", "budi", "sari"}
    assert everyone["ayu"]["role"] == "officer" and everyone["ayu"]["agencies"] == ["DUKCAPIL"]
    assert everyone["ayu"]["has_token"] and everyone["ayu"]["active"]
    theirs = _people(api, "sari")
    assert set(theirs) == {"ayu", "dewi", "sari"}
    assert theirs["ayu"]["manageable"] and not theirs["sari"]["manageable"]


def test_an_officer_sees_none_of_it(api: Api) -> None:
    assert api.client().get(PEOPLE, headers=api.bearer("ayu")).status_code == 403
    assert _post(api, "ayu", PEOPLE, {"username": "x1", "name": "X", "role": "officer",
                                      "agencies": ["DUKCAPIL"]}).status_code == 403
    assert api.client().get(PEOPLE).status_code == 401


def test_an_added_officer_gets_a_password_shown_once_and_signs_in(api: Api) -> None:
    answer = _post(api, "sari", PEOPLE, {"username": "wayan", "name": "Wayan",
                                         "role": "officer", "agencies": ["DUKCAPIL"]})
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["person"]["username"] == "wayan" and len(body["password"]) >= 8
    assert _sign_in(api, "wayan", body["password"]) == 200
    assert _people(api)["wayan"]["last_sign_in"] is not None


def test_a_supervisor_adds_only_officers_of_their_agencies(api: Api) -> None:
    other = _post(api, "sari", PEOPLE, {"username": "kadek", "name": "Kadek",
                                        "role": "officer", "agencies": ["POLRES"]})
    higher = _post(api, "sari", PEOPLE, {"username": "kadek", "name": "Kadek",
                                         "role": "supervisor", "agencies": ["DUKCAPIL"]})
    assert (other.status_code, higher.status_code) == (403, 403)
    assert "kadek" not in _people(api)


def test_bad_values_are_422_with_the_reason_and_change_nothing(api: Api) -> None:
    for body in ({"username": "Bad Name", "name": "X", "role": "officer",
                  "agencies": ["DUKCAPIL"]},
                 {"username": "kadek", "name": "X", "role": "boss", "agencies": []},
                 {"username": "kadek", "name": "X", "role": "officer", "agencies": ["NOPE"]},
                 {"username": "kadek", "name": "X", "role": "officer", "agencies": []},
                 {"username": "kadek", "name": "X", "role": "officer",
                  "agencies": ["DUKCAPIL"], "password": "short"}):
        answer = _post(api, "admin", PEOPLE, body)
        assert answer.status_code == 422, (body, answer.get_json())
        assert answer.get_json()["error"]["message"]
    assert "kadek" not in _people(api)
    assert _post(api, "admin", PEOPLE, {"username": "ayu", "name": "A", "role": "officer",
                                        "agencies": ["DUKCAPIL"]}).status_code == 409


def test_role_and_agencies_change_and_the_log_says_so(api: Api) -> None:
    answer = api.client().patch(f"{PEOPLE}/budi", headers=api.bearer("admin"),
                                json={"role": "supervisor", "agencies": ["POLRES", "IMIGRASI"]})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["person"]["role"] == "supervisor"
    log = api.client().get("/api/v1/admin/audit?kind=people",
                           headers=api.bearer("admin")).get_json()["entries"]
    assert log[0]["action"] == "user.change" and log[0]["target"] == "budi"
    assert log[0]["person"] == "admin" and log[0]["changes"]["role"] == ["officer",
                                                                          "supervisor"]


def test_a_supervisor_cannot_touch_another_agency_or_raise_anyone(api: Api) -> None:
    client = api.client()
    assert client.patch(f"{PEOPLE}/budi", headers=api.bearer("sari"),
                        json={"name": "B"}).status_code == 403
    assert client.patch(f"{PEOPLE}/ayu", headers=api.bearer("sari"),
                        json={"role": "supervisor"}).status_code == 403
    assert client.patch(f"{PEOPLE}/ayu", headers=api.bearer("sari"),
                        json={"agencies": ["POLRES"]}).status_code == 403
    assert _post(api, "sari", f"{PEOPLE}/budi/disable").status_code == 403
    assert _people(api)["budi"]["active"] and _people(api)["ayu"]["role"] == "officer"


def test_nobody_raises_their_own_role(api: Api) -> None:
    answer = api.client().patch(f"{PEOPLE}/sari", headers=api.bearer("sari"),
                                json={"role": "admin"})
    assert answer.status_code == 403
    assert _people(api)["sari"]["role"] == "supervisor"


def test_the_last_administrator_stays(api: Api) -> None:
    disable = _post(api, "admin", f"{PEOPLE}/admin/disable")
    demote = api.client().patch(f"{PEOPLE}/admin", headers=api.bearer("admin"),
                                json={"role": "officer", "agencies": ["DUKCAPIL"]})
    assert (disable.status_code, demote.status_code) == (409, 409)
    assert disable.get_json()["error"]["code"] == "last_admin"
    assert _people(api)["admin"] == {**_people(api)["admin"], "role": "admin", "active": True}


def test_disabling_stops_sessions_and_the_token_at_once(api: Api) -> None:
    client, _ = api.signed_in("ayu")
    assert client.get("/api/v1/auth/me").status_code == 200
    assert _post(api, "sari", f"{PEOPLE}/ayu/disable").status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 401
    assert api.client().get("/api/v1/auth/me", headers=api.bearer("ayu")).status_code == 401
    assert _sign_in(api, "ayu", PASSWORD) == 401
    assert _post(api, "sari", f"{PEOPLE}/ayu/enable").status_code == 200
    assert _sign_in(api, "ayu", PASSWORD) == 200


def test_a_reset_password_is_shown_once_and_ends_sessions(api: Api) -> None:
    client, _ = api.signed_in("dewi")
    answer = _post(api, "admin", f"{PEOPLE}/dewi/password")
    assert answer.status_code == 200
    password = answer.get_json()["password"]
    assert client.get("/api/v1/auth/me").status_code == 401
    assert _sign_in(api, "dewi", PASSWORD) == 401
    assert _sign_in(api, "dewi", password) == 200
    chosen = _post(api, "admin", f"{PEOPLE}/dewi/password", {"password": "pilihan-admin"})
    assert chosen.get_json()["password"] is None
    assert _sign_in(api, "dewi", "pilihan-admin") == 200
    assert _post(api, "admin", f"{PEOPLE}/dewi/password", {"password": "x"}).status_code == 422


def test_revoking_a_token_and_unlocking(api: Api) -> None:
    assert _post(api, "sari", f"{PEOPLE}/ayu/revoke-token").status_code == 200
    assert api.client().get("/api/v1/auth/me", headers=api.bearer("ayu")).status_code == 401
    for _ in range(3):
        _sign_in(api, "dewi", "wrong-password")
    assert _people(api, "sari")["dewi"]["failed_sign_ins"] == 3
    assert _people(api, "sari")["ayu"]["failed_sign_ins"] == 0
    answer = _post(api, "sari", f"{PEOPLE}/dewi/unlock")
    assert answer.status_code == 200
    assert answer.get_json()["person"]["username"] == "dewi"
    assert answer.get_json()["person"]["failed_sign_ins"] == 0
    assert _post(api, "sari", f"{PEOPLE}/nobody/unlock").status_code == 404


def test_writes_by_session_need_csrf(api: Api) -> None:
    client, csrf = api.signed_in("admin")
    body = {"username": "kadek", "name": "K", "role": "officer", "agencies": ["POLRES"]}
    assert client.post(PEOPLE, json=body).status_code in (400, 403)
    assert client.post(PEOPLE, json=body, headers={"X-CSRFToken": csrf}).status_code == 201


def test_every_admin_endpoint_is_in_the_openapi_document(api: Api) -> None:
    paths = api.client().get("/api/v1/openapi.json").get_json()["paths"]
    routes = {(rule.rule.replace("<", "{").replace(">", "}"), method.lower())
              for rule in api.app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/admin")
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    assert len(routes) == 16  # people 8, devices 3, audit, settings 3, announcement
    for path, method in routes:
        path = path.replace("{int:", "{")
        assert method in paths.get(path, {}), (method, path)
        assert paths[path][method]["tags"] == ["admin"], path
