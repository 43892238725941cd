"""Sign-in state kept in the database: staff sessions, and failed sign-in attempts.

A session cookie only names a row of `staff_sessions` (by a random id, stored hashed): signing
out or disabling the user ends the row, so a copied cookie stops working at once, in every
server process, and after a restart. Failed attempts are rows too, counted in a sliding window
by address, by address and name, and by name, so the limits hold across processes and
restarts without Redis, and an administrator can lift them (`antre user unlock`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Index, String, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from queue_server.models import Base, User


def _hashed(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class StaffSession(Base):
    """One signed-in browser. Ended (not deleted) so the audit keeps who was signed in when."""

    __tablename__ = "staff_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class SignInFailure(Base):
    """One failed attempt under one counting key ("address:...", "pair:...", "name:...")."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]


# --- sessions ---------------------------------------------------------------------------------

def start_session(session: Session, now: datetime, user: User) -> str:
    """A new session for `user`; the returned id goes into the (signed) cookie."""
    raw = secrets.token_urlsafe(32)
    session.add(StaffSession(id=_hashed(raw), user_id=user.id, started_at=now))
    return raw


def session_user(session: Session, raw: str | None, user_id: int) -> User | None:
    """The active user of a live session, if `raw` names one of `user_id`'s."""
    if not raw:
        return None
    row = session.get(StaffSession, _hashed(raw))
    if row is None or row.ended_at is not None or row.user_id != user_id:
        return None
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def end_session(session: Session, now: datetime, raw: str | None) -> None:
    if raw:
        session.execute(update(StaffSession)
                        .where(StaffSession.id == _hashed(raw), StaffSession.ended_at.is_(None))
                        .values(ended_at=now))


def end_sessions_of(session: Session, now: datetime, user_id: int) -> int:
    """End every live session of a user (disabled, or their password changed)."""
    result = session.execute(update(StaffSession)
                             .where(StaffSession.user_id == user_id,
                                    StaffSession.ended_at.is_(None))
                             .values(ended_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- failed attempts ------------------------------------------------------------------------

def address_key(address: str) -> str:
    return f"address:{address}"


def pair_key(address: str, username: str) -> str:
    return f"pair:{address}|{username.lower()}"


def name_key(username: str) -> str:
    return f"name:{username.lower()}"


def failures(session: Session, now: datetime, key: str, window: timedelta) -> int:
    count = session.scalar(select(func.count()).select_from(SignInFailure)
                           .where(SignInFailure.key == key, SignInFailure.at > now - window))
    return int(count or 0)


def record_failure(session: Session, now: datetime, keys: list[str],
                   window: timedelta) -> None:
    """Count one failed attempt under each key; what fell out of the window is dropped."""
    session.execute(delete(SignInFailure).where(SignInFailure.at <= now - window))
    session.add_all(SignInFailure(key=key[:200], at=now) for key in keys)


def clear_failures(session: Session, keys: list[str]) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.key.in_(keys)))


def clear_name(session: Session, username: str) -> int:
    """Forget the failed attempts on a name, from every address."""
    literal = username.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    result = session.execute(delete(SignInFailure).where(or_(
        SignInFailure.key == name_key(username),
        SignInFailure.key.like(f"pair:%|{literal}", escape="\\"))))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
