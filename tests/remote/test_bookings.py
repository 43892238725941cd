"""Booking a number from home: one holding booking per phone (and NIK) per service per day,
every refusal with its reason and nothing written, slots filling, hashes instead of numbers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from queue_server.models import NumberSequence, ServiceDay, Ticket, TicketEvent, TicketStatus
from queue_server.queue import bookings, errors, issuing
from queue_server.queue.identity import identity_key, nik_identity, phone_identity
from tests.remote.conftest import KEY, NIK, PHONE, booking
from tests.support.halls import Hall, wita

MONDAY = date(2026, 11, 30)
TUESDAY = MONDAY + timedelta(days=1)


def written(hall: Hall) -> tuple[int, int, int, int]:
    """Tickets, events, numbers given and quota units counted so far."""
    with hall.session() as session:
        return (session.scalar(select(func.count()).select_from(Ticket)) or 0,
                session.scalar(select(func.count()).select_from(TicketEvent)) or 0,
                session.scalar(select(func.coalesce(func.sum(NumberSequence.last_number), 0)))
                or 0,
                session.scalar(select(func.coalesce(func.sum(ServiceDay.issued), 0))) or 0)


def refused(hall: Hall, error: type[errors.DomainError], *args: Any,
            **kwargs: Any) -> errors.DomainError:
    before = written(hall)
    with pytest.raises(error) as caught:
        booking(hall, *args, **kwargs)
    assert written(hall) == before
    return caught.value


def test_a_booking_is_a_booked_online_ticket_with_its_window(remote_hall: Hall) -> None:
    ticket = booking(remote_hall)
    assert (ticket.status, ticket.channel.value, ticket.code) == (TicketStatus.BOOKED,
                                                                  "online", "A-001")
    assert ticket.booking_code is not None and len(ticket.booking_code) == 6
    assert not set(ticket.booking_code) & set("01OIL")
    # Nobody is waiting and no counter is open: the call is expected now, so the place is
    # kept until 15 minutes after it, and the booking expires an hour after that.
    now = remote_hall.clock.now()
    assert ticket.arrive_from == now and ticket.arrive_until == now + timedelta(minutes=15)
    assert ticket.expires_at == now + timedelta(minutes=75)
    assert ticket.slot_start is None and ticket.queue_key == now
    # The number itself is nowhere: a keyed hash and the last four digits.
    assert ticket.phone_hash == phone_identity(KEY, "+62 812 3456 7890").hash
    assert ticket.phone_hash != phone_identity(identity_key("other"), PHONE).hash
    assert ticket.phone_last4 == "7890" and "81234567890" not in str(ticket.phone_hash)


def test_one_holding_booking_per_phone_per_service_per_day(remote_hall: Hall) -> None:
    first = booking(remote_hall)
    error = refused(remote_hall, errors.AlreadyBooked, phone="+62 812-3456-7890")
    assert error.code == "already_booked" and "Nomor ponsel" in error.message("id")
    booking(remote_hall, "SKCK", slot="10:00")  # another service is another booking
    with remote_hall.sessions.begin() as session:
        issuing.cancel_ticket(session, remote_hall.clock.now(), session.get_one(Ticket, first.id))
    assert booking(remote_hall).code == "A-002"  # cancelled, the phone may book again


def test_the_database_itself_refuses_a_second_booking(remote_hall: Hall) -> None:
    booking(remote_hall)
    second = booking(remote_hall, phone="081299998888")
    # Whatever code writes it, a second holding booking of that phone cannot be stored.
    with remote_hall.session() as session, pytest.raises(IntegrityError):
        session.execute(update(Ticket).where(Ticket.id == second.id)
                        .values(phone_hash=phone_identity(KEY, PHONE).hash))
        session.commit()


def test_a_nik_is_asked_where_the_service_says_and_held_once(remote_hall: Hall) -> None:
    assert refused(remote_hall, errors.NikRequired, "KK").code == "nik_required"
    assert refused(remote_hall, errors.InvalidNik, "KK", nik="1234").code == "invalid_nik"
    refused(remote_hall, errors.InvalidNik, "KK", nik="5108013507900003")  # born on the 35th
    ticket = booking(remote_hall, "KK", nik=NIK)
    assert ticket.nik_hash == nik_identity(KEY, NIK).hash and ticket.nik_last4 == "0003"
    error = refused(remote_hall, errors.AlreadyBooked, "KK", phone="081299998888", nik=NIK)
    assert "NIK" in error.message("en")
    # A service that does not ask keeps no NIK even when one is sent.
    assert booking(remote_hall, nik=NIK).nik_hash is None


@pytest.mark.parametrize("phone", ["12345", "0212345678", "08123", "+1 555 0100 200",
                                   "0812345678901234", "nomor saya"])
def test_not_a_mobile_number(remote_hall: Hall, phone: str) -> None:
    assert refused(remote_hall, errors.InvalidPhone, phone=phone).status == 422


def test_dates_slots_and_closed_days_are_refused_with_their_reason(remote_hall: Hall) -> None:
    assert refused(remote_hall, errors.InvalidDate, "SKCK", day=MONDAY - timedelta(days=1),
                   slot="10:00").code == "invalid_date"
    refused(remote_hall, errors.InvalidDate, "SKCK", day=MONDAY + timedelta(days=8),
            slot="10:00")
    refused(remote_hall, errors.InvalidSlot, "SKCK", day=TUESDAY, slot="10:15")
    refused(remote_hall, errors.InvalidSlot, "SKCK", day=TUESDAY)  # a later day needs a slot
    refused(remote_hall, errors.InvalidSlot, "KTP", day=TUESDAY, slot="10:00")  # no slots
    refused(remote_hall, errors.InvalidSlot, "SKCK", slot="08:30")  # already past (09:00)
    saturday = refused(remote_hall, errors.RemoteClosed, "SKCK", day=date(2026, 12, 5),
                       slot="10:00")
    assert "Sabtu" in saturday.message("id")
    remote_hall.clock.set(wita("2026-12-21 09:00"))
    christmas = refused(remote_hall, errors.RemoteClosed, "SKCK", day=date(2026, 12, 25),
                        slot="10:00")
    assert "Hari Raya Natal" in christmas.message("id")


def test_a_slot_fills_at_its_capacity(remote_hall: Hall) -> None:
    first = booking(remote_hall, "SKCK", day=TUESDAY, slot="10:00")
    assert first.slot_start == wita("2026-12-01 10:00")
    assert first.arrive_from == wita("2026-12-01 09:30")
    assert first.arrive_until == wita("2026-12-01 10:15")
    assert first.queue_key == first.slot_start and first.service_day == TUESDAY
    booking(remote_hall, "SKCK", "081200000002", day=TUESDAY, slot="10:00")
    error = refused(remote_hall, errors.SlotFull, "SKCK", "081200000003", day=TUESDAY,
                    slot="10:00")
    assert error.params == {"slot": "10:00"}
    booking(remote_hall, "SKCK", "081200000003", day=TUESDAY, slot="10:30")


def test_friday_slots_skip_the_prayer_break(remote_hall: Hall) -> None:
    friday = date(2026, 12, 4)
    refused(remote_hall, errors.InvalidSlot, "SKCK", day=friday, slot="11:30")
    refused(remote_hall, errors.InvalidSlot, "SKCK", day=friday, slot="12:30")
    assert booking(remote_hall, "SKCK", day=friday, slot="13:00").slot_start == wita(
        "2026-12-04 13:00")


def test_a_booking_code_taken_that_day_is_drawn_again(remote_hall: Hall,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = iter(["K7QM2D", "K7QM2D", "K7QM2E"])
    monkeypatch.setattr(bookings, "new_booking_code", lambda: next(drawn))
    assert booking(remote_hall).booking_code == "K7QM2D"
    second = booking(remote_hall, phone="081299998888")
    assert (second.booking_code, second.code) == ("K7QM2E", "A-002")
