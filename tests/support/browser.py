"""Debian's Chromium (never a downloaded browser) and where browser tests put screenshots."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--autoplay-policy=no-user-gesture-required"]


def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when ANTRE_SCREENSHOTS=1 (to refresh the docs), else a temporary folder."""
    if os.environ.get("ANTRE_SCREENSHOTS"):
        folder = REPO / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path
