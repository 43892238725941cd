"""Rooms and messages: who a connection is, the rooms it joins, and one event's copies.

Rooms: `display:<id>`, `kiosk:<id>`, `ticket:<ticket id>`, `counter:<id>`,
`staff:<agency code>` (`staff:*` for administrators), `agent:<kiosk id>` for a kiosk's
print agent, and `survey:<screen id>` for a rating screen beside a counter.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from queue_server.models import Role, User

ALL_STAFF = "staff:*"
SUBSCRIPTION = "antre.subscription"  # in the connection's WSGI environ: gone with it


def room(kind: str, key: object) -> str:
    """A room's name: `display:aula`, `kiosk:kiosk-1`, `ticket:12`, `counter:L1`,
    `staff:DUKCAPIL`."""
    return f"{kind}:{key}"


@dataclass(frozen=True)
class Subscription:
    """What a connection is: its kind, whose it is, and its rooms (the first is its own)."""

    kind: str  # display, kiosk, ticket, counter, staff, agent
    key: str  # device id, ticket id, counter id, or user id for staff
    rooms: tuple[str, ...]
    language: str = "id"


def own(kind: str, key: str) -> Subscription:
    """A connection in its own room only (a device, a ticket, a print agent)."""
    return Subscription(kind, key, (room(kind, key),))


@dataclass(frozen=True)
class Message:
    room: str
    event: str
    payload: dict[str, Any]
    event_id: str  # shared by the copies of one event sent to several rooms


def fan_out(event: str, payload: dict[str, Any], rooms: Iterable[str]) -> list[Message]:
    """One event to several rooms: a copy per room, one event_id for all."""
    event_id = secrets.token_hex(8)
    return [Message(name, event, payload, event_id) for name in dict.fromkeys(rooms)]


def staff_rooms(user: User) -> tuple[str, ...]:
    """The staff rooms a user's connection joins: their agencies', or all for an admin."""
    if user.role is Role.ADMIN:
        return (ALL_STAFF,)
    return tuple(room("staff", agency.code) for agency in user.agencies)


def agency_staff_rooms(agency_code: str) -> list[str]:
    return [room("staff", agency_code), ALL_STAFF]
