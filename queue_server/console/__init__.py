"""The officer's console (`/console`), the supervisor's overview (`/console/overview`) and
the reports (`/console/reports`, printable at `/console/reports/print`).

Both pages are static HTML and small JavaScript modules; everything they show comes from the
JSON API and the Socket.IO hub, so a call button or a script sees the same hall.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from queue_server.console.presence import HEARTBEAT_S
from queue_server.console.reports_page import report_page
from queue_server.context import db, runtime
from queue_server.queue.common import get_site

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")


def _page_config() -> dict[str, Any]:
    site = get_site(db())
    hall = runtime().hall
    return {"site": hall.site.short_name, "timezone": site.timezone,
            "timezone_label": hall.site.timezone_label,
            "recalls_before_no_show": site.recalls_before_no_show,
            "late_return_places": site.late_return_places, "heartbeat_s": HEARTBEAT_S}


@bp.get("")
def console() -> ResponseReturnValue:
    return render_template("console/console.html", config=_page_config())


@bp.get("/overview")
def overview() -> ResponseReturnValue:
    return render_template("console/overview.html", config=_page_config())


@bp.get("/reports")
def reports() -> ResponseReturnValue:
    return report_page("console/reports.html", _page_config())


@bp.get("/reports/print")
def reports_print() -> ResponseReturnValue:
    return report_page("console/reports_print.html", _page_config())
