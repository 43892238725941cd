"""`/`: the hall's start page, in Indonesian: its pages (kiosks, displays, console, overview,
reports) and the staff's documentation, so that a fresh install does not greet its first
visitor with "Not Found"."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue

from queue_server.context import runtime

bp = Blueprint("start", __name__)

DOCS = Path(__file__).resolve().parents[1] / "docs"
# The staff's guides, in the order a new hall reads them (shown when the docs are installed).
GUIDES = (
    ("kiosk.md", "Kiosk"),
    ("kiosk-agent.md", "Agen cetak kiosk (printer)"),
    ("printing.md", "Pencetakan tiket"),
    ("display.md", "Layar TV"),
    ("voice.md", "Suara panggilan"),
    ("console.md", "Konsol petugas"),
    ("reports.md", "Laporan"),
    ("skm.md", "Survei kepuasan (SKM)"),
    ("security.md", "Keamanan"),
)


@bp.get("/")
def start() -> ResponseReturnValue:
    hall = runtime().hall
    guides = [(name, title) for name, title in GUIDES if (DOCS / name).is_file()]
    return render_template("start/start.html", site=hall.site, kiosks=hall.kiosks,
                           displays=hall.displays, guides=guides)


@bp.get("/docs/<name>")
def guide(name: str) -> ResponseReturnValue:
    """A staff guide as plain text (Markdown reads well as it is); only the listed ones."""
    if name not in {known for known, _ in GUIDES} or not (DOCS / name).is_file():
        abort(404)
    return Response((DOCS / name).read_text(encoding="utf-8"),
                    mimetype="text/plain; charset=utf-8")
