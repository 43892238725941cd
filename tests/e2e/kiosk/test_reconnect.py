"""A lost connection: a calm banner, no issuing until the server is back."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.e2e.kiosk.conftest import Opener, go_to_confirm, service_state, shown_code
from tests.support.servers import serve_hall, start_server

pytestmark = pytest.mark.browser


def test_the_kiosk_waits_calmly_for_the_server_and_then_issues_again(
        tmp_path: Path, open_kiosk: Opener) -> None:
    hall = serve_hall(tmp_path)
    try:
        page = open_kiosk(hall)
        go_to_confirm(page, "POLRES", "SKCK")
        page.wait_for_function("() => !document.querySelector('.issue').disabled")
        banner = page.locator("#offline")
        assert banner.is_hidden()

        hall.server.stop()
        banner.wait_for(state="visible")
        assert "Sedang menyambung kembali" in banner.inner_text()
        assert page.locator(".issue").is_disabled()
        assert page.locator(".issue").inner_text() == "Menunggu koneksi…"
        page.locator(".issue").tap(force=True)  # a visitor tries anyway
        assert page.evaluate("document.body.dataset.screen") == "confirm"

        port = urlparse(hall.url).port
        hall.server = start_server(hall.server.env, tmp_path / "server.log", port=port)
        banner.wait_for(state="hidden", timeout=15_000)
        page.locator(".issue").tap()
        assert shown_code(page) == "C-001"
        assert service_state(hall, "SKCK")["waiting"] == 1
    finally:
        hall.server.stop()
