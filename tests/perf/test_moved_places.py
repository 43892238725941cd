"""Visitors whose place moved are read from `after` on, counted up to it: the same views as
walking the whole line, without reading the tickets in front."""

from __future__ import annotations

from queue_server.models import Service, Ticket, TicketStatus
from queue_server.queue.estimates import service_load
from queue_server.queue.order import rank_key
from queue_server.readmodels.tickets import moved_places
from tests.api.conftest import Api


def test_moved_places_from_a_rank_match_the_whole_line(api: Api) -> None:
    for priority in (False, True, False, True, False):  # KTP: a quota of 5
        api.issue("KTP", **({"priority": True, "priority_reason": "lansia"} if priority else {}))
    state = api.app.extensions["antre"]
    with state.sessions() as session:
        service = session.query(Service).filter_by(code="KTP").one()
        line = sorted(session.query(Ticket).filter_by(status=TicketStatus.WAITING,
                                                      service_id=service.id),
                      key=lambda t: rank_key(t.priority, t.queue_key, t.id))
        day = line[0].service_day

        def load() -> object:
            return service_load(session, service, day)

        whole = moved_places(session, service, day, None, set(), load)  # type: ignore[arg-type]
        assert [ticket_id for ticket_id, _ in whole] == [t.id for t in line]
        for cut, ticket in enumerate(line):
            after = rank_key(ticket.priority, ticket.queue_key, ticket.id)
            skip = {line[-1].id}
            found = moved_places(session, service, day, after, skip, load)  # type: ignore[arg-type]
            expected = [(t_id, view) for t_id, view in whole[cut + 1:] if t_id not in skip]
            assert found == expected
            assert [view["ahead"] for _, view in found] == \
                list(range(cut + 1, len(line) - 1))
