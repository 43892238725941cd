"""People ahead and the estimated wait shown on the ticket and the phone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from queue_server.models import Role, Service, Ticket
from queue_server.people import add_user
from queue_server.queue import calling, counters, estimates, issuing
from tests.support.halls import Hall, wita

T = TypeVar("T")
MONDAY = date(2026, 11, 30)


def act(hall: Hall, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with hall.sessions.begin() as session:
        return action(session, hall.clock.now(), *args, **kwargs)


def officer(hall: Hall, username: str, agency: str = "DUKCAPIL") -> int:
    return act(hall, add_user, username, username.title(), Role.OFFICER, "rahasia123",
               [agency]).id


def issue(hall: Hall, service: str = "KTP", priority: bool = False) -> int:
    ticket = act(hall, issuing.issue_ticket, service, priority=priority)
    hall.clock.advance(seconds=10)
    return ticket.id


def ahead(hall: Hall, ticket_id: int) -> int:
    with hall.session() as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        return estimates.ahead_of(session, ticket)


def load(hall: Hall, code: str = "KTP", day: date = MONDAY) -> estimates.ServiceLoad:
    with hall.session() as session:
        service = session.scalars(select(Service).where(Service.code == code)).one()
        return estimates.service_load(session, service, day)


def serve(hall: Hall, counter_id: str, user: int, minutes: float) -> None:
    """Call the next ticket and serve it for `minutes`."""
    assert act(hall, calling.call_next, counter_id, user) is not None
    act(hall, calling.start_service, counter_id, user)
    hall.clock.advance(minutes=minutes)
    act(hall, calling.finish, counter_id, user)


def test_ahead_counts_priority_before_regular(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    r1, r2 = issue(hall), issue(hall)
    p1 = issue(hall, priority=True)
    r3 = issue(hall)
    p2 = issue(hall, priority=True)
    issue(hall, "KK")  # another service's queue is not ahead of anyone here
    issue(hall, "KK", priority=True)
    assert {t: ahead(hall, t) for t in (p1, p2, r1, r2, r3)} == {
        p1: 0, p2: 1, r1: 2, r2: 3, r3: 4}


def test_ahead_follows_the_queue_as_it_moves(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L2", ayu)
    first, second, third = issue(hall), issue(hall), issue(hall)
    act(hall, calling.call_next, "L2", ayu)
    assert (ahead(hall, first), ahead(hall, second), ahead(hall, third)) == (0, 0, 1)
    with hall.sessions.begin() as session:
        issuing.cancel_ticket(session, hall.clock.now(), session.get(Ticket, second))
    assert (ahead(hall, second), ahead(hall, third)) == (0, 0)


def test_ahead_ignores_other_days(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    issue(hall, "SKCK")
    hall.clock.set(wita("2026-12-01 09:00"))
    assert ahead(hall, issue(hall, "SKCK")) == 0


def test_equal_queue_keys_rank_by_id(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ids = [act(hall, issuing.issue_ticket, "SKCK").id for _ in range(3)]  # one instant
    assert [ahead(hall, t) for t in ids] == [0, 1, 2]


def test_wait_uses_the_target_minutes_without_history(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    for _ in range(4):
        issue(hall)
    ktp = load(hall)
    assert ktp == estimates.ServiceLoad(waiting=4, open_counters=0, minutes_per_visitor=10.0)
    # No counter serving it is open: no figure (the pages say "belum ada loket yang buka"),
    # neither "soon" nor a figure for an imagined counter.
    assert estimates.estimated_wait_minutes(ktp, 3) is None
    assert estimates.estimated_wait_minutes(ktp, 0) is None
    assert load(hall, "SKCK").minutes_per_visitor == 12.0


def test_wait_is_shared_by_the_open_counters(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, budi = officer(hall, "ayu"), officer(hall, "budi")
    act(hall, counters.open_counter, "L1", ayu)
    assert estimates.estimated_wait_minutes(load(hall), 3) == 30
    act(hall, counters.open_counter, "L2", budi)
    assert load(hall).open_counters == 2
    assert estimates.estimated_wait_minutes(load(hall), 3) == 15
    assert load(hall, "KK").open_counters == 1  # Loket 2 serves KTP only
    act(hall, counters.pause_counter, "L2", budi)  # a counter on a break does not count
    assert load(hall).open_counters == 1


def test_wait_uses_the_average_of_todays_service(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu, budi = officer(hall, "ayu"), officer(hall, "budi")
    wayan = officer(hall, "wayan", "POLRES")
    act(hall, counters.open_counter, "L1", ayu)
    act(hall, counters.open_counter, "L3", wayan)
    hall.clock.set(wita("2026-11-27 09:00"))  # the Friday before: an hour-long visit
    issue(hall)
    serve(hall, "L1", ayu, 60)
    hall.clock.set(wita("2026-11-30 09:00"))
    issue(hall, "SKCK")  # a slow SKCK visit is not KTP's pace
    serve(hall, "L3", wayan, 45)
    issue(hall)
    serve(hall, "L1", ayu, 4)
    issue(hall)
    serve(hall, "L1", ayu, 8)
    act(hall, counters.open_counter, "L2", budi)
    ktp = load(hall)
    # 4 and 8 minutes today, with the 10-minute target counted as three visits already seen
    assert ktp.minutes_per_visitor == pytest.approx((4 + 8 + 3 * 10) / 5)
    assert ktp.open_counters == 2
    assert estimates.estimated_wait_minutes(ktp, 3) == 13  # 3 x 8.4 / 2, rounded up


@pytest.mark.parametrize(("ahead_count", "minutes", "open_counters", "expected"), [
    (0, 10.0, 1, 0),
    (-1, 10.0, 1, 0),
    (1, 10.0, 3, 4),  # 3.3 rounds up: better early than late
    (5, 2.5, 2, 7),
    (2, 10.0, 0, None),
    (0, 10.0, 0, None),
])
def test_estimated_wait_arithmetic(ahead_count: int, minutes: float, open_counters: int,
                                   expected: int | None) -> None:
    current = estimates.ServiceLoad(waiting=9, open_counters=open_counters,
                                    minutes_per_visitor=minutes)
    assert estimates.estimated_wait_minutes(current, ahead_count) == expected


def test_visits_finished_at_once_do_not_make_the_wait_vanish(sqlite_hall: Hall) -> None:
    """KTP (10-minute target) with four visits closed seconds after their start: the pace is
    not "±1 min" for four people ahead (the hall's IKD did that)."""
    hall = sqlite_hall
    ayu = officer(hall, "ayu")
    act(hall, counters.open_counter, "L1", ayu)
    for _ in range(4):
        issue(hall)
        serve(hall, "L1", ayu, 0.1)
    ikd = load(hall)
    assert ikd.minutes_per_visitor >= 5
    assert estimates.estimated_wait_minutes(ikd, 4) >= 20


@pytest.mark.parametrize(("recent", "expected"), [
    ([], 10.0),                                  # no history: the target
    ([0.0], (2.5 + 30) / 4),                     # a visit counts at least a quarter target
    ([600.0], (40 + 30) / 4),                    # and at most four targets
    ([6.0] * 20, (120 + 30) / 23),               # a day's history outweighs the prior
])
def test_pace_blends_recent_visits_with_the_target(recent: list[float],
                                                   expected: float) -> None:
    assert estimates.pace(recent, 10.0) == pytest.approx(expected)
