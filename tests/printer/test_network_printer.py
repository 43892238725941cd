"""Printing to the TCP printer double, which answers DLE EOT with real status bytes."""

from __future__ import annotations

import socket
import time

import pytest

from printer import PrintError, print_ticket, read_status, render_ticket
from tests.printer.printer_double import PrinterDouble

TIMEOUT = 1.0
QUICK = 3.0  # seconds: every failure must surface well within this


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once it is closed


def test_ok_printer_receives_the_ticket(ticket):
    with PrinterDouble("ok") as printer:
        status = print_ticket(printer.spec, ticket, width=80, timeout=TIMEOUT)
        received = printer.received
        queries = printer.queries

    assert status.state == "ok" and status.online and not status.paper_low
    assert render_ticket(ticket, width=80) in received
    assert queries == [1, 2, 4, 1, 2, 4]  # checked before the job and after it


def test_a_host_name_is_looked_up(ticket):
    with PrinterDouble("ok") as printer:  # listens on 127.0.0.1; localhost may be ::1 first
        status = print_ticket(f"network:localhost:{printer.port}", ticket, timeout=TIMEOUT)
    assert status.state == "ok"


def test_58mm_ticket_with_a_qr_image_goes_through(ticket):
    with PrinterDouble("ok") as printer:
        print_ticket(printer.spec, ticket, width=58, timeout=TIMEOUT)
        received = printer.received
    assert render_ticket(ticket, width=58) in received


def test_paper_low_still_prints_and_reports_it(ticket):
    with PrinterDouble("paper_low") as printer:
        status = print_ticket(printer.spec, ticket, timeout=TIMEOUT)
        received = printer.received

    assert status.state == "paper_low" and status.paper_low and not status.paper_out
    assert status.message_id == "Kertas printer hampir habis"
    assert render_ticket(ticket) in received


@pytest.mark.parametrize(
    ("state", "message_id", "message_en"),
    [
        ("paper_out", "Kertas printer habis", "The printer is out of paper"),
        ("cover_open", "Penutup printer terbuka", "The printer cover is open"),
        (
            "offline",
            "Printer tidak terhubung atau tidak menjawab",
            "The printer is offline or not responding",
        ),
        ("error", "Printer mengalami gangguan", "The printer reported an error"),
    ],
)
def test_a_printer_that_cannot_print_refuses_the_job(ticket, state, message_id, message_en):
    with PrinterDouble(state) as printer:
        started = time.monotonic()
        with pytest.raises(PrintError) as caught:
            print_ticket(printer.spec, ticket, timeout=TIMEOUT)
        elapsed = time.monotonic() - started
        received = printer.received

    assert caught.value.kind == state
    assert (caught.value.message_id, caught.value.message_en) == (message_id, message_en)
    assert received == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"  # only the status queries
    assert elapsed < QUICK


def test_paper_running_out_during_the_job_is_reported(ticket):
    # Answers ok before the job; once the job's bytes arrive the paper is gone.
    with PrinterDouble("ok", becomes=(10, "paper_out")) as printer:
        with pytest.raises(PrintError) as caught:
            print_ticket(printer.spec, ticket, timeout=TIMEOUT)
        queries = printer.queries
    assert caught.value.kind == "paper_out"
    assert queries == [1, 2, 4, 1, 2, 4]


def test_connection_refused_is_offline_at_once(ticket):
    started = time.monotonic()
    with pytest.raises(PrintError) as caught:
        print_ticket(f"network:127.0.0.1:{closed_port()}", ticket, timeout=TIMEOUT)
    assert caught.value.kind == "offline"
    assert "refused" in caught.value.detail
    assert time.monotonic() - started < QUICK


def test_a_printer_that_never_answers_is_offline_within_the_timeout(ticket):
    with PrinterDouble("ok", answer=False) as printer:
        started = time.monotonic()
        with pytest.raises(PrintError) as caught:
            print_ticket(printer.spec, ticket, timeout=TIMEOUT)
        elapsed = time.monotonic() - started
    assert caught.value.kind == "offline"
    assert "no answer to DLE EOT 1" in caught.value.detail
    assert TIMEOUT * 0.9 <= elapsed < QUICK


@pytest.mark.parametrize("width", [80, 58])
def test_a_printer_that_stops_answering_mid_job_is_offline_within_the_timeout(ticket, width):
    with PrinterDouble("ok", hang_after=200) as printer:
        started = time.monotonic()
        with pytest.raises(PrintError) as caught:
            print_ticket(printer.spec, ticket, width=width, timeout=TIMEOUT)
        elapsed = time.monotonic() - started
        received = printer.received
    assert caught.value.kind == "offline"
    assert len(received) == 200  # it froze part-way through the ticket
    assert elapsed < QUICK


@pytest.mark.parametrize(
    "state", ["ok", "paper_low", "paper_out", "cover_open", "offline", "error"]
)
def test_read_status_reports_each_state(state):
    with PrinterDouble(state) as printer:
        status = read_status(printer.spec, timeout=TIMEOUT)
    assert status.state == state
    assert status.raw and status.to_dict()["state"] == state


def test_read_status_of_an_unreachable_printer_is_offline():
    started = time.monotonic()
    status = read_status(f"network:127.0.0.1:{closed_port()}", timeout=TIMEOUT)
    assert status.state == "offline" and "refused" in status.detail
    assert time.monotonic() - started < QUICK
