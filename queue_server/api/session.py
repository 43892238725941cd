"""Signing in and out.

Failed attempts are limited where the attacker is, not where the victim is: an address that
fails too often with any names, or with one name, must wait; a name under attack from many
addresses is only slowed, never locked, so nobody can lock an officer (or the administrator)
out by guessing at their name. An administrator can lift the limits on a name.

A signed-in browser holds a server-side session (`queue_server.signin`): signing out or
disabling the user ends it, so a copied cookie stops working at once.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from flask import Blueprint, session
from flask_login import UserMixin, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from queue_server import signin
from queue_server.api.auth import client_address, require_user
from queue_server.api.errors import ApiError
from queue_server.api.spec import endpoint
from queue_server.context import db, now
from queue_server.extensions import csrf, login_manager
from queue_server.models import Role, User
from queue_server.people import PeopleError, password_matches, unlock_sign_in
from queue_server.schemas import CsrfOut, LoginOut, LoginRequest, UnlockOut, UserOut

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=15)
ADDRESS_LIMIT = 30  # failures from one address (any names) before it must wait
PAIR_LIMIT = 10  # failures from one address for one name before that pair must wait
SLOW_AFTER = 5  # failures on a name (from anywhere) before each attempt on it is slowed
DELAY_STEP_S = 0.25  # each failure past SLOW_AFTER waits this much longer
MAX_DELAY_S = 2.0
SESSION_KEY = "antre_session"  # the server-side session's id, in the signed cookie


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/auth/csrf", summary="A CSRF token for the login session (valid "
                                               "two hours; fetch a new one when refused)",
              tag="auth", answers={200: CsrfOut}, errors=())
    def auth_csrf() -> CsrfOut:
        return CsrfOut(csrf_token=generate_csrf())

    @endpoint(bp, "POST", "/auth/login", summary="Sign in with a username and password",
              tag="auth", body=LoginRequest, answers={200: LoginOut},
              errors=(400, 401, 403, 422, 429))
    def auth_login(body: LoginRequest) -> LoginOut:
        csrf.protect()
        user = _check_password(body.username, body.password)
        signin.clear_failures(db(), [signin.pair_key(client_address(), body.username),
                                     signin.name_key(body.username)])
        session[SESSION_KEY] = signin.start_session(db(), now(), user)
        db().commit()
        login_user(SignedIn(user.id))
        return LoginOut(user=user_out(user), csrf_token=generate_csrf())

    @endpoint(bp, "POST", "/auth/logout", summary="Sign out (the session ends on the server)",
              tag="auth", answers={204: None}, errors=(401, 403))
    def auth_logout() -> None:
        require_user()
        signin.end_session(db(), now(), session.pop(SESSION_KEY, None))
        db().commit()
        logout_user()

    @endpoint(bp, "GET", "/auth/me", summary="The signed-in user", tag="auth",
              answers={200: UserOut}, auth=("session", "bearer"), errors=(401,))
    def auth_me() -> UserOut:
        return user_out(require_user())

    @endpoint(bp, "POST", "/users/<username>/unlock", tag="auth", answers={200: UnlockOut},
              auth=("session", "bearer"), errors=(401, 403, 404),
              summary="Lift the sign-in limits on a name, from every address "
                      "(administrators; also `antre user unlock`)")
    def unlock_user(username: str) -> UnlockOut:
        require_user(Role.ADMIN)
        try:
            forgotten = unlock_sign_in(db(), username)
        except PeopleError:
            raise ApiError("unknown_user", 404, f"Pengguna '{username}' tidak dikenal.",
                           f"Unknown user '{username}'.") from None
        db().commit()
        log.warning("sign-in limits on %r lifted (%d failed attempts forgotten)", username,
                    forgotten)
        return UnlockOut(username=username, forgotten_failures=forgotten)


def _check_password(username: str, password: str) -> User:
    """The user, if the password is theirs and the limits allow trying; else refused, and the
    failure counted."""
    address, at = client_address(), now()
    pair = signin.pair_key(address, username)
    if signin.failures(db(), at, signin.address_key(address), WINDOW) >= ADDRESS_LIMIT:
        raise ApiError("login_rate_limited", 429,
                       "Terlalu banyak percobaan masuk yang gagal dari perangkat ini; "
                       "coba lagi 15 menit lagi.",
                       "Too many failed sign-ins from this device; try again in 15 minutes.")
    if signin.failures(db(), at, pair, WINDOW) >= PAIR_LIMIT:
        raise ApiError("login_locked", 429,
                       "Terlalu banyak percobaan gagal untuk nama ini dari perangkat ini; "
                       "coba lagi 15 menit lagi atau minta administrator membukanya.",
                       "Too many failed attempts for this name from this device; try again "
                       "in 15 minutes or ask an administrator to unlock it.")
    on_name = signin.failures(db(), at, signin.name_key(username), WINDOW)
    if on_name >= SLOW_AFTER:
        time.sleep(min(MAX_DELAY_S, DELAY_STEP_S * (on_name - SLOW_AFTER + 1)))
    user = db().scalar(select(User).where(User.username == username))
    if password_matches(user, password):  # as slow for an unknown name: names stay secret
        assert user is not None
        return user
    signin.record_failure(db(), at, [signin.address_key(address), pair,
                                     signin.name_key(username)], WINDOW)
    db().commit()
    log.warning("failed sign-in for %r from %s (%d on the name)", username, address,
                on_name + 1)
    raise ApiError("invalid_credentials", 401, "Nama pengguna atau kata sandi salah.",
                   "Wrong username or password.")


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, name=user.name, role=user.role,
                   agencies=[a.code for a in user.agencies])


class SignedIn(UserMixin):
    """What the login cookie remembers: only the user's id (the model stays framework-free)."""

    def __init__(self, user_id: int) -> None:
        self.id = user_id


@login_manager.user_loader
def _load_user(user_id: str) -> SignedIn | None:
    """The cookie's user, while its server-side session lives (also for Socket.IO)."""
    try:
        wanted = int(user_id)
    except ValueError:
        return None
    user = signin.session_user(db(), session.get(SESSION_KEY), wanted)
    return SignedIn(user.id) if user is not None else None
