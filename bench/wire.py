"""Light clients for the load generator, on asyncio streams: HTTP/1.1 with keep-alive, and
Socket.IO over a raw WebSocket (Engine.IO v4, parsed with wsproto).

One asyncio loop holds a thousand of these on the 2-core test machine, which a thread per
python-socketio Client could not; every event is stamped with `time.monotonic()` the moment it is
decoded, in the process that also sends the HTTP requests, so the latencies need no clock sync.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    CloseConnection,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

READ_CHUNK = 65536
# (event name, payload, monotonic receipt time)
EventHandler = Callable[[str, Any, float], None]


def host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.hostname != "127.0.0.1":
        raise ValueError(f"the benchmarks only talk to 127.0.0.1, not {url}")
    return parts.hostname, parts.port or 80


class HttpClient:
    """One keep-alive HTTP/1.1 connection (a kiosk, an officer's call button)."""

    def __init__(self, url: str, token: str | None = None) -> None:
        self.host, self.port = host_port(url)
        self.token = token
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: Any = None,
                      timeout: float = 30.0) -> tuple[int, Any]:
        """Send one request and read its answer: (status, decoded JSON or None)."""
        return await asyncio.wait_for(self._request(method, path, body), timeout)

    async def _request(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        assert self._reader is not None
        data = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                f"Content-Length: {len(data)}", "Connection: keep-alive"]
        if data:
            head.append("Content-Type: application/json")
        if self.token:
            head.append(f"Authorization: Bearer {self.token}")
        self._writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        status_line = await self._reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = (await self._reader.readline()).strip()
            if not line:
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
            elif name == "transfer-encoding":
                raise ConnectionError("chunked answers are not expected from these endpoints")
        raw = await self._reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, json.loads(raw) if raw else None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
        self._reader = self._writer = None


class Refused(Exception):
    """The server refused the Socket.IO connection (a `connect_error`)."""


class SocketClient:
    """A Socket.IO client on namespace `/`, WebSocket transport only, no acks, no binary."""

    def __init__(self, url: str, auth: dict[str, Any], on_event: EventHandler) -> None:
        self.host, self.port = host_port(url)
        self.auth = auth
        self.on_event = on_event
        self.connected = asyncio.Event()
        self.closed = False
        self.error: str | None = None
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._writer: asyncio.StreamWriter | None = None
        self._pump: asyncio.Task[None] | None = None
        self._parts: list[str] = []

    async def connect(self, timeout: float = 30.0) -> None:
        """Open the socket and wait for the namespace's connect answer (the snapshot may
        follow at once; it arrives through `on_event`)."""
        reader, self._writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), timeout)
        self._send(Request(host=f"{self.host}:{self.port}",
                           target="/socket.io/?EIO=4&transport=websocket"))
        self._pump = asyncio.create_task(self._read(reader))
        done = asyncio.ensure_future(self.connected.wait())
        await asyncio.wait([done, self._pump], timeout=timeout,
                           return_when=asyncio.FIRST_COMPLETED)
        if not self.connected.is_set():
            done.cancel()
            await self.close()
            raise Refused(self.error or "no answer to the Socket.IO connect in time")

    async def wait_closed(self) -> None:
        """Until the server closes the connection (or it breaks)."""
        if self._pump is not None:
            await asyncio.shield(self._pump)

    def _send(self, event: Any) -> None:
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(self._ws.send(event))

    def _text(self, text: str) -> None:
        self._send(TextMessage(data=text))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while True:
                data = await reader.read(READ_CHUNK)
                if not data:
                    break
                self._ws.receive_data(data)
                for event in self._ws.events():
                    if isinstance(event, TextMessage):
                        self._parts.append(event.data)
                        if event.message_finished:
                            text, self._parts = "".join(self._parts), []
                            self._packet(text)
                    elif isinstance(event, Ping):
                        self._send(event.response())
                    elif isinstance(event, CloseConnection | RejectConnection):
                        self.error = self.error or f"closed by the server ({event!r})"
                        return
                    elif isinstance(event, AcceptConnection):
                        pass
        except (ConnectionError, OSError) as error:
            self.error = self.error or str(error)
        finally:
            self.closed = True

    def _packet(self, text: str) -> None:
        kind = text[:1]
        if kind == "0":  # Engine.IO open: now join the namespace with our credentials
            self._text("40" + json.dumps(self.auth))
        elif kind == "2":  # Engine.IO ping
            self._text("3")
        elif kind == "4":
            self._message(text[1:])

    def _message(self, text: str) -> None:
        kind = text[:1]
        if kind == "2":  # EVENT: ["name", payload]
            name, *args = json.loads(text[1:])
            self.on_event(name, args[0] if args else None, time.monotonic())
        elif kind == "0":
            self.connected.set()
        elif kind == "4":  # CONNECT_ERROR
            try:
                self.error = json.loads(text[1:]).get("message", text)
            except ValueError:
                self.error = text
            self._close_transport()

    def _close_transport(self) -> None:
        if self._writer is not None:
            self._writer.close()

    async def close(self) -> None:
        if self._writer is not None and not self._writer.is_closing():
            try:
                self._text("41")  # leave the namespace politely
            except Exception:  # a connection already gone has nothing to leave
                pass
            self._writer.close()
        if self._pump is not None:
            try:
                await asyncio.wait_for(self._pump, 2)
            except (TimeoutError, asyncio.CancelledError):
                self._pump.cancel()
        self.closed = True
