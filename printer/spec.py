"""Printer spec strings (``usb:0416:5011``, ``network:192.168.1.50``...) parsed and checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from printer.errors import PrinterSpecError

BackendKind = Literal["usb", "serial", "network", "file", "cups", "win32", "dummy"]

DEFAULT_NETWORK_PORT = 9100  # the raw "JetDirect" port every network receipt printer listens on
DEFAULT_BAUDRATE = 9600  # the factory setting of most serial receipt printers

VALID_FORMS = (
    "usb:VID:PID (hex, e.g. usb:0x0416:0x5011 or usb:0416:5011), "
    "serial:DEVICE[:BAUD] (e.g. serial:/dev/ttyS0:9600 or serial:COM3), "
    "network:HOST[:PORT] (e.g. network:192.168.1.50:9100), "
    "file:PATH (e.g. file:/dev/usb/lp0), cups:NAME, win32:NAME, dummy"
)

_HEX_ID = re.compile(r"(?:0[xX])?([0-9a-fA-F]{1,4})")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
_CUPS_NAME = re.compile(r"[^\s/#]+")


@dataclass(frozen=True)
class PrinterSpec:
    """Where a printer is and how to reach it; ``str(spec)`` gives the canonical spec string."""

    kind: BackendKind
    target: str = ""  # serial device, network host, file path, CUPS or Windows printer name
    port: int | None = None  # network
    baudrate: int | None = None  # serial
    vendor_id: int | None = None  # usb
    product_id: int | None = None  # usb

    @property
    def can_read_status(self) -> bool:
        """Whether the backend can ask the printer for its status (DLE EOT)."""
        return self.kind in ("usb", "serial", "network")

    def __str__(self) -> str:
        if self.kind == "dummy":
            return "dummy"
        if self.kind == "usb":
            return f"usb:{self.vendor_id:#06x}:{self.product_id:#06x}"
        if self.kind == "serial":
            return f"serial:{self.target}:{self.baudrate}"
        if self.kind == "network":
            host = f"[{self.target}]" if ":" in self.target else self.target
            return f"network:{host}:{self.port}"
        return f"{self.kind}:{self.target}"


def parse_spec(spec: str) -> PrinterSpec:
    """Parse a printer spec string; raise ``PrinterSpecError`` saying what is wrong."""
    if not isinstance(spec, str) or not spec.strip():
        raise _error(spec, "it is empty")
    text = spec.strip()
    kind, sep, rest = text.partition(":")
    kind = kind.lower()
    if kind == "dummy":
        if rest:
            raise _error(spec, "dummy takes no argument")
        return PrinterSpec("dummy")
    if kind not in _PARSERS:
        raise _error(spec, f"unknown printer type {kind!r}")
    if not sep or not rest.strip():
        raise _error(spec, f"{kind} needs an argument after '{kind}:'")
    return _PARSERS[kind](spec, rest.strip())


def _usb(spec: str, rest: str) -> PrinterSpec:
    parts = rest.split(":")
    matches = [_HEX_ID.fullmatch(part.strip()) for part in parts]
    if len(parts) != 2 or not all(matches):
        raise _error(spec, "usb needs a vendor and a product id in hex, as usb:VID:PID")
    vendor, product = (int(m.group(1), 16) for m in matches if m)
    if vendor == 0 or product == 0:
        raise _error(spec, "usb vendor and product ids cannot be 0")
    return PrinterSpec("usb", vendor_id=vendor, product_id=product)


def _serial(spec: str, rest: str) -> PrinterSpec:
    device, baudrate = rest, DEFAULT_BAUDRATE
    head, sep, tail = rest.rpartition(":")
    if sep and tail.isdigit():
        device, baudrate = head, int(tail)
    elif sep and not any(c in tail for c in "/\\.-"):
        # Stable Linux names (/dev/serial/by-path/...:1.0-port0) hold colons; a bare word does not.
        raise _error(spec, f"serial baud rate must be a number, got {tail!r}")
    if not device:
        raise _error(spec, "serial needs a device, as serial:/dev/ttyS0 or serial:COM3")
    if not 300 <= baudrate <= 4_000_000:
        raise _error(spec, f"serial baud rate {baudrate} is out of range (300..4000000)")
    return PrinterSpec("serial", target=device, baudrate=baudrate)


def _network(spec: str, rest: str) -> PrinterSpec:
    port_text = ""
    if rest.startswith("["):  # [IPv6]:port
        host, bracket, after = rest[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise _error(spec, "an IPv6 host is written in brackets, as network:[fe80::1]:9100")
        port_text = after[1:]
        valid_host = bool(host) and all(c in "0123456789abcdefABCDEF:." for c in host)
    else:
        host, _, port_text = rest.partition(":")
        valid_host = bool(_HOST.fullmatch(host))
    if not valid_host:
        raise _error(spec, f"{host!r} is not a host name or IP address")
    port = DEFAULT_NETWORK_PORT
    if port_text or rest.endswith(":"):
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise _error(spec, f"network port must be a number 1..65535, got {port_text!r}")
        port = int(port_text)
    return PrinterSpec("network", target=host, port=port)


def _file(spec: str, rest: str) -> PrinterSpec:
    return PrinterSpec("file", target=rest)


def _cups(spec: str, rest: str) -> PrinterSpec:
    if not _CUPS_NAME.fullmatch(rest):
        raise _error(spec, "a CUPS printer name has no spaces, '/' or '#' (see `lpstat -p`)")
    return PrinterSpec("cups", target=rest)


def _win32(spec: str, rest: str) -> PrinterSpec:
    return PrinterSpec("win32", target=rest)


_PARSERS = {
    "usb": _usb,
    "serial": _serial,
    "network": _network,
    "file": _file,
    "cups": _cups,
    "win32": _win32,
}


def _error(spec: object, problem: str) -> PrinterSpecError:
    return PrinterSpecError(f"Invalid printer spec {spec!r}: {problem}. Valid forms: {VALID_FORMS}")
