"""Browser libraries installed from npm by `make setup`, served from node_modules."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_from_directory
from flask.typing import ResponseReturnValue

NODE_MODULES = Path(__file__).resolve().parent.parent / "node_modules"
FILES = {"socket.io.min.js": NODE_MODULES / "socket.io-client" / "dist",
         # The report page's charts; the matrix controller draws the arrivals heat map.
         "chart.umd.min.js": NODE_MODULES / "chart.js" / "dist",
         "chartjs-chart-matrix.min.js": NODE_MODULES / "chartjs-chart-matrix" / "dist"}

bp = Blueprint("vendor", __name__, url_prefix="/vendor")


@bp.get("/<name>")
def vendor_file(name: str) -> ResponseReturnValue:
    folder = FILES.get(name)
    if folder is None or not (folder / name).is_file():
        abort(404, f"{name} is not installed; run `make setup` (npm ci)")
    return send_from_directory(folder, name, max_age=24 * 3600)
