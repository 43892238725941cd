"""Signing in and out. Failed attempts are slowed, then locked for a while."""

from __future__ import annotations

import logging
import time

from flask import Blueprint
from flask_login import UserMixin, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from queue_server.api.auth import client_address, require_user
from queue_server.api.errors import ApiError
from queue_server.api.spec import endpoint
from queue_server.context import db, runtime
from queue_server.extensions import csrf, login_manager
from queue_server.models import User
from queue_server.people import password_matches
from queue_server.schemas import CsrfOut, LoginOut, LoginRequest, UserOut

log = logging.getLogger(__name__)

SLOW_AFTER = 5  # failures in the window before each answer is delayed
LOCK_AFTER = 10  # failures in the window before the name is locked
WINDOW_S = 15 * 60
MAX_DELAY_S = 2.0
DELAY_STEP_S = 0.25  # each failure past SLOW_AFTER waits this much longer


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/auth/csrf", summary="A CSRF token for the login session",
              tag="auth", answers={200: CsrfOut}, errors=())
    def auth_csrf() -> CsrfOut:
        return CsrfOut(csrf_token=generate_csrf())

    @endpoint(bp, "POST", "/auth/login", summary="Sign in with a username and password",
              tag="auth", body=LoginRequest, answers={200: LoginOut},
              errors=(400, 401, 403, 422, 429))
    def auth_login(body: LoginRequest) -> LoginOut:
        csrf.protect()
        key = f"login:{body.username.lower()}"
        failures = runtime().windows.count(key)
        if failures >= LOCK_AFTER:
            raise ApiError("login_locked", 429,
                           "Terlalu banyak percobaan gagal; akun dikunci 15 menit.",
                           "Too many failed attempts; sign-in is locked for 15 minutes.")
        user = db().scalar(select(User).where(User.username == body.username, User.active))
        if user is None or not password_matches(user, body.password):
            failures = runtime().windows.hit(key, WINDOW_S)
            log.warning("failed sign-in for %r from %s (%d)", body.username, client_address(),
                        failures)
            if failures > SLOW_AFTER:
                time.sleep(min(MAX_DELAY_S, DELAY_STEP_S * (failures - SLOW_AFTER)))
            raise ApiError("invalid_credentials", 401, "Nama pengguna atau kata sandi salah.",
                           "Wrong username or password.")
        runtime().windows.clear(key)
        login_user(SignedIn(user.id))
        return LoginOut(user=user_out(user), csrf_token=generate_csrf())

    @endpoint(bp, "POST", "/auth/logout", summary="Sign out", tag="auth", answers={204: None},
              errors=(401, 403))
    def auth_logout() -> None:
        require_user()
        logout_user()

    @endpoint(bp, "GET", "/auth/me", summary="The signed-in user", tag="auth",
              answers={200: UserOut}, auth=("session", "bearer"), errors=(401,))
    def auth_me() -> UserOut:
        return user_out(require_user())


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, name=user.name, role=user.role,
                   agencies=[a.code for a in user.agencies])


class SignedIn(UserMixin):
    """What the login cookie remembers: only the user's id (the model stays framework-free)."""

    def __init__(self, user_id: int) -> None:
        self.id = user_id


@login_manager.user_loader
def _load_user(user_id: str) -> SignedIn | None:
    user = db().get(User, int(user_id))
    return SignedIn(user.id) if user is not None and user.active else None
