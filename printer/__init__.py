"""Ticket printing: layout to ESC/POS bytes, printer backends, status, and a PNG preview.

Knows nothing of Flask or the database. The kiosk agent needs only what is exported here.
"""

from __future__ import annotations

from printer._escpos_cache import load_escpos

# Before anything imports escpos, so its capability cache lands in one stable folder.
load_escpos()

from printer.backends import Backend, open_backend  # noqa: E402
from printer.errors import PrinterConfigError, PrintError, PrinterSpecError  # noqa: E402
from printer.job import print_ticket, read_status, send_job  # noqa: E402
from printer.preview import render_preview  # noqa: E402
from printer.render import render_ticket  # noqa: E402
from printer.spec import PrinterSpec, parse_spec  # noqa: E402
from printer.status import PrinterStatus  # noqa: E402
from printer.ticket import TicketPrint  # noqa: E402

__all__ = [
    "Backend",
    "PrintError",
    "PrinterConfigError",
    "PrinterSpec",
    "PrinterSpecError",
    "PrinterStatus",
    "TicketPrint",
    "open_backend",
    "parse_spec",
    "print_ticket",
    "read_status",
    "render_preview",
    "render_ticket",
    "send_job",
]
