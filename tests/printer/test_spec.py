from __future__ import annotations

import pytest

from printer import PrinterSpec, PrinterSpecError, parse_spec


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("usb:0x0416:0x5011", PrinterSpec("usb", vendor_id=0x0416, product_id=0x5011)),
        ("usb:0416:5011", PrinterSpec("usb", vendor_id=0x0416, product_id=0x5011)),
        ("USB:04B8:0E15", PrinterSpec("usb", vendor_id=0x04B8, product_id=0x0E15)),
        ("serial:/dev/ttyS0", PrinterSpec("serial", "/dev/ttyS0", baudrate=9600)),
        ("serial:/dev/ttyUSB0:115200", PrinterSpec("serial", "/dev/ttyUSB0", baudrate=115200)),
        ("serial:COM3:38400", PrinterSpec("serial", "COM3", baudrate=38400)),
        (
            "serial:/dev/serial/by-path/pci-0000:00:14.0-usb-0:1:1.0-port0",
            PrinterSpec(
                "serial", "/dev/serial/by-path/pci-0000:00:14.0-usb-0:1:1.0-port0", baudrate=9600
            ),
        ),
        ("network:192.168.1.50", PrinterSpec("network", "192.168.1.50", port=9100)),
        ("network:192.168.1.50:9101", PrinterSpec("network", "192.168.1.50", port=9101)),
        ("network:printer-kiosk1.local", PrinterSpec("network", "printer-kiosk1.local", port=9100)),
        ("network:[fe80::1]:9100", PrinterSpec("network", "fe80::1", port=9100)),
        ("network:[::1]", PrinterSpec("network", "::1", port=9100)),
        ("file:/dev/usb/lp0", PrinterSpec("file", "/dev/usb/lp0")),
        ("file:C:\\tickets\\out.bin", PrinterSpec("file", "C:\\tickets\\out.bin")),
        ("cups:TM-T20II", PrinterSpec("cups", "TM-T20II")),
        ("win32:EPSON TM-T20II Receipt", PrinterSpec("win32", "EPSON TM-T20II Receipt")),
        ("dummy", PrinterSpec("dummy")),
        ("  network:10.0.0.9  ", PrinterSpec("network", "10.0.0.9", port=9100)),
    ],
)
def test_valid_specs(text, spec):
    parsed = parse_spec(text)
    assert parsed == spec
    assert parse_spec(str(parsed)) == parsed  # str() is a canonical, parseable spec


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("lpt:1", "unknown printer type 'lpt'"),
        ("tcp:10.0.0.9", "unknown printer type 'tcp'"),
        ("/dev/usb/lp0", "unknown printer type '/dev/usb/lp0'"),
        ("usb", "usb needs an argument"),
        ("usb:0416", "usb needs a vendor and a product id in hex"),
        ("usb:0416:5011:1", "usb needs a vendor and a product id in hex"),
        ("usb:zz16:5011", "usb needs a vendor and a product id in hex"),
        ("usb:0x10000:5011", "usb needs a vendor and a product id in hex"),
        ("usb:0:0", "cannot be 0"),
        ("serial:", "serial needs an argument"),
        ("serial:/dev/ttyS0:fast", "baud rate must be a number, got 'fast'"),
        ("serial:/dev/ttyS0:12", "out of range"),
        ("serial::9600", "serial needs a device"),
        ("network:", "network needs an argument"),
        ("network:host name", "'host name' is not a host name or IP address"),
        ("network:printer:0", "port must be a number 1..65535, got '0'"),
        ("network:printer:99999", "port must be a number 1..65535"),
        ("network:printer:", "port must be a number 1..65535, got ''"),
        ("network:[fe80::1", "IPv6 host is written in brackets"),
        ("file:", "file needs an argument"),
        ("cups:My Printer", "CUPS printer name has no spaces"),
        ("win32:  ", "win32 needs an argument"),
        ("dummy:x", "dummy takes no argument"),
    ],
)
def test_invalid_specs_say_what_is_wrong_and_what_is_valid(text, problem):
    with pytest.raises(PrinterSpecError) as caught:
        parse_spec(text)
    message = str(caught.value)
    assert problem in message
    assert f"Invalid printer spec {text!r}" in message
    assert "Valid forms: usb:VID:PID" in message and "network:HOST[:PORT]" in message


def test_spec_error_is_a_value_error():
    assert issubclass(PrinterSpecError, ValueError)


def test_only_usb_serial_and_network_read_status():
    readers = {k for k in ("usb:1:2", "serial:COM1", "network:h") if parse_spec(k).can_read_status}
    assert len(readers) == 3
    assert not any(parse_spec(k).can_read_status for k in ("file:/x", "cups:x", "win32:x", "dummy"))
