"""Print a ticket, or read a printer's status: what the kiosk agent calls.

A job is: open the backend, check the status, send the bytes, check the status again (the
answer also proves the printer took the job, and catches paper running out mid-ticket), close.
Every step is bounded by ``timeout``; any failure is a ``PrintError`` with its kind.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from printer.backends import Backend, open_backend
from printer.errors import PrintError
from printer.render import render_ticket
from printer.spec import PrinterSpec
from printer.status import PrinterStatus, query_status, raise_unless_printable
from printer.ticket import TicketPrint

Printer = str | PrinterSpec | Backend


def print_ticket(
    printer: Printer,
    ticket: TicketPrint,
    *,
    width: int = 80,
    profile: str | None = None,
    timeout: float = 5.0,
) -> PrinterStatus:
    """Print ``ticket``; return the printer status after the job (``paper_low`` still prints).

    ``printer`` is a spec string, a parsed ``PrinterSpec`` or an open ``Backend`` (left open).
    Raises ``PrinterConfigError`` for a bad spec, width or profile (before touching the
    printer) and ``PrintError`` (kind offline, paper_out, cover_open or error) when the ticket
    could not be printed.
    """
    data = render_ticket(ticket, width=width, profile=profile)
    return send_job(printer, data, timeout=timeout)


def send_job(printer: Printer, data: bytes, *, timeout: float = 5.0) -> PrinterStatus:
    """Send ready ESC/POS ``data`` as one job, with the status checks around it."""
    with _connection(printer, timeout) as backend:
        raise_unless_printable(query_status(backend))
        backend.write(data)
        after = query_status(backend)
        raise_unless_printable(after)
        return after


def read_status(printer: Printer, timeout: float = 5.0) -> PrinterStatus:
    """The printer's status now; never raises for printer trouble, only for a bad spec.

    A printer that cannot be reached is ``offline``; a backend that cannot read status
    (file, cups, win32, dummy) is ``unknown``.
    """
    try:
        with _connection(printer, timeout) as backend:
            return query_status(backend)
    except PrintError as exc:
        return PrinterStatus(exc.kind, detail=exc.detail)


def _connection(printer: Printer, timeout: float) -> AbstractContextManager[Backend]:
    if isinstance(printer, Backend):
        return nullcontext(printer)
    return open_backend(printer, timeout)
