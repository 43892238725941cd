"""What each connection starts from (its `snapshot`): a display's screen, a kiosk's services,
a visitor's ticket, a counter's console, a staff member's agencies, a print agent's printer
or a rating screen's ticket to rate. The hub adds its room numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from queue_server.config import HallConfig
from queue_server.readmodels.counters import counter_view
from queue_server.readmodels.displays import display_view
from queue_server.readmodels.floor import staff_view
from queue_server.readmodels.kiosks import agent_view, kiosk_view
from queue_server.readmodels.tickets import ticket_view
from queue_server.survey.answering import screen_snapshot

# (session, now, hall, key, language) -> the snapshot's body; the key is the device, ticket,
# counter or user id of the connection.
View = Callable[[Session, datetime, HallConfig, str, str], dict[str, Any]]

VIEWS: dict[str, View] = {
    "display": display_view, "kiosk": kiosk_view, "ticket": ticket_view,
    "counter": counter_view, "staff": staff_view, "agent": agent_view,
    "survey": screen_snapshot,  # a rating screen beside a counter (docs/skm.md)
}


def connection_snapshot(session: Session, now: datetime, hall: HallConfig, kind: str,
                        key: str, language: str = "id") -> dict[str, Any]:
    """The snapshot body of a connection of `kind` (a key of VIEWS); LookupError when its
    device, ticket, counter or user is gone."""
    return {"kind": kind, **VIEWS[kind](session, now, hall, key, language)}
