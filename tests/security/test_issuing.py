"""Who may take a ticket, and who counts as one visitor for the public limits (issue 11,
finding 4): no anonymous online tickets until remote booking exists, priority only at a kiosk
or from staff, and X-Forwarded-For believed only from the configured proxies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from queue_server.settings import Settings
from tests.security.apps import HallApp, build_app

PROXY = "10.1.1.1"


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[HallApp]:
    served = build_app(tmp_path)
    yield served
    served.dispose()


def waiting(hall: HallApp, service: str) -> int:
    services = hall.client().get("/api/v1/services", headers=hall.bearer("admin")).get_json()
    return next(s["waiting"] for a in services["agencies"] for s in a["services"]
                if s["code"] == service)


def test_nobody_gets_an_online_ticket_let_alone_a_priority_one(hall: HallApp) -> None:
    for body in ({"service": "SKCK", "channel": "online"},
                 {"service": "SKCK", "channel": "online", "priority": True}):
        answer = hall.client().post("/api/v1/tickets", json=body)
        assert answer.status_code == 401, answer.get_json()
    assert waiting(hall, "SKCK") == 0


@pytest.mark.parametrize("who", ["aula", "admin", "ayu"])
def test_online_issuing_is_refused_with_a_reason_until_remote_booking_exists(
        hall: HallApp, who: str) -> None:
    answer = hall.client().post("/api/v1/tickets", headers=hall.bearer(who),
                                json={"service": "SKCK", "channel": "online",
                                      "priority": True})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "online_issuing_unavailable"
    assert waiting(hall, "SKCK") == 0


def test_priority_is_given_at_a_kiosk_and_by_staff(hall: HallApp) -> None:
    kiosk = hall.client().post("/api/v1/tickets", headers=hall.bearer("kiosk-1"),
                               json={"service": "SKCK", "priority": True,
                                     "priority_reason": "lansia"})
    staff = hall.client().post("/api/v1/tickets", headers=hall.bearer("budi"),
                               json={"service": "SKCK", "channel": "counter",
                                     "priority": True, "priority_reason": "disabilitas"})
    assert (kiosk.status_code, staff.status_code) == (201, 201)
    assert kiosk.get_json()["priority"] and staff.get_json()["priority"]


def public_statuses(hall: HallApp, count: int, remote: str, forwarded: str | None) -> list[int]:
    """`count` anonymous ticket-page reads (limited to 120 a minute per visitor)."""
    headers: dict[str, Any] = {"X-Forwarded-For": forwarded} if forwarded else {}
    client = hall.client()
    return [client.get("/api/v1/tickets/no-such-ticket", headers=headers,
                       environ_base={"REMOTE_ADDR": remote}).status_code
            for _ in range(count)]


def test_a_forged_forwarded_address_is_ignored_when_not_from_a_proxy(tmp_path: Path) -> None:
    hall = build_app(tmp_path, people=False, proxies=PROXY)
    try:
        statuses = [public_statuses(hall, 1, "192.168.5.5", f"172.16.0.{i}")[0]
                    for i in range(121)]
        assert statuses[:120] == [404] * 120
        assert statuses[120] == 429  # inventing addresses does not escape the limit
    finally:
        hall.dispose()


def test_behind_a_configured_proxy_each_visitor_has_their_own_limit(tmp_path: Path) -> None:
    hall = build_app(tmp_path, people=False, proxies=f"{PROXY},10.2.0.0/16")
    try:
        assert public_statuses(hall, 121, PROXY, "192.168.5.5")[-1] == 429
        assert public_statuses(hall, 1, PROXY, "192.168.5.6") == [404]
        # Through two proxies of the hall, the visitor is the first address neither is.
        assert public_statuses(hall, 1, PROXY, "6.6.6.6, 192.168.5.5, 10.2.3.4") == [429]
    finally:
        hall.dispose()


def test_the_old_number_of_proxies_is_refused_with_what_to_write_instead() -> None:
    with pytest.raises(ValueError, match="address"):
        Settings(proxies="1")
