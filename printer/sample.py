"""A sample ticket of the MPP Kabupaten Buleleng, for test prints and previews."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from printer.ticket import TicketPrint

WITA = timezone(timedelta(hours=8), "WITA")  # Asia/Makassar has no daylight saving


def sample_ticket(now: datetime | None = None) -> TicketPrint:
    """Disdukcapil / Perekaman KTP-el, number A-012, issued ``now`` (default: the current time)."""
    issued = (now or datetime.now(WITA)).astimezone(WITA)
    return TicketPrint(
        site_name="MPP Kabupaten Buleleng",
        site_address="Lantai 3 Pasar Banyuasri, Singaraja",
        agency_name="Dinas Kependudukan dan Pencatatan Sipil (Disdukcapil)",
        service_name="Perekaman KTP-el",
        code="A-012",
        priority_label=None,
        issued_at=issued,
        ahead=4,
        estimated_wait_min=12,
        requirements=(
            "Fotokopi Kartu Keluarga (KK)",
            "Surat pengantar dari desa/kelurahan",
        ),
        tracking_url="http://antre.mpp.bulelengkab.local/t/CONTOH-TES-CETAK",
        footer=("CETAK UJI - bukan nomor antrean", "Terima kasih"),
    )
