"""Is a hall display on, and does its voice work? Reports in time buckets.

A display reports every REPORT_S (and at once when its voice fails or works again): each
report counts in the bucket of its wall-clock moment in the app's WindowCounter (process
memory on one PC, Redis with several processes), as the consoles' heartbeats do
(presence.py). A failed voice is remembered until a report says it works again, so the
overview shows a TV that only chimes instead of letting it go quiet unnoticed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from queue_server.throttle import WindowCounter

REPORT_S = 30
BUCKET_S = 60
FAILED_KEEP_S = 6 * 3600  # a failure not reported again is forgotten after a working day


def _on_key(display_id: str, bucket: int) -> str:
    return f"display:{display_id}:{bucket}"


def _failed_key(display_id: str) -> str:
    return f"display-voice-failed:{display_id}"


def report(windows: WindowCounter, display_id: str, voice_ok: bool,
           clock: Callable[[], float] = time.time) -> None:
    bucket = int(clock() // BUCKET_S)
    windows.hit(_on_key(display_id, bucket), 3 * BUCKET_S)
    if voice_ok:
        windows.clear(_failed_key(display_id))
    else:
        windows.hit(_failed_key(display_id), FAILED_KEEP_S)


def is_on(windows: WindowCounter, display_id: str,
          clock: Callable[[], float] = time.time) -> bool:
    bucket = int(clock() // BUCKET_S)
    return any(windows.count(_on_key(display_id, b)) > 0 for b in (bucket, bucket - 1))


def voice_failed(windows: WindowCounter, display_id: str) -> bool:
    return windows.count(_failed_key(display_id)) > 0
