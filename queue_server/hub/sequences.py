"""Per-room event sequence numbers: every event sent to a room carries the room's next number.

A client that sees a gap (or reconnects) asks for a fresh snapshot, which carries the room's
current number. In one process the numbers live in memory; with ANTRE_MESSAGE_QUEUE on Redis
they live there, so every server process counts the same room with one sequence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import redis

MAX_ROOMS = 50_000  # a room a day per ticket adds up on a server left running for months
# A room silent this long restarts at 1 on Redis; its clients see a gap and resync.
REDIS_TTL_S = 3 * 24 * 3600


class Sequences(Protocol):
    def next(self, room: str) -> int:
        """Advance the room's sequence; the number for the event about to be sent."""
        ...

    def next_many(self, rooms: Sequence[str]) -> list[int]:
        """`next` for each room in order (a room given twice advances twice)."""
        ...

    def current(self, room: str) -> int:
        """The number of the last event sent to the room (0 before the first)."""
        ...

    def current_many(self, rooms: Sequence[str]) -> list[int]: ...


class MemorySequences:
    """One process: a dict under a lock, the least recently advanced rooms forgotten first."""

    def __init__(self, max_rooms: int = MAX_ROOMS) -> None:
        self._lock = threading.Lock()
        self._numbers: OrderedDict[str, int] = OrderedDict()
        self._max_rooms = max_rooms

    def next(self, room: str) -> int:
        return self.next_many([room])[0]

    def next_many(self, rooms: Sequence[str]) -> list[int]:
        answer = []
        with self._lock:
            for name in rooms:
                number = self._numbers.pop(name, 0) + 1
                self._numbers[name] = number  # re-inserted: now the most recent
                answer.append(number)
            while len(self._numbers) > self._max_rooms:
                self._numbers.popitem(last=False)
        return answer

    def current(self, room: str) -> int:
        return self.current_many([room])[0]

    def current_many(self, rooms: Sequence[str]) -> list[int]:
        with self._lock:
            return [self._numbers.get(name, 0) for name in rooms]


class RedisSequences:
    """Several processes: INCR on `antre:seq:<room>`, one round trip per batch."""

    def __init__(self, url: str, prefix: str = "antre:seq:", ttl_s: int = REDIS_TTL_S) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2)
        self._prefix = prefix
        self._ttl_s = ttl_s

    def next(self, room: str) -> int:
        return self.next_many([room])[0]

    def next_many(self, rooms: Sequence[str]) -> list[int]:
        if not rooms:
            return []
        with self._redis.pipeline(transaction=False) as pipe:
            for name in rooms:
                pipe.incr(self._prefix + name)
                pipe.expire(self._prefix + name, self._ttl_s)
            answers = pipe.execute()
        return [int(number) for number in answers[::2]]

    def current(self, room: str) -> int:
        return self.current_many([room])[0]

    def current_many(self, rooms: Sequence[str]) -> list[int]:
        if not rooms:
            return []
        values = self._redis.mget([self._prefix + name for name in rooms])
        return [int(value) if value is not None else 0 for value in values]


def make_sequences(message_queue: str | None) -> Sequences:
    if message_queue and message_queue.startswith(("redis://", "rediss://")):
        return RedisSequences(message_queue)
    return MemorySequences()

