"""`GET /healthz`: is the server up, can it reach its database (and, for staff, which config
is loaded)."""

from __future__ import annotations

import logging
from functools import lru_cache

import redis
from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.orm import Session

from display.voice import espeak_available
from queue_server.api.auth import actor
from queue_server.context import db, now, runtime
from queue_server.extensions import socketio
from queue_server.hub.publisher import hub
from queue_server.settings import redis_url

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def database_ok(session: Session) -> bool:
    try:
        session.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure here is what the health check reports
        log.exception("database check failed")
        return False


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Anyone (a load balancer, a monitor) learns whether the server works and what it serves;
    only staff learn how it is set up (the config file's path, the database's kind)."""
    state = runtime()
    database = database_ok(db())
    queue = message_queue_ok(state.settings.message_queue)
    hall = state.hall
    staff = actor().user is not None
    body: dict[str, object] = {
        "status": "ok" if database and queue is not False else "degraded",
        "database": {"ok": database, **({"dialect": state.engine.dialect.name} if staff
                                         else {})},
        "config": {
            **({"path": str(state.settings.config)} if staff else {}),
            "site": hall.site.name,
            "agencies": len(hall.agencies),
            "services": sum(len(a.services) for a in hall.agencies),
            "counters": len(hall.counters),
        },
        "server": socketio.async_mode,
        "time": now().isoformat(),
    }
    # A display set to the espeak voice without espeak-ng on this PC only rings the chime:
    # say so, and call the server degraded, rather than let the TV go quiet unnoticed.
    speaking = [d.id for d in hall.displays if d.voice == "espeak"]
    if speaking:
        voice_ok = espeak_available()
        body["voice"] = {"espeak": voice_ok, "displays": speaking}
        if not voice_ok:
            body["status"] = "degraded"
    if queue is not None:
        # Down, the hall still serves (local rate limits, snapshots), but no call reaches a
        # display: the answer stays 200 for load balancers, the status says "degraded".
        body["message_queue"] = {"ok": queue}
    if staff:
        body["unannounced_calls"] = [
            {"at": at.isoformat(), "ticket_id": ticket_id, "counter": counter}
            for at, ticket_id, counter in hub().unannounced[-10:]]
    return jsonify(body), 200 if database else 503


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def message_queue_ok(url: str | None) -> bool | None:
    """Whether Redis answers (None without one: the embedded server needs none)."""
    found = redis_url(url)
    if found is None:
        return None
    try:
        return bool(_redis(found).ping())
    except redis.RedisError:
        return False
