"""Taking a number from home, in Debian's Chromium at phone size, against a real `antre serve`:
the booking page, the kiosk's check-in and the tracking page's alerts (issue 16)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.kiosk.conftest import (
    KIOSK,
    PHONE,
    api,
    open_kiosk,  # noqa: F401 (a fixture for this folder's tests)
    open_page,  # noqa: F401 (open_kiosk's and open_phone's)
)
from tests.support.halls import hall_data
from tests.support.servers import ServedHall, serve_hall

pytestmark = pytest.mark.browser

PUBLIC_URL = "http://antre.test"  # the small hall's site.public_url (what the QR codes hold)


def phone(n: int) -> str:
    """A visitor's own mobile number (one open booking per number and service a day)."""
    return f"0812 7000 {n:04d}"


def nik(n: int) -> str:
    """A well-formed NIK of its own: region 510801, born 01-01-1990, serial n (1 to 9999)."""
    return f"510801010190{n:04d}"


# Records what the page asks of the phone: the vibrations (navigator.vibrate has no visible
# effect in a headless browser, so the test reads what was asked).
RECORD_VIBRATIONS = """
window.vibrations = [];
navigator.vibrate = (pattern) => { window.vibrations.push(pattern); return true; };
"""


def remote_hall() -> dict[str, Any]:
    """The small hall taking numbers from home: KTP keeps half of its 20 for remote bookings
    and asks the NIK; PASPOR offers 30-minute appointments on the hall's weekdays, one
    visitor each."""
    data = hall_data()
    ktp, _kk = data["agencies"][0]["services"]
    ktp.update(quota=20, remote_share=50, asks_nik=True)
    paspor = data["agencies"][2]["services"][0]
    paspor.pop("hours")  # the hall's hours: appointments on Tuesday too
    paspor["slots"] = {"length_minutes": 30, "capacity": 1}
    data["remote"] = {"enabled": True, "remote_share": 50, "days_ahead": 3, "few_ahead": 3}
    return data


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHall]:
    """The remote hall at Monday 30 November 2026, 09:00 WITA, shared by a module's tests
    (each books with its own phone number)."""
    served = serve_hall(tmp_path_factory.mktemp("remote"), remote_hall())
    yield served
    served.server.stop()


def book(hall: ServedHall, service: str, phone: str, **extra: Any) -> dict[str, Any]:
    """A booking through the public API, as the page makes it."""
    status, body = api(hall, "POST", "/bookings", None, {"service": service, "phone": phone,
                                                         **extra})
    assert status == 201, body
    ticket: dict[str, Any] = body["ticket"]
    return ticket


def check_in(hall: ServedHall, key: str) -> dict[str, Any]:
    status, body = api(hall, "POST", f"/tickets/{key}/check-in", KIOSK, {})
    assert status == 200, body
    return dict(body)


PhoneOpener = Callable[..., Any]


@pytest.fixture
def open_phone(open_page: PhoneOpener) -> PhoneOpener:  # noqa: F811 (the fixture above)
    """open_phone(url) -> a page on a small phone (360 px, touch) whose notifications are
    allowed and whose vibrations are recorded in `window.vibrations` (open_page closes it)."""

    def opener(url: str, **options: Any) -> Any:
        return open_page(url, PHONE, init_script=RECORD_VIBRATIONS, is_mobile=True, **options)

    return opener
