"""Counting attempts in time windows: failed logins and public requests.

In one process the counts live in memory; with ANTRE_MESSAGE_QUEUE on Redis they live there,
so every server process sees the same counts. While Redis cannot be reached each process
counts alone in memory (`FallbackWindows`): the limits stay, looser by the number of
processes, and the hall keeps working.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol, TypeVar

import redis

from queue_server.settings import redis_url

log = logging.getLogger(__name__)
T = TypeVar("T")


class WindowCounter(Protocol):
    def hit(self, key: str, window_s: int) -> int:
        """Count one attempt; the number of attempts in the key's current window."""
        ...

    def count(self, key: str) -> int: ...

    def clear(self, key: str) -> None: ...


class MemoryWindows:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def hit(self, key: str, window_s: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            if expires <= now:
                count, expires = 0, now + window_s
            self._counts[key] = (count + 1, expires)
            if len(self._counts) > 10_000:  # keep a flood of addresses from growing memory
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return count + 1

    def count(self, key: str) -> int:
        with self._lock:
            count, expires = self._counts.get(key, (0, 0.0))
            return count if expires > time.monotonic() else 0

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class RedisWindows:
    def __init__(self, url: str, prefix: str = "antre:window:") -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=0.5)
        self._prefix = prefix

    def hit(self, key: str, window_s: int) -> int:
        name = self._prefix + key
        with self._redis.pipeline() as pipe:
            pipe.incr(name)
            pipe.expire(name, window_s, nx=True)
            count, _ = pipe.execute()
        return int(count)

    def count(self, key: str) -> int:
        value = self._redis.get(self._prefix + key)
        return int(value) if value else 0

    def clear(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


class FallbackWindows:
    """Redis's counts, or this process's own while Redis does not answer (logged once per
    outage): a limit that fails open to local counting, never a request that fails."""

    def __init__(self, primary: WindowCounter, fallback: WindowCounter | None = None) -> None:
        self.primary = primary
        self.fallback = fallback or MemoryWindows()
        self.down_since: float | None = None

    def _either(self, use: Callable[[WindowCounter], T]) -> T:
        try:
            answer = use(self.primary)
        except redis.RedisError as error:
            if self.down_since is None:
                self.down_since = time.monotonic()
                log.error("Redis unreachable (%s): rate limits count in this process alone "
                          "until it is back", error)
            return use(self.fallback)
        if self.down_since is not None:
            log.warning("Redis is back: rate limits are shared again")
            self.down_since = None
        return answer

    def hit(self, key: str, window_s: int) -> int:
        return self._either(lambda windows: windows.hit(key, window_s))

    def count(self, key: str) -> int:
        return self._either(lambda windows: windows.count(key))

    def clear(self, key: str) -> None:
        self._either(lambda windows: windows.clear(key))


def make_windows(message_queue: str | None) -> WindowCounter:
    url = redis_url(message_queue)
    return FallbackWindows(RedisWindows(url)) if url else MemoryWindows()
