"""A real `antre serve`, real print agents (in this process or as `antre kiosk-agent`), real
printers' doubles: a device file (a FIFO that keeps every byte, as /dev/usb/lp0 would) and
the TCP printer double of tests/printer."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import socketio

from tests.support.agents import KIOSK, WAIT_S
from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import add_people
from tests.support.servers import ANTRE, ServedHall, antre_env, start_server
from tests.support.servers import call_api as api
from tests.support.waiting import eventually

CUT = b"\x1dVB\x00"  # GS V 66 0: the end of every ticket




def issue(hall: ServedHall, service: str = "KK", lang: str = "id") -> dict[str, Any]:
    status, ticket = api(hall, "POST", f"/tickets?lang={lang}", KIOSK, {"service": service})
    assert status == 201, ticket
    return dict(ticket)


def kiosk_view(hall: ServedHall, kiosk: str = KIOSK) -> dict[str, Any]:
    status, body = api(hall, "GET", "/kiosks", "admin")
    assert status == 200, body
    [found] = [k for k in body["kiosks"] if k["id"] == kiosk]
    return dict(found)


def agent_connected(hall: ServedHall, connected: bool = True, timeout: float = WAIT_S) -> None:
    eventually(lambda: kiosk_view(hall)["agent_connected"] is connected, timeout)


@pytest.fixture(scope="session")
def hall_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A data directory with the small hall, its people and device tokens, made once
    (argon2 is slow on purpose); each test serves a copy."""
    data_dir = tmp_path_factory.mktemp("printing-hall") / "data"
    data_dir.mkdir()
    prepared = prepare_hall(f"sqlite:///{data_dir / 'antre.db'}", hall_data())
    tokens = add_people(prepared, ["kiosk-1", "aula", "zona-a"])
    prepared.engine.dispose()
    return data_dir, tokens


@pytest.fixture
def served(tmp_path: Path, hall_template: tuple[Path, dict[str, str]]) -> Iterator[ServedHall]:
    """The small hall served at Monday 09:00 by a real `antre serve`."""
    template, tokens = hall_template
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    env = antre_env(data_dir, write_hall_yaml(tmp_path), ANTRE_CLOCK_START="2026-11-30T09:00:00")
    served = ServedHall(start_server(env, tmp_path / "server.log"), tokens, data_dir)
    yield served
    log = served.server.log.read_text()  # before the stop, whose interrupt may leave its own
    served.server.stop()
    assert "Traceback" not in log, log


class DeviceFile:
    """A printer's device file: a FIFO whose reader keeps every byte, like /dev/usb/lp0
    (a plain file would hold only the last job)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        # Read-write, so the FIFO always has a writer and the reader never sees end of file.
        self._fd = os.open(path, os.O_RDWR)
        self._received = bytearray()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)

    @property
    def spec(self) -> str:
        return f"file:{self.path}"

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def _read(self) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([self._fd], [], [], 0.05)
            if ready:
                chunk = os.read(self._fd, 65536)
                with self._lock:
                    self._received += chunk

    def __enter__(self) -> DeviceFile:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self._fd)


def start_agent_process(hall: ServedHall, state_dir: Path, printer: str,
                        log: Path) -> subprocess.Popen[bytes]:
    """`antre kiosk-agent`, as the kiosk PC's service runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env["ANTRE_KIOSK_TOKEN"] = hall.tokens[KIOSK]
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(ANTRE), "kiosk-agent", "--server", hall.url, "--kiosk", KIOSK,
             "--printer", printer, "--state-dir", str(state_dir)],
            env=env, stdout=out, stderr=subprocess.STDOUT)


class Listener:
    """A Socket.IO client that records the events it is told to, for a kiosk page or staff."""

    def __init__(self, hall: ServedHall, auth: dict[str, Any], *names: str) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.client = socketio.Client(reconnection=False, handle_sigint=False)
        for name in names:
            self.client.on(name, lambda data, name=name: self.events.put((name, data)))
        self.client.connect(hall.url, auth=auth, wait_timeout=WAIT_S)

    def next(self, name: str, where: Callable[[Any], bool] = lambda _: True) -> Any:
        deadline = time.monotonic() + WAIT_S
        while True:
            found, data = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            if found == name and where(data):
                return data

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture
def listen(served: ServedHall) -> Iterator[Callable[..., Listener]]:
    opened: list[Listener] = []

    def opener(auth: dict[str, Any], *names: str) -> Listener:
        listener = Listener(served, auth, *names)
        opened.append(listener)
        return listener

    yield opener
    for listener in opened:
        listener.close()
