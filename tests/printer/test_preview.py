from __future__ import annotations

import dataclasses
import io

import pytest
import zxingcpp
from PIL import Image

from printer import render_preview
from tests.printer.conftest import TRACKING_URL


@pytest.mark.parametrize(("width", "pixels"), [(80, 576), (58, 384)])
def test_preview_is_a_png_whose_qr_decodes_to_the_tracking_url(ticket, width, pixels):
    png = render_preview(ticket, width=width)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        assert image.width == pixels
        assert image.height > image.width  # a ticket, not a banner
        found = zxingcpp.read_barcodes(image)
    assert [code.text for code in found] == [TRACKING_URL]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode


def test_preview_grows_with_the_requirements(ticket):
    def height(t):
        with Image.open(io.BytesIO(render_preview(t))) as image:
            return image.height

    more = dataclasses.replace(ticket, requirements=ticket.requirements + ("Pas foto 3x4",) * 3)
    assert height(more) > height(ticket)
