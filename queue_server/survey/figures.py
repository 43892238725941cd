"""The SKM of a range of days: the index per hall, agency, service or counter, the visitors
served against the respondents, the respondents' profile and their suggestions.

The database adds up: one grouped query gives each group's number of responses and each
element's sum and count of answers, another the visitors served; Python only divides
(`index.index_of`). Sums and counts add up across groups, so the total row is the sum of
the rows' sums, never a mean of means.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from queue_server.models import Agency, Counter, Service, Ticket, TicketStatus
from queue_server.survey.elements import CODES, PROFILE
from queue_server.survey.index import Index, index_of
from queue_server.survey.sample import minimum_sample
from queue_server.survey.store import SurveyResponse

SUGGESTIONS_SHOWN = 500  # the newest; the export has them all


class SkmBy(enum.StrEnum):
    HALL = "hall"
    AGENCY = "agency"
    SERVICE = "service"
    COUNTER = "counter"


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    respondents: int
    served: int
    totals: dict[str, tuple[int, int]]  # element code -> (sum, count)

    @property
    def index(self) -> Index:
        return index_of(self.totals)

    @property
    def minimum_sample(self) -> int:
        return minimum_sample(self.served)

    @property
    def enough(self) -> bool:
        """Enough respondents for the served population (Krejcie–Morgan)."""
        return self.served > 0 and self.respondents >= self.minimum_sample


@dataclass(frozen=True)
class ProfileCount:
    key: str  # gender, age, education, occupation
    counts: dict[str, int]  # choice code -> respondents; "" for not answered


@dataclass(frozen=True)
class Suggestion:
    day: date
    agency: str
    service: str
    text: str


@dataclass(frozen=True)
class Skm:
    first: date
    last: date
    by: SkmBy
    rows: list[Group]
    total: Group
    profile: list[ProfileCount] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)


def _response_key(by: SkmBy) -> Any:
    return {SkmBy.HALL: None, SkmBy.AGENCY: SurveyResponse.agency_id,
            SkmBy.SERVICE: SurveyResponse.service_id,
            SkmBy.COUNTER: SurveyResponse.counter_id}[by]


def _ticket_key(by: SkmBy) -> Any:
    return {SkmBy.HALL: None, SkmBy.AGENCY: Service.agency_id,
            SkmBy.SERVICE: Ticket.service_id, SkmBy.COUNTER: Ticket.counter_id}[by]


def _grouped(query: Any, key: ColumnElement[Any] | None) -> Any:
    """Grouped by `key`, or one group for the hall (PostgreSQL refuses a constant in GROUP
    BY, so the hall's query has none and its key is added in Python)."""
    if key is None:
        return query
    return query.add_columns(key).group_by(key)


def _responses_in(first: date, last: date, agency_ids: Collection[int] | None) -> list[Any]:
    where = [SurveyResponse.day >= first, SurveyResponse.day <= last]
    if agency_ids is not None:
        where.append(SurveyResponse.agency_id.in_(list(agency_ids)))
    return where


def skm(session: Session, first: date, last: date, by: SkmBy,
        agency_ids: Collection[int] | None, site_name: str,
        suggestions: int | None = SUGGESTIONS_SHOWN) -> Skm:
    """The SKM of site-local days `first`…`last` for the agencies `agency_ids` (None: all)."""
    columns = [getattr(SurveyResponse, code.lower()) for code in CODES]
    count = len(CODES)
    answered = session.execute(_grouped(
        select(func.count(), *(func.coalesce(func.sum(c), 0) for c in columns),
               *(func.count(c) for c in columns))
        .where(*_responses_in(first, last, agency_ids)), _response_key(by))).all()
    found: dict[str, tuple[int, dict[str, tuple[int, int]]]] = {}
    for row in answered:
        if row[0] == 0:
            continue  # the hall's one row when nobody answered
        sums, counts = row[1:1 + count], row[1 + count:1 + 2 * count]
        key = str(row[1 + 2 * count]) if by is not SkmBy.HALL else "hall"
        found[key] = (int(row[0]), {code: (int(s), int(n)) for code, s, n
                                    in zip(CODES, sums, counts, strict=True)})

    served_where = [Ticket.status == TicketStatus.DONE, Ticket.service_day >= first,
                    Ticket.service_day <= last]
    if agency_ids is not None:
        served_where.append(Service.agency_id.in_(list(agency_ids)))
    served: dict[str, int] = {}
    for row in session.execute(_grouped(
            select(func.count()).select_from(Ticket)
            .join(Service, Service.id == Ticket.service_id).where(*served_where),
            _ticket_key(by))).all():
        if row[0]:
            served[str(row[1]) if by is not SkmBy.HALL else "hall"] = int(row[0])

    names = _names(session, by, site_name)

    def group(key: str) -> Group:
        code, label, _ = names.get(key, ("-", "—", (0, "")))
        respondents, totals = found.get(key, (0, {}))
        return Group(code, label, respondents, served.get(key, 0), totals)

    keys = sorted(set(found) | set(served),
                  key=lambda k: names.get(k, ("", "", (999_999, k)))[2])
    rows = [group(key) for key in keys]
    if by is SkmBy.HALL and not rows:
        rows = [Group("hall", site_name, 0, 0, {})]
    return Skm(first, last, by, rows, _total(rows, site_name),
               _profile(session, first, last, agency_ids),
               _suggestions(session, first, last, agency_ids, suggestions))


def _total(rows: list[Group], site_name: str) -> Group:
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        for code, (total, count) in row.totals.items():
            before = totals.get(code, (0, 0))
            totals[code] = (before[0] + total, before[1] + count)
    return Group("total", site_name, sum(r.respondents for r in rows),
                 sum(r.served for r in rows), totals)


def _names(session: Session, by: SkmBy,
           site_name: str) -> dict[str, tuple[str, str, tuple[int, str]]]:
    """Each group's key (as SQL gives it) -> its code, its name and its place (the order of
    config.yaml)."""
    if by is SkmBy.HALL:
        return {"hall": ("hall", site_name, (0, ""))}
    if by is SkmBy.AGENCY:
        return {str(i): (code, name, (position, code)) for i, code, name, position
                in session.execute(select(Agency.id, Agency.code, Agency.short_name,
                                          Agency.position)).all()}
    if by is SkmBy.SERVICE:
        return {str(i): (code, f"{name} ({agency})", (a * 1000 + s, code))
                for i, code, name, agency, a, s in session.execute(
                    select(Service.id, Service.code, Service.name, Agency.short_name,
                           Agency.position, Service.position)
                    .join(Agency, Agency.id == Service.agency_id)).all()}
    return {i: (i, name, (number, i)) for i, name, number
            in session.execute(select(Counter.id, Counter.name, Counter.number)).all()}


def _profile(session: Session, first: date, last: date,
             agency_ids: Collection[int] | None) -> list[ProfileCount]:
    """How many respondents gave each answer to each profile question ("" = not given)."""
    found = []
    for item in PROFILE:
        column = getattr(SurveyResponse, item.key)
        counts = {str(value or ""): int(n) for value, n in session.execute(
            select(column, func.count()).where(*_responses_in(first, last, agency_ids))
            .group_by(column)).all()}
        found.append(ProfileCount(item.key, counts))
    return found


def _suggestions(session: Session, first: date, last: date, agency_ids: Collection[int] | None,
                 limit: int | None) -> list[Suggestion]:
    query = (select(SurveyResponse.day, Agency.short_name, Service.name,
                    SurveyResponse.suggestion)
             .join(Service, Service.id == SurveyResponse.service_id)
             .join(Agency, Agency.id == SurveyResponse.agency_id)
             .where(*_responses_in(first, last, agency_ids),
                    SurveyResponse.suggestion.is_not(None))
             .order_by(SurveyResponse.day.desc(), Agency.position, Service.position))
    if limit is not None:
        query = query.limit(limit)
    return [Suggestion(day, agency, service, text or "")
            for day, agency, service, text in session.execute(query).all()]


def hall_month(session: Session, today: date, site_name: str) -> Group:
    """This month's hall index so far (for the hall display)."""
    found = skm(session, today.replace(day=1), today, SkmBy.HALL, None, site_name,
                suggestions=0)
    return found.total
