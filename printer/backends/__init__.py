"""Printer backends opened from a spec string; see ``printer.spec`` for the forms."""

from __future__ import annotations

from printer.backends.base import Backend
from printer.backends.devicefile import FileBackend
from printer.backends.memory import DummyBackend
from printer.backends.network import NetworkBackend
from printer.backends.serialport import SerialBackend
from printer.backends.spooler import CupsBackend, Win32Backend
from printer.backends.usbprinter import UsbBackend
from printer.spec import DEFAULT_BAUDRATE, DEFAULT_NETWORK_PORT, PrinterSpec, parse_spec

__all__ = [
    "Backend",
    "CupsBackend",
    "DummyBackend",
    "FileBackend",
    "NetworkBackend",
    "PrinterSpec",
    "SerialBackend",
    "UsbBackend",
    "Win32Backend",
    "open_backend",
    "parse_spec",
]


def open_backend(spec: str | PrinterSpec, timeout: float = 5.0) -> Backend:
    """Open the printer named by ``spec``; raise ``PrinterSpecError`` or ``PrintError``."""
    if isinstance(spec, str):
        spec = parse_spec(spec)
    if spec.kind == "network":
        return NetworkBackend(spec.target, spec.port or DEFAULT_NETWORK_PORT, timeout)
    if spec.kind == "serial":
        return SerialBackend(spec.target, spec.baudrate or DEFAULT_BAUDRATE, timeout)
    if spec.kind == "usb":
        return UsbBackend(spec.vendor_id or 0, spec.product_id or 0, timeout)
    if spec.kind == "file":
        return FileBackend(spec.target, timeout)
    if spec.kind == "cups":
        return CupsBackend(spec.target, timeout)
    if spec.kind == "win32":
        return Win32Backend(spec.target, timeout)
    return DummyBackend(timeout)
