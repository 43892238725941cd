"""Which ticket `call_next` picks: priority first but not forever, then queue order, only the
counter's own services, only today's tickets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from sqlalchemy import select

from queue_server.models import Role, Service, Ticket, TicketStatus
from queue_server.people import add_user
from queue_server.queue import calling, counters, errors, issuing
from tests.support.halls import Hall, wita

T = TypeVar("T")


def act(hall: Hall, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with hall.sessions.begin() as session:
        return action(session, hall.clock.now(), *args, **kwargs)


def open_desk(hall: Hall, counter_id: str, username: str, agency: str) -> int:
    user = act(hall, add_user, username, username.title(), Role.OFFICER, "rahasia123",
               [agency]).id
    act(hall, counters.open_counter, counter_id, user)
    return user


def issue(hall: Hall, service: str, priority: bool = False) -> str:
    ticket = act(hall, issuing.issue_ticket, service, priority=priority,
                 priority_reason="lansia" if priority else None)
    hall.clock.advance(seconds=10)
    return ticket.code


def status_of(hall: Hall, ticket_id: int) -> TicketStatus:
    with hall.session() as session:
        return session.scalars(select(Ticket.status).where(Ticket.id == ticket_id)).one()


def calls(hall: Hall, counter_id: str, user: int, times: int) -> list[str | None]:
    """Call next and finish, `times` times; None where nobody was waiting."""
    codes: list[str | None] = []
    for _ in range(times):
        ticket = act(hall, calling.call_next, counter_id, user)
        codes.append(ticket.code if ticket else None)
        if ticket is not None:
            act(hall, calling.finish, counter_id, user, outcome="Selesai")
    return codes


def test_priority_goes_first(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    user = open_desk(hall, "L3", "wayan", "POLRES")
    regular = [issue(hall, "SKCK"), issue(hall, "SKCK")]
    elderly = issue(hall, "SKCK", priority=True)
    assert calls(hall, "L3", user, 4) == [elderly, *regular, None]


def test_after_ratio_priority_calls_in_a_row_a_regular_visitor_goes_next(
        sqlite_hall: Hall) -> None:
    """priority_ratio is 2 in the small hall."""
    hall = sqlite_hall
    user = open_desk(hall, "L3", "wayan", "POLRES")
    r1, r2 = issue(hall, "SKCK"), issue(hall, "SKCK")
    p1, p2, p3, p4, p5 = (issue(hall, "SKCK", priority=True) for _ in range(5))
    assert calls(hall, "L3", user, 7) == [p1, p2, r1, p3, p4, r2, p5]


def test_when_no_regular_waits_priority_goes_on(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    user = open_desk(hall, "L3", "wayan", "POLRES")
    p1, p2, p3 = (issue(hall, "SKCK", priority=True) for _ in range(3))
    assert calls(hall, "L3", user, 3) == [p1, p2, p3]
    r1, p4 = issue(hall, "SKCK"), issue(hall, "SKCK", priority=True)
    assert calls(hall, "L3", user, 2) == [r1, p4]  # the streak still owed a regular call


def test_the_priority_streak_is_per_counter(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = open_desk(hall, "L1", "ayu", "DUKCAPIL")
    budi = open_desk(hall, "L2", "budi", "DUKCAPIL")
    p1, p2 = issue(hall, "KTP", priority=True), issue(hall, "KTP", priority=True)
    r1, p3 = issue(hall, "KTP"), issue(hall, "KTP", priority=True)
    assert calls(hall, "L1", ayu, 2) == [p1, p2]
    assert calls(hall, "L2", budi, 1) == [p3]  # Loket 2 has called no priority yet
    assert calls(hall, "L1", ayu, 1) == [r1]


def test_regular_tickets_go_in_queue_order_across_the_counters_services(
        sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = open_desk(hall, "L1", "ayu", "DUKCAPIL")
    order = [issue(hall, "KK"), issue(hall, "KTP"), issue(hall, "KK"), issue(hall, "KTP")]
    assert calls(hall, "L1", ayu, 4) == order


def test_equal_queue_keys_go_in_issue_order(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    user = open_desk(hall, "L3", "wayan", "POLRES")
    codes = [act(hall, issuing.issue_ticket, "SKCK").code for _ in range(4)]  # same instant
    assert calls(hall, "L3", user, 4) == codes


def test_other_services_and_counters_are_not_taken(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    budi = open_desk(hall, "L2", "budi", "DUKCAPIL")  # serves KTP only
    wayan = open_desk(hall, "L3", "wayan", "POLRES")  # serves SKCK only
    family = issue(hall, "KK")
    issue(hall, "PASPOR")
    assert calls(hall, "L2", budi, 1) == [None]
    assert calls(hall, "L3", wayan, 1) == [None]
    ayu = open_desk(hall, "L1", "ayu", "DUKCAPIL")
    assert calls(hall, "L1", ayu, 2) == [family, None]


def test_a_deactivated_service_is_no_longer_called(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = open_desk(hall, "L1", "ayu", "DUKCAPIL")
    issue(hall, "KK")
    with hall.sessions.begin() as session:
        session.scalars(select(Service).where(Service.code == "KK")).one().active = False
    assert calls(hall, "L1", ayu, 1) == [None]


def test_tickets_of_another_service_day_are_not_called(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = open_desk(hall, "L1", "ayu", "DUKCAPIL")
    yesterday = act(hall, issuing.issue_ticket, "KTP")
    hall.clock.set(wita("2026-12-01 09:00"))
    assert calls(hall, "L1", ayu, 1) == [None]
    assert status_of(hall, yesterday.id) is TicketStatus.WAITING
    today = issue(hall, "KTP")
    assert today == "A-001"
    assert calls(hall, "L1", ayu, 2) == [today, None]


def test_a_ticket_of_another_day_cannot_be_called_by_choice(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    ayu = open_desk(hall, "L1", "ayu", "DUKCAPIL")
    yesterday = act(hall, issuing.issue_ticket, "KTP")
    hall.clock.set(wita("2026-12-01 09:00"))
    with pytest.raises(errors.NotToday):
        act(hall, calling.call_ticket, "L1", yesterday.id, ayu)
    assert status_of(hall, yesterday.id) is TicketStatus.WAITING
