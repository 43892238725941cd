"""Sampling a running server with py-spy (optional: `pip install py-spy` into .venv), and
sorting the samples into the parts of a call."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# (bucket, substrings of a frame; the first bucket with a frame in the stack takes the sample)
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Socket.IO emit to the rooms (in the request and in the flush)", ("Hub.send ",)),
    ("hub flush 0.1 s later: queue_changed, counter_changed, ticket_changed",
     ("Hub._flush_later ",)),
    ("hub: building ticket_called (new session, re-reads ticket and counter)",
     ("Publication.calls ", "Publication.__init__ ", "Hub._guarded ")),
    ("response body (ticket_out, counter_out)", ("ticket_out ", "counter_out ")),
    ("engine work and commit (call-next: lock, finish, select; issue: number, insert)",
     ("_call_next ", "issue_ticket ", "commit (queue_server/changes.py",
      "commit (queue_server/context.py")),
    ("auth (token lookup, counter check)", ("require_user ", "counter_for ", "_resolve ")),
    ("request parsing, routing, JSON (Flask, pydantic)", ("Flask.wsgi_app ",)),
    ("WebSocket writes to each client (engineio writer greenlets)",
     ("engineio/socket.py", "geventwebsocket/websocket.py")),
    ("HTTP server and socket I/O (pywsgi)", ("gevent/pywsgi.py",)),
)


def py_spy() -> str | None:
    found = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or \
        shutil.which("py-spy")
    return found


@dataclass
class Profile:
    samples: int
    seconds: float
    buckets: list[tuple[str, int]]
    top_self: list[tuple[str, int]]
    raw: Path


class Recorder:
    """py-spy attached to a process (without pausing it) until stopped."""

    def __init__(self, pid: int, out: Path, rate: int = 1000) -> None:
        executable = py_spy()
        if executable is None:
            raise FileNotFoundError("py-spy is not installed (.venv/bin/pip install py-spy)")
        self.out = out
        self.log = out.with_suffix(".log")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [executable, "record", "--pid", str(pid), "--rate", str(rate), "--nonblocking",
                 "--format", "raw", "--output", str(out)], stdout=log, stderr=subprocess.STDOUT)
        self.started = time.monotonic()
        time.sleep(1.0)  # let it attach before the work starts

    def stop(self, timeout_s: float = 30) -> Profile:
        seconds = time.monotonic() - self.started
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if not self.out.exists():
            raise RuntimeError(f"py-spy wrote no profile: {self.log.read_text()[-2000:]}")
        return summarise(self.out, seconds)


def summarise(raw: Path, seconds: float) -> Profile:
    buckets: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        leaves[frames[-1]] += samples
        for name, keys in BUCKETS:
            if any(key in frame for frame in frames for key in keys):
                buckets[name] += samples
                break
        else:
            buckets["other (gevent hub, timers, pings, rollover task)"] += samples
    order = [name for name, _ in BUCKETS] + ["other (gevent hub, timers, pings, rollover task)"]
    return Profile(total, seconds, [(name, buckets[name]) for name in order if buckets[name]],
                   leaves.most_common(12), raw)
