"""The Socket.IO hub."""

from __future__ import annotations

from flask_socketio import SocketIO

socketio = SocketIO()
