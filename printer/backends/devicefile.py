"""Device files (/dev/usb/lp0, LPT1) or plain files: write only, non-blocking, no status."""

from __future__ import annotations

import os
import time

from printer.backends.base import GONE_ERRNOS, PERMISSION_ERRNOS, Backend, offline, setup_error
from printer.errors import PrintError

# Non-blocking, so a stalled device cannot hold a write past the timeout.
_FLAGS = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class FileBackend(Backend):
    """A device file such as /dev/usb/lp0, or a plain file that captures the last job."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__(timeout)
        self.path = path
        self._fd: int | None = None
        if os.path.exists(path):
            self._fd = self._open(_FLAGS)  # now, so a permission problem shows at once
        elif path.startswith("/dev/"):
            # Never create a plain file in /dev: it would hide the device when it comes back.
            raise offline(f"{path} does not exist: is the printer plugged in and switched on?")

    def write(self, data: bytes) -> None:
        if self._fd is None:
            self._fd = self._open(_FLAGS | os.O_CREAT)
        fd = self._fd
        if os.path.isfile(self.path):
            os.ftruncate(fd, 0)  # a plain file holds one job, not every job ever printed
        deadline = time.monotonic() + self.timeout
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                pass
            except OSError as exc:
                raise self._os_error(exc) from None
            if not view:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise offline(f"{self.path} did not take the data within {self.timeout:g} s")
            _wait_writable(fd, remaining)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _open(self, flags: int) -> int:
        try:
            return os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise self._os_error(exc) from None

    def _os_error(self, exc: OSError) -> PrintError:
        if exc.errno in PERMISSION_ERRNOS:
            return setup_error(
                f"no permission to write {self.path}: add the kiosk user to the 'lp' group "
                "or add a udev rule (docs/printing.md)",
            )
        if exc.errno in GONE_ERRNOS:
            return offline(f"{self.path}: {exc.strerror}")
        return setup_error(f"{self.path}: {exc.strerror or exc}")


def _wait_writable(fd: int, timeout: float) -> None:
    if os.name == "posix":
        import select

        select.select([], [fd], [], min(timeout, 0.5))
    else:  # select() takes only sockets on Windows
        time.sleep(min(timeout, 0.01))
