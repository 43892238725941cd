"""Printer doubles that speak the real protocol: a TCP one (port 9100 style) and a serial one.

They record every byte received and answer ``DLE EOT n`` queries with the status bytes a real
Epson-compatible printer sends in the configured state. The byte values are written out here
from the ESC/POS reference, independently of ``printer.status``, so the tests check the decoder
against the protocol rather than against itself.
"""

from __future__ import annotations

import os
import select
import socket
import threading
from collections.abc import Callable
from types import TracebackType

# state -> answers to DLE EOT 1 (printer), 2 (offline cause), 4 (roll paper sensor).
# Every answer has the fixed bits 0x12; 0x08 in n=1 is "offline"; in n=2 0x04 is cover open,
# 0x20 paper-end stop, 0x40 error; in n=4 0x0C is paper near its end, 0x60 paper out.
STATUS_BYTES: dict[str, dict[int, int]] = {
    "ok": {1: 0x12, 2: 0x12, 4: 0x12},
    "paper_low": {1: 0x12, 2: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1A, 2: 0x32, 4: 0x7E},
    "cover_open": {1: 0x1A, 2: 0x16, 4: 0x12},
    "offline": {1: 0x1A, 2: 0x12, 4: 0x12},
    "error": {1: 0x1A, 2: 0x52, 4: 0x12},
}

DLE_EOT = b"\x10\x04"
_RASTER = b"\x1dv0"  # GS v 0 m xL xH yL yH data
_WITH_LENGTH = (b"\x1d(k", b"\x1d(L")  # GS ( k|L pL pH data
_HEADERS = ((DLE_EOT, 3), (_RASTER, 8), (_WITH_LENGTH[0], 5), (_WITH_LENGTH[1], 5))


def _incomplete(rest: bytes) -> bool:
    """``rest`` may be the start of a command whose header has not fully arrived."""
    for prefix, size in _HEADERS:
        n = min(len(rest), len(prefix))
        if len(rest) < size and rest[:n] == prefix[:n]:
            return True
    return False


class EscPosStream:
    """Finds DLE EOT queries in a byte stream the way a printer does.

    The data of image and 2D-code commands is skipped, so bytes inside a picture are never
    taken for a query.
    """

    def __init__(self) -> None:
        self._pending = b""
        self._skip = 0

    def feed(self, data: bytes) -> list[int]:
        """The ``n`` of each DLE EOT query completed by ``data``."""
        buf = self._pending + data
        queries: list[int] = []
        i = 0
        while i < len(buf):
            if self._skip:
                take = min(self._skip, len(buf) - i)
                i += take
                self._skip -= take
                continue
            rest = buf[i : i + 8]  # the longest header we parse
            if _incomplete(rest):
                break  # wait for the rest of the command header
            if rest.startswith(DLE_EOT):
                queries.append(rest[2])
                i += 3
            elif rest.startswith(_RASTER):
                width_bytes = rest[4] + 256 * rest[5]
                height = rest[6] + 256 * rest[7]
                self._skip = width_bytes * height
                i += 8
            elif rest.startswith(_WITH_LENGTH):
                self._skip = rest[3] + 256 * rest[4]
                i += 5
            else:
                i += 1
        self._pending = buf[i:]
        return queries


class _Printer:
    """The printer behind either double: state, recorded bytes, status answers, hanging."""

    def __init__(
        self,
        state: str,
        hang_after: int | None,
        answer: bool,
        becomes: tuple[int, str] | None = None,
    ) -> None:
        for name in (state, *(becomes[1:] if becomes else ())):
            if name not in STATUS_BYTES:
                raise ValueError(f"unknown state {name!r}; one of {sorted(STATUS_BYTES)}")
        self.state = state
        self.hang_after = hang_after
        self.becomes = becomes
        self.answer = answer
        self.received = bytearray()
        self.queries: list[int] = []
        self.hung = False
        self._stream = EscPosStream()
        self._lock = threading.Lock()

    def take(self, chunk: bytes) -> bytes:
        """Record ``chunk``; return the answers to send back."""
        with self._lock:
            if self.hang_after is not None:
                chunk = chunk[: max(self.hang_after - len(self.received), 0)]
                if len(self.received) + len(chunk) >= self.hang_after:
                    self.hung = True  # froze mid-job: takes nothing more, answers nothing
            self.received += chunk
            if self.becomes and len(self.received) >= self.becomes[0]:
                self.state = self.becomes[1]  # e.g. the paper ran out while printing
            queries = self._stream.feed(chunk)
            self.queries += queries
        if not self.answer or self.hung:
            return b""
        return bytes(STATUS_BYTES[self.state].get(n, 0x12) for n in queries)


class PrinterDouble:
    """A network printer on 127.0.0.1 (ephemeral port), served from a thread.

    ``state`` sets the status it reports; ``answer=False`` makes it accept connections but
    never answer; ``hang_after=N`` makes it freeze after N bytes (a printer stuck mid-job);
    ``becomes=(N, state)`` changes its state once N bytes have arrived.
    """

    def __init__(
        self,
        state: str = "ok",
        *,
        hang_after: int | None = None,
        answer: bool = True,
        becomes: tuple[int, str] | None = None,
    ) -> None:
        self._printer = _Printer(state, hang_after, answer, becomes)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def spec(self) -> str:
        return f"network:127.0.0.1:{self.port}"

    @property
    def received(self) -> bytes:
        return bytes(self._printer.received)

    @property
    def queries(self) -> list[int]:
        return list(self._printer.queries)

    def set_state(self, state: str) -> None:
        self._printer.state = state

    def __enter__(self) -> PrinterDouble:
        self._spawn(self._accept_loop)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(0.05)
            while not self._stop.is_set():
                if self._printer.hung:
                    self._stop.wait(0.05)  # keep the connection open, read nothing
                    continue
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    return
                reply = self._printer.take(chunk)
                try:
                    if reply:
                        conn.sendall(reply)
                except OSError:
                    return


class SerialPrinterDouble:
    """A serial printer on a pseudo-terminal; ``spec`` is ``serial:/dev/pts/N:9600``.

    With ``answer=False`` nothing reads the line at all, like a printer that is switched off.
    """

    def __init__(self, state: str = "ok", *, answer: bool = True) -> None:
        self._printer = _Printer(state, None, answer)
        self._master, self._slave = os.openpty()
        self.device = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def spec(self) -> str:
        return f"serial:{self.device}:9600"

    @property
    def received(self) -> bytes:
        return bytes(self._printer.received)

    def __enter__(self) -> SerialPrinterDouble:
        if self._printer.answer:
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        os.close(self._slave)
        os.close(self._master)

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                return
            reply = self._printer.take(chunk)
            if reply:
                os.write(self._master, reply)
