"""The SKM summed by the database, on SQLite and on PostgreSQL: hand-made response sets give
the same NRR, IKM and grade in SQL as by hand (the grade boundaries included), groups and
their totals add up, and two answers for one ticket at the same moment store one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.models import Role, Service, Ticket
from queue_server.people import add_user
from queue_server.queue import calling, counters, issuing
from queue_server.survey.answering import Answer, SurveyAnswered, record_answer
from queue_server.survey.elements import CODES
from queue_server.survey.figures import SkmBy, skm
from queue_server.survey.index import index_of_answers
from queue_server.survey.store import SurveyResponse
from tests.support.halls import Hall
from tests.support.races import race
from tests.survey.test_index import responses_totalling

MONDAY = date(2026, 11, 30)
HALL_NAME = "MPP Buleleng"


def insert(hall: Hall, responses: list[dict[str, int]], service: str = "KTP",
           counter: str | None = "L2", day: date = MONDAY, **profile: Any) -> None:
    with hall.sessions.begin() as session:
        found = session.scalar(select(Service).where(Service.code == service))
        assert found is not None
        for scores in responses:
            session.add(SurveyResponse(day=day, service_id=found.id, agency_id=found.agency_id,
                                       counter_id=counter, channel="phone",
                                       **{code.lower(): value for code, value in scores.items()},
                                       **profile))


def figures(hall: Hall, by: SkmBy = SkmBy.HALL, agencies: list[int] | None = None,
            first: date = MONDAY, last: date = MONDAY) -> Any:
    with hall.session() as session:
        return skm(session, first, last, by, agencies, HALL_NAME)


@pytest.mark.parametrize(("respondents", "total", "converted", "grade"), [
    (38, 889, "64.99", "D"), (5, 117, "65.00", "C"), (26, 717, "76.60", "C"),
    (19, 524, "76.61", "B"), (33, 1049, "88.30", "B"), (24, 763, "88.31", "A"),
])
def test_the_boundaries_summed_in_sql(hall: Hall, respondents: int, total: int,
                                      converted: str, grade: str) -> None:
    responses = responses_totalling(respondents, total)
    insert(hall, responses)
    found = figures(hall)
    index = found.total.index
    assert index == index_of_answers(responses)
    assert index.converted == Decimal(converted)
    assert index.grade is not None and index.grade.letter == grade
    assert found.total.respondents == respondents


def test_groups_add_up_to_the_total(hall: Hall) -> None:
    ktp = [{**{c: 4 for c in CODES}, "U3": 2}, {c: 3 for c in CODES}]
    kk = [{c: 2 for c in CODES}]
    skck = [{c: 1 for c in CODES}] * 3
    insert(hall, ktp, "KTP", "L2", gender="P")
    insert(hall, kk, "KK", "L1", gender="L", education="sma")
    insert(hall, skck, "SKCK", None)  # no counter recorded
    insert(hall, [{c: 4 for c in CODES}], "KTP", "L2", day=MONDAY + timedelta(days=1))

    by_service = figures(hall, SkmBy.SERVICE)
    assert [(row.key, row.label, row.respondents) for row in by_service.rows] == [
        ("KTP", "KTP-el (Disdukcapil)", 2), ("KK", "Kartu Keluarga (Disdukcapil)", 1),
        ("SKCK", "SKCK (Polres)", 3)]
    assert by_service.rows[0].index.nrr("U3") == Fraction(5, 2)  # (2 + 3) / 2
    assert by_service.rows[0].index == index_of_answers(ktp)
    assert by_service.total.index == index_of_answers(ktp + kk + skck)
    by_counter = figures(hall, SkmBy.COUNTER)
    assert [(row.key, row.respondents) for row in by_counter.rows] == [
        ("L1", 1), ("L2", 2), ("-", 3)]
    by_agency = figures(hall, SkmBy.AGENCY)
    assert [(row.key, row.respondents) for row in by_agency.rows] == [
        ("DUKCAPIL", 3), ("POLRES", 3)]
    two_days = figures(hall, SkmBy.HALL, last=MONDAY + timedelta(days=1))
    assert two_days.total.respondents == 7

    with hall.session() as session:
        agency_id = session.scalar(select(Service.agency_id).where(Service.code == "SKCK"))
    polres = figures(hall, SkmBy.SERVICE, agencies=[agency_id])
    assert [row.key for row in polres.rows] == ["SKCK"]
    profile = {p.key: p.counts for p in by_service.profile}
    assert profile["gender"] == {"P": 2, "L": 1, "": 3}
    assert profile["education"] == {"sma": 1, "": 5}


def test_an_empty_period_has_no_index(hall: Hall) -> None:
    found = figures(hall)
    assert [(r.key, r.respondents, r.served) for r in found.rows] == [("hall", 0, 0)]
    assert found.total.index.converted is None
    assert found.total.enough is False
    assert figures(hall, SkmBy.AGENCY).rows == []


def serve(session: Session, hall: Hall, user_id: int, service: str = "KTP",
          counter: str = "L2") -> Ticket:
    issued = issuing.issue_ticket(session, hall.clock.now(), service)
    counters.open_counter(session, hall.clock.now(), counter, user_id)
    assert calling.call_next(session, hall.clock.now(), counter, user_id) is issued
    return calling.finish(session, hall.clock.now(), counter, user_id)


def test_served_visitors_are_the_population(hall: Hall) -> None:
    with hall.sessions.begin() as session:
        user = add_user(session, hall.clock.now(), "dewi", "Dewi", Role.OFFICER, "rahasia123",
                        ["DUKCAPIL"])
        first = serve(session, hall, user.id)
        serve(session, hall, user.id)
        issuing.issue_ticket(session, hall.clock.now(), "KTP")  # waiting: not served
        record_answer(session, hall.clock.now(), first, Answer({c: 4 for c in CODES}), "phone")
    found = figures(hall, SkmBy.COUNTER)
    assert [(r.key, r.respondents, r.served, r.minimum_sample) for r in found.rows] == [
        ("L2", 1, 2, 2)]


def test_two_answers_for_one_ticket_at_once_store_one(hall: Hall) -> None:
    with hall.sessions.begin() as session:
        user = add_user(session, hall.clock.now(), "dewi", "Dewi", Role.OFFICER, "rahasia123",
                        ["DUKCAPIL"])
        ticket_id = serve(session, hall, user.id).id
    outcomes: list[str] = []

    def answer(index: int) -> None:
        try:
            with hall.sessions.begin() as session:
                ticket = session.get(Ticket, ticket_id)
                assert ticket is not None
                record_answer(session, hall.clock.now(), ticket,
                              Answer({c: 1 + index for c in CODES}), "phone")
            outcomes.append("stored")
        except SurveyAnswered:
            outcomes.append("refused")

    race(4, answer)
    assert sorted(outcomes) == ["refused"] * 3 + ["stored"]
    with hall.session() as session:
        assert session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
