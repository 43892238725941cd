"""Debian's Chromium (never a downloaded browser) and where browser tests put screenshots."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


@contextmanager
def touch_pages(browser: Any, wait_ms: int) -> Iterator[Callable[..., Any]]:
    """open(url, viewport, init_script=None, **context_options) -> a Playwright page in a
    fresh touch context; on leaving, every context is closed and no page's script may have
    failed."""
    contexts: list[Any] = []
    errors: list[str] = []

    def opener(url: str, viewport: dict[str, int], init_script: str | None = None,
               **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, has_touch=True, **options)
        context.set_default_timeout(wait_ms)
        if init_script:
            context.add_init_script(init_script)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error} {error.stack}"))
        page.goto(url)
        return page

    try:
        yield opener
    finally:
        for context in contexts:
            context.close()
    assert errors == [], "the page's script failed"
