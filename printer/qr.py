"""QR code sizing and images, shared by the printout and the preview."""

from __future__ import annotations

import qrcode
from PIL import Image

QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks
_EC = qrcode.constants.ERROR_CORRECT_M  # survives a smudge or a fold in the paper


def module_count(data: str) -> int:
    """Modules across the smallest QR symbol (error correction M) that holds ``data``."""
    code = qrcode.QRCode(error_correction=_EC, border=0, box_size=1)
    code.add_data(data)
    code.make(fit=True)
    return int(code.modules_count)


def module_size(data: str, target: int, *, with_quiet_zone: bool, low: int, high: int) -> int:
    """Dots (or pixels) per module so the symbol is about ``target`` wide, within low..high."""
    modules = module_count(data) + (2 * QUIET_ZONE if with_quiet_zone else 0)
    return max(low, min(high, target // modules))


def qr_image(data: str, target: int) -> Image.Image:
    """A black-on-white QR image of ``data`` about ``target`` pixels wide, quiet zone included."""
    box = module_size(data, target, with_quiet_zone=True, low=1, high=12)
    code = qrcode.QRCode(error_correction=_EC, border=QUIET_ZONE, box_size=box)
    code.add_data(data)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("L")
