"""The report pages' settings (the console blueprint serves the pages themselves)."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue

from queue_server.context import db, now, runtime
from queue_server.queue.common import get_site, service_day


def report_page(template: str, console_config: dict[str, Any]) -> ResponseReturnValue:
    """A report page with what it needs beside the console's settings: the hall's full name
    (the printed report's heading) and today's site-local date (the date presets)."""
    hall = runtime().hall
    config = {**console_config, "hall": hall.site.name, "address": hall.site.address,
              "today": service_day(get_site(db()), now()).isoformat()}
    return render_template(template, config=config)
