"""Per-room sequence numbers, in memory and shared through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from queue_server.hub.sequences import MemorySequences, RedisSequences, make_sequences

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_each_room_counts_on_its_own() -> None:
    store = MemorySequences()
    assert store.current("display:aula") == 0
    assert [store.next("display:aula"), store.next("display:aula")] == [1, 2]
    assert store.next_many(["display:zona-a", "display:aula", "display:zona-a"]) == [1, 3, 2]
    assert store.current_many(["display:aula", "display:zona-a", "kiosk:k"]) == [3, 2, 0]


def test_memory_forgets_the_least_recently_used_rooms_first() -> None:
    store = MemorySequences(max_rooms=2)
    store.next_many(["ticket:1", "ticket:2"])
    store.next("ticket:1")  # now the most recent
    store.next("ticket:3")
    assert store.current_many(["ticket:1", "ticket:2", "ticket:3"]) == [2, 0, 1]


def test_the_store_follows_the_message_queue_setting() -> None:
    assert isinstance(make_sequences(None), MemorySequences)
    assert isinstance(make_sequences("redis://127.0.0.1:6379/0"), RedisSequences)


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix of this test's own, removed afterwards."""
    name = f"antre:test:{uuid.uuid4().hex}:"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_processes_share_one_sequence_per_room_through_redis(prefix: str) -> None:
    one, two = RedisSequences(REDIS_URL, prefix), RedisSequences(REDIS_URL, prefix)
    assert one.current("display:aula") == 0
    assert [one.next("display:aula"), two.next("display:aula"), one.next("display:aula")] \
        == [1, 2, 3]
    assert two.next_many(["display:aula", "kiosk:kiosk-1"]) == [4, 1]
    assert one.current_many(["display:aula", "kiosk:kiosk-1", "ticket:9"]) == [4, 1, 0]
    assert one.next_many([]) == [] and one.current_many([]) == []


def test_redis_rooms_expire_when_silent(prefix: str) -> None:
    store = RedisSequences(REDIS_URL, prefix, ttl_s=60)
    store.next("ticket:1")
    with redis.Redis.from_url(REDIS_URL) as client:
        assert 0 < client.ttl(f"{prefix}ticket:1") <= 60
