"""Exceptions of the printer package: bad configuration, and a print job that failed."""

from __future__ import annotations

from typing import Literal

from printer.messages import message_en, message_id

ErrorKind = Literal["offline", "paper_out", "cover_open", "error"]
ERROR_KINDS: tuple[ErrorKind, ...] = ("offline", "paper_out", "cover_open", "error")


class PrinterConfigError(ValueError):
    """The printer configuration (spec, width, profile) is wrong: fix the config."""


class PrinterSpecError(PrinterConfigError):
    """A printer spec string cannot be parsed."""


class PrintError(Exception):
    """A print job (or a status read) failed; ``kind`` says why in one word.

    ``message_id`` and ``message_en`` are for people at the kiosk and the dashboard; ``detail`` is
    the technical cause for the log.
    """

    def __init__(self, kind: ErrorKind, message_id: str, message_en: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {message_en}" + (f" ({detail})" if detail else ""))
        self.kind: ErrorKind = kind
        self.message_id = message_id
        self.message_en = message_en
        self.detail = detail

    @classmethod
    def of(cls, kind: ErrorKind, detail: str = "") -> PrintError:
        """The error of ``kind`` with its standard messages."""
        return cls(kind, message_id(kind), message_en(kind), detail)
