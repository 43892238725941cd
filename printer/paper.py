"""Paper widths and printer capability profiles: what one printer can do on one roll."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from escpos.capabilities import CAPABILITIES, get_profile

from printer.errors import PrinterConfigError

# The one code page every ticket is printed in: CP437 is slot 0 and the power-on default of
# practically every ESC/POS printer, and the text we send is folded to ASCII anyway.
CODE_PAGE = "CP437"


@dataclass(frozen=True)
class Paper:
    """A roll width: its text columns in font A, its printable dots, sensible defaults."""

    width_mm: int
    columns: int
    dots: int
    default_profile: str
    code_scale: int  # the largest magnification for the ticket number


PAPERS: dict[int, Paper] = {
    # TM-T20II: the common Epson 80 mm kiosk/receipt printer, native QR and cutter.
    80: Paper(80, 48, 576, "TM-T20II", 6),
    # POS-5890: the generic 58 mm printer most clones follow; no native QR, so QR is an image.
    58: Paper(58, 32, 384, "POS-5890", 4),
}


@dataclass(frozen=True)
class Page:
    """One paper width on one printer profile: everything the renderer needs to decide."""

    paper: Paper
    profile: str
    columns: int
    dots: int
    native_qr: bool
    image_impl: str | None  # escpos image implementation; None when the profile prints no images
    code_page: int  # the ESC t number of CODE_PAGE in this profile


def paper_for(width: int) -> Paper:
    try:
        return PAPERS[int(width)]
    except (KeyError, ValueError):
        raise PrinterConfigError(
            f"Unsupported paper width {width!r}: use 80 (48 columns) or 58 (32 columns)"
        ) from None


def profile_names() -> list[str]:
    return sorted(CAPABILITIES["profiles"])


def page_for(width: int, profile: str | None = None) -> Page:
    """The page for ``width`` mm paper on the named python-escpos capability profile."""
    paper = paper_for(width)
    name = profile or paper.default_profile
    data = profile_data(name)
    features = data.get("features", {})
    if features.get("bitImageRaster"):
        image_impl: str | None = "bitImageRaster"
    elif features.get("graphics"):
        image_impl = "graphics"
    elif features.get("bitImageColumn"):
        image_impl = "bitImageColumn"
    else:
        image_impl = None
    return Page(
        paper=paper,
        profile=name,
        columns=_columns(data, paper),
        dots=_dots(data, paper),
        native_qr=bool(features.get("qrCode")),
        image_impl=image_impl,
        code_page=_code_page(name, data),
    )


def profile_data(name: str) -> dict[str, Any]:
    """The capability data of profile ``name``; a clear error naming close matches if unknown."""
    try:
        return dict(get_profile(name).profile_data)
    except KeyError:
        close = difflib.get_close_matches(name, profile_names(), n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise PrinterConfigError(
            f"Unknown printer profile {name!r}.{hint} Known profiles: {', '.join(profile_names())}"
        ) from None


def _columns(data: dict[str, Any], paper: Paper) -> int:
    # Trust the profile's font A width only when it is plausible for this roll (some entries
    # in the database are wrong, e.g. 12 columns on an 80 mm printer).
    columns = data.get("fonts", {}).get("0", {}).get("columns")
    if isinstance(columns, int) and paper.columns * 3 // 4 <= columns <= paper.columns:
        return columns
    return paper.columns


def _dots(data: dict[str, Any], paper: Paper) -> int:
    pixels = data.get("media", {}).get("width", {}).get("pixels")
    if isinstance(pixels, int) and 0 < pixels <= paper.dots:
        return pixels
    return paper.dots


def _code_page(name: str, data: dict[str, Any]) -> int:
    slots = sorted(int(n) for n, page in data.get("codePages", {}).items() if page == CODE_PAGE)
    if not slots:
        raise PrinterConfigError(
            f"Printer profile {name!r} has no {CODE_PAGE} code page; choose another profile"
        )
    return slots[0]
