"""An issue and a call cost the same with 2,000 waiting as with a few (issue #17): the same
statements and the same rows read, as answers carry bounded lists and places, estimates and
the counter's queue come from counts and bounded reads, not from loading the line.

The few are 40, more than the WAITING_SHOWN (30) a counter's answer lists, so that both
answers list as many; with 20 the call reads 10 rows fewer and the same statements."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, event, select, text

from queue_server.models import Agency
from queue_server.queue.estimates import place_and_pace
from queue_server.queue.issuing import issue_ticket
from queue_server.readmodels.counters import WAITING_SHOWN
from queue_server.readmodels.services import waiting_by_service
from queue_server.statistics import analyze_stale
from tests.api.conftest import Api
from tests.perf.counting import Counted, counting
from tests.support.halls import prepare_hall, unlimited_hall_data
from tests.support.postgres import postgres_schema
from tests.support.waiting import eventually

SERVICE, COUNTER, OFFICER = "SKCK", "L3", "budi"  # no daily quota in the small hall


def _wait(api: Api, count: int) -> None:
    """`count` more visitors waiting for the service, issued by the engine."""
    state = api.app.extensions["antre"]
    with state.sessions.begin() as session:
        for _ in range(count):
            issue_ticket(session, api.clock.now(), SERVICE)
            session.expunge_all()  # a flush checks every object the session holds


def _cost(counted: Counted) -> tuple[int, int]:
    return len(counted.statements), counted.rows


def _issue_and_call(api: Api) -> tuple[tuple[int, int], tuple[int, int], dict[str, Any]]:
    with counting(api) as issued:
        ticket = api.issue(SERVICE)
    with counting(api) as called:
        answer = api.act(OFFICER, COUNTER, "call-next", finish_current=True)
    assert answer.status_code == 200, answer.get_json()
    body: dict[str, Any] = answer.get_json()
    body["issued"] = ticket
    return _cost(issued), _cost(called), body


def test_an_issue_and_a_call_cost_the_same_with_2000_waiting_as_with_40(api: Api) -> None:
    assert api.act(OFFICER, COUNTER, "open").status_code == 200
    api.issue(SERVICE)  # the kiosk's first request: the server learns whose token it is
    _wait(api, 40)
    assert api.act(OFFICER, COUNTER, "call-next").status_code == 200  # 40 wait
    issued_40, called_40, few = _issue_and_call(api)  # 41 wait, then 40
    _wait(api, 2000 - 40)
    issued_2000, called_2000, many = _issue_and_call(api)

    assert issued_2000 == issued_40, "an issue costs more with a longer line"
    assert called_2000 == called_40, "a call costs more with a longer line"
    # The answers tell the line's length without listing it all: the first of it, in order.
    assert (few["issued"]["ahead"], many["issued"]["ahead"]) == (40, 2000)
    assert (few["counter"]["waiting_total"], many["counter"]["waiting_total"]) == (40, 2000)
    for answer in (few, many):
        listed = [item["id"] for item in answer["counter"]["waiting"]]
        assert len(listed) == WAITING_SHOWN and listed == sorted(listed)


def _plans(engine: Engine, counted: Counted) -> list[tuple[str, list[str]]]:
    """Each counted statement that reads tickets, with SQLite's plan for it."""
    with engine.connect() as connection:
        return [(statement, [row[-1] for row in connection.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {statement}", parameters)])
                for statement, parameters in zip(counted.statements, counted.parameters,
                                                 strict=True)
                if "FROM tickets" in statement]


LINE = "ix_tickets_line (status=? AND service_id=? AND service_day=?)"
FROM_A_RANK = "ix_tickets_line (status=? AND service_id=? AND service_day=? AND priority=? " \
              "AND queue_key>?)"


def test_no_count_walks_the_line(api: Api) -> None:
    """A newcomer's place is its line's count less those from it on, a seek to its rank in
    the waiting-line index; the counter's total is the lines' counts. With the place counted
    over everyone ahead, a place at the back of 5,000 waiting cost 0.36 ms on SQLite, and on
    PostgreSQL a fifth of the database's time under wrk (0.75 ms at 2,000 waiting)."""
    assert api.act(OFFICER, COUNTER, "open").status_code == 200
    api.issue(SERVICE)
    _wait(api, 100)
    with counting(api) as issued:
        api.issue(SERVICE)
    with counting(api) as called:
        assert api.act(OFFICER, COUNTER, "call-next").status_code == 200
    engine = api.app.extensions["antre"].engine
    issue_plans = _plans(engine, issued)
    steps = [step for _, plan in issue_plans + _plans(engine, called) for step in plan]
    assert any(f"USING COVERING INDEX {FROM_A_RANK}" in step for step in steps), issue_plans
    # Covering the line's prefix alone: a count (or a search) over every waiting ticket.
    assert not [step for step in steps if step.endswith(f"USING COVERING INDEX {LINE}")], steps
    assert any("line_counts" in statement for statement, _ in issue_plans)


def _rows_read(plan: dict[str, Any], table: str) -> int:
    """Rows the plan's nodes on `table` read, kept or filtered out (PostgreSQL's EXPLAIN
    ANALYZE, as JSON)."""
    read = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
    own = read * plan["Actual Loops"] if plan.get("Relation Name") == table else 0
    return own + sum(_rows_read(child, table) for child in plan.get("Plans", []))


def _plan_of_last(statements: list[tuple[str, Any]], session: Any) -> Any:
    statement, parameters = statements[-1]
    return session.connection().exec_driver_sql(
        f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).scalar()


@pytest.mark.postgres
def test_an_agencys_waiting_is_counted_from_its_own_lines_alone() -> None:
    """The agency's count (every flush's `queue_changed`, every display's snapshot) names its
    services' lines: joined to the services instead, PostgreSQL read every waiting ticket of
    the hall (14 ms at 3,000 waiting, in each flush of each process)."""
    with postgres_schema() as url:
        hall = prepare_hall(url, unlimited_hall_data())
        try:
            with hall.sessions.begin() as session:
                for service, count in (("KTP", 300), ("SKCK", 3)):
                    for _ in range(count):
                        issue_ticket(session, hall.clock.now(), service)
                        session.expunge_all()
                session.execute(text("ANALYZE"))
            made: list[tuple[str, Any]] = []
            event.listen(hall.engine, "before_cursor_execute",
                         lambda _c, _k, statement, parameters, *_: made.append(
                             (statement, parameters)))
            with hall.sessions() as session:
                polres = session.scalar(select(Agency.id).where(Agency.code == "POLRES"))
                day = hall.clock.now().astimezone(ZoneInfo("Asia/Makassar")).date()
                counted = waiting_by_service(session, day, [polres])
                plan = _plan_of_last(made, session)
        finally:
            hall.engine.dispose()
    assert sum(counted.values()) == 3
    assert _rows_read(plan[0]["Plan"], "tickets") <= 3, plan


@pytest.mark.postgres
def test_a_newcomers_place_reads_no_one_ahead_once_the_tables_are_analysed() -> None:
    """The place's count seeks the newcomer's rank in the line's index. PostgreSQL plans it
    so once it knows the tables: with autovacuum off (this machine's server), `antre serve`
    analyses the grown ones itself (queue_server/statistics.py), as autovacuum would after
    a tenth of a table changed; before, the planner took an index by day and read the day."""
    with postgres_schema() as url:
        hall = prepare_hall(url, unlimited_hall_data())
        try:
            with hall.sessions.begin() as session:
                for service in ("KTP", "SKCK") * 150:
                    issue_ticket(session, hall.clock.now(), service)
                    session.expunge_all()
                newcomer = issue_ticket(session, hall.clock.now(), "KTP")
            analysed: set[str] = set()

            def grown_tables_analysed() -> bool:
                analysed.update(analyze_stale(hall.engine))
                return {"tickets", "line_counts", "ticket_events"} <= analysed

            eventually(grown_tables_analysed)  # counts of changes reach the view within 1 s
            made: list[tuple[str, Any]] = []
            event.listen(hall.engine, "before_cursor_execute",
                         lambda _c, _k, statement, parameters, *_: made.append(
                             (statement, parameters)))
            with hall.sessions() as session:
                ahead, _pace = place_and_pace(session, session.merge(newcomer))
                plan = _plan_of_last(made, session)
        finally:
            hall.engine.dispose()
    assert ahead == 150
    assert _rows_read(plan[0]["Plan"], "tickets") <= 2, plan
