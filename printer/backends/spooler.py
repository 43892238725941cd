"""Printers behind an operating-system spooler (CUPS, Windows): raw jobs, no status."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import Any

from printer.backends.base import Backend, offline, setup_error


class CupsBackend(Backend):
    """A CUPS queue, fed the raw bytes through ``lp -o raw``; CUPS keeps the status to itself."""

    def __init__(self, name: str, timeout: float) -> None:
        super().__init__(timeout)
        self.name = name
        lp = shutil.which("lp")
        if lp is None:
            raise setup_error("the cups: backend needs the `lp` command (apt install cups-client)")
        self._lp = lp

    def write(self, data: bytes) -> None:
        command = [self._lp, "-d", self.name, "-o", "raw", "-t", "Antre ticket"]
        try:
            result = subprocess.run(
                command, input=data, capture_output=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise offline(f"`lp -d {self.name}` did not finish within {self.timeout:g} s") from None
        except OSError as exc:
            raise setup_error(f"cannot run lp: {exc}") from None
        if result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip() or f"exit {result.returncode}"
            raise setup_error(f"`lp -d {self.name}` failed: {message}")


class Win32Backend(Backend):
    """A Windows printer (by its name in Windows) fed a RAW spooler job; no status."""

    def __init__(self, name: str, timeout: float) -> None:
        super().__init__(timeout)
        self.name = name
        if sys.platform != "win32":
            raise setup_error("the win32: backend works only on Windows; use network: or usb: here")
        try:
            import win32print  # pywin32, Windows only
        except ImportError:
            raise setup_error("the win32: backend needs pywin32 (pip install pywin32)") from None
        self._win32print: Any = win32print
        try:
            self._handle: Any = win32print.OpenPrinter(name)
        except Exception as exc:  # pywintypes.error
            raise offline(f"Windows printer {name!r} not found: {exc}") from None

    def write(self, data: bytes) -> None:
        spooler = self._win32print
        try:
            spooler.StartDocPrinter(self._handle, 1, ("Antre ticket", None, "RAW"))
            try:
                spooler.StartPagePrinter(self._handle)
                spooler.WritePrinter(self._handle, data)
                spooler.EndPagePrinter(self._handle)
            finally:
                spooler.EndDocPrinter(self._handle)
        except Exception as exc:  # pywintypes.error
            raise setup_error(f"Windows printer {self.name!r}: {exc}") from None

    def close(self) -> None:
        if self._handle is not None:
            self._win32print.ClosePrinter(self._handle)
            self._handle = None
