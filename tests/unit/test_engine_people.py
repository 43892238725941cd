"""Users and credentials: who may be added, passwords checked with argon2, tokens kept only
as hashes and replaced, not added to."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text

from queue_server import people
from queue_server.models import Device, DeviceKind, Role, User
from tests.support.halls import Hall


def add(hall: Hall, username: str = "ayu", role: Role = Role.OFFICER,
        password: str = "rahasia123", agencies: tuple[str, ...] = ("DUKCAPIL",)) -> User:
    with hall.sessions.begin() as session:
        return people.add_user(session, hall.clock.now(), username, username.title(), role,
                               password, list(agencies))


def users(hall: Hall) -> int:
    with hall.session() as session:
        return session.scalar(select(func.count()).select_from(User)) or 0


def refused(hall: Hall, match: str, **kwargs: Any) -> None:
    before = users(hall)
    with pytest.raises(people.PeopleError, match=match):
        add(hall, **kwargs)
    assert users(hall) == before


def test_add_an_officer(sqlite_hall: Hall) -> None:
    user = add(sqlite_hall, agencies=("DUKCAPIL", "POLRES"))
    with sqlite_hall.session() as session:
        stored = session.get(User, user.id)
        assert stored is not None
        assert (stored.username, stored.name, stored.role) == ("ayu", "Ayu", Role.OFFICER)
        assert sorted(a.code for a in stored.agencies) == ["DUKCAPIL", "POLRES"]
        assert stored.active and stored.token_hash is None
        assert stored.created_at == sqlite_hall.clock.now()
        assert stored.password_hash.startswith("$argon2")
        assert "rahasia123" not in stored.password_hash


def test_an_admin_needs_no_agency(sqlite_hall: Hall) -> None:
    assert add(sqlite_hall, "admin", Role.ADMIN, agencies=()).role is Role.ADMIN


@pytest.mark.parametrize(("role", "said"), [(Role.OFFICER, "an officer"),
                                            (Role.SUPERVISOR, "a supervisor")])
def test_officers_and_supervisors_need_an_agency(sqlite_hall: Hall, role: Role,
                                                 said: str) -> None:
    refused(sqlite_hall, f"^{said} needs at least one --agency$", role=role, agencies=())


def test_duplicate_username_is_refused(sqlite_hall: Hall) -> None:
    add(sqlite_hall)
    refused(sqlite_hall, "already exists", password="lainlagi123")
    with sqlite_hall.session() as session:
        stored = session.scalars(select(User)).one()
        assert people.password_matches(stored, "rahasia123")


def test_unknown_agency_is_refused_and_named(sqlite_hall: Hall) -> None:
    refused(sqlite_hall, "unknown agency BPJS, SAMSAT", agencies=("DUKCAPIL", "SAMSAT", "BPJS"))


def test_short_password_is_refused(sqlite_hall: Hall) -> None:
    refused(sqlite_hall, "at least 8 characters", password="1234567")
    assert add(sqlite_hall, password="12345678").username == "ayu"


def test_password_matches(sqlite_hall: Hall) -> None:
    user = add(sqlite_hall)
    assert people.password_matches(user, "rahasia123")
    assert not people.password_matches(user, "Rahasia123")
    assert not people.password_matches(user, "")
    user.password_hash = "not-an-argon2-hash"
    assert not people.password_matches(user, "rahasia123")


def test_tokens_are_random_and_long() -> None:
    tokens = {people.new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 43 for token in tokens)
    assert people.hash_token("abc") == hashlib.sha256(b"abc").hexdigest()


def _raw_values(hall: Hall, table: str) -> list[str]:
    """Every text value in a table, as the database holds it."""
    with hall.session() as session:
        rows = session.execute(text(f"SELECT * FROM {table}")).all()
    return [str(value) for row in rows for value in row]


def test_user_token_is_stored_only_as_its_hash(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    add(hall)
    with hall.sessions.begin() as session:
        token = people.issue_user_token(session, "ayu")
    assert token not in _raw_values(hall, "users")
    with hall.session() as session:
        stored = session.scalars(select(User)).one()
        assert stored.token_hash == people.hash_token(token)
        assert people.user_by_token(session, token) is not None
        assert people.user_by_token(session, None) is None
        assert people.user_by_token(session, "") is None


def test_a_new_user_token_replaces_the_old_one(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    add(hall)
    with hall.sessions.begin() as session:
        old = people.issue_user_token(session, "ayu")
    with hall.sessions.begin() as session:
        new = people.issue_user_token(session, "ayu")
    assert new != old
    with hall.session() as session:
        assert session.scalars(select(User.token_hash)).one() == people.hash_token(new)
        assert session.scalar(
            select(User).where(User.token_hash == people.hash_token(old))) is None
        assert people.user_by_token(session, old) is None
        found = people.user_by_token(session, new)
        assert found is not None and found.username == "ayu"


def test_inactive_or_unknown_user_gets_no_token(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    add(hall)
    with hall.sessions.begin() as session:
        token = people.issue_user_token(session, "ayu")
        session.scalars(select(User)).one().active = False
    with hall.session() as session:
        assert people.user_by_token(session, token) is None
        for username in ("ayu", "nobody"):
            with pytest.raises(people.PeopleError, match="no active user"):
                people.issue_user_token(session, username)


def test_device_token_is_hashed_and_replaced(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    with hall.sessions.begin() as session:
        old = people.issue_device_token(session, "kiosk-1")
    with hall.sessions.begin() as session:
        new = people.issue_device_token(session, "kiosk-1")
    assert old not in _raw_values(hall, "devices") and new not in _raw_values(hall, "devices")
    with hall.session() as session:
        kiosk = session.get(Device, "kiosk-1")
        assert kiosk is not None and kiosk.token_hash == people.hash_token(new)
        assert people.device_by_token(session, old) is None
        assert people.device_by_token(session, new, kind=DeviceKind.KIOSK) is not None
        assert people.device_by_token(session, new, kind=DeviceKind.DISPLAY) is None
        assert people.device_by_token(session, new, device_id="aula") is None
        with pytest.raises(people.PeopleError, match="no kiosk or display"):
            people.issue_device_token(session, "kiosk-9")


def test_token_hash_columns_hold_a_sha256_hex_digest(sqlite_hall: Hall) -> None:
    columns = {c["name"]: c for c in inspect(sqlite_hall.engine).get_columns("users")}
    assert columns["token_hash"]["type"].length == 64
    assert "token" not in columns
