"""The Socket.IO hub: who may connect, the rooms they join, snapshots, and what each commit
tells whom. One module per job:

- `rooms`: room names, a connection's Subscription, a Message and its copies (`fan_out`);
- `sequences`: each room's event numbers (memory, or Redis for several processes);
- `presence`: which devices are connected and since when, on every process;
- `publisher`: the Hub — sends numbered messages, coalesces commits, refreshes screens,
  rolls the day over;
- `publication`: what some changes mean as events, and to which rooms;
- `connections`: sign-in and the snapshot a connection starts from;
- `printagent`: the kiosk print agents' jobs, answers and presence;
- `schedule`: services opening and closing by the clock, told as it happens.

Every event carries the `room` it was sent to, that room's `seq` and the `epoch` the number
counts in; a snapshot carries the current `seq` and `epoch` of each room the connection is in
(`seqs`, `epochs`), so a client that sees a gap or a new epoch asks for a fresh one. A
connection in several rooms (an officer: a counter's and the agency's staff room) gets an
event once per room it was sent to; the copies share one `event_id`, so the client applies
it once and still counts each room's numbers.
"""

from __future__ import annotations

from flask import Flask

from queue_server import context
from queue_server.extensions import socketio
from queue_server.hub.connections import keep_presence, register_connections
from queue_server.hub.presence import make_presence
from queue_server.hub.printagent import register_agent_events
from queue_server.hub.publisher import COALESCE_S, HUB, Hub, keep_rolling_days
from queue_server.hub.schedule import keep_hours
from queue_server.hub.sequences import make_sequences
from queue_server.runtime import Runtime


def init_hub(app: Flask) -> None:
    """Make the app's Hub, let commits publish through it, and register the handlers."""
    state: Runtime = app.extensions[context.EXTENSION]
    serving = socketio.async_mode == "gevent"  # `antre serve`; tests and scripts stay in step
    queue = state.settings.message_queue
    made = Hub(state, make_sequences(queue), make_presence(queue),
               coalesce_s=COALESCE_S if serving else 0.0)
    app.extensions[HUB] = made
    state.publish = made.publish
    # Registered for every app: init_app builds a new server, which knows only the handlers
    # registered before it.
    register_connections()
    register_agent_events()
    if serving:
        socketio.start_background_task(keep_rolling_days, made)
        socketio.start_background_task(keep_hours, made)  # services open and close on time
        socketio.start_background_task(keep_presence, made)  # revoked devices stay out
