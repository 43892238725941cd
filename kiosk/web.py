"""The kiosk touch screen, `/kiosk/<id>`: a page that speaks to the server only through the
JSON API and Socket.IO, never the database.

The page holds the kiosk's device token in the browser (`localStorage`), put there once by the
setup link `/kiosk/<id>?token=<device token>`; the token authenticates its Socket.IO connection
(`{"kiosk": id, "token": ...}`) and its `POST /api/v1/tickets`.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

KIOSK_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
IDLE_S = 30  # back to the start screen after this long without a touch
PRINT_WAIT_S = 8  # no word from the printer by then: show the ticket as an e-ticket


def _seconds(name: str, default: float, low: float, high: float) -> float:
    """A timing from the address (`?idle=2`, for tests and demos), kept within reason."""
    try:
        value = float(request.args.get(name, default))
    except ValueError:
        return default
    return min(high, max(low, value))


def kiosk_blueprint(site_name: str, short_name: str,
                    kiosk_ids: Collection[str] | None = None,
                    booking_code: tuple[str, int] | None = None) -> Blueprint:
    """The kiosk page for a hall; the server mounts it with the hall's names and kiosk ids
    (None: any well-formed id, the page then learns from the server whether it exists) and,
    when the hall takes bookings from home, the booking codes' (alphabet, length) for the
    check-in screen's keyboard and the scanner."""
    bp = Blueprint("kiosk", __name__, url_prefix="/kiosk", template_folder="templates",
                   static_folder="static", static_url_path="/static")

    @bp.get("/<kiosk_id>")
    def kiosk_page(kiosk_id: str) -> ResponseReturnValue:
        if not KIOSK_ID.match(kiosk_id):
            abort(404)
        if kiosk_ids is not None and kiosk_id not in kiosk_ids:
            known = ", ".join(sorted(kiosk_ids)) or "(belum ada)"
            abort(404, f"Kiosk '{kiosk_id}' tidak ada di config.yaml (bagian kiosks:). Kiosk "
                       f"yang ada: {known}. Tambahkan kiosk baru di config.yaml, jalankan "
                       f"`antre config apply`, lalu `antre device token <id>`.")
        body = render_template(
            "kiosk/kiosk.html", kiosk_id=kiosk_id, site_name=site_name, short_name=short_name,
            idle_s=_seconds("idle", IDLE_S, 1, 600),
            print_wait_s=_seconds("printwait", PRINT_WAIT_S, 1, 60), booking_code=booking_code)
        # The setup link carries the device token: keep it out of caches and referrers.
        return body, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

    return bp
