"""Printing to a serial printer double on a pseudo-terminal."""

from __future__ import annotations

import os
import time

import pytest

from printer import PrintError, print_ticket, read_status, render_ticket
from tests.printer.printer_double import SerialPrinterDouble

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


def test_serial_printer_receives_the_ticket(ticket):
    with SerialPrinterDouble("ok") as printer:
        status = print_ticket(printer.spec, ticket, width=58, timeout=1.0)
        received = printer.received
    assert status.state == "ok"
    assert render_ticket(ticket, width=58) in received


def test_serial_printer_out_of_paper(ticket):
    with SerialPrinterDouble("paper_out") as printer:
        with pytest.raises(PrintError) as caught:
            print_ticket(printer.spec, ticket, timeout=1.0)
    assert caught.value.kind == "paper_out"


def test_serial_printer_that_is_off_is_offline_within_the_timeout(ticket):
    with SerialPrinterDouble(answer=False) as printer:
        started = time.monotonic()
        with pytest.raises(PrintError) as caught:
            print_ticket(printer.spec, ticket, timeout=0.5)
        assert read_status(printer.spec, timeout=0.5).state == "offline"
    assert caught.value.kind == "offline"
    assert time.monotonic() - started < 3


def test_missing_serial_port_is_offline(ticket):
    with pytest.raises(PrintError) as caught:
        print_ticket("serial:/dev/ttyANTRE-missing", ticket, timeout=0.5)
    assert caught.value.kind == "offline"
