from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from printer import TicketPrint

WITA = ZoneInfo("Asia/Makassar")
TRACKING_URL = "http://192.168.10.5:8000/t/q7Xv2LkP9sRtY4wZ"
LONG_REQUIREMENT = "Fotokopi Kartu Keluarga (KK) yang masih berlaku dan dilegalisir"


@pytest.fixture
def ticket() -> TicketPrint:
    return TicketPrint(
        site_name="MPP Kabupaten Buleleng",
        site_address="Lantai 3 Pasar Banyuasri, Singaraja",
        agency_name="Disdukcapil",
        service_name="Perekaman KTP-el",
        code="A-012",
        priority_label="PRIORITAS \u2013 Lansia",
        issued_at=datetime(2026, 11, 27, 9, 5, tzinfo=WITA),
        ahead=3,
        estimated_wait_min=15,
        requirements=(LONG_REQUIREMENT, "Surat pengantar dari desa/kelurahan"),
        tracking_url=TRACKING_URL,
        footer=("Terima kasih", "Mohon menunggu panggilan"),
    )
