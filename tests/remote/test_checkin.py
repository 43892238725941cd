"""Check-in: inside the arrival window the booked place is kept, after it the ticket joins at
the back until it expires; too early, too late and twice are refused and change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from queue_server.models import Device, PrintStatus, Role, Ticket, TicketEvent, TicketStatus
from queue_server.people import add_user
from queue_server.queue import calling, counters, errors, issuing
from queue_server.queue.expiry import expire_bookings
from queue_server.queue.order import waiting_order
from tests.remote.conftest import arrive, booking, ticket_now
from tests.support.halls import Hall, wita

TUESDAY = date(2026, 12, 1)


def walk_in(hall: Hall, service: str = "KTP") -> Ticket:
    with hall.sessions.begin() as session:
        ticket = issuing.issue_ticket(session, hall.clock.now(), service)
        session.expunge(ticket)
        return ticket


def line(hall: Hall, service_id: int) -> list[str]:
    with hall.session() as session:
        return list(session.scalars(
            select(Ticket.code).where(Ticket.status == TicketStatus.WAITING,
                                      Ticket.service_id == service_id)
            .order_by(*waiting_order())))


def test_a_booked_ticket_is_not_in_line_until_it_checks_in(remote_hall: Hall) -> None:
    booked = booking(remote_hall)
    walk_in(remote_hall)
    assert line(remote_hall, booked.service_id) == ["A-002"]


def test_inside_the_window_the_booked_place_is_kept(remote_hall: Hall) -> None:
    booked = booking(remote_hall)  # 09:00, kept until 09:15
    remote_hall.clock.set(wita("2026-11-30 09:05"))
    walk_in(remote_hall)
    remote_hall.clock.set(wita("2026-11-30 09:15"))
    done = arrive(remote_hall, booked.token)
    assert done.place_kept and done.ticket.status is TicketStatus.WAITING
    assert done.ticket.queue_key == wita("2026-11-30 09:00")
    assert done.ticket.checked_in_at == done.ticket.issued_at == remote_hall.clock.now()
    assert line(remote_hall, booked.service_id) == ["A-001", "A-002"]


def test_after_the_window_the_ticket_joins_at_the_back(remote_hall: Hall) -> None:
    booked = booking(remote_hall)
    remote_hall.clock.set(wita("2026-11-30 09:05"))
    walk_in(remote_hall)
    remote_hall.clock.set(wita("2026-11-30 09:16"))
    done = arrive(remote_hall, str(booked.booking_code).lower())  # typed at the kiosk
    assert not done.place_kept and done.ticket.queue_key == remote_hall.clock.now()
    remote_hall.clock.set(wita("2026-11-30 09:20"))
    walk_in(remote_hall)
    assert line(remote_hall, booked.service_id) == ["A-002", "A-001", "A-003"]


def test_an_appointment_checked_in_on_time_ranks_by_its_slot(remote_hall: Hall) -> None:
    booked = booking(remote_hall, "SKCK", day=TUESDAY, slot="10:00")
    with pytest.raises(errors.TooEarly) as monday:
        arrive(remote_hall, booked.token)
    assert monday.value.message("id") == (f"Terlalu awal. Check-in nomor {booked.code} mulai "
                                          "Selasa 01-12-2026, pukul 09.30 (sampai 10.15).")
    remote_hall.clock.set(wita("2026-12-01 09:29"))
    with pytest.raises(errors.TooEarly) as early:
        arrive(remote_hall, booked.token)
    assert early.value.message("en") == (f"Too early. Check-in for {booked.code} opens at "
                                         "09.30 (until 10.15).")
    assert ticket_now(remote_hall, booked.id).status is TicketStatus.BOOKED
    remote_hall.clock.set(wita("2026-12-01 09:50"))
    walk_in(remote_hall, "SKCK")  # 09:50: ahead of the 10:00 appointment
    remote_hall.clock.set(wita("2026-12-01 09:55"))
    done = arrive(remote_hall, booked.token)
    assert done.place_kept and done.ticket.queue_key == wita("2026-12-01 10:00")
    remote_hall.clock.set(wita("2026-12-01 10:01"))
    walk_in(remote_hall, "SKCK")
    assert line(remote_hall, booked.service_id) == ["C-002", "C-001", "C-003"]


def test_too_late_twice_and_unknown_are_refused(remote_hall: Hall) -> None:
    late = booking(remote_hall)
    walked = walk_in(remote_hall)
    assert late.expires_at is not None
    remote_hall.clock.set(late.expires_at + timedelta(seconds=1))
    with pytest.raises(errors.TooLate):
        arrive(remote_hall, late.token)
    assert ticket_now(remote_hall, late.id).status is TicketStatus.BOOKED  # refused: no change
    with remote_hall.sessions.begin() as session:
        expire_bookings(session, remote_hall.clock.now())
    with pytest.raises(errors.TooLate):
        arrive(remote_hall, late.token)
    with pytest.raises(errors.AlreadyCheckedIn):
        arrive(remote_hall, walked.token)
    with pytest.raises(errors.UnknownTicket):
        arrive(remote_hall, "ZZZZZZ")
    other = booking(remote_hall, phone="081299998888")
    arrive(remote_hall, other.token)
    with remote_hall.session() as session:
        events = session.scalars(select(TicketEvent.kind).where(
            TicketEvent.ticket_id == other.id).order_by(TicketEvent.id)).all()
    assert events == ["booked", "checked_in"]
    with pytest.raises(errors.AlreadyCheckedIn):
        arrive(remote_hall, other.token)


def test_at_a_kiosk_without_its_print_agent_the_print_is_marked_failed(
        remote_hall: Hall) -> None:
    booked = booking(remote_hall)
    with remote_hall.sessions.begin() as session:
        kiosk = session.get(Device, "kiosk-1")
        assert kiosk is not None
        session.expunge(kiosk)
    done = arrive(remote_hall, booked.token, kiosk=kiosk)
    assert not done.printing
    after = ticket_now(remote_hall, booked.id)
    assert (after.kiosk_id, after.print_status, after.print_error, after.print_attempts) == (
        "kiosk-1", PrintStatus.FAILED, "no_agent", 1)


def test_a_booking_never_checked_in_blocks_nobody(remote_hall: Hall) -> None:
    booking(remote_hall)  # booked at 09:00, ahead of the walk-in by time
    remote_hall.clock.advance(minutes=1)
    walked = walk_in(remote_hall)
    with remote_hall.sessions.begin() as session:
        officer = add_user(session, remote_hall.clock.now(), "ayu", "Ayu", Role.OFFICER,
                           "rahasia-loket", ["DUKCAPIL"]).id
        counters.open_counter(session, remote_hall.clock.now(), "L1", officer)
        called = calling.call_next(session, remote_hall.clock.now(), "L1", officer)
        assert called.code == walked.code
