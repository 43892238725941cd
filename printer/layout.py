"""A ticket laid out as a list of blocks, shared by the ESC/POS renderer and the PNG preview.

All text is folded to ASCII and wrapped here, so the printout and the preview say the same
thing in the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from printer.text import chunks, fold_text, wrap
from printer.ticket import TicketPrint

Align = Literal["left", "center"]


@dataclass(frozen=True)
class Line:
    """One printed line; it fits ``columns // scale`` characters."""

    text: str
    align: Align = "left"
    scale: int = 1  # character magnification, 1..8
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A separator across the paper."""


@dataclass(frozen=True)
class Gap:
    """An empty line."""


@dataclass(frozen=True)
class Qr:
    """A QR code of ``data``, centred, with its quiet zone."""

    data: str


Block = Line | Rule | Gap | Qr


def build_layout(ticket: TicketPrint, columns: int, code_scale: int) -> list[Block]:
    """The blocks of ``ticket`` for a printer with ``columns`` characters a line."""
    blocks: list[Block] = []

    def centred(text: str, *, bold: bool = False) -> None:
        blocks.extend(Line(line, "center", 1, bold) for line in wrap(text, columns))

    centred(ticket.site_name, bold=True)
    centred(ticket.site_address)
    blocks.append(Rule())
    centred(ticket.agency_name, bold=True)
    centred(ticket.service_name)
    blocks.append(Gap())
    centred("Nomor Antrean")
    code = fold_text(ticket.code).strip()
    scale = max(1, min(code_scale, columns // max(len(code), 1)))
    blocks.extend(Line(line, "center", scale, True) for line in chunks(code, columns // scale))
    if ticket.priority_label:
        centred(ticket.priority_label, bold=True)
    centred(ticket.issued_text)
    blocks.append(Rule())
    blocks.extend(Line(line) for line in wrap(f"Orang di depan Anda: {ticket.ahead}", columns))
    if ticket.estimated_wait_min is not None or ticket.wait_note:
        if ticket.estimated_wait_min is None:
            wait = f"Perkiraan tunggu: {ticket.wait_note}"
        elif ticket.estimated_wait_min <= 0:
            wait = "Perkiraan tunggu: segera dipanggil"
        else:
            wait = f"Perkiraan tunggu: ~{ticket.estimated_wait_min} menit"
        blocks.extend(Line(line) for line in wrap(wait, columns))
    if ticket.requirements:
        blocks.append(Rule())
        blocks.extend(
            Line(line, bold=True) for line in wrap("Persyaratan yang perlu dibawa:", columns)
        )
        for item in ticket.requirements:
            blocks.extend(Line(line) for line in wrap(item, columns, indent="- ", hanging="  "))
    if ticket.tracking_url:
        blocks.append(Gap())
        blocks.append(Qr(ticket.tracking_url))
        if ticket.qr_caption:
            centred(ticket.qr_caption)
        # The address under the code lets a visitor whose camera fails type it in.
        blocks.extend(Line(line, "center") for line in chunks(ticket.tracking_url, columns))
    if ticket.footer:
        blocks.append(Gap())
        for footer_line in ticket.footer:
            centred(footer_line)
    return blocks
