"""The share of a quota kept for remote bookings: walk-ins cannot take it while remote taking
is open, remote bookings cannot take more, and a cancelled or expired booking gives its unit
back. KTP: quota 5, 40 % kept (2), remote taking closes at 13.30 (an hour before 14.30)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from queue_server.models import Service, ServiceDay, Ticket, TicketStatus
from queue_server.queue import errors, issuing
from queue_server.queue.availability import availability
from queue_server.queue.catalog import service_hours
from queue_server.queue.common import get_site, site_time
from queue_server.queue.expiry import expire_bookings
from tests.remote.conftest import booking, service_day_row
from tests.support.halls import Hall, wita

MONDAY = date(2026, 11, 30)


def walk_in(hall: Hall) -> Ticket:
    with hall.sessions.begin() as session:
        return issuing.issue_ticket(session, hall.clock.now(), "KTP")


def test_walk_ins_leave_the_kept_part_and_remote_bookings_cannot_pass_it(
        remote_hall: Hall) -> None:
    for _ in range(3):
        walk_in(remote_hall)
    with pytest.raises(errors.QuotaKeptForRemote) as refused:
        walk_in(remote_hall)
    assert refused.value.params == {"time": "13.30"}
    first = booking(remote_hall, phone="081111111111")
    booking(remote_hall, phone="081222222222")
    with pytest.raises(errors.RemoteQuotaReached):
        booking(remote_hall, phone="081333333333")
    assert service_day_row(remote_hall, first.service_id, MONDAY) == (5, 2)
    with remote_hall.session() as session:
        assert session.scalar(select(func.count()).select_from(Ticket)) == 5


def test_after_the_remote_cut_off_walk_ins_take_what_is_left(remote_hall: Hall) -> None:
    for _ in range(3):
        walk_in(remote_hall)
    booking(remote_hall)
    remote_hall.clock.set(wita("2026-11-30 13:30"))
    with pytest.raises(errors.RemoteClosed):
        booking(remote_hall, phone="081222222222")
    last = walk_in(remote_hall)
    assert last.code == "A-005"
    with pytest.raises(errors.QuotaReached):
        walk_in(remote_hall)


def test_cancel_and_expiry_give_the_unit_back(remote_hall: Hall) -> None:
    first = booking(remote_hall, phone="081111111111")
    second = booking(remote_hall, phone="081222222222")
    assert service_day_row(remote_hall, first.service_id, MONDAY) == (2, 2)
    with remote_hall.sessions.begin() as session:
        issuing.cancel_ticket(session, remote_hall.clock.now(), session.get_one(Ticket, first.id))
    assert service_day_row(remote_hall, first.service_id, MONDAY) == (1, 1)
    assert second.expires_at is not None
    remote_hall.clock.set(second.expires_at + timedelta(seconds=1))
    with remote_hall.sessions.begin() as session:
        expired = expire_bookings(session, remote_hall.clock.now())
    assert [t.id for t in expired] == [second.id]
    assert service_day_row(remote_hall, first.service_id, MONDAY) == (0, 0)
    with remote_hall.session() as session:
        statuses = dict(session.execute(select(Ticket.id, Ticket.status)).all())
    assert statuses == {first.id: TicketStatus.CANCELLED, second.id: TicketStatus.EXPIRED}


def walk_in_state(hall: Hall) -> tuple[int | None, str | None]:
    """What the kiosk is told of KTP: the quota left to walk-ins and the refusal's code."""
    with hall.session() as session:
        service = session.scalars(select(Service).where(Service.code == "KTP")).one()
        row = session.scalar(select(ServiceDay).where(ServiceDay.service_id == service.id))
        site = get_site(session)
        state = availability(site, site_time(site, hall.clock.now()), service, row,
                             service_hours(session, service))
    return state.quota_left, state.refusal.code if state.refusal else None


def test_the_kiosk_sees_only_what_walk_ins_may_take(remote_hall: Hall) -> None:
    assert walk_in_state(remote_hall) == (3, None)
    booking(remote_hall)
    assert walk_in_state(remote_hall) == (3, None)
    for _ in range(3):
        walk_in(remote_hall)
    assert walk_in_state(remote_hall) == (0, "quota_kept_for_remote")
    remote_hall.clock.set(wita("2026-11-30 13:30"))
    assert walk_in_state(remote_hall) == (1, None)
