"""Per-room sequence numbers, in memory and shared through Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from queue_server.hub.sequences import MemorySequences, RedisSequences, Stamp, make_sequences

REDIS_URL = "redis://127.0.0.1:6379/0"


def numbers(stamps: list[Stamp]) -> list[int]:
    return [stamp.seq for stamp in stamps]


def test_each_room_counts_on_its_own() -> None:
    store = MemorySequences()
    assert numbers(store.current_many(["display:aula"])) == [0]
    assert numbers(store.next_many(["display:aula", "display:aula"])) == [1, 2]
    assert numbers(store.next_many(["display:zona-a", "display:aula", "display:zona-a"])) \
        == [1, 3, 2]
    assert numbers(store.current_many(["display:aula", "display:zona-a", "kiosk:k"])) \
        == [3, 2, 0]


def test_a_room_keeps_its_epoch_and_each_room_has_its_own() -> None:
    store = MemorySequences()
    [before] = store.current_many(["display:aula"])
    first, second = store.next_many(["display:aula", "display:aula"])
    assert before.epoch == first.epoch == second.epoch  # the snapshot's epoch, then events'
    [other] = store.next_many(["kiosk:k"])
    assert other.epoch != first.epoch
    assert MemorySequences().next_many(["display:aula"])[0].epoch != first.epoch  # a restart


def test_memory_forgets_the_least_recently_used_rooms_first_with_a_new_epoch() -> None:
    store = MemorySequences(max_rooms=2)
    [old, _] = store.next_many(["ticket:2", "ticket:1"])
    store.next_many(["ticket:1"])  # now the most recent
    store.next_many(["ticket:3"])  # ticket:2 is forgotten
    again = store.current_many(["ticket:1", "ticket:2", "ticket:3"])
    assert numbers(again) == [2, 0, 1]
    assert again[1].epoch != old.epoch  # it counts from 1 again, but in a new epoch


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
    [before] = one.current_many(["display:aula"])
    assert before.seq == 0
    stamps = [*one.next_many(["display:aula"]), *two.next_many(["display:aula"]),
              *one.next_many(["display:aula"])]
    assert numbers(stamps) == [1, 2, 3]
    assert {stamp.epoch for stamp in stamps} == {before.epoch}  # one epoch for both
    assert numbers(two.next_many(["display:aula", "kiosk:kiosk-1"])) == [4, 1]
    assert numbers(one.current_many(["display:aula", "kiosk:kiosk-1", "ticket:9"])) \
        == [4, 1, 0]
    assert one.next_many([]) == [] and one.current_many([]) == []


def test_a_room_redis_forgot_counts_again_in_a_new_epoch(prefix: str) -> None:
    store = RedisSequences(REDIS_URL, prefix)
    [first] = store.next_many(["display:aula"])
    with redis.Redis.from_url(REDIS_URL) as client:
        client.delete(f"{prefix}display:aula")  # expired, or Redis restarted empty
    [again] = store.next_many(["display:aula"])
    assert again.seq == 1 and again.epoch != first.epoch


def test_redis_rooms_expire_when_silent(prefix: str) -> None:
    store = RedisSequences(REDIS_URL, prefix, ttl_s=60)
    store.next_many(["ticket:1"])
    with redis.Redis.from_url(REDIS_URL) as client:
        assert 0 < client.ttl(f"{prefix}ticket:1") <= 60
