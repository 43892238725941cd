"""Render a ticket to ESC/POS bytes with python-escpos.

The bytes are produced on escpos's ``Dummy`` printer, so the same bytes can go to any backend
(and into tests). Text is written in one code page, set once with ``ESC t``: escpos's magic
encoder is disabled so it can never switch code pages in the middle of a ticket.
"""

from __future__ import annotations

from escpos.constants import ESC, QR_ECLEVEL_M
from escpos.printer import Dummy

from printer.layout import Block, Gap, Line, Qr, Rule, build_layout
from printer.paper import CODE_PAGE, Page, page_for
from printer.qr import module_size, qr_image
from printer.ticket import TicketPrint

SELECT_CODE_PAGE = ESC + b"t"  # ESC t n


def render_ticket(ticket: TicketPrint, *, width: int = 80, profile: str | None = None) -> bytes:
    """ESC/POS bytes for ``ticket`` on ``width`` mm paper (80 or 58) for the named profile."""
    page = page_for(width, profile)
    printer = _printer(page)
    printer.hw("INIT")  # ESC @ resets styles and the code page, so choose the page after it
    # escpos has no public raw write; _raw is the method its printer classes implement.
    printer._raw(SELECT_CODE_PAGE + bytes([page.code_page]))
    _Writer(printer, page).write(build_layout(ticket, page.columns, page.paper.code_scale))
    # GS V B 0: feed to the cutter and cut. Printers without a cutter ignore it, and it
    # feeds the ticket past the tear bar all the same.
    printer.cut(feed=False)
    return bytes(printer.output)


def _printer(page: Page) -> Dummy:
    printer = Dummy(
        profile=page.profile, magic_encode_args={"encoding": CODE_PAGE, "disabled": True}
    )
    # Give escpos the real printable width when the profile does not know it, so it centres
    # images and checks their width instead of printing a warning on stdout.
    data = dict(printer.profile.profile_data)
    media = dict(data.get("media", {}))
    media["width"] = {**media.get("width", {}), "pixels": page.dots}
    data["media"] = media
    printer.profile.profile_data = data
    return printer


class _Writer:
    """Walks the layout, sending style changes only when they change."""

    def __init__(self, printer: Dummy, page: Page) -> None:
        self.printer = printer
        self.page = page
        self.align = "left"  # the state after ESC @
        self.scale = 1
        self.bold = False

    def write(self, blocks: list[Block]) -> None:
        for block in blocks:
            if isinstance(block, Line):
                self._style(block.align, block.scale, block.bold)
                self.printer.textln(block.text)
            elif isinstance(block, Rule):
                self._style("left", 1, False)
                self.printer.textln("-" * self.page.columns)
            elif isinstance(block, Gap):
                self._style(self.align, 1, self.bold)
                self.printer.ln()
            elif isinstance(block, Qr):
                self._qr(block.data)
        self._style("left", 1, False)

    def _style(self, align: str, scale: int, bold: bool) -> None:
        if align != self.align:
            self.printer.set(align=align)
            self.align = align
        if scale != self.scale:
            self.printer.set(custom_size=True, width=scale, height=scale)  # GS ! n
            self.scale = scale
        if bold != self.bold:
            self.printer.set(bold=bold)
            self.bold = bold

    def _qr(self, data: str) -> None:
        target = self.page.dots * 11 // 20  # a little over half the paper: easy to scan
        if self.page.native_qr:
            # GS ( k: the printer draws the code itself, sharp at any size. It follows ESC a,
            # and the blank lines around it are the quiet zone.
            self._style("center", 1, False)
            size = module_size(data, target, with_quiet_zone=False, low=3, high=8)
            self.printer.qr(data, ec=QR_ECLEVEL_M, size=size, native=True)
            self.printer.ln()
        elif self.page.image_impl is not None:
            # The image carries its own quiet zone; escpos centres it on the printable width.
            self._style("left", 1, False)
            image = qr_image(data, target)
            self.printer.image(image, impl=self.page.image_impl, center=True)
        # else: the printer has neither; the address printed below the code stands in for it.
