"""Network printers: raw TCP (port 9100), which also carries the status answers."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time

from printer.backends.base import Backend, offline


class NetworkBackend(Backend):
    """A raw TCP connection (port 9100), which also carries the status answers."""

    can_read_status = True

    def __init__(self, host: str, port: int, timeout: float) -> None:
        super().__init__(timeout)
        self.where = f"{host}:{port}"
        deadline = time.monotonic() + timeout
        self._sock: socket.socket | None = None
        failure: OSError | None = None
        # Try each address of the host (localhost is ::1 and 127.0.0.1) within the one timeout.
        for address in _resolve(host, port, timeout):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                self._sock = socket.create_connection(address, remaining)
                return
            except OSError as exc:
                failure = exc
        if isinstance(failure, ConnectionRefusedError):
            raise offline(f"{self.where} refused the connection (printer off or wrong port?)")
        if failure is None or isinstance(failure, TimeoutError):
            raise offline(f"no connection to {self.where} within {timeout:g} s")
        raise offline(f"cannot connect to {self.where}: {failure}")

    def write(self, data: bytes) -> None:
        try:
            self._socket.sendall(data)  # the timeout bounds the whole send, not each chunk
        except TimeoutError:
            raise offline(f"{self.where} stopped taking data for {self.timeout:g} s") from None
        except OSError as exc:
            raise offline(f"lost the connection to {self.where}: {exc}") from None

    def read(self, size: int = 1) -> bytes:
        try:
            data = self._socket.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise offline(f"lost the connection to {self.where}: {exc}") from None
        if not data:
            raise offline(f"{self.where} closed the connection")
        return data

    def discard_input(self) -> None:
        sock = self._socket
        sock.setblocking(False)
        try:
            while sock.recv(4096):
                pass
        except OSError:  # BlockingIOError: nothing (more) waiting
            pass
        finally:
            sock.settimeout(self.timeout)

    def close(self) -> None:
        if self._sock is None:
            return
        # Unread input makes close() send a reset, which can cut off the end of the job.
        self.discard_input()
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        self._sock = None

    @property
    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise offline(f"the connection to {self.where} is closed")
        return self._sock


def _resolve(host: str, port: int, timeout: float) -> list[tuple[str, int]]:
    """The addresses of ``host``, looked up within ``timeout``.

    A name lookup is not bounded by socket timeouts (a missing DNS server or mDNS can stall it
    for many seconds), so it runs in a helper thread that we stop waiting for.
    """
    try:
        ipaddress.ip_address(host)
        return [(host, port)]
    except ValueError:
        pass
    found: list[tuple[str, int]] = []
    failed: list[OSError] = []

    def look_up() -> None:
        try:
            for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
                found.append((str(sockaddr[0]), port))
        except OSError as exc:
            failed.append(exc)

    worker = threading.Thread(target=look_up, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise offline(f"looking up printer host {host!r} took over {timeout:g} s")
    if failed or not found:
        raise offline(f"cannot find printer host {host!r}: {failed[0] if failed else 'no address'}")
    return found
