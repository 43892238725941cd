from __future__ import annotations

import dataclasses

import pytest
import zxingcpp

from printer import PrinterConfigError, TicketPrint, render_ticket
from tests.printer.conftest import TRACKING_URL
from tests.printer.escpos_reader import read_ticket

COLUMNS = {80: 48, 58: 32}
# (width, profile) pairs whose profile has native QR (GS ( k).
NATIVE = [(80, None), (80, "TM-T88V"), (58, "RP-F10-58mm"), (58, "TM-T20II")]
# ... and pairs whose profile has no native QR, so the code is sent as a raster image.
IMAGE = [(58, None), (80, "simple"), (58, "ZJ-5870")]
COLUMN_IMAGE = [(58, "TM-U220")]


def qr_store_command(data: str) -> bytes:
    """GS ( k <pL pH> cn=49 fn=80 m=48 data: store the QR symbol data (ESC/POS reference)."""
    payload = b"1P0" + data.encode("ascii")
    return b"\x1d(k" + len(payload).to_bytes(2, "little") + payload


@pytest.mark.parametrize(("width", "profile"), NATIVE)
def test_native_qr_ticket_holds_code_service_qr_and_cut(ticket, width, profile):
    data = render_ticket(ticket, width=width, profile=profile)
    printed = read_ticket(data)

    assert b"A-012" in data
    assert b"Perekaman KTP-el" in data
    assert qr_store_command(TRACKING_URL) in data
    assert printed.qr_stored == [TRACKING_URL.encode()]
    assert b"\x1d(k\x03\x001Q0" in data  # GS ( k fn=81: print the stored symbol
    assert data.endswith(b"\x1dVB\x00")  # GS V 66 0: feed to the cutter and cut
    assert not printed.rasters


@pytest.mark.parametrize(("width", "profile"), NATIVE + IMAGE + COLUMN_IMAGE)
def test_the_number_is_printed_very_large(ticket, width, profile):
    printed = read_ticket(render_ticket(ticket, width=width, profile=profile))
    [scale] = [scale for text, scale in printed.lines if text == "A-012"]
    assert scale >= 4
    assert all(scale == 1 for text, scale in printed.lines if text != "A-012")


@pytest.mark.parametrize(("width", "profile"), IMAGE)
def test_profile_without_native_qr_gets_a_qr_image_that_scans(ticket, width, profile):
    data = render_ticket(ticket, width=width, profile=profile)
    printed = read_ticket(data)

    assert b"\x1d(k" not in data
    [raster] = printed.rasters
    assert raster.width_bytes * 8 <= {80: 576, 58: 384}[width]
    found = zxingcpp.read_barcodes(raster.image())
    assert [code.text for code in found] == [TRACKING_URL]
    assert data.endswith(b"\x1dVB\x00")


def test_qr_image_has_a_quiet_zone(ticket):
    image = read_ticket(render_ticket(ticket, width=58)).rasters[0].image()
    left, top, right, bottom = image.point(lambda v: 255 - v).getbbox()  # the dark symbol
    # The top-left finder pattern is 7 modules of dark across its first row.
    run = next(x for x in range(left, right) if image.getpixel((x, top)) > 127) - left
    module = run / 7
    assert min(top, image.height - bottom) >= 4 * module


def test_column_image_profile_gets_a_qr_that_scans(ticket):
    # TM-U220 (impact) prints images only as ESC * columns.
    data = render_ticket(ticket, width=58, profile="TM-U220")
    printed = read_ticket(data)
    assert b"\x1d(k" not in data and not printed.rasters
    found = zxingcpp.read_barcodes(printed.column_image.image())
    assert [code.text for code in found] == [TRACKING_URL]


def test_profile_with_neither_qr_nor_images_prints_the_address(ticket):
    # Only customer-display profiles have neither; the address printed below the code remains.
    data = render_ticket(ticket, width=58, profile="OCD-300")
    printed = read_ticket(data)
    assert b"\x1d(k" not in data and not printed.rasters and not printed.column_image.bands
    assert TRACKING_URL in "".join(text for text, _ in printed.lines)  # in lines of 32


@pytest.mark.parametrize(("width", "profile"), NATIVE + IMAGE + COLUMN_IMAGE)
def test_one_code_page_set_once_after_init_and_only_ascii_text(ticket, width, profile):
    printed = read_ticket(render_ticket(ticket, width=width, profile=profile))
    assert printed.commands[:2] == [b"\x1b@", b"\x1bt"]
    assert printed.code_pages == [0]  # CP437, slot 0 in every profile used here
    assert max(printed.text_bytes) < 0x80


def test_indonesian_text_is_folded_to_ascii(ticket):
    accented = dataclasses.replace(
        ticket,
        agency_name="Badan Pengelolaan Keuangan “Daerah”",
        service_name="Café – Naïve\u00a0Izin Usaha…",
        footer=("Suksma \u2014 ‘Om Swastiastu’",),
    )
    data = render_ticket(accented, width=80)
    text = read_ticket(data).text

    assert 'Badan Pengelolaan Keuangan "Daerah"' in text
    assert "Cafe - Naive Izin Usaha..." in text
    assert "Suksma - 'Om Swastiastu'" in text
    assert read_ticket(data).code_pages == [0]


def test_control_characters_in_data_never_reach_the_printer(ticket):
    hostile = dataclasses.replace(
        ticket, service_name="KTP\x1bi\x1d V\x00 el", code="A-\x10\x04\x01"
    )
    printed = read_ticket(render_ticket(hostile, width=80))  # strict reader: no stray commands
    assert "KTP?i? V? el" in printed.text and "A-??" in printed.text


@pytest.mark.parametrize(("width", "profile"), NATIVE + IMAGE + COLUMN_IMAGE)
def test_every_line_fits_the_paper(ticket, width, profile):
    long_words = dataclasses.replace(
        ticket,
        agency_name="Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Buleleng",
        requirements=ticket.requirements + ("NomorIndukBerusahaanYangSangatPanjangSekali" * 2,),
    )
    printed = read_ticket(render_ticket(long_words, width=width, profile=profile))
    columns = COLUMNS[width]
    assert all(len(text) * scale <= columns for text, scale in printed.lines)


@pytest.mark.parametrize(
    ("width", "expected"),
    [
        (80, ["- Fotokopi Kartu Keluarga (KK) yang masih", "  berlaku dan dilegalisir"]),
        (58, ["- Fotokopi Kartu Keluarga (KK)", "  yang masih berlaku dan", "  dilegalisir"]),
    ],
)
def test_requirements_are_wrapped_with_a_hanging_indent(ticket, width, expected):
    lines = [text for text, _ in read_ticket(render_ticket(ticket, width=width)).lines]
    start = lines.index("Persyaratan yang perlu dibawa:") + 1
    assert lines[start : start + len(expected)] == expected
    assert lines[start + len(expected)].startswith("- Surat pengantar dari")


def test_ticket_says_when_and_how_long(ticket):
    text = read_ticket(render_ticket(ticket)).text
    assert "27-11-2026 09:05 WITA" in text
    assert "Orang di depan Anda: 3" in text
    assert "Perkiraan tunggu: ~15 menit" in text
    assert "PRIORITAS - Lansia" in text
    assert "MPP Kabupaten Buleleng" in text and "Terima kasih" in text


def test_unknown_wait_and_no_priority_are_left_out(ticket):
    plain = dataclasses.replace(ticket, estimated_wait_min=None, priority_label=None)
    text = read_ticket(render_ticket(plain)).text
    assert "Perkiraan tunggu" not in text and "PRIORITAS" not in text


def test_unknown_profile_and_width_are_config_errors(ticket):
    with pytest.raises(PrinterConfigError, match="Unknown printer profile 'TM-T20I'.*TM-T20II"):
        render_ticket(ticket, profile="TM-T20I")
    with pytest.raises(PrinterConfigError, match="use 80 .* or 58"):
        render_ticket(ticket, width=76)


def test_a_ticket_needs_an_aware_time(ticket):
    from datetime import datetime

    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(ticket, issued_at=datetime(2026, 11, 27, 9, 5))


def test_lists_from_json_become_tuples(ticket):
    from_json = dataclasses.replace(ticket, requirements=["KTP"], footer="Terima kasih")  # type: ignore[arg-type]
    assert from_json.requirements == ("KTP",) and from_json.footer == ("Terima kasih",)
    assert isinstance(hash(from_json), int)


def test_zone_name_follows_the_offset(ticket):
    from datetime import timedelta, timezone

    jakarta = ticket.issued_at.astimezone(timezone(timedelta(hours=7)))
    assert dataclasses.replace(ticket, issued_at=jakarta).issued_text == "27-11-2026 08:05 WIB"
    assert isinstance(ticket, TicketPrint) and ticket.issued_text.endswith("WITA")
