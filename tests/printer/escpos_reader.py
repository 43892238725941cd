"""Reads back the ESC/POS bytes the renderer produces: text lines, commands, QR data, images.

Strict on purpose: an unexpected command or control byte fails the test, so a change in what
we send to printers is noticed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageOps

ESC, GS, LF = 0x1B, 0x1D, 0x0A


@dataclass
class Raster:
    width_bytes: int
    height: int
    data: bytes

    def image(self) -> Image.Image:
        """The picture as printed: black where the printer puts a dot."""
        bits = Image.frombytes("1", (self.width_bytes * 8, self.height), self.data)
        return ImageOps.invert(bits.convert("L"))  # in raster data 1 is a dot, in PIL white


@dataclass
class ColumnImage:
    """ESC * bands: each column is ``rows`` bytes, top dot in the high bit."""

    bands: list[tuple[int, int, bytes]] = field(default_factory=list)  # (width, rows, data)

    def image(self) -> Image.Image:
        width = max(w for w, _, _ in self.bands)
        height = sum(8 * rows for _, rows, _ in self.bands)
        picture = Image.new("L", (width, height), 255)
        y0 = 0
        for band_width, rows, data in self.bands:
            for x in range(band_width):
                for r in range(rows):
                    byte = data[x * rows + r]
                    for bit in range(8):
                        if byte & (0x80 >> bit):
                            picture.putpixel((x, y0 + 8 * r + bit), 0)
            y0 += 8 * rows
        return picture


@dataclass
class Ticket:
    commands: list[bytes] = field(default_factory=list)  # in order, e.g. b"\x1b@", b"\x1bt"
    code_pages: list[int] = field(default_factory=list)  # ESC t arguments
    lines: list[tuple[str, int]] = field(default_factory=list)  # (text, magnification)
    qr_stored: list[bytes] = field(default_factory=list)  # GS ( k function 80 payloads
    rasters: list[Raster] = field(default_factory=list)
    column_image: ColumnImage = field(default_factory=ColumnImage)
    text_bytes: bytes = b""

    @property
    def text(self) -> str:
        return "\n".join(line for line, _ in self.lines)


def read_ticket(data: bytes) -> Ticket:
    ticket = Ticket()
    line = bytearray()
    text = bytearray()
    scale = 1
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == LF:
            ticket.lines.append((line.decode("ascii", errors="replace"), scale))
            line.clear()
            i += 1
        elif byte >= 0x20:
            line.append(byte)
            text.append(byte)
            i += 1
        elif byte in (ESC, GS):
            name = data[i : i + 2]
            ticket.commands.append(name)
            if name in (b"\x1b@", b"\x1b2"):
                i += 2
            elif name in (b"\x1bt", b"\x1ba", b"\x1bE", b"\x1d!", b"\x1b3"):
                if name == b"\x1bt":
                    ticket.code_pages.append(data[i + 2])
                if name == b"\x1d!":
                    n = data[i + 2]
                    scale = max((n >> 4) + 1, (n & 0x0F) + 1)
                i += 3
            elif name == b"\x1d(":
                length = data[i + 3] + 256 * data[i + 4]
                body = data[i + 5 : i + 5 + length]
                if data[i + 2 : i + 3] == b"k" and body[:3] == b"1P0":
                    ticket.qr_stored.append(body[3:])
                i += 5 + length
            elif name == b"\x1dv":
                width_bytes = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                start = i + 8
                raster = data[start : start + width_bytes * height]
                ticket.rasters.append(Raster(width_bytes, height, raster))
                i = start + width_bytes * height
            elif name == b"\x1b*":
                rows = 3 if data[i + 2] in (32, 33) else 1
                band_width = data[i + 3] + 256 * data[i + 4]
                band = data[i + 5 : i + 5 + band_width * rows]
                ticket.column_image.bands.append((band_width, rows, band))
                i += 5 + band_width * rows
                if data[i : i + 1] == b"\n":
                    i += 1  # each band ends with a line feed; it is not a text line
            elif name == b"\x1dV":
                m = data[i + 2]
                i += 4 if m in (65, 66) else 3
            else:
                raise AssertionError(f"unexpected command {name!r} at byte {i}")
        else:
            raise AssertionError(f"unexpected control byte {byte:#04x} at byte {i}")
    if line:
        ticket.lines.append((line.decode("ascii", errors="replace"), scale))
    ticket.text_bytes = bytes(text)
    return ticket
