"""The Socket.IO hub: who may connect, the rooms they join, snapshots, and what each commit
tells whom.

Rooms: `display:<id>`, `kiosk:<id>`, `ticket:<ticket id>`, `counter:<id>`,
`staff:<agency code>` (`staff:*` for administrators), and `agent:<kiosk id>` for a kiosk's
print agent (its events are in `queue_server.printing`). Every event carries the `room` it was
sent to and that room's `seq`; a snapshot carries the current `seq` of each room the
connection is in (`seqs`), so a client that sees a gap asks for a fresh one.

A connection in several rooms (an officer: a counter's and the agency's staff room) gets an
event once per room it was sent to; the copies share one `event_id`, so the client applies it
once and still counts each room's numbers.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import partial
from typing import Any

from flask import Flask, current_app, request
from flask_login import current_user
from flask_socketio import disconnect, emit, join_room
from socketio.exceptions import ConnectionRefusedError as Refused
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from queue_server import changes, context
from queue_server.changes import Change, CounterChange, ServiceChange, TicketChange
from queue_server.context import db
from queue_server.extensions import socketio
from queue_server.models import (
    Counter,
    Device,
    DeviceKind,
    Role,
    Service,
    Ticket,
    User,
    counter_services,
)
from queue_server.people import device_by_token, user_by_token
from queue_server.queue.common import get_site, service_day
from queue_server.queue.estimates import ServiceLoad, service_loads
from queue_server.queue.rollover import expire_past_days
from queue_server.readmodels import public_ticket
from queue_server.runtime import Runtime
from queue_server.sequence import EXTENSION, Sequences, make_sequences, room
from queue_server.snapshots import (
    CALL_KINDS,
    RankKey,
    call_count_of,
    call_payload,
    connection_snapshot,
    counter_summaries,
    covered_agencies,
    covers,
    moved_places,
    queue_states,
    rank_key,
)

__all__ = ["Hub", "Message", "fan_out", "hub", "init_hub", "socketio"]

log = logging.getLogger(__name__)

HUB = "antre.hub"
SUBSCRIPTION = "antre.subscription"  # in the connection's WSGI environ: gone with it
ALL_STAFF = "staff:*"
LANGUAGES = ("id", "en")
ROLLOVER_EVERY_S = 60
COALESCE_S = 0.1  # short beside a display's own redraw; long enough to merge a kiosk rush
LAYOUT_TTL_S = 30.0
# Ticket events after which other visitors' places in that service's line differ. A finish
# changes the pace (so the estimates) too, but the call that follows it tells everyone anyway.
QUEUE_KINDS = frozenset({"issued", "called", "cancelled", "recycled", "returned",
                         "transferred", "expired"})


@dataclass(frozen=True)
class Subscription:
    """What a connection is: its kind, whose it is, and its rooms (the first is its own)."""

    kind: str  # display, kiosk, ticket, counter, staff
    key: str  # device id, ticket id, counter id, or user id for staff
    rooms: tuple[str, ...]
    language: str = "id"


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


@dataclass(frozen=True)
class Layout:
    """Which devices exist and which counters serve what: config, not traffic, so it is read
    every LAYOUT_TTL_S rather than at every commit."""

    displays: tuple[tuple[str, tuple[str, ...] | None], ...]  # id, agencies covered
    kiosks: tuple[str, ...]
    counters_of: dict[int, tuple[str, ...]]  # service id -> active counters serving it
    services_of: dict[str, tuple[int, ...]]  # counter id -> the services it serves
    read_at: float


def read_layout(session: Session) -> Layout:
    displays, kiosks = [], []
    for device_id, kind, settings in session.execute(
            select(Device.id, Device.kind, Device.settings).where(Device.active)):
        if kind is DeviceKind.DISPLAY:
            displays.append((device_id, covered_agencies(settings)))
        else:
            kiosks.append(device_id)
    counters_of: dict[int, list[str]] = {}
    services_of: dict[str, list[int]] = {}
    for service_id, counter_id in session.execute(
            select(counter_services.c.service_id, counter_services.c.counter_id)
            .join(Counter, counter_services.c.counter_id == Counter.id).where(Counter.active)):
        counters_of.setdefault(service_id, []).append(counter_id)
        services_of.setdefault(counter_id, []).append(service_id)
    return Layout(tuple(displays), tuple(kiosks),
                  {key: tuple(value) for key, value in counters_of.items()},
                  {key: tuple(value) for key, value in services_of.items()},
                  time.monotonic())


class Hub:
    """The app's sequence store and publisher.

    A call is told at once, in the request that made it: the hall is waiting to hear it.
    Under `antre serve` the rest (queues, counters, visitors' places) is gathered for
    COALESCE_S and told once for all the commits of that moment, so a rush at the kiosks
    costs one `queue_changed` per service, not one per ticket.
    """

    def __init__(self, state: Runtime, sequences: Sequences, coalesce_s: float = 0.0) -> None:
        self.state = state
        self.sequences = sequences
        self.coalesce_s = coalesce_s
        # One process hands out a room's numbers and emits them in the same order.
        self._sending = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: list[Change] = []
        self._flush_due = False
        self._layout: Layout | None = None

    def send(self, messages: Sequence[Message]) -> None:
        """Emit each message to its room with the room's next number."""
        if not messages:
            return
        with self._sending:
            numbers = self.sequences.next_many([message.room for message in messages])
            for message, seq in zip(messages, numbers, strict=True):
                socketio.emit(message.event, {**message.payload, "event_id": message.event_id,
                                              "room": message.room, "seq": seq},
                              to=message.room)

    def layout(self, session: Session) -> Layout:
        if self._layout is None or time.monotonic() - self._layout.read_at > LAYOUT_TTL_S:
            self._layout = read_layout(session)
        return self._layout

    def publish(self, found: Sequence[Change]) -> None:
        """Tell every room what a commit changed (`changes.commit` calls this)."""
        calls = [c for c in found if isinstance(c, TicketChange) and c.kind in CALL_KINDS]
        if calls:
            self._guarded(lambda session: _Publication(self, session, calls).calls(), calls)
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
        self._guarded(lambda session: _Publication(self, session, found).consequences(), found)

    def _guarded(self, build: Callable[[Session], list[Message]],
                 found: Sequence[Change]) -> None:
        try:
            with self.state.sessions() as session:
                self.send(build(session))
        except Exception:
            # The commit stands: a failed announcement must not turn an officer's call into
            # an error page. Clients catch up at their next snapshot.
            log.exception("could not announce %d changes", len(found))

    def snapshot(self, session: Session, subscription: Subscription) -> dict[str, Any]:
        # The numbers are read first: an event sent while the snapshot is built is then seen
        # twice (harmless), never missed.
        numbers = dict(zip(subscription.rooms,
                           self.sequences.current_many(subscription.rooms), strict=True))
        body = self._snapshot_body(session, subscription)
        own = subscription.rooms[0]
        return {**body, "room": own, "seq": numbers[own], "seqs": numbers}

    def _snapshot_body(self, session: Session, subscription: Subscription) -> dict[str, Any]:
        if subscription.kind == "agent":
            from queue_server.printing import agent_snapshot  # printing builds on this module

            return agent_snapshot(session, subscription.key)
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
            "snapshot", self._snapshot_body(session, _own(d.kind.value, d.id)),
            [room(d.kind.value, d.id)])])


def _own(kind: str, key: str) -> Subscription:
    return Subscription(kind, key, (room(kind, key),))


def hub() -> Hub:
    """The current app's hub (for views that send their own events, e.g. `print_ticket`)."""
    found: Hub = current_app.extensions[HUB]
    return found


def init_hub(app: Flask) -> None:
    state: Runtime = app.extensions[context.EXTENSION]
    sequences = make_sequences(state.settings.message_queue)
    serving = socketio.async_mode == "gevent"  # `antre serve`; tests and scripts stay in step
    made = Hub(state, sequences, coalesce_s=COALESCE_S if serving else 0.0)
    app.extensions[HUB] = made
    app.extensions[EXTENSION] = sequences
    state.publish = made.publish
    # Registered for every app: init_app builds a new server, which knows only the handlers
    # registered before it.
    socketio.on_event("connect", _on_connect)
    socketio.on_event("snapshot", _on_snapshot)
    from queue_server.printing import register_events  # printing builds on this module

    register_events()
    if serving:
        socketio.start_background_task(_keep_rolling_days, made)


def _keep_rolling_days(made: Hub) -> None:
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


# --- Connections ----------------------------------------------------------------------------

def _on_connect(auth: Any = None) -> None:
    # db() is the handler's own session, closed when Flask-SocketIO pops the context; it is
    # also the one Flask-Login's user loader uses, and SQLite has one connection to share.
    credentials = auth if isinstance(auth, dict) else {}
    try:
        subscription = _authenticate(db(), hub().state.clock.now(), credentials)
        for name in subscription.rooms:
            join_room(name)
        request.environ[SUBSCRIPTION] = subscription
        emit("snapshot", hub().snapshot(db(), subscription))
        if subscription.kind == "agent":
            from queue_server.printing import agent_joined  # printing builds on this module

            agent_joined(db(), subscription.key)
    except Refused:
        raise
    except Exception:
        log.exception("socket connection failed")
        raise Refused("unavailable: the server could not take the connection; "
                      "try again shortly") from None


def _on_snapshot(options: Any = None) -> None:
    """The client asks for a fresh snapshot (after a gap in `seq`, or to change language)."""
    subscription: Subscription | None = request.environ.get(SUBSCRIPTION)
    if subscription is None:
        disconnect()
        return
    language = options.get("language") if isinstance(options, dict) else None
    if language in LANGUAGES and language != subscription.language:
        subscription = replace(subscription, language=language)
        request.environ[SUBSCRIPTION] = subscription
    try:
        emit("snapshot", hub().snapshot(db(), subscription))
    except LookupError:
        disconnect()  # its display, counter or ticket is gone; a reconnect says why


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _authenticate(session: Session, now: datetime, auth: dict[str, Any]) -> Subscription:
    language = auth.get("language") if auth.get("language") in LANGUAGES else "id"
    if "display" in auth:
        subscription = _device(session, auth, DeviceKind.DISPLAY, now)
    elif "kiosk" in auth:
        subscription = _device(session, auth, DeviceKind.KIOSK, now)
        if auth.get("agent") is True:  # the kiosk's print agent (queue_server.printing)
            subscription = _own("agent", subscription.key)
    elif "ticket" in auth:
        subscription = _ticket(session, auth)
    else:
        subscription = _staff(session, auth)
    return replace(subscription, language=str(language))


def _device(session: Session, auth: dict[str, Any], kind: DeviceKind,
            now: datetime) -> Subscription:
    device_id = _text(auth.get(kind.value))
    device = device_by_token(session, _text(auth.get("token")), kind=kind, device_id=device_id)
    if device is None:
        raise Refused(f"unauthorized: no valid token for {kind.value} {device_id!r}; "
                      f"get one with `antre device token {device_id or '<id>'}`")
    if kind is DeviceKind.KIOSK:
        device.last_seen_at = now
        session.commit()
    return _own(kind.value, device.id)


def _ticket(session: Session, auth: dict[str, Any]) -> Subscription:
    token = _text(auth.get("ticket"))
    ticket = session.scalar(select(Ticket).where(Ticket.token == token)) if token else None
    if ticket is None:
        raise Refused("unknown_ticket: no ticket has this tracking code; scan the QR again")
    return _own("ticket", str(ticket.id))


def _staff(session: Session, auth: dict[str, Any]) -> Subscription:
    if "token" in auth:
        user = user_by_token(session, _text(auth.get("token")))
        if user is None:
            raise Refused("unauthorized: the API token is not valid; ask for a new one")
    else:
        user = _signed_in_user(session)
        if user is None:
            raise Refused("unauthorized: sign in first, or connect with a display, kiosk, "
                          "ticket or API token")
    staff = _staff_rooms(user)
    counter_id = auth.get("counter")
    if counter_id is None:
        return Subscription("staff", str(user.id), staff)
    counter = session.get(Counter, str(counter_id))
    if counter is None or not counter.active:
        raise Refused(f"unknown_counter: there is no counter {counter_id!r}")
    if user.role is not Role.ADMIN and counter.agency_id not in {a.id for a in user.agencies}:
        raise Refused(f"forbidden: {counter.name} is not a counter of your agency")
    return Subscription("counter", counter.id, (room("counter", counter.id), *staff))


def _signed_in_user(session: Session) -> User | None:
    """The user of the login cookie sent with the handshake, if the app signs people in."""
    if getattr(current_app, "login_manager", None) is None or \
            not current_user.is_authenticated:
        return None
    user = session.get(User, int(current_user.get_id()))
    return user if user is not None and user.active else None


def _staff_rooms(user: User) -> tuple[str, ...]:
    if user.role is Role.ADMIN:
        return (ALL_STAFF,)
    return tuple(room("staff", agency.code) for agency in user.agencies)


def agency_staff_rooms(agency_code: str) -> list[str]:
    return [room("staff", agency_code), ALL_STAFF]


# --- What a commit tells whom ---------------------------------------------------------------

class _Publication:
    """The events of some commits, read in one session."""

    def __init__(self, owner: Hub, session: Session, found: Sequence[Change]) -> None:
        self.hub, self.session = owner, session
        self.layout = owner.layout(session)
        self.now = owner.state.clock.now()
        self.timezone = owner.state.hall.site.timezone
        self.ticket_changes = [c for c in found if isinstance(c, TicketChange)]
        self.counter_ids = {c.counter_id for c in found if isinstance(c, CounterChange)}
        self.service_ids = {c.service_id for c in found if isinstance(c, ServiceChange)}
        ids = {c.ticket_id for c in self.ticket_changes}
        self.tickets = {ticket.id: ticket for ticket in session.scalars(
            select(Ticket).where(Ticket.id.in_(ids))
            .options(joinedload(Ticket.service).joinedload(Service.agency)))} if ids else {}

    def consequences(self) -> list[Message]:
        return [*self.counters(), *self.queues(), *self.ticket_views()]

    def display_rooms(self, agency_code: str) -> list[str]:
        return [room("display", device_id) for device_id, covered in self.layout.displays
                if covers(covered, agency_code)]

    def calls(self) -> list[Message]:
        messages = []
        for change in self.ticket_changes:
            ticket = self.tickets.get(change.ticket_id)
            if change.kind not in CALL_KINDS or change.counter_id is None or ticket is None:
                continue
            counter = self.session.get(Counter, change.counter_id)
            if counter is None:
                continue
            agency = ticket.service.agency
            payload = call_payload(
                code=ticket.code, service=ticket.service, agency=agency, counter=counter,
                call_count=call_count_of(change.kind, change.data),
                at=ticket.last_called_at or self.now, recall=change.kind == "recalled",
                timezone=self.timezone)
            rooms = [*self.display_rooms(agency.code), room("counter", counter.id),
                     *agency_staff_rooms(agency.code)]
            messages += fan_out("ticket_called", payload, rooms)
        return messages

    def changed_counters(self) -> set[str]:
        """Counters whose state or current ticket may differ (a recall changes neither)."""
        ids = set(self.counter_ids)
        for change in self.ticket_changes:
            if change.kind == "recalled":
                continue
            if change.counter_id is not None:
                ids.add(change.counter_id)
            ticket = self.tickets.get(change.ticket_id)
            if ticket is not None and ticket.counter_id is not None:
                ids.add(ticket.counter_id)  # e.g. expired while called at the counter
        return ids

    def counters(self) -> list[Message]:
        ids = self.changed_counters()
        messages: list[Message] = []
        for summary in counter_summaries(self.session, self.now, counter_ids=ids) if ids else []:
            rooms = [*self.display_rooms(summary["agency"]), room("counter", summary["id"]),
                     *agency_staff_rooms(summary["agency"])]
            messages += fan_out("counter_changed", summary, rooms)
        return messages

    def served_by_changed_counters(self) -> set[int]:
        """An opened or closed counter changes the estimates of the services it serves."""
        return {service_id for counter_id in self.counter_ids
                for service_id in self.layout.services_of.get(counter_id, ())}

    def queues(self) -> list[Message]:
        """`queue_changed` for each service whose waiting, quota, state or estimate may
        differ."""
        ids = self.service_ids | self.served_by_changed_counters()
        ids.update(c.service_id for c in self.ticket_changes if c.kind in QUEUE_KINDS)
        # A transfer is filed under the service left; the one it joins changed too.
        ids.update(c.data["to_service_id"] for c in self.ticket_changes
                   if c.kind == "transferred" and "to_service_id" in c.data)
        messages: list[Message] = []
        for service_id, state in (queue_states(self.session, self.now, ids) if ids else {}).items():
            rooms = [*self.display_rooms(state["agency"]),
                     *(room("kiosk", kiosk) for kiosk in self.layout.kiosks),
                     *(room("counter", c) for c in self.layout.counters_of.get(service_id, ())),
                     *agency_staff_rooms(state["agency"])]
            messages += fan_out("queue_changed", state, rooms)
        return messages

    def ticket_views(self) -> list[Message]:
        """`ticket_changed` to each changed ticket's room, then to every visitor whose place
        in line moved because of it."""
        messages, told = [], set()
        for change in self.ticket_changes:
            ticket = self.tickets.get(change.ticket_id)
            # Nobody can follow a ticket issued in this very commit: its token is not out yet.
            if ticket is None or change.kind == "issued" or ticket.id in told:
                continue
            told.add(ticket.id)
            messages += fan_out("ticket_changed", public_ticket(self.session, ticket)
                                .model_dump(mode="json"), [room("ticket", ticket.id)])
        changed = {change.ticket_id for change in self.ticket_changes}
        for (service, day), after in self.moved_lines().items():
            for ticket_id, view in moved_places(self.session, service, day, after, changed,
                                                partial(self.load_of, service, day)):
                messages += fan_out("ticket_changed", view, [room("ticket", ticket_id)])
        return messages

    def load_of(self, service: Service, day: date) -> ServiceLoad:
        return service_loads(self.session, day, [service])[service.id]

    def moved_lines(self) -> dict[tuple[Service, date], RankKey | None]:
        """Per service line: the rank after which places moved (None: the whole line, when
        an opened or closed counter changes everyone's estimate)."""
        lines: dict[tuple[Service, date], RankKey | None] = {}
        for change in self.ticket_changes:
            ticket = self.tickets.get(change.ticket_id)
            if ticket is None or change.kind not in QUEUE_KINDS:
                continue
            line = (ticket.service, ticket.service_day)
            key = rank_key(ticket.priority, ticket.queue_key, ticket.id)
            if line not in lines:
                lines[line] = key
            elif (earlier := lines[line]) is not None:
                lines[line] = min(earlier, key)
        served = self.served_by_changed_counters()
        if served:
            today = service_day(get_site(self.session), self.now)
            for service in self.session.scalars(
                    select(Service).where(Service.id.in_(served), Service.active)):
                lines[(service, today)] = None
        return lines
