"""Races with real threads on a real database: numbers stay gapless, calls stay unique."""

from __future__ import annotations

import threading
import time
from collections import Counter as Tally
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server.models import Role, Ticket, TicketEvent, TicketStatus
from queue_server.people import add_user
from queue_server.queue import calling, counters, issuing
from tests.support.halls import Hall, prepare_hall, unlimited_hall_data
from tests.support.races import race


def _commit(hall: Hall, action: Callable[[Session], object]) -> object:
    with hall.sessions.begin() as session:
        return action(session)


def test_eight_kiosks_issue_gapless_unique_numbers(database_url: str) -> None:
    hall = prepare_hall(database_url, unlimited_hall_data())
    per_thread = 100

    def kiosk(_index: int) -> None:
        for _ in range(per_thread):
            _commit(hall, lambda s: issuing.issue_ticket(s, hall.clock.now(), "KTP"))

    race(8, kiosk)

    with hall.session() as session:
        numbers = session.scalars(select(Ticket.number).where(Ticket.prefix == "A")).all()
        issued_events = session.scalar(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.kind == "issued"))
    assert sorted(numbers) == list(range(1, 8 * per_thread + 1))
    assert issued_events == 8 * per_thread
    hall.engine.dispose()


def test_ten_counters_call_each_ticket_exactly_once(database_url: str) -> None:
    data = unlimited_hall_data()
    data["counters"] += [  # ten more counters serving one service
        {"id": f"K{i}", "number": 10 + i, "name": f"Loket {10 + i}", "agency": "DUKCAPIL",
         "services": ["KTP"]} for i in range(10)]
    hall = prepare_hall(database_url, data)
    waiting = 300
    with hall.sessions.begin() as session:
        officers = [add_user(session, hall.clock.now(), f"petugas{i}", f"Petugas {i}",
                             Role.OFFICER, "rahasia123", ["DUKCAPIL"]).id for i in range(10)]
        for i in range(waiting):
            issuing.issue_ticket(session, hall.clock.now(), "KTP", priority=i % 7 == 0)
        for i, officer in enumerate(officers):
            counters.open_counter(session, hall.clock.now(), f"K{i}", officer)

    called: list[tuple[str, int]] = []
    lock = threading.Lock()

    def counter(index: int) -> None:
        counter_id, officer = f"K{index}", officers[index]
        while True:
            def next_and_finish(s: Session) -> int | None:
                ticket = calling.call_next(s, hall.clock.now(), counter_id, officer)
                if ticket is None:
                    return None
                calling.finish(s, hall.clock.now(), counter_id, officer)
                return ticket.id

            ticket_id = _commit(hall, next_and_finish)
            if ticket_id is None:
                return
            with lock:
                called.append((counter_id, ticket_id))
            # An officer serves before pressing again. Without the pause, on SQLite the thread
            # holding the write lock took it back at once while the others slept in SQLite's
            # busy handler, and one counter could call all 300 (seen once in CI).
            time.sleep(0.005)

    race(10, counter)

    tally = Tally(ticket_id for _, ticket_id in called)
    assert len(tally) == waiting, "every waiting ticket was called"
    assert max(tally.values()) == 1, "no ticket was called twice"
    assert len({counter_id for counter_id, _ in called}) > 1, "the counters really raced"
    with hall.session() as session:
        statuses = Tally(session.scalars(select(Ticket.status)).all())
        call_events = session.scalar(
            select(func.count()).select_from(TicketEvent).where(TicketEvent.kind == "called"))
    assert statuses == {TicketStatus.DONE: waiting}
    assert call_events == waiting
    hall.engine.dispose()
