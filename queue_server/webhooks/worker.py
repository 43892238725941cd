"""The loops `antre serve` runs beside the hub, and one pass of them for the command line.

Expiry and the webhook's progress notes run every EXPIRE_EVERY_S and publish what they
changed (an expired booking leaves the staff's lists live); the sender runs apart every
SEND_EVERY_S, so a slow gateway never delays an expiry. Each step is safe with several
server processes (queue/expiry.py, queue/outbox.py, webhooks/sender.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from queue_server import changes, context
from queue_server.extensions import socketio
from queue_server.queue.expiry import expire_bookings
from queue_server.queue.outbox import note_progress
from queue_server.runtime import Runtime
from queue_server.webhooks.sender import abandon, send_due

log = logging.getLogger(__name__)

EXPIRE_EVERY_S = 5.0
SEND_EVERY_S = 2.0


@dataclass(frozen=True)
class Pass:
    expired: int
    noted: int
    delivered: int


def expire_and_note(state: Runtime) -> tuple[int, int]:
    """Expire bookings whose window ended and note remote tickets' progress; published."""
    now = state.clock.now()
    with state.sessions() as session:
        expired = expire_bookings(session, now)
        noted = note_progress(session, now)
        changes.commit(session, state.publish)
    return len(expired), noted


def deliver(state: Runtime) -> int:
    """Post what is due; without a webhook_url (removed since), give up what is left."""
    url = state.hall.remote.webhook_url
    with state.sessions() as session:
        if not url:
            abandon(session, state.clock.now(), "no webhook_url in config.yaml")
            return 0
        return send_due(session, state.clock.now(), url, state.hall.site.public_url)


def one_pass(state: Runtime) -> Pass:
    return Pass(*expire_and_note(state), deliver(state))


def _every(seconds: float, step: Callable[[], object], what: str) -> None:
    while True:
        socketio.sleep(seconds)
        try:
            step()
        except Exception:
            log.exception("%s failed; trying again in %.0f s", what, seconds)


def start_remote_work(app: Flask) -> None:
    """Start the loops under `antre serve` (gevent); tests and scripts call the steps."""
    if socketio.async_mode != "gevent":
        return
    state: Runtime = app.extensions[context.EXTENSION]
    socketio.start_background_task(_every, EXPIRE_EVERY_S, lambda: expire_and_note(state),
                                   "booking expiry")
    socketio.start_background_task(_every, SEND_EVERY_S, lambda: deliver(state),
                                   "webhook delivery")
