"""Which devices are connected and since when, whichever server process holds them: the
devices page's "connected since", and the connections a revoked token must close.

One process keeps it in memory. With ANTRE_MESSAGE_QUEUE on Redis, each device room is a
hash `antre:presence:<room>` {sid: "<process> <since>"}, and each process keeps a short-lived
`antre:process:<process>` key alive while it runs, so the connections of a process that died
without closing them are not counted. Every process also keeps its own in memory: while Redis
is unreachable the page shows those, and the process can still close them.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import redis

from queue_server.settings import redis_url

log = logging.getLogger(__name__)

ALIVE_S = 30  # a process not heard of for this long is gone
KEEP_ALIVE_EVERY_S = 10


class Presence(Protocol):
    def joined(self, name: str, sid: str, since: datetime) -> None:
        """Connection `sid` joined device room `name`."""
        ...

    def left(self, name: str, sid: str) -> None:
        ...

    def connections(self, name: str) -> dict[str, datetime]:
        """The room's connections on every process: sid -> connected since."""
        ...

    def local(self) -> dict[str, set[str]]:
        """This process's own connections: room -> sids."""
        ...

    def keep_alive(self) -> None:
        """Tell the other processes this one still runs (every KEEP_ALIVE_EVERY_S)."""
        ...


class MemoryPresence:
    """One process: room -> {sid: since} under a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rooms: dict[str, dict[str, datetime]] = {}

    def joined(self, name: str, sid: str, since: datetime) -> None:
        with self._lock:
            self._rooms.setdefault(name, {})[sid] = since

    def left(self, name: str, sid: str) -> None:
        with self._lock:
            members = self._rooms.get(name, {})
            members.pop(sid, None)
            if not members:
                self._rooms.pop(name, None)

    def connections(self, name: str) -> dict[str, datetime]:
        with self._lock:
            return dict(self._rooms.get(name, {}))

    def local(self) -> dict[str, set[str]]:
        with self._lock:
            return {name: set(members) for name, members in self._rooms.items()}

    def keep_alive(self) -> None:
        """Nothing to tell: there is no other process."""


class RedisPresence:
    """Several processes: one hash per device room on Redis, beside this process's own copy."""

    def __init__(self, url: str, prefix: str = "antre:") -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=0.5,
                                           decode_responses=True)
        self._mine = MemoryPresence()
        self._process = secrets.token_hex(6)
        self._rooms = prefix + "presence:"
        self._processes = prefix + "process:"

    def joined(self, name: str, sid: str, since: datetime) -> None:
        self._mine.joined(name, sid, since)
        self._quietly(lambda pipe: pipe.hset(self._rooms + name, sid,
                                             f"{self._process} {since.isoformat()}"))

    def left(self, name: str, sid: str) -> None:
        self._mine.left(name, sid)
        self._quietly(lambda pipe: pipe.hdel(self._rooms + name, sid))

    def connections(self, name: str) -> dict[str, datetime]:
        try:
            return self._connections(name)
        except redis.RedisError:
            log.warning("Redis unreachable: the devices page shows this process's "
                        "connections only")
            return self._mine.connections(name)

    def local(self) -> dict[str, set[str]]:
        return self._mine.local()

    def keep_alive(self) -> None:
        self._quietly(lambda pipe: pipe.set(self._processes + self._process, 1, ex=ALIVE_S))

    def _connections(self, name: str) -> dict[str, datetime]:
        key = self._rooms + name
        # str() for the type checker: redis-py types answers bytes | str whatever it decodes
        found = {str(sid): str(value).split(" ", 1)
                 for sid, value in self._redis.hgetall(key).items()}
        processes = sorted({process for process, _ in found.values()})
        alive = dict(zip(processes, self._redis.mget(
            [self._processes + process for process in processes]), strict=True)) \
            if processes else {}
        gone = [sid for sid, (process, _) in found.items() if alive[process] is None]
        if gone:  # left behind by a process that stopped without closing them
            self._redis.hdel(key, *gone)
        return {sid: datetime.fromisoformat(since) for sid, (process, since) in found.items()
                if alive[process] is not None}

    def _quietly(self, write: Callable[[redis.client.Pipeline], object]) -> None:
        """A write that keeps the process marked alive; a Redis fault is logged, not raised:
        the connection itself is not refused for it."""
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                write(pipe)
                pipe.set(self._processes + self._process, 1, ex=ALIVE_S)
                pipe.execute()
        except redis.RedisError:
            log.warning("Redis unreachable: device presence kept in this process only")


def make_presence(message_queue: str | None) -> Presence:
    url = redis_url(message_queue)
    return RedisPresence(url) if url else MemoryPresence()
