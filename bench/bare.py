"""The floor: a bare Flask-SocketIO server on gevent, served the way `antre serve` is, that
broadcasts what it is posted to one room. No database, no authentication beyond joining.

    python -m bench.bare --port 5099

POST /call {"payload": {...}} emits `ticket_called` with that payload to every connected display
and answers once the emit has returned, as Antre's call-next answers after its own emit. It is
served by the same function as `antre serve` (gevent's pywsgi with gevent-websocket).
"""

from __future__ import annotations

if __name__ == "__main__":  # patched before anything imports socket or threading
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask.typing import ResponseReturnValue  # noqa: E402
from flask_socketio import SocketIO, emit, join_room  # noqa: E402

from queue_server.cli import serve_forever  # noqa: E402

ROOM = "display:aula"


def make_app() -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent")
    numbers = itertools.count(1)

    @socketio.on("connect")
    def connect(auth: Any = None) -> None:
        join_room(ROOM)
        emit("snapshot", {"room": ROOM, "seq": 0})

    @app.post("/call")
    def call() -> ResponseReturnValue:
        body = request.get_json(force=True)
        payload = {**body["payload"], "room": ROOM, "seq": next(numbers)}
        socketio.emit("ticket_called", payload, to=ROOM)
        return jsonify({"ok": True, "code": payload.get("code")})

    @app.get("/healthz")
    def healthz() -> ResponseReturnValue:
        return jsonify({"status": "ok", "server": socketio.async_mode})

    return app, socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    options = parser.parse_args()
    app, _socketio = make_app()
    serve_forever(app, "127.0.0.1", options.port)


if __name__ == "__main__":
    main()
