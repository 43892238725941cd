from __future__ import annotations

import socket

from click.testing import CliRunner

from printer.cli import print_test
from tests.printer.printer_double import PrinterDouble


def run(*args: str):
    return CliRunner().invoke(print_test, list(args))


def test_print_test_to_a_file(tmp_path):
    target = tmp_path / "test.bin"
    result = run("--printer", f"file:{target}", "--width", "58")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok")
    job = target.read_bytes()
    assert b"A-012" in job and b"Perekaman KTP-el" in job and b"Disdukcapil" in job
    assert job.endswith(b"\x1dVB\x00")


def test_print_test_to_a_network_printer():
    with PrinterDouble("ok") as printer:
        result = run("--printer", printer.spec, "--profile", "TM-T88V", "--timeout", "1")
        received = printer.received
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok\n"
    assert b"A-012" in received and b"MPP Kabupaten Buleleng" in received


def test_print_test_reports_low_paper_but_succeeds():
    with PrinterDouble("paper_low") as printer:
        result = run("--printer", printer.spec, "--timeout", "1")
    assert result.exit_code == 0
    assert result.stdout.startswith("ok (paper_low: The printer paper is running low")


def test_print_test_fails_with_the_error_kind():
    with PrinterDouble("paper_out") as printer:
        result = run("--printer", printer.spec, "--timeout", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("paper_out: The printer is out of paper / Kertas printer habis")


def test_print_test_to_nothing_is_offline():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("--printer", f"network:127.0.0.1:{port}", "--timeout", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("offline:")


def test_bad_spec_and_profile_are_usage_errors(tmp_path):
    bad_spec = run("--printer", "tcp:10.0.0.9")
    assert bad_spec.exit_code == 2
    assert "Invalid printer spec 'tcp:10.0.0.9'" in bad_spec.stderr

    bad_profile = run("--printer", f"file:{tmp_path / 'x.bin'}", "--profile", "TM-T20I")
    assert bad_profile.exit_code == 2
    assert "Unknown printer profile 'TM-T20I'" in bad_profile.stderr


def test_command_name_and_required_option():
    assert print_test.name == "print-test"
    assert run().exit_code == 2  # --printer is required
