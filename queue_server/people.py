"""Users and device credentials: argon2 for passwords, SHA-256 for random tokens.

Tokens are 256 random bits, so a fast hash is enough to keep a stolen database from giving
them away; argon2's deliberate slowness is for passwords people choose.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from queue_server import signin
from queue_server.models import Agency, Device, DeviceKind, Role, User

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8
# Checked against when the name is unknown, so that a wrong name costs the same time as a
# wrong password and the answer's timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class PeopleError(ValueError):
    """A request about users or devices that cannot be met; the message says why."""


def agency_scope(user: User) -> list[int] | None:
    """The agency ids the user works for; None for an administrator (all of them)."""
    return None if user.role is Role.ADMIN else [agency.id for agency in user.agencies]


def may_see_agency(user: User, agency_id: int) -> bool:
    """Staff see the counters, services and tickets of their agencies; an administrator,
    all of them."""
    return user.role is Role.ADMIN or any(a.id == agency_id for a in user.agencies)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PeopleError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Whether the password is the user's; as slow for no user (or a disabled one) as for a
    wrong password."""
    if user is None or not user.active:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def unlock_sign_in(session: Session, username: str) -> int:
    """Lift the sign-in limits on a name (an administrator's decision): its failed attempts
    from every address are forgotten. The number of forgotten attempts."""
    if session.scalar(select(User).where(User.username == username)) is None:
        raise PeopleError(f"no user {username!r}")
    return signin.clear_name(session, username)


def disable_user(session: Session, now: datetime, username: str) -> User:
    """The user can no longer sign in; their sessions end now and their API token stops."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise PeopleError(f"no user {username!r}")
    user.active = False
    user.token_hash = None
    signin.end_sessions_of(session, now, user.id)
    return user


def add_user(session: Session, now: datetime, username: str, name: str, role: Role,
             password: str, agency_codes: list[str]) -> User:
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise PeopleError(f"user {username!r} already exists")
    agencies = list(session.scalars(select(Agency).where(Agency.code.in_(agency_codes))))
    unknown = set(agency_codes) - {a.code for a in agencies}
    if unknown:
        raise PeopleError(f"unknown agency {', '.join(sorted(unknown))}")
    if role is not Role.ADMIN and not agencies:
        article = "an" if role.value[0] in "aeiou" else "a"  # "an officer", "a supervisor"
        raise PeopleError(f"{article} {role.value} needs at least one --agency")
    user = User(username=username, name=name, role=role, password_hash=hash_password(password),
                created_at=now, agencies=agencies)
    session.add(user)
    session.flush()
    return user


def issue_user_token(session: Session, username: str) -> str:
    """A new API token for the user (the old one stops working); only its hash is kept."""
    user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None:
        raise PeopleError(f"no active user {username!r}")
    token = new_token()
    user.token_hash = hash_token(token)
    return token


def issue_device_token(session: Session, device_id: str) -> str:
    device = session.get(Device, device_id)
    if device is None or not device.active:
        raise PeopleError(f"no kiosk or display {device_id!r} in config.yaml")
    token = new_token()
    device.token_hash = hash_token(token)
    return token


def device_by_token(session: Session, token: str | None, *, kind: DeviceKind | None = None,
                    device_id: str | None = None) -> Device | None:
    """The active device this token belongs to (optionally of a kind, or a given id)."""
    if not token:
        return None
    device = session.scalar(_device_by_hash(), {"hash": hash_token(token)})
    if device is None or (kind is not None and device.kind is not kind):
        return None
    if device_id is not None and device.id != device_id:
        return None
    return device


def user_by_token(session: Session, token: str | None) -> User | None:
    """The active user of an API token, with their agencies (every staff request checks
    them: joined here, not one more query later)."""
    if not token:
        return None
    return session.scalars(_user_by_hash(), {"hash": hash_token(token)}).unique() \
        .one_or_none()


# Built once with a bound hash: every kiosk and officer request starts with one of these, and
# building a statement and its cache key cost more Python than running it.
@lru_cache(maxsize=1)
def _device_by_hash() -> Select[Device]:
    return select(Device).where(Device.token_hash == bindparam("hash"), Device.active)


@lru_cache(maxsize=1)
def _user_by_hash() -> Select[User]:
    return (select(User).where(User.token_hash == bindparam("hash"), User.active)
            .options(joinedload(User.agencies)))
