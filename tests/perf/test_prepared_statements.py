"""What psycopg keeps between runs of a statement on PostgreSQL (issue #17).

psycopg prepares a statement on the server at its fifth run on a connection, and keeps the
conversion of its text to PostgreSQL's placeholders for statements of at most 50 values.
Both were lost on the hot path: every reading session ended in a ROLLBACK, at which psycopg
deallocates everything it prepared on that connection, and a kiosk's new ticket with its two
events bound 53 values. The database then parsed and planned every statement anew at every
run, and psycopg parsed the new ticket's text at every issue.

Ending a reading session with COMMIT instead must never keep what a session wrote and did
not commit: the tests below check that too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from psycopg import _queries
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from queue_server.models import Device, Service, TicketEvent
from queue_server.queue.issuing import issue_ticket
from tests.support.halls import Hall, prepare_hall
from tests.support.postgres import postgres_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_hall() -> Iterator[Hall]:
    with postgres_schema() as url:
        hall = prepare_hall(url)
        yield hall
        hall.engine.dispose()


def _prepared(hall: Hall) -> list[tuple[str, int]]:
    """The statements prepared on the pool's connection, with how often each ran since."""
    with hall.sessions() as session:
        return [(statement, runs) for statement, runs in session.execute(text(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"))]


def _kiosk_name(hall: Hall) -> str:
    with hall.sessions() as session:
        return session.scalars(select(Service.name).where(Service.code == "KTP")).one()


def test_reading_sessions_keep_what_psycopg_prepared(pg_hall: Hall) -> None:
    with pg_hall.sessions() as session:
        threshold = session.connection().connection.dbapi_connection.prepare_threshold
    for _ in range(threshold + 3):  # each in a session of its own, ended without a commit
        with pg_hall.sessions() as session:
            session.scalars(select(Service.code).where(Service.active)).all()
    kept = [runs for statement, runs in _prepared(pg_hall) if "FROM services" in statement]
    assert kept and kept[0] >= 3, _prepared(pg_hall)


def test_a_session_closed_without_a_commit_keeps_none_of_its_writes(pg_hall: Hall) -> None:
    before = _kiosk_name(pg_hall)
    writes = [
        "UPDATE services SET name = 'changed' WHERE code = 'KTP'",
        # Begins with WITH: a write all the same.
        "WITH changed AS (UPDATE services SET name = 'changed' WHERE code = 'KTP' "
        "RETURNING id) SELECT count(*) FROM changed",
    ]
    for write in writes:
        with pg_hall.sessions() as session:
            session.scalars(select(Service.code)).all()  # a read first
            session.execute(text(write))
        assert _kiosk_name(pg_hall) == before, write
    with pg_hall.sessions() as session:  # through the ORM's flush
        service = session.scalars(select(Service).where(Service.code == "KTP")).one()
        service.name = "changed"
        session.flush()
    assert _kiosk_name(pg_hall) == before


def test_a_failed_statement_still_ends_in_a_rollback(pg_hall: Hall) -> None:
    for statements in (["SELECT 1 / 0"],
                       ["UPDATE services SET name = 'changed' WHERE code = 'KTP'",
                        "SELECT 1 / 0"]):
        with pg_hall.sessions() as session:
            *before, failing = statements
            for statement in before:
                session.execute(text(statement))
            with pytest.raises(DBAPIError):
                session.execute(text(failing))
        with pg_hall.sessions() as session:  # the connection serves the next session
            assert session.scalar(text("SELECT 1")) == 1
    assert _kiosk_name(pg_hall) != "changed"


def test_a_kiosks_new_ticket_binds_few_enough_values_for_psycopg_to_keep_its_text(
        pg_hall: Hall) -> None:
    """A kiosk whose printer has no agent: the ticket and two events, one statement."""
    made: list[tuple[str, Any]] = []
    event.listen(pg_hall.engine, "before_cursor_execute",
                 lambda _c, _k, statement, parameters, *_: made.append((statement, parameters)))
    with pg_hall.sessions.begin() as session:
        kiosk = session.get(Device, "kiosk-1")
        ticket = issue_ticket(session, pg_hall.clock.now(), "KTP", kiosk=kiosk,
                              kiosk_id="kiosk-1")
    with pg_hall.sessions() as session:
        events = session.scalar(select(func.count()).select_from(TicketEvent)
                                .where(TicketEvent.ticket_id == ticket.id))
    assert events == 2
    inserts = [(statement, parameters) for statement, parameters in made
               if "INSERT INTO tickets" in statement]
    assert len(inserts) == 1
    statement, parameters = inserts[0]
    assert len(parameters) <= _queries.MAX_CACHED_STATEMENT_PARAMS, sorted(parameters)
    assert len(statement) <= _queries.MAX_CACHED_STATEMENT_LENGTH
