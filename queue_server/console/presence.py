"""Is an officer's console open on a counter? Heartbeats in time buckets.

An open console sends a heartbeat every HEARTBEAT_S. Each heartbeat counts in the bucket of
its wall-clock moment (BUCKET_S wide) in the app's WindowCounter: process memory on one PC,
Redis with several server processes, so every process sees the same presence and no shared
table changes. A console is live when the current or the previous bucket has a heartbeat, so
a closed browser shows as gone within BUCKET_S to 2 x BUCKET_S (about a minute).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from queue_server.throttle import WindowCounter

HEARTBEAT_S = 20
BUCKET_S = 40


def _key(counter_id: str, bucket: int) -> str:
    return f"console:{counter_id}:{bucket}"


def beat(windows: WindowCounter, counter_id: str,
         clock: Callable[[], float] = time.time) -> None:
    bucket = int(clock() // BUCKET_S)
    windows.hit(_key(counter_id, bucket), 3 * BUCKET_S)


def is_live(windows: WindowCounter, counter_id: str,
            clock: Callable[[], float] = time.time) -> bool:
    bucket = int(clock() // BUCKET_S)
    return any(windows.count(_key(counter_id, b)) > 0 for b in (bucket, bucket - 1))


def leave(windows: WindowCounter, counter_id: str,
          clock: Callable[[], float] = time.time) -> None:
    """The console closed its counter or signed out: not live any more."""
    bucket = int(clock() // BUCKET_S)
    for b in (bucket, bucket - 1):
        windows.clear(_key(counter_id, b))
