"""Per-room event sequence numbers, each with the epoch it counts in.

Every event sent to a room carries the room's next number and its epoch; a snapshot carries
each room's current number and epoch. A client that sees a gap, a new epoch or reconnects
asks for a fresh snapshot. A room's numbers never start again within one epoch: a store that
forgets a room (the memory store's oldest rooms, a Redis key expired or a Redis restart)
gives it a new epoch when it counts it again, so a client never takes a new call for one it
has already seen.

In one process the numbers live in memory; with ANTRE_MESSAGE_QUEUE on Redis they live
there, so every server process counts the same room with one sequence.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple, Protocol

import redis

from queue_server.settings import redis_url

MAX_ROOMS = 50_000  # a room a day per ticket adds up on a server left running for months
# A room silent this long starts a new epoch on Redis; its clients resync.
REDIS_TTL_S = 3 * 24 * 3600


class Stamp(NamedTuple):
    """A room's place in its sequence: the epoch and the number within it."""

    epoch: str
    seq: int


def new_epoch() -> str:
    return secrets.token_hex(6)


class Sequences(Protocol):
    def next_many(self, rooms: Sequence[str]) -> list[Stamp]:
        """Advance each room's sequence in order (a room given twice advances twice): the
        stamps for the events about to be sent."""
        ...

    def current_many(self, rooms: Sequence[str]) -> list[Stamp]:
        """Each room's last stamp (number 0 before its first event)."""
        ...


class MemorySequences:
    """One process: a dict under a lock, the least recently advanced rooms forgotten first."""

    def __init__(self, max_rooms: int = MAX_ROOMS) -> None:
        self._lock = threading.Lock()
        self._stamps: OrderedDict[str, Stamp] = OrderedDict()
        self._max_rooms = max_rooms

    def next_many(self, rooms: Sequence[str]) -> list[Stamp]:
        answer = []
        with self._lock:
            for name in rooms:
                epoch, seq = self._stamps.pop(name) if name in self._stamps \
                    else Stamp(new_epoch(), 0)
                stamp = Stamp(epoch, seq + 1)
                self._stamps[name] = stamp  # re-inserted: now the most recent
                answer.append(stamp)
            self._forget_oldest()
        return answer

    def current_many(self, rooms: Sequence[str]) -> list[Stamp]:
        answer = []
        with self._lock:
            for name in rooms:
                if name not in self._stamps:  # the epoch its first event will carry
                    self._stamps[name] = Stamp(new_epoch(), 0)
                answer.append(self._stamps[name])
            self._forget_oldest()
        return answer

    def _forget_oldest(self) -> None:
        while len(self._stamps) > self._max_rooms:
            self._stamps.popitem(last=False)


class RedisSequences:
    """Several processes: one hash per room, `antre:room:<room>` {e: epoch, n: number}, made
    with its epoch by whichever process counts it first; one round trip per batch. The epoch
    and the number live and expire together."""

    def __init__(self, url: str, prefix: str = "antre:room:", ttl_s: int = REDIS_TTL_S) -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=0.5)
        self._prefix = prefix
        self._ttl_s = ttl_s

    def next_many(self, rooms: Sequence[str]) -> list[Stamp]:
        return self._stamps(rooms, advance=True)

    def current_many(self, rooms: Sequence[str]) -> list[Stamp]:
        """While Redis is unreachable, a snapshot still goes out, with an epoch no event
        carries: the client takes it, and resyncs at the first event once Redis is back.
        (Advancing has no such fallback: an event that cannot be numbered cannot be sent, and
        the hub reports the call as not announced.)"""
        try:
            return self._stamps(rooms, advance=False)
        except redis.RedisError:
            offline = f"offline-{new_epoch()}"
            return [Stamp(offline, 0) for _ in rooms]

    def _stamps(self, rooms: Sequence[str], *, advance: bool) -> list[Stamp]:
        if not rooms:
            return []
        with self._redis.pipeline(transaction=False) as pipe:
            for name in rooms:
                key = self._prefix + name
                pipe.hsetnx(key, "e", new_epoch())
                if advance:
                    pipe.hincrby(key, "n", 1)
                pipe.hmget(key, ["e", "n"])
                pipe.expire(key, self._ttl_s)
            answers = pipe.execute()
        step = 4 if advance else 3
        found = answers[step - 2::step]  # each room's [epoch, number]
        return [Stamp(epoch.decode(), int(number or 0)) for epoch, number in found]


def make_sequences(message_queue: str | None) -> Sequences:
    url = redis_url(message_queue)
    return RedisSequences(url) if url else MemorySequences()
