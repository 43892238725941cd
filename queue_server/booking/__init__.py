"""The public booking page, `/ambil`: take today's number or book a time from a phone.

One light page (no framework, no live connection): the server renders the shell with the
hall's day and zone; a small module walks the visitor through agency → service → when →
phone number → the e-ticket, using the public booking API (`/api/v1/bookings/...`). Every
refusal's words come from that API, in the visitor's language.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue

from queue_server.context import db, now, runtime
from queue_server.queue.common import get_site, site_time

bp = Blueprint("booking", __name__, url_prefix="/ambil", template_folder="templates",
               static_folder="static", static_url_path="/static")

@bp.get("")
def booking_page() -> ResponseReturnValue:
    # Indonesian unless the address asks for English, as the ticket page does.
    lang = "en" if request.args.get("lang") == "en" else "id"
    hall = runtime().hall
    site = hall.site
    local = site_time(get_site(db()), now())
    today = local.date()
    config = {
        "lang": lang, "site": site.short_name, "timezone": site.timezone,
        "timezone_label": site.timezone_label, "today": today.isoformat(),
        "time": local.strftime("%H:%M"),  # today's times already begun are not offered
        "enabled": hall.remote.enabled,
        # The privacy note says when the number goes on to the hall's SMS/WhatsApp gateway.
        "gateway": hall.remote.webhook_url is not None,
        # The dates an appointment may be booked on (the slots API says which are open).
        "days": [(today + timedelta(days=n)).isoformat()
                 for n in range(hall.remote.days_ahead + 1)],
    }
    body = render_template("booking/page.html", config=config, lang=lang)
    response = Response(body)
    # The page holds nothing personal, but an e-ticket on it does once booked.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
