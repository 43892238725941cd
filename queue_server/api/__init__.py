"""JSON API v1 under /api/v1."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from flask.typing import ResponseReturnValue

from queue_server.api import (
    admin,
    bookings,
    bookings_staff,
    counters,
    displays,
    kiosks,
    operations,
    reports,
    session,
    survey,
    tickets,
)
from queue_server.api.errors import register_error_handlers
from queue_server.api.spec import openapi_document

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
for module in (session, tickets, counters, displays, operations, kiosks, reports, survey,
               admin, bookings, bookings_staff):
    module.register(bp)


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(openapi_document("Antre API", "1"))


def init_api(app: Flask) -> None:
    app.register_blueprint(bp)
    register_error_handlers(app, PREFIX)
