"""The remote hall (tests/support/halls.remote_hall_data) on SQLite and PostgreSQL, and the
engine's booking and check-in called the way a view does (one transaction each)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from queue_server.models import ServiceDay, Ticket
from queue_server.queue.bookings import BookingRequest, book
from queue_server.queue.checkin import CheckIn, check_in, find_booking
from queue_server.queue.identity import identity_key
from tests.api.conftest import Api, make_api, template  # noqa: F401  (users made once)
from tests.support.halls import Hall, prepare_hall, remote_hall_data

KEY = identity_key("test-secret")
PHONE = "0812-3456-7890"
NIK = "5108014507900003"  # Buleleng, a woman born 05-07-1990


@pytest.fixture
def remote_hall(database_url: str) -> Iterator[Hall]:
    prepared = prepare_hall(database_url, remote_hall_data())
    yield prepared
    prepared.engine.dispose()


def booking(hall: Hall, service: str = "KTP", phone: str = PHONE, *, nik: str | None = None,
            day: date | None = None, slot: str | None = None) -> Ticket:
    with hall.sessions.begin() as session:
        ticket = book(session, hall.clock.now(), KEY, BookingRequest(
            service, phone, nik, day, time.fromisoformat(slot) if slot else None))
        session.expunge(ticket)
        return ticket


def arrive(hall: Hall, key: str, **kwargs: Any) -> CheckIn:
    with hall.sessions.begin() as session:
        found = check_in(session, hall.clock.now(), find_booking(session, hall.clock.now(), key),
                         **kwargs)
        session.flush()
        session.expunge(found.ticket)
        return found


def service_day_row(hall: Hall, service_id: int, day: date) -> tuple[int, int]:
    """(issued, remote_issued) of a service day."""
    with hall.session() as session:
        row = session.scalar(select(ServiceDay).where(ServiceDay.service_id == service_id,
                                                      ServiceDay.day == day))
        return (row.issued, row.remote_issued) if row else (0, 0)


def ticket_now(hall: Hall, ticket_id: int) -> Ticket:
    with hall.session() as session:
        found = session.get(Ticket, ticket_id)
        assert found is not None
        session.expunge(found)
        return found


def at(hall: Hall, moment: datetime) -> None:
    hall.clock.set(moment)


@pytest.fixture
def remote_api(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Api]:
    """The remote hall served by a Flask app (Monday 09:00 WITA), with the API tests' users
    and device tokens (their `template`, made once per session)."""
    built = make_api(tmp_path, request.getfixturevalue("template"), remote_hall_data())
    yield built
    built.app.extensions["antre"].engine.dispose()
