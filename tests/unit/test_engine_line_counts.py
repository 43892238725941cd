"""The lines' counts, kept by the database's triggers on tickets (migration 0010), follow every
way a ticket joins or leaves a line, on SQLite and on PostgreSQL (each its own triggers); and
each waiting ticket's place, computed from them, is the number ranked before it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update

from queue_server.models import LineCount, Role, Service, Ticket, TicketEvent, TicketStatus
from queue_server.people import add_user
from queue_server.queue import calling, counters, estimates, issuing, operations, rollover
from queue_server.queue.order import ranks_before
from tests.support.halls import Hall

T = TypeVar("T")
Lines = dict[tuple[str, bool], int]  # (service code, priority) -> waiting, today's


def act(hall: Hall, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with hall.sessions.begin() as session:
        answer = action(session, hall.clock.now(), *args, **kwargs)
    hall.clock.advance(seconds=10)
    return answer


def code_of(hall: Hall, ticket: Ticket) -> str:
    with hall.session() as session:
        return session.get_one(Service, ticket.service_id).code


def counted(hall: Hall) -> Lines:
    """The lines' counts, checked against a count of the waiting tickets, and every waiting
    ticket's place against a count of those ranked before it in its line."""
    with hall.session() as session:
        line = (Ticket.service_id, Ticket.service_day, Ticket.priority)
        real = {(service_id, day, priority): count
                for service_id, day, priority, count in session.execute(
                    select(*line, func.count()).where(Ticket.status == TicketStatus.WAITING)
                    .group_by(*line))}
        kept = {(row.service_id, row.service_day, row.priority): row.waiting
                for row in session.scalars(select(LineCount)) if row.waiting}
        assert kept == real
        for ticket in session.scalars(select(Ticket).where(
                Ticket.status == TicketStatus.WAITING)):
            before = session.scalar(select(func.count()).select_from(Ticket).where(
                Ticket.status == TicketStatus.WAITING, Ticket.service_id == ticket.service_id,
                Ticket.service_day == ticket.service_day,
                ranks_before(ticket.priority, ticket.queue_key, ticket.id)))
            assert estimates.ahead_of(session, ticket) == before, ticket.code
        codes = dict(session.execute(select(Service.id, Service.code)).all())
        today = hall.clock.now().date()
        return {(codes[service_id], priority): count
                for (service_id, day, priority), count in kept.items() if day == today}


def test_every_way_in_and_out_of_a_line_is_counted(hall: Hall) -> None:
    with hall.sessions.begin() as session:
        ayu = add_user(session, hall.clock.now(), "ayu", "Ayu", Role.OFFICER, "rahasia123",
                       ["DUKCAPIL"]).id
    for service, priority in (("KTP", False), ("KTP", False), ("KTP", True), ("KK", False),
                              ("KTP", False), ("KK", True)):
        act(hall, issuing.issue_ticket, service, priority=priority)
    assert counted(hall) == {("KTP", False): 3, ("KTP", True): 1, ("KK", False): 1,
                             ("KK", True): 1}

    act(hall, counters.open_counter, "L1", ayu)  # serves KTP and KK
    called = act(hall, calling.call_next, "L1", ayu)  # a priority visitor first
    assert called is not None and called.priority
    assert counted(hall).get((code_of(hall, called), True), 0) == 0

    for _ in range(2):  # the recalls the small hall asks before a no-show
        act(hall, calling.recall, "L1", ayu)
    act(hall, calling.no_show, "L1", ayu)
    act(hall, calling.return_late, called.id, ayu)  # back in line, a few places in
    assert counted(hall)[code_of(hall, called), True] == 1

    moved = act(hall, calling.call_next, "L1", ayu)
    assert moved is not None
    act(hall, calling.start_service, "L1", ayu)
    act(hall, calling.transfer, "L1", "KK" if code_of(hall, moved) == "KTP" else "KTP",
        front=True, user_id=ayu)  # out of one line, into the other
    before_recycle = counted(hall)

    again = act(hall, calling.call_next, "L1", ayu)
    assert again is not None
    act(hall, calling.recycle, "L1", ayu)  # to the back of its line
    assert counted(hall) == before_recycle

    served = act(hall, calling.call_next, "L1", ayu)
    assert served is not None
    act(hall, calling.start_service, "L1", ayu)
    act(hall, calling.park, "L1", ayu)
    act(hall, calling.resume, "L1", served.id, ayu)
    act(hall, calling.finish, "L1", ayu, outcome="Selesai")
    left = sum(counted(hall).values())
    assert left == sum(before_recycle.values()) - 1

    with hall.session() as session:
        waiting = session.scalars(select(Ticket.id).where(
            Ticket.status == TicketStatus.WAITING).order_by(Ticket.id)).all()
    act(hall, operations.remove_waiting_ticket, waiting[0], ayu, "staff")
    with hall.sessions.begin() as session:
        ticket = session.get_one(Ticket, waiting[1])
        issuing.cancel_ticket(session, hall.clock.now(), ticket)
    with hall.sessions.begin() as session:  # what no screen does, the counts still follow
        session.execute(update(Ticket).where(Ticket.id == waiting[2]).values(priority=True))
        session.execute(delete(TicketEvent).where(TicketEvent.ticket_id == waiting[3]))
        session.execute(delete(Ticket).where(Ticket.id == waiting[3]))
    assert sum(counted(hall).values()) == left - 3

    hall.clock.advance(days=1)
    act(hall, rollover.expire_past_days)  # yesterday's line ends
    assert counted(hall) == {}


def test_a_newcomers_place_read_with_its_insert_is_its_place_after(hall: Hall) -> None:
    """On PostgreSQL the new ticket's INSERT also reads its place and its service's pace
    (before the ticket is in line: both of the place's terms leave it out); they must be
    what a reading after the insert finds: behind the priority visitors, ahead of a ticket
    whose queue key is later than its own, with the open counters and the recent visits.
    SQLite reads them afterwards (None)."""
    with hall.sessions.begin() as session:
        ayu = add_user(session, hall.clock.now(), "ayu", "Ayu", Role.OFFICER, "rahasia123",
                       ["DUKCAPIL"]).id
    act(hall, counters.open_counter, "L1", ayu)
    for _ in range(2):
        act(hall, issuing.issue_ticket, "KK")
    act(hall, calling.call_next, "L1", ayu)
    act(hall, calling.start_service, "L1", ayu)
    act(hall, calling.finish, "L1", ayu, outcome="Selesai")  # a recent visit for the pace
    later = act(hall, issuing.issue_ticket, "KK")
    with hall.sessions.begin() as session:  # a place kept for later (a booking's slot)
        session.execute(update(Ticket).where(Ticket.id == later.id).values(
            queue_key=hall.clock.now() + timedelta(hours=1)))

    seen = []
    for priority in (False, True, True, False):
        with hall.sessions.begin() as session:
            ticket, place = issuing.issue_placed(session, hall.clock.now(), "KK",
                                                 priority=priority)
            after = estimates.place_and_pace(session, ticket)
        hall.clock.advance(seconds=10)
        if hall.engine.dialect.name == "postgresql":
            assert place == after, (priority, place, after)
        else:
            assert place is None
        seen.append(after[0])
    # One waited before `later`; priority ones go first; `later` stays behind the last.
    assert seen == [1, 0, 1, 4]
    assert after[1].open_counters == 1
