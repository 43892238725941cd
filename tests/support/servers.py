"""Real server processes on loopback (`antre serve`, and any command that answers /healthz), the
small hall served by one, and JSON calls to it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import add_people

ANTRE = Path(sys.executable).parent / "antre"


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A server process on loopback, its environment and its log."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log: Path
    name: str = "antre serve"

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_mib(self) -> float:
        """Resident memory now, from /proc (MiB)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {self.name} (pid {self.pid})")

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far (from /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """SIGINT (a clean shutdown), then kill after 3 s: a server still there by then holds
        nothing a test needs (every answer it gave was committed), and a fresh clone's CI saw
        several take the whole grace."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def launch(command: list[str], port: int, env: dict[str, str], log: Path, name: str,
           timeout_s: float = 30, cwd: Path | None = None) -> LiveServer:
    """Start `command` (listening on `port`), its output appended to `log`, and wait until
    /healthz answers 200; raise with the log's end if it exits or stays silent."""
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out,
                                   stderr=subprocess.STDOUT)
    server = LiveServer(f"http://127.0.0.1:{port}", env, process, log, name)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited {process.returncode}:\n"
                               f"{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {timeout_s} s:\n{log.read_text()[-4000:]}")


def antre_env(data_dir: Path, config: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any ANTRE_* setting, then the data folder, the config
    file, a secret key and `extra` (which may override the key)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env.update(ANTRE_DATA_DIR=str(data_dir), ANTRE_CONFIG=str(config),
               ANTRE_SECRET_KEY="test-secret")
    env.update(extra)
    return env


def start_server(env: dict[str, str], log: Path, port: int | None = None,
                 timeout_s: float = 30, name: str = "antre serve") -> LiveServer:
    """A real `antre serve` with `env`, on `port` (default: a free one)."""
    port = port or free_port()
    return launch([str(ANTRE), "serve", "--port", str(port)], port, env, log, name, timeout_s)


@dataclass
class ServedHall:
    server: LiveServer
    tokens: dict[str, str]
    data_dir: Path

    @property
    def url(self) -> str:
        return self.server.url


def serve_hall(directory: Path, data: dict[str, Any] | None = None,
               clock_start: str = "2026-11-30T09:00:00", **env: str) -> ServedHall:
    """A real `antre serve` over `data` (default: the small hall) with USERS and a token for
    every kiosk and display. Stop it with `.server.stop()`."""
    data = data or hall_data()
    data_dir = directory / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    hall = prepare_hall(f"sqlite:///{data_dir / 'antre.db'}", data)
    devices = [k["id"] for k in data.get("kiosks", [])] + [d["id"] for d in
                                                           data.get("displays", [])]
    tokens = add_people(hall, devices)
    hall.engine.dispose()
    settings = antre_env(data_dir, write_hall_yaml(directory, data),
                         ANTRE_CLOCK_START=clock_start, **env)
    return ServedHall(start_server(settings, directory / "server.log"), tokens, data_dir)


def call_api(hall: ServedHall, method: str, path: str, who: str | None = None,
             body: dict[str, Any] | None = None, timeout: float = 10.0) -> tuple[int, Any]:
    """One JSON request to a served hall as `who` (a username or device id in hall.tokens):
    (status, JSON or None)."""
    headers = {"Content-Type": "application/json"}
    if who is not None:
        headers["Authorization"] = f"Bearer {hall.tokens[who]}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{hall.url}/api/v1{path}", data=data, method=method,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read() or b"null")
