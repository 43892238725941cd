"""Printer status over DLE EOT: ask the printer, decode its real status bytes.

``DLE EOT n`` (0x10 0x04 n) is a real-time command: the printer answers one byte at once, even
while offline or printing. We ask n=1 (printer status), n=2 (offline cause) and n=4 (roll paper
sensor). Each answer has bits 1 and 4 set and bits 0 and 7 clear, which tells a status byte from
noise.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from printer.backends import Backend
from printer.errors import ErrorKind, PrintError
from printer.messages import message_en, message_id

State = Literal["ok", "paper_low", "paper_out", "cover_open", "offline", "error", "unknown"]
PRINTABLE: tuple[State, ...] = ("ok", "paper_low", "unknown")

DLE_EOT = b"\x10\x04"
PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR = 1, 2, 4

_FIXED_MASK, _FIXED_BITS = 0x93, 0x12
_OFFLINE = 0x08  # n=1 bit 3
_COVER_OPEN = 0x04  # n=2 bit 2
_PAPER_END_STOP = 0x20  # n=2 bit 5: printing stopped at the paper end
_ERROR = 0x40  # n=2 bit 6
_NEAR_END = 0x0C  # n=4 bits 2-3: paper near-end sensor
_PAPER_END = 0x60  # n=4 bits 5-6: paper end sensor


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; flags are None when it could not say."""

    state: State
    online: bool | None = None
    cover_open: bool | None = None
    paper_low: bool | None = None
    paper_out: bool | None = None
    error: bool | None = None
    raw: bytes = b""  # the answers to DLE EOT 1, 2 and 4
    detail: str = ""

    @property
    def can_print(self) -> bool:
        """A job may be sent: ok, paper low (still prints) or unknown (cannot tell)."""
        return self.state in PRINTABLE

    @property
    def message_id(self) -> str:
        return message_id(self.state)

    @property
    def message_en(self) -> str:
        return message_en(self.state)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the agent's status report."""
        data = asdict(self)
        data["raw"] = self.raw.hex()
        data["message_id"] = self.message_id
        data["message_en"] = self.message_en
        return data


UNKNOWN = PrinterStatus("unknown", detail="this backend cannot read the printer status")


def decode_status(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """The status from the answers to DLE EOT 1, 2 and 4."""
    raw = bytes((printer, offline_cause, paper))
    if any(byte & _FIXED_MASK != _FIXED_BITS for byte in raw):
        return PrinterStatus("unknown", raw=raw, detail=f"unexpected status bytes {raw.hex()}")
    online = not printer & _OFFLINE
    cover_open = bool(offline_cause & _COVER_OPEN)
    paper_out = bool(paper & _PAPER_END or offline_cause & _PAPER_END_STOP)
    paper_low = paper_out or bool(paper & _NEAR_END)
    error = bool(offline_cause & _ERROR)
    state: State
    if cover_open:
        state = "cover_open"
    elif paper_out:
        state = "paper_out"
    elif error:
        state = "error"
    elif not online:
        state = "offline"
    elif paper_low:
        state = "paper_low"
    else:
        state = "ok"
    return PrinterStatus(state, online, cover_open, paper_low, paper_out, error, raw)


def query_status(backend: Backend) -> PrinterStatus:
    """Ask the printer behind ``backend``; ``unknown`` if the backend cannot read.

    Raises ``PrintError("offline")`` when the printer does not answer within the timeout.
    """
    if not backend.can_read_status:
        return UNKNOWN
    answers = []
    for n in (PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR):
        backend.discard_input()
        backend.write(DLE_EOT + bytes((n,)))
        reply = backend.read(1)
        if not reply:
            raise PrintError.of("offline", f"no answer to DLE EOT {n} within {backend.timeout:g} s")
        answers.append(reply[-1])
    return decode_status(*answers)


_ERROR_KINDS: dict[State, ErrorKind] = {
    "paper_out": "paper_out",
    "cover_open": "cover_open",
    "offline": "offline",
    "error": "error",
}


def raise_unless_printable(status: PrinterStatus) -> None:
    """Raise the ``PrintError`` matching ``status`` when a job cannot be printed."""
    if not status.can_print:
        detail = status.detail or f"DLE EOT 1, 2, 4 answered {status.raw.hex(' ')}"
        raise PrintError.of(_ERROR_KINDS[status.state], detail)
