"""The lines' counts, kept by the database's triggers on tickets (migration 0010), follow every
way a ticket joins or leaves a line, on SQLite and on PostgreSQL (each its own triggers); and
each waiting ticket's place, computed from them, is the number ranked before it."""

from __future__ import annotations

from collections.abc import Callable
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
