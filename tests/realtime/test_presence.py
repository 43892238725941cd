"""Device presence: which devices are connected and since when, in one process's memory or
on Redis for several processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import redis

from queue_server.hub.presence import MemoryPresence, RedisPresence, make_presence

REDIS_URL = "redis://127.0.0.1:6379/13"
NOBODY_LISTENS = "redis://127.0.0.1:1/0"
AT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def prefix() -> Iterator[str]:
    """Key names of this test's own on the shared Redis, removed afterwards."""
    mine = f"antre-test-{uuid.uuid4().hex[:8]}:"
    yield mine
    with redis.Redis.from_url(REDIS_URL) as client:
        for key in client.scan_iter(match=f"{mine}*"):
            client.delete(key)


def test_one_process_counts_its_own_connections() -> None:
    presence = MemoryPresence()
    presence.joined("display:aula", "s1", AT)
    presence.joined("display:aula", "s2", AT + timedelta(minutes=1))
    presence.joined("kiosk:kiosk-1", "s3", AT)
    presence.left("display:aula", "s1")
    assert presence.connections("display:aula") == {"s2": AT + timedelta(minutes=1)}
    presence.left("kiosk:kiosk-1", "s3")
    assert presence.local() == {"display:aula": {"s2"}}


def test_two_processes_see_each_others_connections(prefix: str) -> None:
    first, second = RedisPresence(REDIS_URL, prefix), RedisPresence(REDIS_URL, prefix)
    first.joined("display:aula", "on-a", AT)
    second.joined("display:aula", "on-b", AT + timedelta(minutes=2))
    both = {"on-a": AT, "on-b": AT + timedelta(minutes=2)}
    assert first.connections("display:aula") == both == second.connections("display:aula")
    assert first.local() == {"display:aula": {"on-a"}}  # its own only: the ones it may close
    first.left("display:aula", "on-b")  # a revoke on A closes B's connection
    assert second.connections("display:aula") == {"on-a": AT}


def test_a_process_that_stopped_without_closing_leaves_no_ghosts(prefix: str) -> None:
    first, second = RedisPresence(REDIS_URL, prefix), RedisPresence(REDIS_URL, prefix)
    first.joined("display:aula", "on-a", AT)
    second.joined("display:aula", "on-b", AT)
    with redis.Redis.from_url(REDIS_URL, decode_responses=True) as client:
        [gone] = [key for key in client.scan_iter(match=f"{prefix}process:*")
                  if key != f"{prefix}process:{first._process}"]
        client.delete(gone)  # B's liveness key expired: B was killed
        assert first.connections("display:aula") == {"on-a": AT}
        assert client.hkeys(f"{prefix}presence:display:aula") == ["on-a"]  # tidied
    second.keep_alive()  # B runs again: its own still in memory, its entries gone
    assert second.local() == {"display:aula": {"on-b"}}


def test_without_redis_a_process_still_knows_its_own() -> None:
    presence = RedisPresence(NOBODY_LISTENS)
    presence.joined("display:aula", "s1", AT)  # logged, not raised: the display connects
    presence.keep_alive()
    assert presence.connections("display:aula") == {"s1": AT}
    presence.left("display:aula", "s1")
    assert presence.connections("display:aula") == {}


def test_the_store_follows_the_message_queue_setting() -> None:
    assert isinstance(make_presence(None), MemoryPresence)
    assert isinstance(make_presence(REDIS_URL), RedisPresence)
