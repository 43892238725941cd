"""Managing staff: who may change whom, and the changes themselves.

An administrator manages everyone; a supervisor manages the officers of their own agencies
(and only gives them those agencies). Nobody raises their own role, and the last active
administrator is neither disabled nor demoted. Signing in and its limits stay in
`queue_server.people` and `queue_server.signin`; these functions reuse them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from queue_server import people, signin
from queue_server.models import Agency, Role, User
from queue_server.queue.errors import DomainError

RANK = {Role.OFFICER: 0, Role.SUPERVISOR: 1, Role.ADMIN: 2}


class UnknownUser(DomainError):
    code, status = "unknown_user", 404
    message_id = "Pengguna '{username}' tidak dikenal."
    message_en = "Unknown user '{username}'."


class NotYours(DomainError):
    code, status = "forbidden", 403
    message_id = "Anda tidak boleh mengubah {username}: {why_id}."
    message_en = "You may not change {username}: {why_en}."


class LastAdmin(DomainError):
    code, status = "last_admin", 409
    message_id = "{username} adalah administrator aktif terakhir; tambahkan yang lain dulu."
    message_en = "{username} is the last active administrator; add another one first."


class OwnRole(DomainError):
    code, status = "own_role", 403
    message_id = "Anda tidak dapat menaikkan peran Anda sendiri."
    message_en = "You cannot raise your own role."


class BadPeopleRequest(DomainError):
    code, status = "invalid_request", 422
    message_id = "{reason_id}"
    message_en = "{reason_en}"


class UserExists(DomainError):
    code, status = "user_exists", 409
    message_id = "Pengguna '{username}' sudah ada."
    message_en = "User '{username}' already exists."


@dataclass(frozen=True)
class Changed:
    user: User
    changes: dict[str, object]
    password: str | None = None  # a generated password, shown once


def find_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise UnknownUser(username=username)
    return user


def visible_users(session: Session, manager: User) -> list[User]:
    """The people a manager sees: everyone for an administrator; for a supervisor, the
    officers and supervisors who share one of their agencies."""
    users = list(session.scalars(select(User).order_by(User.username)))
    if manager.role is Role.ADMIN:
        return users
    mine = {a.id for a in manager.agencies}
    return [u for u in users if u.role is not Role.ADMIN and mine & {a.id for a in u.agencies}]


def may_manage(manager: User, user: User) -> bool:
    if manager.role is Role.ADMIN:
        return True
    mine = {a.id for a in manager.agencies}
    return (manager.role is Role.SUPERVISOR and user.role is Role.OFFICER
            and bool(user.agencies) and {a.id for a in user.agencies} <= mine)


def require_manages(manager: User, user: User) -> None:
    if not may_manage(manager, user):
        raise NotYours(username=user.username,
                       why_id="hanya petugas instansi Anda yang dapat Anda kelola",
                       why_en="you manage only the officers of your agencies")


def last_sign_in(session: Session, user_ids: list[int]) -> dict[int, datetime]:
    rows = session.execute(select(signin.StaffSession.user_id, func.max(
        signin.StaffSession.started_at)).where(signin.StaffSession.user_id.in_(user_ids))
        .group_by(signin.StaffSession.user_id))
    return {user_id: at for user_id, at in rows}


def failed_sign_ins(session: Session, since: datetime, users: list[User]) -> dict[int, int]:
    """Failed sign-ins on each person's name since `since` (what slows or locks it)."""
    keys = {signin.name_key(u.username): u.id for u in users}
    rows = session.execute(select(signin.SignInFailure.key, func.count())
                           .where(signin.SignInFailure.key.in_(keys),
                                  signin.SignInFailure.at > since)
                           .group_by(signin.SignInFailure.key))
    return {keys[key]: count for key, count in rows}


def _agencies(session: Session, manager: User, codes: list[str], role: Role) -> list[Agency]:
    found = list(session.scalars(select(Agency).where(Agency.code.in_(codes))))
    unknown = sorted(set(codes) - {a.code for a in found})
    if unknown:
        raise BadPeopleRequest(reason_id=f"instansi tidak dikenal: {', '.join(unknown)}",
                               reason_en=f"unknown agency: {', '.join(unknown)}")
    if role is not Role.ADMIN and not found:
        raise BadPeopleRequest(reason_id="pilih sedikitnya satu instansi",
                               reason_en="choose at least one agency")
    if manager.role is not Role.ADMIN:
        mine = {a.id for a in manager.agencies}
        if any(a.id not in mine for a in found):
            raise NotYours(username="-", why_id="instansi itu bukan instansi Anda",
                           why_en="that agency is not yours")
    return found


def _require_role(manager: User, role: Role) -> None:
    if manager.role is not Role.ADMIN and role is not Role.OFFICER:
        raise NotYours(username="-", why_id="Anda hanya dapat memberi peran petugas",
                       why_en="you can give only the officer role")


def _active_admins(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active)) or 0)


def _keep_an_admin(session: Session, user: User) -> None:
    if user.role is Role.ADMIN and user.active and _active_admins(session) <= 1:
        raise LastAdmin(username=user.username)


def new_password() -> str:
    return secrets.token_urlsafe(9)  # 12 characters, shown once


def add(session: Session, now: datetime, manager: User, *, username: str, name: str,
        role: Role, agencies: list[str], password: str | None) -> Changed:
    _require_role(manager, role)
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise UserExists(username=username)
    _agencies(session, manager, agencies, role)
    chosen = password or new_password()
    try:
        user = people.add_user(session, now, username, name, role, chosen, agencies)
    except people.PeopleError as error:
        raise BadPeopleRequest(reason_id=str(error), reason_en=str(error)) from None
    changes: dict[str, object] = {"role": role.value, "agencies": ", ".join(sorted(agencies)),
                                  "name": name}
    return Changed(user, changes, None if password else chosen)


def change(session: Session, now: datetime, manager: User, user: User, *,
           name: str | None = None, role: Role | None = None,
           agencies: list[str] | None = None) -> Changed:
    """Change a person's name, role or agencies (what is None stays)."""
    require_manages(manager, user)
    changes: dict[str, object] = {}
    if role is not None and role is not user.role:
        if user.id == manager.id and RANK[role] > RANK[user.role]:
            raise OwnRole()
        _require_role(manager, role)
        if user.role is Role.ADMIN:
            _keep_an_admin(session, user)
        changes["role"] = [user.role.value, role.value]
        user.role = role
    if agencies is not None:
        found = _agencies(session, manager, agencies, user.role)
        before = sorted(a.code for a in user.agencies)
        if before != sorted(agencies):
            changes["agencies"] = [before, sorted(agencies)]
            user.agencies = found
    elif role is not None and user.role is not Role.ADMIN and not user.agencies:
        raise BadPeopleRequest(reason_id="pilih sedikitnya satu instansi",
                               reason_en="choose at least one agency")
    if name is not None and name != user.name:
        changes["name"] = [user.name, name]
        user.name = name
    if changes.get("role"):
        signin.end_sessions_of(session, now, user.id)  # a new role: sign in again
    return Changed(user, changes)


def disable(session: Session, now: datetime, manager: User, user: User) -> Changed:
    require_manages(manager, user)
    _keep_an_admin(session, user)
    people.disable_user(session, now, user.username)
    return Changed(user, {"active": [True, False]})


def enable(session: Session, manager: User, user: User) -> Changed:
    require_manages(manager, user)
    user.active = True
    return Changed(user, {"active": [False, True]})


def reset_password(session: Session, now: datetime, manager: User, user: User,
                   password: str | None) -> Changed:
    """A new password (the given one, or a generated one shown once); their sessions end."""
    require_manages(manager, user)
    chosen = password or new_password()
    try:
        user.password_hash = people.hash_password(chosen)
    except people.PeopleError as error:
        raise BadPeopleRequest(reason_id=str(error), reason_en=str(error)) from None
    signin.end_sessions_of(session, now, user.id)
    return Changed(user, {"password": "reset"}, None if password else chosen)


def revoke_token(session: Session, manager: User, user: User) -> Changed:
    require_manages(manager, user)
    had = user.token_hash is not None
    user.token_hash = None
    return Changed(user, {"api_token": "revoked" if had else "none"})


def unlock(session: Session, manager: User, user: User) -> Changed:
    require_manages(manager, user)
    forgotten = people.unlock_sign_in(session, user.username)
    return Changed(user, {"forgotten_failures": forgotten})
