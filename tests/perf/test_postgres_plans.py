"""On PostgreSQL a connection plans each prepared statement once (issue #17): planning the
newcomer's place anew at every issue cost as much as running it."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from queue_server.queue.estimates import place_and_pace
from queue_server.queue.issuing import issue_ticket
from tests.support.halls import prepare_hall, unlimited_hall_data
from tests.support.postgres import postgres_schema

RUNS = 12  # psycopg prepares a statement at its fifth run; PostgreSQL's own choice comes later


@pytest.mark.postgres
def test_an_issue_and_its_place_are_planned_once_per_connection() -> None:
    with postgres_schema() as url:
        hall = prepare_hall(url, unlimited_hall_data())
        try:
            with hall.engine.connect() as connection:
                for _ in range(RUNS):
                    with Session(bind=connection) as session:
                        ticket = issue_ticket(session, hall.clock.now(), "KTP")
                        place_and_pace(session, ticket)
                        session.commit()
                    hall.clock.advance(seconds=10)
                prepared = connection.exec_driver_sql(
                    "SELECT statement, generic_plans, custom_plans "
                    "FROM pg_prepared_statements").all()
        finally:
            hall.engine.dispose()
    places = [row for row in prepared if "line_counts" in row.statement]
    assert places and places[0].generic_plans >= RUNS - 5, prepared
    assert [row for row in prepared if row.custom_plans] == []
