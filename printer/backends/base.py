"""The backend interface: a byte pipe to one printer, every blocking step under a timeout."""

from __future__ import annotations

import errno
from types import TracebackType

from printer.errors import PrintError

PERMISSION_ERRNOS = (errno.EACCES, errno.EPERM)
GONE_ERRNOS = (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO, errno.EPIPE)


class Backend:
    """A connection to one printer for one job (or one status read)."""

    can_read_status = False

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def write(self, data: bytes) -> None:
        """Send ``data``; raise ``PrintError`` if the printer does not take it in time."""
        raise NotImplementedError

    def read(self, size: int = 1) -> bytes:
        """Bytes the printer sent, or ``b""`` if none arrived within the timeout."""
        raise NotImplementedError(f"{type(self).__name__} cannot read from the printer")

    def discard_input(self) -> None:
        """Drop bytes the printer sent unasked, so the next read answers our question."""
        return None

    def close(self) -> None:
        """Release the connection; safe to call twice."""
        return None

    def __enter__(self) -> Backend:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def offline(detail: str) -> PrintError:
    """The printer cannot be reached or stopped answering."""
    return PrintError.of("offline", detail)


def setup_error(detail: str) -> PrintError:
    """Something on this computer needs fixing (permissions, a missing tool or library)."""
    return PrintError.of("error", detail)
