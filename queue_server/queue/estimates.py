"""How many are ahead of a visitor and roughly how long they will wait."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    FromClause,
    Row,
    Select,
    and_,
    bindparam,
    func,
    select,
    true,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from queue_server.models import (
    Counter,
    CounterState,
    LineCount,
    Service,
    Ticket,
    TicketStatus,
    counter_services,
)
from queue_server.queue.order import ranks_from, segments_up_to

RECENT_SERVED = 20  # the average follows the day's pace without one slow visitor dominating
# The service's own target counts as this many visits already seen: the first two or three
# visits of the day (one walk-in finished in ten seconds, one long case) move the pace only
# part of the way, and a day's real history soon outweighs it.
PRIOR_VISITS = 3
# One visit counts between these shares of the target: a ticket finished by mistake a few
# seconds after its start, or left open over lunch, is not the pace of the service.
SHORTEST_SHARE = 0.25
LONGEST_SHARE = 4.0


@dataclass(frozen=True)
class Pace:
    """How fast a service's line moves: its counters open now and minutes per visitor."""

    open_counters: int
    minutes_per_visitor: float


@dataclass(frozen=True)
class ServiceLoad(Pace):
    waiting: int


_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_DAY: BindParameter[Any] = bindparam("day", type_=Ticket.service_day.type)


@dataclass(frozen=True)
class _Rank:
    """A ticket's line and rank in SQL, for a statement built once: bound parameters, or
    the columns of a ticket the statement itself inserts."""

    service_id: ColumnElement[Any] = bindparam("service_id")
    service_day: ColumnElement[Any] = _DAY
    priority: ColumnElement[Any] = bindparam("priority", type_=Ticket.priority.type)
    queue_key: ColumnElement[Any] = bindparam("queue_key", type_=Ticket.queue_key.type)
    id: ColumnElement[Any] = bindparam("ticket_id")


def _ahead(rank: _Rank) -> ColumnElement[int]:
    """Those ahead of a waiting ticket: the line's count of its own priority and of those
    called before it, less the ticket itself and those after it among its own priority. A
    newcomer has itself and seldom anyone else behind it, so its place costs the same with
    2,000 waiting as with 20; the count walks only the tickets from it on. Read before the
    ticket is in line (within its INSERT), both terms leave it out: the same difference."""
    in_segments = (waiting_in_lines(rank.service_id, rank.service_day)
                   .where(segments_up_to(LineCount.priority, rank.priority))
                   .scalar_subquery())
    from_it_on = (select(func.count()).select_from(Ticket)
                  .where(Ticket.status == TicketStatus.WAITING,
                         Ticket.service_id == rank.service_id,
                         Ticket.service_day == rank.service_day,
                         ranks_from(rank.priority, rank.queue_key, rank.id))
                  .scalar_subquery())
    return in_segments - from_it_on


def ahead_of(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same service that will be called before this one."""
    if ticket.status is not TicketStatus.WAITING:
        return 0
    return session.scalar(_ahead_alone(), _rank_values(ticket)) or 0


# Bound, not literal, values (or a column of the statement): a statement built from these
# once serves every ticket.
Ids = Collection[int] | ColumnElement[Any]
Day = date | ColumnElement[Any]


_SERVING = counter_services.join(Counter, counter_services.c.counter_id == Counter.id)


def _among(column: ColumnElement[int] | InstrumentedAttribute[int],
           ids: Ids) -> ColumnElement[bool]:
    """SQL: `column` is one of `ids`; a bound value that is not a list (one ticket's
    service), or a column, is compared as one, sparing the list's expansion at every run."""
    if isinstance(ids, ColumnElement) and not (isinstance(ids, BindParameter) and ids.expanding):
        return column == ids
    return column.in_(ids)


def waiting_in_lines(ids: Ids, day: Day) -> Select[int]:
    """SQL: how many wait in these services' lines on the day, read from the lines' counts
    (a caller may narrow it to some priorities)."""
    return (select(func.coalesce(func.sum(LineCount.waiting), 0))
            .where(_among(LineCount.service_id, ids), LineCount.service_day == day))


def _open_counters(ids: Ids) -> ColumnElement[bool]:
    return and_(_among(counter_services.c.service_id, ids), Counter.active,
                Counter.state == CounterState.OPEN)


def _recent_visits(ids: Ids, day: Day) -> Select[Any]:
    """Start and finish of each service's last RECENT_SERVED visits today: however long the
    day, no more rows than that per service reach Python."""
    newest = func.row_number().over(partition_by=Ticket.service_id,
                                    order_by=Ticket.finished_at.desc())
    served = (select(Ticket.service_id, Ticket.started_at, Ticket.finished_at,
                     newest.label("newest"))
              .where(_among(Ticket.service_id, ids), Ticket.service_day == day,
                     Ticket.status == TicketStatus.DONE, Ticket.started_at.is_not(None),
                     Ticket.finished_at.is_not(None))
              .subquery())
    return (select(served.c.service_id, served.c.started_at, served.c.finished_at)
            .where(served.c.newest <= RECENT_SERVED))


def _minutes(visits: Iterable[tuple[datetime | None, datetime | None]]) -> list[float]:
    return [(finished - started).total_seconds() / 60 for started, finished in visits
            if started is not None and finished is not None]


@lru_cache(maxsize=1)
def _waiting_per_service() -> Select[int, int]:
    return (select(LineCount.service_id, func.sum(LineCount.waiting))
            .where(LineCount.service_id.in_(_IDS), LineCount.service_day == _DAY)
            .group_by(LineCount.service_id))


@lru_cache(maxsize=1)
def _open_counters_per_service() -> Select[int, int]:
    return (select(counter_services.c.service_id, func.count()).select_from(_SERVING)
            .where(_open_counters(_IDS)).group_by(counter_services.c.service_id))


@lru_cache(maxsize=1)
def _recent_visits_per_service() -> Select[Any]:
    return select(_recent_visits(_IDS, _DAY).subquery())


def waiting_per_service(session: Session, day: date, ids: Collection[int]) -> dict[int, int]:
    """Waiting tickets of the day per service id (absent: none), from the lines' counts."""
    return dict(session.execute(_waiting_per_service(),
                                {"ids": list(ids), "day": day}).all())


def service_loads(session: Session, day: date, services: list[Service],
                  waiting: Mapping[int, int] | None = None) -> dict[int, ServiceLoad]:
    """The load of many services in three grouped queries (the kiosk lists them all); two
    when the caller has already counted who waits per service id. The statements are built
    once, with bound values: every flush of the hub asks."""
    ids = [service.id for service in services]
    if waiting is None:
        waiting = waiting_per_service(session, day, ids)
    open_counters: dict[int, int] = dict(session.execute(
        _open_counters_per_service(), {"ids": ids}).all())
    visits: dict[int, list[tuple[datetime | None, datetime | None]]] = {}
    for service_id, started, finished in session.execute(_recent_visits_per_service(),
                                                         {"ids": ids, "day": day}):
        visits.setdefault(service_id, []).append((started, finished))
    return {
        service.id: ServiceLoad(
            waiting=waiting.get(service.id, 0), open_counters=open_counters.get(service.id, 0),
            minutes_per_visitor=pace(_minutes(visits.get(service.id, [])),
                                     float(service.target_minutes)))
        for service in services}


def service_load(session: Session, service: Service, day: date) -> ServiceLoad:
    return service_loads(session, day, [service])[service.id]


@lru_cache(maxsize=1)
def _place_and_pace() -> Select[Any]:
    """The counts, joined to the recent visits. Built once, with bound values: building it
    and its cache key for every ticket was half of an issue's Python."""
    rank = _Rank()
    counts = select(*_counts(rank)).subquery()
    return _with_recent_visits(rank, counts, counts.c.ahead, counts.c.open)


def place_and_pace_of_new(new: CTE) -> Select[Any]:
    """PostgreSQL: the id, place and pace of the ticket `new` inserts (a CTE returning its
    line and rank), read in that same statement: a round trip less while the service's day
    row is locked."""
    rank = _Rank(new.c.service_id, new.c.service_day, new.c.priority, new.c.queue_key,
                 new.c.id)
    return _with_recent_visits(rank, new, new.c.id, *_counts(rank))


def _with_recent_visits(rank: _Rank, one_row: FromClause,
                        *columns: ColumnElement[Any]) -> Select[Any]:
    """`columns` over `one_row`, outer-joined to the line's recent visits (so they come back
    when nobody was served yet): a row per visit, the visit's start and finish last."""
    recent = _recent_visits(rank.service_id, rank.service_day).subquery()
    return (select(*columns, recent.c.started_at, recent.c.finished_at)
            .select_from(one_row.outerjoin(recent, true())))


def _counts(rank: _Rank) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """Those ahead, and the counters open for the service now, as scalar subqueries."""
    return (_ahead(rank).label("ahead"),
            select(func.count()).select_from(_SERVING).where(_open_counters(rank.service_id))
            .scalar_subquery().label("open"))


@lru_cache(maxsize=1)
def _ahead_alone() -> Select[int]:
    return select(_ahead(_Rank()))


def _rank_values(ticket: Ticket) -> dict[str, Any]:
    return {"service_id": ticket.service_id, "day": ticket.service_day,
            "priority": ticket.priority, "queue_key": ticket.queue_key,
            "ticket_id": ticket.id}


PlaceAndPace = tuple[int, Pace]


def place_and_pace(session: Session, ticket: Ticket) -> PlaceAndPace:
    """A waiting ticket's place (how many are ahead) and its service's pace, in one
    statement: an indexed count and a bounded read, run on the session's connection (no
    entity comes back for the ORM to handle)."""
    rows = session.connection().execute(_place_and_pace(), _rank_values(ticket)).all()
    return placed(ticket, rows)


def placed(ticket: Ticket, rows: Sequence[Row[Any]]) -> PlaceAndPace:
    """The place and pace from the rows of a place statement: those ahead and the open
    counters in the first row, each row one of the recent visits (start and finish last)."""
    ahead, open_counters = rows[0].ahead, rows[0].open
    minutes = _minutes((row.started_at, row.finished_at) for row in rows)
    return ahead, Pace(open_counters, pace(minutes, float(ticket.service.target_minutes)))


def pace(recent: list[float], target: float) -> float:
    """Minutes per visitor: today's recent visits (each kept within a sane share of the
    target) averaged together with the target itself, weighted as PRIOR_VISITS visits."""
    kept = [min(max(minutes, target * SHORTEST_SHARE), target * LONGEST_SHARE)
            for minutes in recent]
    return (sum(kept) + PRIOR_VISITS * target) / (len(kept) + PRIOR_VISITS)


def estimated_wait_minutes(load: Pace, ahead: int) -> int | None:
    """Those ahead times the pace, shared by the counters serving the service now.

    None when no counter serves it now: no figure is honest then ("belum ada loket yang
    buka"), not "soon" and not a figure for one imagined counter.
    """
    if load.open_counters <= 0:
        return None
    if ahead <= 0:
        return 0
    return math.ceil(ahead * load.minutes_per_visitor / load.open_counters)
