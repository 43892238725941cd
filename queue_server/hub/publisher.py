"""The Hub: the app's sequence store and publisher. It numbers and sends messages, gathers
what commits changed (coalescing a rush), sends fresh snapshots where no event says what
changed, and rolls the day over on a server left running overnight.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from flask import current_app, g, has_request_context
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from queue_server import changes, context
from queue_server.changes import Change, TicketChange
from queue_server.extensions import socketio
from queue_server.hub.presence import Presence
from queue_server.hub.publication import Layout, Publication, read_layout
from queue_server.hub.rooms import Message, Subscription, fan_out, own, room
from queue_server.hub.sequences import Sequences
from queue_server.models import Agency, Counter, Device, DeviceKind, Ticket
from queue_server.queue.common import get_site, service_day
from queue_server.queue.rollover import expire_past_days
from queue_server.readmodels.connections import connection_snapshot
from queue_server.readmodels.displays import CALL_KINDS
from queue_server.runtime import Runtime

log = logging.getLogger(__name__)

HUB = "antre.hub"  # where init_hub keeps the app's Hub
ROLLOVER_EVERY_S = 60
COALESCE_S = 0.1  # short beside a display's own redraw; long enough to merge a kiosk rush
LAYOUT_TTL_S = 30.0
UNANNOUNCED = "antre_unannounced"  # in flask.g: this request's calls no display heard
UNANNOUNCED_KEPT = 50


class Hub:
    """The app's sequence store and publisher.

    A call is told at once, in the request that made it: the hall is waiting to hear it.
    Under `antre serve` the rest (queues, counters, visitors' places) is gathered for
    COALESCE_S and told once for all the commits of that moment, so a rush at the kiosks
    costs one `queue_changed` per service, not one per ticket.
    """

    def __init__(self, state: Runtime, sequences: Sequences, presence: Presence,
                 coalesce_s: float = 0.0) -> None:
        self.state = state
        self.sequences = sequences
        self.presence = presence  # which devices are connected, on every process
        self.coalesce_s = coalesce_s
        # One process hands out a room's numbers and emits them in the same order.
        self._sending = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: list[Change] = []
        self._flush_due = False
        self._layout: Layout | None = None
        # Calls that could not be announced: (when, ticket id, counter id), the latest last.
        self.unannounced: list[tuple[datetime, int, str | None]] = []

    def send(self, messages: Sequence[Message]) -> None:
        """Emit each message to its room with the room's next number."""
        if not messages:
            return
        with self._sending:
            stamps = self.sequences.next_many([message.room for message in messages])
            for message, stamp in zip(messages, stamps, strict=True):
                socketio.emit(message.event, {**message.payload, "event_id": message.event_id,
                                              "room": message.room, "seq": stamp.seq,
                                              "epoch": stamp.epoch},
                              to=message.room)

    def layout(self, session: Session) -> Layout:
        if self._layout is None or time.monotonic() - self._layout.read_at > LAYOUT_TTL_S:
            self._layout = read_layout(session)
        return self._layout

    def _publication(self, session: Session, found: Sequence[Change]) -> Publication:
        return Publication(session, self.layout(session), self.state.clock.now(),
                           self.state.hall.site.timezone, found,
                           followed=self._followed_tickets())

    def _followed_tickets(self) -> set[int] | None:
        """The tickets whose room has a listener, when this process holds every room (no
        message queue: one process); None when other processes may hold some."""
        if self.state.settings.message_queue:
            return None
        rooms = socketio.server.manager.rooms.get("/", {}) if socketio.server else {}
        prefix = room("ticket", "")
        return {int(name[len(prefix):]) for name, members in rooms.items()
                if isinstance(name, str) and name.startswith(prefix) and members}

    def publish(self, found: Sequence[Change]) -> None:
        """Tell every room what a commit changed (`changes.commit` calls this)."""
        calls = [c for c in found if isinstance(c, TicketChange) and c.kind in CALL_KINDS]
        held = self._held_calls(calls) if calls else None
        if held is not None:
            sent = self._send_guarded(held.calls, calls)
        else:
            sent = not calls or self._guarded(
                lambda session: self._publication(session, calls).calls(), calls)
        if not sent:
            self._not_announced(calls)
        elif calls and self.unannounced:
            heard = {call.ticket_id for call in calls}  # recalled since: no longer missed
            self.unannounced = [entry for entry in self.unannounced if entry[1] not in heard]
        if calls and sent and self.coalesce_s > 0:
            # Under gevent the displays' writers run only when this greenlet waits: they
            # write the call now, before the officer's answer is built.
            socketio.sleep(0)
        if self.coalesce_s <= 0:
            self.flush(found)
            return
        with self._pending_lock:
            self._pending.extend(found)
            if self._flush_due:
                return
            self._flush_due = True
        socketio.start_background_task(self._flush_later)

    def _flush_later(self) -> None:
        socketio.sleep(self.coalesce_s)
        with self._pending_lock:
            found, self._pending, self._flush_due = self._pending, [], False
        self.flush(found)

    def flush(self, found: Sequence[Change]) -> None:
        """Tell the queues, counters and visitors what these changes did to them."""
        self._guarded(lambda session: self._publication(session, found).consequences(), found)

    def _held_calls(self, calls: Sequence[TicketChange]) -> Publication | None:
        """The calls' Publication over what the committing request still holds (its tickets
        with their service and agency, its counters), or None when it does not hold all of
        it: then the calls are read in a session of their own. Reading nothing, the call
        leaves for the displays right after the commit."""
        session = context.held_session()
        layout = self._layout
        if session is None or layout is None or \
                time.monotonic() - layout.read_at > LAYOUT_TTL_S:
            return None
        tickets: dict[int, Ticket] = {}
        for change in calls:
            ticket = _loaded(session, Ticket, change.ticket_id, "service", "last_called_at")
            counter = _loaded(session, Counter, change.counter_id)
            if not isinstance(ticket, Ticket) or counter is None or \
                    _loaded(session, Agency, ticket.service.agency_id) is None:
                return None
            tickets[ticket.id] = ticket
        return Publication(session, layout, self.state.clock.now(),
                           self.state.hall.site.timezone, calls, held=tickets)

    def _send_guarded(self, build: Callable[[], list[Message]],
                      found: Sequence[Change]) -> bool:
        """As `_guarded`, for messages built from what is already loaded."""
        try:
            self.send(build())
            return True
        except Exception:
            log.exception("could not announce %d changes", len(found))
            return False

    def _guarded(self, build: Callable[[Session], list[Message]],
                 found: Sequence[Change]) -> bool:
        """Build and send; whether it went out."""
        try:
            with self.state.sessions() as session:
                self.send(build(session))
            return True
        except Exception:
            # The commit stands: a failed announcement must not turn an officer's call into
            # an error page. Clients catch up at their next snapshot.
            log.exception("could not announce %d changes", len(found))
            return False

    def _not_announced(self, calls: Sequence[TicketChange]) -> None:
        """Remember calls no display heard (Redis down): the request that made them tells its
        officer (`unannounced_here`), and /healthz lists the latest to staff."""
        at = self.state.clock.now()
        for call in calls:
            self.unannounced.append((at, call.ticket_id, call.counter_id))
        del self.unannounced[:-UNANNOUNCED_KEPT]
        if has_request_context():
            g.setdefault(UNANNOUNCED, []).extend(call.ticket_id for call in calls)

    def snapshot(self, session: Session, subscription: Subscription) -> dict[str, Any]:
        # The numbers are read first: an event sent while the snapshot is built is then seen
        # twice (harmless), never missed.
        stamps = dict(zip(subscription.rooms,
                          self.sequences.current_many(subscription.rooms), strict=True))
        body = self._snapshot_body(session, subscription)
        mine = subscription.rooms[0]
        return {**body, "room": mine, "seq": stamps[mine].seq, "epoch": stamps[mine].epoch,
                "seqs": {name: stamp.seq for name, stamp in stamps.items()},
                "epochs": {name: stamp.epoch for name, stamp in stamps.items()}}

    def _snapshot_body(self, session: Session, subscription: Subscription) -> dict[str, Any]:
        return connection_snapshot(session, self.state.clock.now(), self.state.hall,
                                   subscription.kind, subscription.key, subscription.language)

    def today(self) -> date:
        with self.state.sessions() as session:
            return service_day(get_site(session), self.state.clock.now())

    def roll_over(self, last_day: date | None) -> date:
        """Expire what earlier days left open; on a new day send every display and kiosk a
        fresh snapshot, so yesterday's calls leave the screens."""
        now = self.state.clock.now()
        with self.state.sessions() as session:
            expire_past_days(session, now)
            changes.commit(session, self.publish)
            day = service_day(get_site(session), now)
            if last_day is not None and day != last_day:
                self.refresh(session, DeviceKind.DISPLAY, DeviceKind.KIOSK)
        return day

    def refresh(self, session: Session, *kinds: DeviceKind) -> None:
        """Send every display (or kiosk) a fresh snapshot: for what has no event of its own,
        such as a new running text or a new day."""
        devices = session.scalars(select(Device).where(Device.active, Device.kind.in_(kinds)))
        self.send([message for d in devices for message in fan_out(
            "snapshot", self._snapshot_body(session, own(d.kind.value, d.id)),
            [room(d.kind.value, d.id)])])


def unannounced_here() -> list[int]:
    """The ids of the tickets this request called that no display heard."""
    found: list[int] = g.get(UNANNOUNCED, []) if has_request_context() else []
    return found


def _loaded(session: Session, kind: type[Any], key: object, *attributes: str) -> Any | None:
    """The object of that key in the session's identity map with those attributes (and its
    columns) loaded, or None: reading it then makes no query."""
    if key is None:
        return None
    found = session.identity_map.get(identity_key(kind, key))
    if found is None:
        return None
    state = inspect(found)
    if state.expired or state.expired_attributes or state.unloaded & set(attributes):
        return None
    return found


def hub() -> Hub:
    """The current app's hub (for views and handlers that send their own events)."""
    found: Hub = current_app.extensions[HUB]
    return found


def keep_rolling_days(made: Hub) -> None:
    """A server left running overnight starts the new day clean."""
    day: date | None = None
    while True:
        try:
            day = day or made.today()
            socketio.sleep(ROLLOVER_EVERY_S)
            day = made.roll_over(day)
        except Exception:
            log.exception("day rollover failed; trying again in %d s", ROLLOVER_EVERY_S)
            socketio.sleep(ROLLOVER_EVERY_S)
