"""The backends other than network: file, cups (through a stand-in `lp`), win32, usb, dummy."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from printer import PrintError, print_ticket, read_status, render_ticket
from printer.backends import DummyBackend, FileBackend, open_backend


def test_file_backend_writes_the_ticket(ticket, tmp_path):
    target = tmp_path / "ticket.bin"
    status = print_ticket(f"file:{target}", ticket, width=58)
    assert status.state == "unknown"  # a file cannot say whether there is paper
    assert target.read_bytes() == render_ticket(ticket, width=58)


def test_file_backend_keeps_only_the_last_job(tmp_path):
    target = tmp_path / "ticket.bin"
    with open_backend(f"file:{target}") as backend:
        backend.write(b"first job, longer than the second")
    with open_backend(f"file:{target}") as backend:
        backend.write(b"second")
    assert target.read_bytes() == b"second"


def test_file_status_read_leaves_the_file_alone(tmp_path):
    target = tmp_path / "ticket.bin"
    target.write_bytes(b"job")
    assert read_status(f"file:{target}").state == "unknown"
    assert target.read_bytes() == b"job"


def test_missing_device_file_is_offline_and_is_not_created():
    path = "/dev/usb/lp-antre-test-missing"
    with pytest.raises(PrintError) as caught:
        FileBackend(path, 1.0)
    assert caught.value.kind == "offline"
    assert not os.path.exists(path)


def test_writing_to_a_directory_is_an_error(ticket, tmp_path):
    with pytest.raises(PrintError) as caught:
        print_ticket(f"file:{tmp_path}", ticket)
    assert caught.value.kind == "error"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a FIFO")
def test_a_device_that_stops_taking_data_times_out(tmp_path):
    # A FIFO whose reader never reads behaves like a stalled printer: the pipe fills up.
    fifo = tmp_path / "stalled"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        backend = FileBackend(str(fifo), 0.5)
        started = time.monotonic()
        with backend, pytest.raises(PrintError) as caught:
            backend.write(b"x" * 4_000_000)
        assert caught.value.kind == "offline"
        assert time.monotonic() - started < 3
    finally:
        os.close(reader)


def test_dummy_backend_keeps_the_bytes(ticket):
    backend = DummyBackend()
    status = print_ticket(backend, ticket, width=80)
    assert status.state == "unknown"
    assert backend.output == render_ticket(ticket, width=80)
    assert print_ticket("dummy", ticket).state == "unknown"


def fake_lp(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put a stand-in ``lp`` first on the PATH."""
    lp = folder / "lp"
    lp.write_text("#!/bin/sh\n" + script)
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="shell script stand-in for lp")


@posix_only
def test_cups_pipes_raw_bytes_to_lp(ticket, tmp_path, monkeypatch):
    fake_lp(tmp_path, f'echo "$@" > {tmp_path}/args\ncat > {tmp_path}/job\n', monkeypatch)
    status = print_ticket("cups:TM-T20II", ticket)
    assert status.state == "unknown"
    assert (tmp_path / "job").read_bytes() == render_ticket(ticket)
    assert (tmp_path / "args").read_text().split() == [
        "-d", "TM-T20II", "-o", "raw", "-t", "Antre", "ticket",
    ]  # fmt: skip


@posix_only
def test_cups_failure_is_an_error_with_lp_message(ticket, tmp_path, monkeypatch):
    fake_lp(tmp_path, 'echo "lp: The printer or class does not exist." >&2\nexit 1\n', monkeypatch)
    with pytest.raises(PrintError) as caught:
        print_ticket("cups:Nope", ticket)
    assert caught.value.kind == "error"
    assert "does not exist" in caught.value.detail


@posix_only
def test_cups_that_hangs_is_offline_within_the_timeout(ticket, tmp_path, monkeypatch):
    fake_lp(tmp_path, "exec sleep 30\n", monkeypatch)
    started = time.monotonic()
    with pytest.raises(PrintError) as caught:
        print_ticket("cups:Stuck", ticket, timeout=0.5)
    assert caught.value.kind == "offline"
    assert time.monotonic() - started < 3


def test_cups_without_lp_says_what_to_install(ticket, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no lp
    with pytest.raises(PrintError) as caught:
        print_ticket("cups:TM-T20II", ticket)
    assert caught.value.kind == "error"
    assert "cups-client" in caught.value.detail


@pytest.mark.skipif(sys.platform == "win32", reason="checks the message off Windows")
def test_win32_off_windows_is_a_clear_error(ticket):
    with pytest.raises(PrintError) as caught:
        print_ticket("win32:EPSON TM-T20II Receipt", ticket)
    assert caught.value.kind == "error"
    assert "only on Windows" in caught.value.detail


def test_usb_printer_that_is_not_there_fails_fast(ticket):
    # No such printer on the test machine: offline (not found), or error (no libusb).
    started = time.monotonic()
    with pytest.raises(PrintError) as caught:
        print_ticket("usb:0x0416:0x5011", ticket, timeout=1.0)
    assert caught.value.kind in ("offline", "error")
    assert "0416:5011" in caught.value.detail or "libusb" in caught.value.detail
    assert time.monotonic() - started < 3
