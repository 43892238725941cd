"""Today's operations: closing and reopening a service, today's quota, the running text,
staff removing a waiting ticket; each day change recorded with its reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from queue_server.console import presence
from queue_server.models import (
    Role,
    ServiceDay,
    ServiceDayEvent,
    Site,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from queue_server.people import add_user
from queue_server.queue import calling, counters, errors, issuing
from queue_server.queue import operations as ops
from queue_server.queue.common import get_site, service_day
from queue_server.throttle import MemoryWindows
from tests.support.halls import Hall

T = TypeVar("T")


def act(hall: Hall, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with hall.sessions.begin() as session:
        return action(session, hall.clock.now(), *args, **kwargs)


def person(hall: Hall, username: str = "sari", role: Role = Role.SUPERVISOR) -> int:
    return act(hall, add_user, username, username.title(), role, "rahasia123", ["DUKCAPIL"]).id


def day_row(hall: Hall, code: str = "KTP") -> tuple[int, int | None, str | None]:
    """(issued, quota override, closed reason) of the service today."""
    with hall.session() as session:
        row = session.scalar(select(ServiceDay).where(
            ServiceDay.service_id == issuing.find_service(session, code).id,
            ServiceDay.day == service_day(get_site(session), hall.clock.now())))
        return (row.issued, row.quota_override, row.closed_reason) if row else (0, None, None)


def day_events(hall: Hall) -> list[tuple[str, str, int | None, dict[str, Any]]]:
    with hall.session() as session:
        return [(e.kind, e.reason, e.user_id, e.data) for e in session.scalars(
            select(ServiceDayEvent).order_by(ServiceDayEvent.id))]


def test_close_for_the_day_refuses_tickets_then_reopen_allows_them(hall: Hall) -> None:
    sari = person(hall)
    act(hall, issuing.issue_ticket, "KTP")
    act(hall, ops.close_service_today, "KTP", sari, "  Server   pusat gangguan ")
    assert day_row(hall) == (1, None, "Server pusat gangguan")
    with pytest.raises(errors.ClosedToday) as refused:
        act(hall, issuing.issue_ticket, "KTP")
    assert "Server pusat gangguan" in refused.value.message("id")
    with pytest.raises(ops.AlreadyClosed):
        act(hall, ops.close_service_today, "KTP", sari, "lagi")
    act(hall, ops.reopen_service_today, "KTP", sari, "Server normal kembali")
    assert act(hall, issuing.issue_ticket, "KTP").code == "A-002"
    assert day_events(hall) == [
        ("closed", "Server pusat gangguan", sari, {}),
        ("reopened", "Server normal kembali", sari, {"closed_reason": "Server pusat gangguan"}),
    ]


def test_closing_creates_the_day_row_when_nothing_was_issued(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    act(hall, ops.close_service_today, "SKCK", None, "Petugas dinas luar")
    assert day_row(hall, "SKCK") == (0, None, "Petugas dinas luar")
    with pytest.raises(errors.ClosedToday):
        act(hall, issuing.issue_ticket, "SKCK")


def test_reopen_when_not_closed_is_refused(sqlite_hall: Hall) -> None:
    with pytest.raises(ops.NotClosed):
        act(sqlite_hall, ops.reopen_service_today, "KTP", None, "tidak perlu")
    assert day_events(sqlite_hall) == []


def test_quota_for_today_raises_lowers_and_returns_to_configured(hall: Hall) -> None:
    sari = person(hall)
    for _ in range(5):  # KTP's configured quota is 5
        act(hall, issuing.issue_ticket, "KTP")
    with pytest.raises(errors.QuotaReached):
        act(hall, issuing.issue_ticket, "KTP")
    act(hall, ops.set_quota_today, "KTP", 7, sari, "Tambahan petugas")
    assert act(hall, issuing.issue_ticket, "KTP").code == "A-006"
    act(hall, ops.set_quota_today, "KTP", 6, sari, "Blangko menipis")
    with pytest.raises(errors.QuotaReached) as refused:
        act(hall, issuing.issue_ticket, "KTP")
    assert refused.value.params == {"quota": 6}
    act(hall, ops.set_quota_today, "KTP", None, sari, "Kembali normal")
    assert day_row(hall) == (6, None, None)
    assert [(kind, reason, data) for kind, reason, _, data in day_events(hall)] == [
        ("quota", "Tambahan petugas", {"quota": 7, "previous": 5, "configured": 5, "issued": 5}),
        ("quota", "Blangko menipis", {"quota": 6, "previous": 7, "configured": 5, "issued": 6}),
        ("quota", "Kembali normal", {"quota": None, "previous": 6, "configured": 5,
                                     "issued": 6}),
    ]


def test_a_quota_on_a_service_without_one(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    act(hall, ops.set_quota_today, "SKCK", 1, None, "Hanya satu petugas")
    act(hall, issuing.issue_ticket, "SKCK")
    with pytest.raises(errors.QuotaReached):
        act(hall, issuing.issue_ticket, "SKCK")


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 201])
def test_a_reason_is_required(sqlite_hall: Hall, reason: str | None) -> None:
    hall = sqlite_hall
    for change in (lambda: act(hall, ops.close_service_today, "KTP", None, reason),
                   lambda: act(hall, ops.set_quota_today, "KTP", 3, None, reason)):
        with pytest.raises(ops.ReasonRequired) as refused:
            change()
        assert refused.value.status == 422
    assert day_events(hall) == [] and day_row(hall) == (0, None, None)


@pytest.mark.parametrize("quota", [-1, 100_001])
def test_a_quota_out_of_range_is_refused(sqlite_hall: Hall, quota: int) -> None:
    with pytest.raises(ops.InvalidQuota):
        act(sqlite_hall, ops.set_quota_today, "KTP", quota, None, "salah ketik")
    assert day_events(sqlite_hall) == []


def test_an_unknown_service_is_refused(sqlite_hall: Hall) -> None:
    with pytest.raises(errors.UnknownService):
        act(sqlite_hall, ops.close_service_today, "NOPE", None, "apa saja")


def test_running_text_is_tidied_and_bounded(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    with hall.sessions.begin() as session:
        changed = ops.set_running_text(session, " Selamat  datang\n di MPP ")
        assert [d.id for d in changed] == ["aula", "zona-a"]  # neither has its own
    with hall.session() as session:
        assert session.get_one(Site, 1).running_text == "Selamat datang di MPP"
    with pytest.raises(ops.RunningTextTooLong), hall.sessions.begin() as session:
        ops.set_running_text(session, "x" * 1001)


def test_staff_remove_a_waiting_ticket_with_a_reason(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = person(hall, "ayu", Role.OFFICER)
    first = act(hall, issuing.issue_ticket, "KTP").id
    second = act(hall, issuing.issue_ticket, "KTP").id
    removed = act(hall, ops.remove_waiting_ticket, first, ayu, "Nomor ganda")
    assert removed.status is TicketStatus.CANCELLED
    with hall.session() as session:
        event = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == first)
                                .order_by(TicketEvent.id.desc())).first()
        assert event is not None
        assert (event.kind, event.user_id, event.data) == (
            "cancelled", ayu, {"reason": "staff", "note": "Nomor ganda"})
    act(hall, counters.open_counter, "L1", ayu)
    assert act(hall, calling.call_next, "L1", ayu).id == second
    with pytest.raises(errors.InvalidTransition):  # called now, not waiting
        act(hall, ops.remove_waiting_ticket, second, ayu, "terlambat")
    with pytest.raises(errors.UnknownTicket):
        act(hall, ops.remove_waiting_ticket, 999, ayu, "tidak ada")
    with pytest.raises(ops.ReasonRequired):
        act(hall, ops.remove_waiting_ticket, second, ayu, " ")
    with hall.session() as session:
        assert session.get_one(Ticket, second).status is TicketStatus.CALLED


def test_effective_quota(sqlite_hall: Hall) -> None:
    with sqlite_hall.session() as session:
        ktp = issuing.find_service(session, "KTP")
        assert ops.effective_quota(ktp, None) == 5
        assert ops.effective_quota(ktp, ServiceDay(quota_override=0)) == 0
        assert ops.effective_quota(ktp, ServiceDay(quota_override=None)) == 5


class Wall:
    """A wall clock the test moves."""

    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def test_presence_lasts_about_a_minute_after_the_last_heartbeat() -> None:
    windows, wall = MemoryWindows(), Wall(1_000_000.0)
    assert not presence.is_live(windows, "L1", wall)
    presence.beat(windows, "L1", wall)
    for _ in range(3):  # a console beating every 20 s
        wall.at += presence.HEARTBEAT_S
        assert presence.is_live(windows, "L1", wall)
        presence.beat(windows, "L1", wall)
    assert not presence.is_live(windows, "L2", wall)
    wall.at += presence.BUCKET_S - 1  # the browser closed: still counted for a while
    assert presence.is_live(windows, "L1", wall)
    wall.at += presence.BUCKET_S + 1
    assert not presence.is_live(windows, "L1", wall)


def test_leaving_ends_presence_at_once() -> None:
    windows, wall = MemoryWindows(), Wall(2_000_000.0)
    presence.beat(windows, "L1", wall)
    presence.leave(windows, "L1", wall)
    assert not presence.is_live(windows, "L1", wall)
