"""Bookings at the same moment on real threads: one phone gets one booking, a slot never
takes more than its capacity, the remote share is never passed, and two sweeps expire each
booking once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import func, select

from queue_server.models import ServiceDay, Ticket, TicketEvent
from queue_server.queue import errors
from queue_server.queue.expiry import expire_bookings
from tests.remote.conftest import booking
from tests.support.halls import Hall
from tests.support.races import race

TUESDAY = date(2026, 12, 1)


def attempt(outcomes: list[str], action: Callable[[], object]) -> None:
    try:
        action()
        outcomes.append("booked")
    except errors.DomainError as error:
        outcomes.append(error.code)


def test_one_phone_booking_twice_at_once_gets_one(remote_hall: Hall) -> None:
    outcomes: list[str] = []
    race(6, lambda _i: attempt(outcomes, lambda: booking(remote_hall, "SKCK", day=TUESDAY,
                                                         slot="10:00" if _i % 2 else "10:30")))
    assert sorted(outcomes) == ["already_booked"] * 5 + ["booked"]
    with remote_hall.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_a_slot_is_never_overbooked(remote_hall: Hall) -> None:
    outcomes: list[str] = []
    race(6, lambda i: attempt(outcomes, lambda: booking(
        remote_hall, "SKCK", f"08120000001{i}", day=TUESDAY, slot="10:00")))
    assert sorted(outcomes) == ["booked"] * 2 + ["slot_full"] * 4
    with remote_hall.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 2


def test_the_remote_share_is_never_passed(remote_hall: Hall) -> None:
    outcomes: list[str] = []
    race(6, lambda i: attempt(outcomes, lambda: booking(remote_hall, "KTP",
                                                        f"08120000002{i}")))
    assert sorted(outcomes) == ["booked"] * 2 + ["remote_quota_reached"] * 4
    with remote_hall.session() as session:
        row = session.scalars(select(ServiceDay)).one()
        assert (row.issued, row.remote_issued) == (2, 2)


def test_two_processes_sweeping_at_once_expire_each_booking_once(remote_hall: Hall) -> None:
    for index in range(6):
        booking(remote_hall, "KK", f"08120000003{index}", nik=f"510801450790{index + 1:04d}")
    remote_hall.clock.advance(hours=3)
    counts: list[int] = []

    def sweep(_index: int) -> None:
        with remote_hall.sessions.begin() as session:
            counts.append(len(expire_bookings(session, remote_hall.clock.now())))

    race(3, sweep)
    assert sum(counts) == 6
    with remote_hall.session() as session:
        kinds = session.scalars(select(TicketEvent.kind).where(
            TicketEvent.kind == "expired")).all()
        row = session.scalars(select(ServiceDay)).one()
    assert len(kinds) == 6 and (row.issued, row.remote_issued) == (0, 0)
