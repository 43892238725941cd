"""Connections: who may connect (sign-in by device token, ticket, API token or login
cookie), the rooms each joins, the snapshot it starts from and may ask for again, and the
devices' presence while they stay."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from flask import current_app, request
from flask_login import current_user
from flask_socketio import disconnect, emit, join_room
from socketio.exceptions import ConnectionRefusedError as Refused
from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.context import db
from queue_server.extensions import socketio
from queue_server.hub.presence import KEEP_ALIVE_EVERY_S, Presence
from queue_server.hub.printagent import agent_disconnected, agent_joined
from queue_server.hub.publisher import Hub, hub
from queue_server.hub.rooms import SUBSCRIPTION, Subscription, own, room, staff_rooms
from queue_server.models import Device, DeviceKind, Ticket, User
from queue_server.people import device_by_token, may_see_agency, user_by_token
from queue_server.queue.counters import find_counter
from queue_server.queue.errors import UnknownCounter

log = logging.getLogger(__name__)

LANGUAGES = ("id", "en")
DEVICE_KINDS = frozenset({"display", "kiosk", "agent", "survey"})  # connections by device token
TOKEN_HASH = "antre.token_hash"  # in a device connection's environ: the token it came with


def register_connections() -> None:
    """Registered for every app: init_app builds a new server, which knows only the handlers
    registered before it."""
    socketio.on_event("connect", _on_connect)
    socketio.on_event("snapshot", _on_snapshot)
    socketio.on_event("disconnect", _on_disconnect)


def _on_connect(auth: Any = None) -> None:
    # db() is the handler's own session, closed when Flask-SocketIO pops the context; it is
    # also the one Flask-Login's user loader uses, and SQLite has one connection to share.
    credentials = auth if isinstance(auth, dict) else {}
    try:
        now = hub().state.clock.now()
        subscription = _authenticate(db(), now, credentials)
        for name in subscription.rooms:
            join_room(name)
        request.environ[SUBSCRIPTION] = subscription
        if subscription.kind in DEVICE_KINDS:  # the devices page's "connected since"
            for name in subscription.rooms:
                hub().presence.joined(name, request.sid, now)  # type: ignore[attr-defined]
        emit("snapshot", hub().snapshot(db(), subscription))
        if subscription.kind == "agent":
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


def _on_disconnect(reason: Any = None) -> None:
    subscription: Subscription | None = request.environ.get(SUBSCRIPTION)
    if subscription is None or subscription.kind not in DEVICE_KINDS:
        return
    for name in subscription.rooms:
        hub().presence.left(name, request.sid)  # type: ignore[attr-defined]
    agent_disconnected()


def keep_presence(made: Hub) -> None:
    """Under `antre serve`: keep this process counted as alive, and close any device
    connection whose token was revoked or replaced since it connected. A revoke closes the
    connections of every process at once through the message queue; this catches one that
    missed it (Redis was briefly unreachable, say)."""
    while True:
        try:
            made.presence.keep_alive()
            with made.state.sessions() as session:
                close_revoked(session, made.presence)
        except Exception:
            log.exception("device presence check failed; trying again in %d s",
                          KEEP_ALIVE_EVERY_S)
        socketio.sleep(KEEP_ALIVE_EVERY_S)


def close_revoked(session: Session, presence: Presence) -> int:
    """Disconnect this process's device connections whose token is no longer their device's;
    the number closed."""
    server = socketio.server
    mine = presence.local()
    if server is None or not mine:
        return 0
    tokens = {device_id: token_hash for device_id, token_hash in session.execute(
        select(Device.id, Device.token_hash).where(Device.active))}
    closed = 0
    for sids in mine.values():
        for sid in sids:
            environ = server.get_environ(sid) or {}
            subscription: Subscription | None = environ.get(SUBSCRIPTION)
            if subscription is not None and \
                    tokens.get(subscription.key) != environ.get(TOKEN_HASH):
                server.disconnect(sid, namespace="/")
                closed += 1
    return closed


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _authenticate(session: Session, now: datetime, auth: dict[str, Any]) -> Subscription:
    language = auth.get("language") if auth.get("language") in LANGUAGES else "id"
    if "display" in auth:
        subscription = _device(session, auth, DeviceKind.DISPLAY, now)
    elif "kiosk" in auth:
        subscription = _device(session, auth, DeviceKind.KIOSK, now)
        if auth.get("agent") is True:  # the kiosk's print agent (hub.printagent)
            subscription = own("agent", subscription.key)
    elif "survey" in auth:  # a rating screen beside a counter
        subscription = _device(session, auth, DeviceKind.SURVEY, now)
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
    device.last_seen_at = now  # the devices page's "last seen"
    request.environ[TOKEN_HASH] = device.token_hash  # closed if it changes (keep_presence)
    session.commit()
    return own(kind.value, device.id)


def _ticket(session: Session, auth: dict[str, Any]) -> Subscription:
    token = _text(auth.get("ticket"))
    ticket = session.scalar(select(Ticket).where(Ticket.token == token)) if token else None
    if ticket is None:
        raise Refused("unknown_ticket: no ticket has this tracking code; scan the QR again")
    return own("ticket", str(ticket.id))


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
    staff = staff_rooms(user)
    counter_id = auth.get("counter")
    if counter_id is None:
        return Subscription("staff", str(user.id), staff)
    try:
        counter = find_counter(session, str(counter_id))
    except UnknownCounter:
        raise Refused(f"unknown_counter: there is no counter {counter_id!r}") from None
    if not may_see_agency(user, counter.agency_id):
        raise Refused(f"forbidden: {counter.name} is not a counter of your agency")
    return Subscription("counter", counter.id, (room("counter", counter.id), *staff))


def _signed_in_user(session: Session) -> User | None:
    """The user of the login cookie sent with the handshake, if the app signs people in."""
    if getattr(current_app, "login_manager", None) is None or \
            not current_user.is_authenticated:
        return None
    user = session.get(User, int(current_user.get_id()))
    return user if user is not None and user.active else None
