"""The ticket as a PNG image: what the kiosk screen shows when the printer cannot print."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from printer.layout import Block, Gap, Line, Qr, Rule, build_layout
from printer.paper import paper_for
from printer.qr import qr_image
from printer.ticket import TicketPrint

MARGIN = 8  # pixels left and right, like the printer's unprintable edge
_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
_MONO = ("DejaVuSansMono.ttf", "consola.ttf", "Courier New.ttf", "cour.ttf")
_MONO_BOLD = ("DejaVuSansMono-Bold.ttf", "consolab.ttf", "Courier New Bold.ttf", "courbd.ttf")

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def render_preview(ticket: TicketPrint, *, width: int = 80) -> bytes:
    """PNG bytes of ``ticket`` as it prints on ``width`` mm paper (576 or 384 pixels wide)."""
    paper = paper_for(width)
    blocks = build_layout(ticket, paper.columns, paper.code_scale)
    size = _font_size(paper.dots - 2 * MARGIN, paper.columns)
    line_height = round(size * 1.3)
    height = sum(_height(block, paper.dots, line_height) for block in blocks) + 2 * line_height

    image = Image.new("L", (paper.dots, height), 255)
    draw = ImageDraw.Draw(image)
    y = line_height
    for block in blocks:
        if isinstance(block, Line):
            font = _font(size * block.scale, block.bold)
            text_width = draw.textlength(block.text, font=font)
            x = MARGIN if block.align == "left" else (paper.dots - text_width) / 2
            draw.text((x, y), block.text, font=font, fill=0)
        elif isinstance(block, Rule):
            middle = y + line_height // 2
            draw.line((MARGIN, middle, paper.dots - MARGIN, middle), fill=0, width=2)
        elif isinstance(block, Qr):
            code = _qr(block.data, paper.dots)
            image.paste(code, ((paper.dots - code.width) // 2, y))
        y += _height(block, paper.dots, line_height)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _qr(data: str, dots: int) -> Image.Image:
    return qr_image(data, dots * 11 // 20)


def _height(block: Block, dots: int, line_height: int) -> int:
    if isinstance(block, Line):
        return line_height * block.scale
    if isinstance(block, Qr):
        return _qr(block.data, dots).height
    if isinstance(block, Gap | Rule):
        return line_height
    raise TypeError(f"unknown block {block!r}")


def _font_size(text_width: int, columns: int) -> int:
    """The largest font size at which ``columns`` characters fit ``text_width`` pixels."""
    size = 24
    while size > 8 and _font(size, False).getlength("M" * columns) > text_width:
        size -= 1
    return size


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> Font:
    """A monospace TrueType font if the system has one, else Pillow's built-in font."""
    for name in _MONO_BOLD if bold else _MONO:
        for folder in _FONT_DIRS:
            path = Path(folder) / name
            if path.is_file():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)
