"""What a request (or a Socket.IO handler) uses of the running app: its runtime, its database
session, the time and the commit that announces changes.

A leaf module, as `flaskr/db.py` in Flask's tutorial: blueprints and the hub import these;
`create_app` binds the runtime and the session's teardown. Nothing here imports the factory.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy.orm import Session

from queue_server import changes
from queue_server.db import CALLER_ADDRESS
from queue_server.runtime import Runtime

EXTENSION = "antre"


def bind(app: Flask, state: Runtime) -> None:
    """Make `state` the app's runtime and close each request's session at teardown."""
    app.extensions[EXTENSION] = state
    app.teardown_appcontext(_close_session)


def runtime() -> Runtime:
    found: Runtime = current_app.extensions[EXTENSION]
    return found


def db() -> Session:
    """The request's session, closed at teardown; views commit their own writes."""
    if "db" not in g:
        g.db = runtime().sessions()
        if has_request_context():
            g.db.info[CALLER_ADDRESS] = request.remote_addr
    session: Session = g.db
    return session


def held_session() -> Session | None:
    """The request's session if it has one: after its commit it still holds what the request
    loaded (sessions do not expire on commit), which the hub reads instead of the database."""
    if not has_app_context():
        return None
    session: Session | None = g.get("db")
    return session


def now() -> datetime:
    return runtime().clock.now()


def commit() -> list[changes.Change]:
    """Commit the request's session and let the hub announce what changed."""
    return changes.commit(db(), runtime().publish)


def _close_session(_error: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()
