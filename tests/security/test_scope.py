"""Staff act within their agencies, and a ticket's tracking token (with which anyone may
cancel it) goes only to the kiosk that issued it and the ticket's own page (issue 11,
finding 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.security.apps import HallApp, build_app


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallApp]:
    served = build_app(tmp_path)
    yield served
    served.dispose()


def post(hall: HallApp, who: str, path: str, **body: Any) -> Any:
    return hall.client().post(f"/api/v1{path}", headers=hall.bearer(who), json=body)


def issue(hall: HallApp, service: str) -> dict[str, Any]:
    answer = post(hall, "kiosk-1", "/tickets", service=service)
    assert answer.status_code == 201
    body: dict[str, Any] = answer.get_json()
    return body


def test_the_issuing_kiosk_gets_the_token(hall: HallApp) -> None:
    ticket = issue(hall, "SKCK")
    assert len(ticket["token"]) >= 40 and ticket["tracking_url"].endswith(ticket["token"])


@pytest.mark.parametrize("who", ["sari", "ayu"])  # a DUKCAPIL supervisor and officer
def test_another_agencys_ticket_cannot_be_reprinted(hall: HallApp, who: str) -> None:
    polres = issue(hall, "SKCK")
    answer = post(hall, who, f"/tickets/{polres['id']}/reprint")
    assert answer.status_code == 404, answer.get_json()
    assert polres["token"] not in answer.get_data(as_text=True)


@pytest.mark.parametrize("who", ["sari", "admin"])
def test_a_reprint_in_scope_does_not_hand_out_the_token(hall: HallApp, who: str) -> None:
    ktp = issue(hall, "KTP")
    answer = post(hall, who, f"/tickets/{ktp['id']}/reprint")
    assert answer.status_code in (200, 409), answer.get_json()  # 409: no print agent
    assert ktp["token"] not in answer.get_data(as_text=True)


def test_counter_answers_carry_no_token(hall: HallApp) -> None:
    ktp = issue(hall, "KTP")
    assert post(hall, "ayu", "/counters/L1/open").status_code == 200
    called = post(hall, "ayu", "/counters/L1/call-next")
    assert called.status_code == 200
    body = called.get_json()
    assert body["ticket"]["code"] == ktp["code"]
    assert body["ticket"]["token"] is None and body["ticket"]["tracking_url"] is None
    assert ktp["token"] not in called.get_data(as_text=True)
    for action in ("recall", "recall", "no-show"):
        hall.clock.advance(seconds=60)  # each call heard out before the next
        assert post(hall, "ayu", f"/counters/L1/{action}").status_code == 200, action
    back = post(hall, "sari", f"/tickets/{ktp['id']}/return")
    assert back.status_code == 200 and ktp["token"] not in back.get_data(as_text=True)


def test_staff_issuing_at_a_counter_get_no_token(hall: HallApp) -> None:
    answer = post(hall, "ayu", "/tickets", service="KTP", channel="counter")
    assert answer.status_code == 201
    assert answer.get_json()["token"] is None


@pytest.mark.parametrize("who,counter", [("sari", "L3"), ("budi", "L1"), ("ayu", "L4")])
def test_no_role_below_admin_works_another_agencys_counter(hall: HallApp, who: str,
                                                          counter: str) -> None:
    assert hall.client().get(f"/api/v1/counters/{counter}",
                             headers=hall.bearer(who)).status_code == 403
    for action in ("open", "call-next", "close", "heartbeat"):
        assert post(hall, who, f"/counters/{counter}/{action}").status_code == 403, action


@pytest.mark.parametrize("who", ["sari", "budi"])
def test_no_role_below_admin_handles_another_agencys_ticket(hall: HallApp, who: str) -> None:
    other = issue(hall, "SKCK" if who == "sari" else "KTP")
    assert post(hall, who, f"/tickets/{other['id']}/remove",
                reason="uji").status_code == 404
    assert post(hall, who, f"/tickets/{other['id']}/return").status_code == 404
