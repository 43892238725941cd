"""Who is asking: an officer's session or API token, or a kiosk's or display's device token.

Cookie sessions must carry a CSRF token on writes; bearer tokens cannot be sent by another
site, so they need none. Kiosks and displays have no users; their token names the device.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from flask_login import current_user

from queue_server.api.errors import ApiError
from queue_server.context import db, runtime
from queue_server.extensions import csrf
from queue_server.models import Counter, Device, DeviceKind, Role, User
from queue_server.people import device_by_token, hash_token, may_see_agency, user_by_token
from queue_server.queue import counters

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class Actor:
    user: User | None = None
    device: Device | None = None
    via_session: bool = False


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def actor() -> Actor:
    """The caller, resolved once per request."""
    if "actor" not in g:
        g.actor = _resolve()
    found: Actor = g.actor
    return found


def _resolve() -> Actor:
    token = bearer_token()
    if token is not None:
        return _bearer(token)
    if current_user.is_authenticated:
        user = db().get(User, int(current_user.get_id()))
        if user is not None and user.active:
            return Actor(user=user, via_session=True)
    return Actor()


def _as_user(token: str) -> Actor | None:
    user = user_by_token(db(), token)
    return Actor(user=user) if user is not None else None


def _as_device(token: str) -> Actor | None:
    device = device_by_token(db(), token)
    return Actor(device=device) if device is not None else None


# Whether a token (by its hash) was last found among the devices' tokens or the users': a
# kiosk or display, which sends the same token all day, then skips the users' table it is not
# in. Only an order to search in, so a stale entry costs one lookup, never a wrong answer.
_FOUND_AMONG_DEVICES: dict[str, bool] = {}
_REMEMBERED = 4096


def _bearer(token: str) -> Actor:
    key = hash_token(token)
    device_first = _FOUND_AMONG_DEVICES.get(key, False)
    for lookup in (_as_device, _as_user) if device_first else (_as_user, _as_device):
        found = lookup(token)
        if found is not None:
            if len(_FOUND_AMONG_DEVICES) >= _REMEMBERED:
                _FOUND_AMONG_DEVICES.clear()
            _FOUND_AMONG_DEVICES[key] = found.device is not None
            return found
    raise ApiError("invalid_token", 401, "Token tidak sah.", "The token is not valid.")


def require_user(*roles: Role) -> User:
    """The signed-in staff member (of one of `roles`, if given); writes by cookie need CSRF."""
    who = actor()
    if who.user is None:
        raise ApiError("unauthorized", 401, "Silakan masuk terlebih dahulu.",
                       "Sign in first.")
    if roles and who.user.role not in roles:
        raise ApiError("forbidden", 403, "Peran Anda tidak diizinkan melakukan ini.",
                       "Your role is not allowed to do this.")
    if who.via_session and request.method in UNSAFE:
        csrf.protect()
    return who.user


def require_device(kind: DeviceKind, device_id: str | None = None) -> Device:
    who = actor()
    if who.device is None or who.device.kind is not kind or (
            device_id is not None and who.device.id != device_id):
        raise ApiError("unauthorized", 401, f"Perlu token perangkat {kind.value}.",
                       f"A {kind.value} device token is needed.")
    return who.device


def counter_for(user: User, counter_id: str, *, acting: bool) -> Counter:
    """The counter, if this user may see it (`acting`: and work it).

    Staff see the counters of their agencies (an administrator: all). Acting, the counter is
    locked for the request's transaction (the engine's actions then find it held, not read
    again) and the engine says whether this user may work it (`require_holder`).
    """
    counter = (counters.lock_counter if acting else counters.find_counter)(db(), counter_id)
    if not may_see_agency(user, counter.agency_id):
        raise ApiError("forbidden", 403, f"{counter.name} bukan loket instansi Anda.",
                       f"{counter.name} is not a counter of your agency.")
    if acting:
        counters.require_holder(db(), counter, user.id, take_over=user.role is not Role.OFFICER)
    return counter


def client_address() -> str:
    return request.remote_addr or "unknown"


def over_public_limit(bucket: str, per_minute: int) -> bool:
    """Count an unauthenticated caller's request (by address); whether it is one too many.
    Signed-in staff and devices are not counted."""
    who = actor()
    if who.user is not None or who.device is not None:
        return False
    return runtime().windows.hit(f"public:{bucket}:{client_address()}", 60) > per_minute


def limit_public(bucket: str, per_minute: int) -> None:
    """Rate-limit unauthenticated callers by address; signed-in staff and devices pass."""
    if over_public_limit(bucket, per_minute):
        raise ApiError("rate_limited", 429,
                       "Terlalu banyak permintaan; coba lagi sebentar lagi.",
                       "Too many requests; try again in a minute.")
