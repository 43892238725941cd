"""The HTTP edge's own defences, for every page and API route alike.

- Bodies are limited in size (`MAX_BODY_BYTES`): Werkzeug refuses a longer one with 413
  before reading it, so a 20 MB body never reaches a parser, even on the public login.
- Integer ids in addresses stop at 64 bits: a larger number matches no route (404) instead of
  overflowing the database driver.
- Control characters in the address (path or query) are refused with 400: PostgreSQL would
  refuse a NUL with a server error, SQLite would store it.
- Every answer carries the headers that keep pages from being framed, sniffed or made to run
  scripts from elsewhere (`HEADERS`, `CONTENT_SECURITY_POLICY`).
- The session cookie is SameSite=Lax, HttpOnly, and Secure when ANTRE_SECURE_COOKIES says
  the hall is served over TLS.
- X-Forwarded-For and X-Forwarded-Proto are believed only from the proxies listed in
  ANTRE_PROXIES (`TrustedProxies`): anyone can send the headers, only those can mean them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.routing import IntegerConverter

from queue_server.settings import Settings

MAX_BODY_BYTES = 256 * 1024  # the largest honest body (a running text, a report query) is ~2 KB
MAX_ID = 2**63 - 1  # BIGINT on PostgreSQL, INTEGER on SQLite
CSRF_TIME_LIMIT_S = 2 * 3600  # a console fetches a new token when its own is refused

# Any C0 control character but tab, line feed and carriage return, and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Pages load their scripts and styles from this server only (/static, /vendor); the inline
# <script type="application/json"> blocks carry data, not code, so 'self' holds. Socket.IO
# connects back to the same host (ws: or wss:). Audio and images may be data: or blob: URLs
# (the chime, a QR code drawn in the page).
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to what the database stores (a 64-bit signed integer)."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def init_security(app: Flask, settings: Settings) -> None:
    """Wire the limits, the address check and the headers; call before any blueprint is
    registered (the `int` converter is read when routes are added)."""
    app.url_map.converters["int"] = IdConverter
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=CSRF_TIME_LIMIT_S,
        WTF_CSRF_SSL_STRICT=settings.secure_cookies,
    )
    app.before_request(refuse_control_characters)
    app.after_request(add_headers)
    app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
        app.wsgi_app, settings.trusted_proxies)


def refuse_control_characters() -> tuple[Response, int] | None:
    """400 for a control character anywhere in the decoded path or query."""
    if not CONTROL.search(request.path) and not any(
            CONTROL.search(key) or CONTROL.search(value)
            for key, value in request.args.items(multi=True)):
        return None
    english = request.args.get("lang") == "en"
    message = ("The address contains control characters." if english else
               "Alamat mengandung karakter kontrol.")
    return jsonify({"error": {"code": "control_characters", "message": message}}), 400


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


Network = IPv4Network | IPv6Network


class TrustedProxies:
    """WSGI middleware: the visitor's address from X-Forwarded-For, when the request came
    from one of the hall's proxies.

    The header is read from the right: each hop appends the address it received from, so the
    rightmost addresses that are the hall's own proxies are skipped and the first one that is
    not is the visitor. A request from any other address keeps its own address and loses the
    forwarded headers, so no one can choose the address a rate limit counts.
    """

    def __init__(self, app: Any, proxies: Iterable[Network]) -> None:
        self.app = app
        self.proxies = list(proxies)

    def trusted(self, address: str) -> bool:
        try:
            parsed = ip_address(address.strip())
        except ValueError:
            return False
        return any(parsed in network for network in self.proxies)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
        forwarded = environ.pop("HTTP_X_FORWARDED_FOR", "")
        scheme = environ.pop("HTTP_X_FORWARDED_PROTO", "")
        if self.proxies and self.trusted(environ.get("REMOTE_ADDR", "")):
            hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
            while hops and self.trusted(hops[-1]):
                hops.pop()
            if hops:
                environ["REMOTE_ADDR"] = hops[-1]
            if scheme.strip().lower() in ("http", "https"):
                environ["wsgi.url_scheme"] = scheme.strip().lower()
        result: Iterator[bytes] = self.app(environ, start_response)
        return result
