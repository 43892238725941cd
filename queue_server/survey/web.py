"""The survey's pages: the rating screen beside a counter (`/survey/<screen>`, opened once with
`?token=<device token>`, like a display) and the SKM report (`/console/reports/skm`).

Both are static HTML and ES modules; what they show comes from the API
(`/api/v1/survey-screens/<screen>`, `/api/v1/reports/skm`) and the hub.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from queue_server.context import db, now, runtime
from queue_server.queue.common import get_site, service_day
from queue_server.survey.elements import questionnaire

bp = Blueprint("survey", __name__, template_folder="templates")


@bp.get("/survey/<screen_id>")
def screen_page(screen_id: str) -> ResponseReturnValue:
    hall = runtime().hall
    screen = next((s for s in hall.survey_screens if s.id == screen_id), None)
    if screen is None:
        abort(404, f"Layar penilaian '{screen_id}' tidak ada di config.yaml.")
    counter = next((c for c in hall.counters if c.id == screen.counter), None)
    page: dict[str, Any] = {
        "screen": {"id": screen.id, "name": screen.name, "timeout_s": screen.timeout_seconds},
        "counter": {"id": screen.counter, "name": counter.name if counter else screen.counter},
        "site": hall.site.short_name,
        "questionnaire": {language: questionnaire(language) for language in ("id", "en")},
    }
    response = render_template("survey/screen.html", page=page)
    return response, 200, {"Cache-Control": "no-store"}


@bp.get("/console/reports/skm")
def skm_page() -> ResponseReturnValue:
    hall = runtime().hall
    site = get_site(db())
    config = {"site": hall.site.short_name, "hall": hall.site.name,
              "timezone": site.timezone, "timezone_label": hall.site.timezone_label,
              "today": service_day(site, now()).isoformat()}
    return render_template("survey/skm.html", config=config)
