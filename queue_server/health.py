"""`GET /healthz`: is the server up, can it reach its database (and, for staff, which config
is loaded)."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.orm import Session

from queue_server.api.auth import actor
from queue_server.context import db, now, runtime
from queue_server.extensions import socketio

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
    hall = state.hall
    staff = actor().user is not None
    body = {
        "status": "ok" if database else "degraded",
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
    return jsonify(body), 200 if database else 503
