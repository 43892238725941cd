"""The waiting order is one definition: the SQL ORDER BY, the SQL "comes before" and "from
here on" tests and the Python key agree on every ticket, ties included."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from queue_server.models import Ticket, TicketStatus
from queue_server.queue import issuing
from queue_server.queue.order import rank_key, ranks_before, ranks_from, waiting_order
from tests.support.halls import Hall


def test_the_three_forms_of_the_order_agree(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    with hall.sessions.begin() as session:
        for index in range(8):
            issuing.issue_ticket(session, hall.clock.now(), "KTP" if index < 5 else "KK",
                                 priority=index in (2, 5), priority_reason=None)
        tickets = session.scalars(select(Ticket)).all()
        # Ties on the queue key: equal keys rank by id.
        same = tickets[0].queue_key
        for ticket in tickets[3:6]:
            ticket.queue_key = same
        tickets[7].queue_key = same - timedelta(seconds=1)

    with hall.session() as session:
        for regular_first in (False, True):
            ordered = session.scalars(select(Ticket).where(
                Ticket.status == TicketStatus.WAITING)
                .order_by(*waiting_order(regular_first=regular_first))).all()
            assert len(ordered) == 8
            if regular_first:
                assert [t.priority for t in ordered] == [False] * 6 + [True] * 2
        plain = session.scalars(select(Ticket).order_by(*waiting_order())).all()
        assert [t.id for t in plain] == [t.id for t in sorted(
            plain, key=lambda t: rank_key(t.priority, t.queue_key, t.id))]
        assert [t.priority for t in plain[:2]] == [True, True]
        for place, ticket in enumerate(plain):
            before = session.scalar(select(func.count()).select_from(Ticket).where(
                ranks_before(ticket.priority, ticket.queue_key, ticket.id)))
            assert before == place, ticket.code
            from_it_on = session.scalar(select(func.count()).select_from(Ticket).where(
                ranks_from(ticket.priority, ticket.queue_key, ticket.id)))
            assert from_it_on == sum(1 for later in plain[place:]
                                     if later.priority == ticket.priority), ticket.code
