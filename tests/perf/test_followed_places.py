"""A call tells the visitors behind it their new place only where someone follows that ticket
(a phone on its page): with one process every room is known, so a call with a long line and
nobody following costs no per-visitor message (issue #17: a call's cost independent of the
queue's length). A page opened later gets its snapshot, so nobody misses anything."""

from __future__ import annotations

from typing import Any

from queue_server.changes import TicketChange
from queue_server.extensions import socketio
from queue_server.hub.publisher import HUB
from queue_server.models import Ticket, TicketStatus
from tests.api.conftest import Api


def _moved_messages(api: Api, act: Any) -> list[str]:
    """The rooms of the `ticket_changed` messages the hub sends while `act` runs."""
    hub = api.app.extensions[HUB]
    rooms: list[str] = []
    send = hub.send

    def recording(messages: Any) -> None:
        rooms.extend(m.room for m in messages if m.event == "ticket_changed")
        send(messages)

    hub.send = recording
    try:
        act()
    finally:
        del hub.send
    return rooms


def test_places_are_told_only_to_the_tickets_someone_follows(api: Api) -> None:
    tickets = [api.issue("SKCK") for _ in range(30)]
    assert api.act("budi", "L3", "open").status_code == 200
    assert api.act("budi", "L3", "call-next").status_code == 200

    def call() -> None:
        assert api.act("budi", "L3", "call-next", finish_current=True).status_code == 200

    def rooms(*indexes: int) -> list[str]:
        return [f"ticket:{tickets[index]['id']}" for index in indexes]

    # The finished and the called ticket are told (their holders' pages), nobody behind.
    assert _moved_messages(api, call) == rooms(0, 1)

    follower = socketio.test_client(api.app, auth={"ticket": tickets[20]["token"]})
    assert follower.is_connected()
    follower.get_received()  # its snapshot
    assert _moved_messages(api, call) == rooms(1, 2, 20)
    [moved] = [m["args"][0] for m in follower.get_received() if m["name"] == "ticket_changed"]
    assert (moved["code"], moved["ahead"]) == (tickets[20]["code"], 17)
    follower.disconnect()


def test_with_several_processes_newcomers_tell_only_those_already_behind_them(
        api: Api, monkeypatch: Any) -> None:
    """With a message queue no process knows who follows what, so a flush tells everyone whose
    place moved. A newcomer moves only tickets made before it (a service's issues take turns
    on its day's row, so a later ticket already counted it): the other process's newer tickets
    behind it are not told again at each flush, but those a priority newcomer passes are."""
    hub = api.app.extensions[HUB]
    monkeypatch.setattr(hub, "_followed_tickets", lambda: None)  # as with a message queue
    first, second, third = (api.issue("SKCK") for _ in range(3))

    def issued(ticket: dict[str, Any]) -> TicketChange:
        return TicketChange(ticket["id"], "issued", TicketStatus.WAITING,
                            ticket_service_id(api, ticket), None, {})

    # The second ticket's flush comes after the third was made (as from another process).
    assert _moved_messages(api, lambda: hub.flush([issued(second)])) == []
    # The first and third in one flush, the second made between them (by another process):
    # neither passed it.
    assert _moved_messages(api, lambda: hub.flush([issued(first), issued(third)])) == []
    # A priority newcomer passes all three: each is told its new place.
    rooms = _moved_messages(api, lambda: api.issue("SKCK", priority=True))
    assert rooms == [f"ticket:{ticket['id']}" for ticket in (first, second, third)]


def ticket_service_id(api: Api, ticket: dict[str, Any]) -> int:
    with api.app.extensions["antre"].sessions() as session:
        found = session.get(Ticket, ticket["id"])
        assert found is not None
        return found.service_id
