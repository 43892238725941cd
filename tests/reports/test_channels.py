"""Channels counted apart (issue 16): kiosk, online queue, appointment and counter, and the
bookings whose holder never came, on SQLite and PostgreSQL, live and from the store.

Monday 2026-11-30 (WITA) in the small hall taking numbers from home
(tests/support/halls.remote_hall_data):
  A-001 KTP at the kiosk 08:00, never called: expired at Tuesday's rollover
  A-002 KTP booked from home 08:05 (today's queue), checked in 08:15, served at L1
  A-003 KTP booked from home 08:06, never came: expired by the sweep at 09:30
  B-001 KK booked from home 08:07, cancelled by the visitor 08:30 before coming
  C-001 SKCK appointment at 10:00, booked 08:10, checked in 09:58, served at L3
  C-002 SKCK appointment at 10:30, booked 08:11, never came: expired by the sweep at 12:00
  C-003 SKCK at the counter 09:00 (budi), served at L3
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy.orm import Session

from queue_server.models import Channel, Ticket
from queue_server.queue import calling, counters, issuing, rollover
from queue_server.queue.bookings import BookingRequest, book
from queue_server.queue.checkin import check_in
from queue_server.queue.expiry import expire_bookings
from queue_server.queue.identity import identity_key
from queue_server.reports.export import summary_csv
from queue_server.reports.figures import summary
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.tickets import ticket_rows
from tests.reports.conftest import remember
from tests.reports.days import REPORT_NOW, add_staff
from tests.support.halls import Hall, prepare_hall, remote_hall_data, wita

KEY = identity_key("test-secret")
MONDAY = Period(date(2026, 11, 30), date(2026, 11, 30))
CHANNELS = ("issued", "issued_kiosk", "issued_online", "issued_appointment", "issued_counter",
            "served", "cancelled_visitor", "expired", "not_arrived")


def play_monday(hall: Hall) -> None:
    clock = hall.clock

    def at(moment: str, action: Any, *args: Any, **kwargs: Any) -> Any:
        clock.set(wita(f"2026-11-30 {moment}"))
        with hall.sessions.begin() as session:
            return action(session, clock.now(), *args, **kwargs)

    def booked(session: Session, now: Any, service: str, phone: str, nik: str | None = None,
               slot: str | None = None) -> int:
        request = BookingRequest(service, phone, nik, None,
                                 time.fromisoformat(slot) if slot else None)
        return book(session, now, KEY, request).id

    def arrive(session: Session, now: Any, ticket_id: int) -> None:
        check_in(session, now, session.get_one(Ticket, ticket_id))

    def cancel(session: Session, now: Any, ticket_id: int) -> None:
        issuing.cancel_ticket(session, now, session.get_one(Ticket, ticket_id))

    clock.set(wita("2026-11-30 07:00"))
    with hall.sessions.begin() as session:
        people = add_staff(session, clock.now())
    ayu, budi = people["ayu"], people["budi"]
    at("08:00", counters.open_counter, "L1", ayu)
    at("08:00", counters.open_counter, "L3", budi)
    at("08:00", issuing.issue_ticket, "KTP")
    queue_visitor = at("08:05", booked, "KTP", "0812-0000-0001")
    at("08:06", booked, "KTP", "0812-0000-0002")
    kk = at("08:07", booked, "KK", "0812-0000-0003", "5108014507900003")
    appointment = at("08:10", booked, "SKCK", "0812-0000-0004", slot="10:00")
    at("08:11", booked, "SKCK", "0812-0000-0005", slot="10:30")
    at("08:15", arrive, queue_visitor)
    at("08:20", calling.call_ticket, "L1", queue_visitor, ayu, "janji daring")
    at("08:21", calling.start_service, "L1", ayu)
    at("08:30", calling.finish, "L1", ayu)
    at("08:30", cancel, kk)
    at("09:00", issuing.issue_ticket, "SKCK", channel=Channel.COUNTER, user_id=budi)
    at("09:05", calling.call_next, "L3", budi)
    at("09:06", calling.start_service, "L3", budi)
    at("09:15", calling.finish, "L3", budi)
    at("09:30", expire_bookings)
    at("09:58", arrive, appointment)
    at("10:00", calling.call_next, "L3", budi)
    at("10:01", calling.start_service, "L3", budi)
    at("10:10", calling.finish, "L3", budi)
    at("12:00", expire_bookings)
    at("14:00", counters.close_counter, "L1", ayu)
    at("14:00", counters.close_counter, "L3", budi)
    clock.set(wita("2026-12-01 07:30"))
    with hall.sessions.begin() as session:
        rollover.expire_past_days(session, clock.now())
    clock.set(REPORT_NOW)


@pytest.fixture(params=["live", "stored"])
def monday(request: pytest.FixtureRequest, database_url: str) -> Iterator[Hall]:
    hall = prepare_hall(database_url, remote_hall_data())
    play_monday(hall)
    if request.param == "stored":
        assert remember(hall) == 1
    yield hall
    hall.engine.dispose()


def figures(hall: Hall, by: By) -> dict[str, tuple[int, ...]]:
    with hall.session() as session:
        found = summary(session, MONDAY, by, Scope(), REPORT_NOW)
    return {row.key: tuple(getattr(row, name) for name in CHANNELS)
            for row in [*found.rows, found.total]}


def test_channels_and_bookings_never_arrived_are_counted_apart(monday: Hall) -> None:
    assert figures(monday, By.HALL) == {"hall": (7, 1, 3, 2, 1, 3, 1, 1, 2)}
    assert figures(monday, By.SERVICE) == {
        "KTP": (3, 1, 2, 0, 0, 1, 0, 1, 1),
        "KK": (1, 0, 1, 0, 0, 0, 1, 0, 0),
        "SKCK": (3, 0, 0, 2, 1, 2, 0, 0, 1),
        "hall": (7, 1, 3, 2, 1, 3, 1, 1, 2)}


def test_the_raw_tickets_carry_the_channel_and_the_check_in(monday: Hall) -> None:
    with monday.session() as session:
        rows = {row.code: row for row in ticket_rows(session, MONDAY, Scope())}
    assert {code: (row.channel, row.status) for code, row in rows.items()} == {
        "A-001": ("kiosk", "expired"), "A-002": ("online", "done"),
        "A-003": ("online", "booked"), "B-001": ("online", "cancelled"),
        "C-001": ("appointment", "done"), "C-002": ("appointment", "booked"),
        "C-003": ("counter", "done")}
    appointment = rows["C-001"]
    assert (appointment.slot, appointment.booked, appointment.checked_in) == (
        wita("2026-11-30 10:00").replace(tzinfo=None), wita("2026-11-30 08:10").replace(
            tzinfo=None), wita("2026-11-30 09:58").replace(tzinfo=None))
    # the wait counts from the check-in: called at 10:00, two minutes after arriving
    assert appointment.wait_s == 120.0
    assert rows["A-001"].booked is None and rows["A-001"].checked_in is None


def test_the_summary_export_has_a_column_per_channel(monday: Hall) -> None:
    with monday.session() as session:
        found = summary(session, MONDAY, By.HALL, Scope(), REPORT_NOW, "en")
    header, row = csv.reader(io.StringIO("".join(summary_csv(found, "en")).lstrip("\ufeff")))
    values = dict(zip(header, row, strict=True))
    assert (values["At a kiosk"], values["Online queue"], values["Appointment"],
            values["At a counter"], values["Booked, never arrived"]) == ("1", "3", "2", "1", "2")
