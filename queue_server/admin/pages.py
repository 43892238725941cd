"""The administration pages under /console/admin: people, devices, services and counters,
and the audit log.

Static HTML and small modules in the console's look (console/base.html, console.css, its
sign-in and API modules); everything shown comes from /api/v1/admin, which decides who may
see and change what.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from queue_server.context import runtime

bp = Blueprint("admin", __name__, url_prefix="/console/admin", template_folder="templates",
               static_folder="static", static_url_path="/static")


@bp.get("", defaults={"section": "people"})
@bp.get("/<any(devices, hall, services, audit):section>")
def page(section: str) -> ResponseReturnValue:
    """One page, drawn by its section's module (static/<section>.js)."""
    hall = runtime().hall
    config = {"site": hall.site.short_name, "section": section,
              "timezone": hall.site.timezone}
    return render_template("admin/admin.html", config=config, section=section)
