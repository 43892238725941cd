"""The reconnect storm (issue #17's budget): after a server restart, every display is back,
each with a fresh snapshot and no missed call, within 10 s.

    python -m bench.storm [--displays 500] [--out docs/benchmarks.md]

One `antre serve` on SQLite with `displays` connected (raw Socket.IO clients, bench/wire.py),
each retrying as the display page does (queue_server/static/shared/live.js: 0.5 s doubling to
5 s, jittered by half). The server is stopped (SIGINT) and started again on the same port and
database; as soon as it answers, the officer calls the next visitor. Measured from the new
process's start: when it answers, when the last display holds a snapshot made by it, and which
displays never learnt of the call (neither its event nor a snapshot listing it); the old
process's shutdown is timed apart.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import halls
from bench.halls import COUNTER, Hall
from bench.issue_wrk import write_section
from bench.scenarios import display_auth, fill_queue, open_counter, say
from bench.wire import Refused, SocketClient
from tests.support import servers
from tests.support.servers import LiveServer

FIRST_RETRY_S, LONGEST_RETRY_S, JITTER = 0.5, 5.0, 0.5  # live.js RETRY
CONNECT_BATCH = 50  # as bench/load.py: the first connections, before the restart
BUDGET_S = 10.0
GIVE_UP_S = 60.0


def retry_delay(attempt: int) -> float:
    """live.js retryDelay: doubling from 0.5 s, at most 5 s, within ±50 %."""
    base = min(LONGEST_RETRY_S, FIRST_RETRY_S * 2 ** attempt)
    return base * (1 + JITTER * (2 * random.random() - 1))


@dataclass
class Display:
    """One display: its connection, when it got a snapshot of the new process, what it knows
    was called (from events and from snapshots' recent calls)."""

    index: int
    client: SocketClient | None = None
    restarted_at: float | None = None  # set when the old server goes away
    fresh_at: float | None = None  # first snapshot after the restart (monotonic)
    known_calls: set[str] = field(default_factory=set)
    attempts: int = 0

    def on_event(self, name: str, data: Any, at: float) -> None:
        if name == "ticket_called":
            self.known_calls.add(data["code"])
        elif name == "snapshot":
            self.known_calls.update(call["code"] for call in data.get("recent_calls", []))
            if self.restarted_at is not None and self.fresh_at is None:
                self.fresh_at = at


@dataclass
class StormResult:
    displays: int
    stop_s: float  # the old process's clean shutdown (SIGINT) with every display on it
    startup_s: float  # from the new process's start until it answered /healthz
    back_s: float  # from the new process's start until the last display held a fresh snapshot
    back_p50_s: float
    missed: int  # displays that never learnt of the call made right after the restart
    not_back: int
    attempts_p50: float
    attempts_max: int
    load: tuple[str, str]


async def _connect(display: Display, url: str, auth: dict[str, Any]) -> None:
    client = SocketClient(url, auth, display.on_event)
    await client.connect(timeout=10)
    display.client = client


async def _keep_connected(display: Display, url: str, auth: dict[str, Any],
                          until: float) -> None:
    """Reconnect after every loss, with the display page's delays, until `until`."""
    attempt = 0
    while time.monotonic() < until:
        if display.client is not None and not display.client.closed:
            await display.client.wait_closed()
            if display.restarted_at is None:
                display.restarted_at = time.monotonic()
            attempt = 0
        await asyncio.sleep(retry_delay(attempt))
        attempt += 1
        display.attempts += 1
        try:
            await _connect(display, url, auth)
        except (Refused, OSError, TimeoutError):
            display.client = None


async def storm(directory: Path, count: int) -> StormResult:
    hall: Hall = halls.prepare_hall(halls.sqlite_url(directory), directory)
    port = servers.free_port()
    env = halls.antre_env(hall, directory / "data")
    log = directory / "antre.log"
    server: LiveServer = servers.start_server(env, log, port=port, timeout_s=60)
    auth = display_auth(hall)
    displays = [Display(index) for index in range(count)]
    keepers: list[asyncio.Task[None]] = []
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    try:
        await fill_queue(server.url, hall, 5)
        await (await open_counter(server.url, hall)).close()
        say(f"storm: connecting {count} displays")
        for start in range(0, count, CONNECT_BATCH):
            await asyncio.gather(*(_connect(d, server.url, auth)
                                   for d in displays[start:start + CONNECT_BATCH]))
        until = time.monotonic() + GIVE_UP_S
        keepers = [asyncio.create_task(_keep_connected(d, server.url, auth, until))
                   for d in displays]
        say("storm: restarting the server")
        stopping = time.monotonic()
        await asyncio.to_thread(server.stop)
        stopped = time.monotonic()
        server = await asyncio.to_thread(servers.start_server, env, log, port, 60)
        answered = time.monotonic()
        officer = await open_counter(server.url, hall)  # the counter is open already: 200
        status, body = await officer.request(
            "POST", f"/api/v1/counters/{COUNTER}/call-next", {"finish_current": True})
        await officer.close()
        if status != 200:
            raise RuntimeError(f"the call after the restart answered {status}: {body}")
        code = body["ticket"]["code"]
        while time.monotonic() < until and not all(
                d.fresh_at is not None and code in d.known_calls for d in displays):
            await asyncio.sleep(0.05)
        back = sorted(d.fresh_at - stopped for d in displays if d.fresh_at is not None)
        attempts = sorted(d.attempts for d in displays)
        return StormResult(
            displays=count, stop_s=stopped - stopping, startup_s=answered - stopped,
            back_s=back[-1] if len(back) == count else float("nan"),
            back_p50_s=back[len(back) // 2] if back else float("nan"),
            missed=sum(code not in d.known_calls for d in displays),
            not_back=count - len(back), attempts_p50=attempts[len(attempts) // 2],
            attempts_max=attempts[-1],
            load=(" ".join(load_before), " ".join(Path("/proc/loadavg").read_text().split()[:3])))
    finally:
        for keeper in keepers:
            keeper.cancel()
        await asyncio.gather(*keepers, return_exceptions=True)
        await asyncio.gather(*(d.client.close() for d in displays if d.client is not None),
                             return_exceptions=True)
        server.stop()


START, END = "<!-- storm:start -->", "<!-- storm:end -->"


def met(result: StormResult) -> bool:
    return result.back_s <= BUDGET_S and result.missed == 0 and result.not_back == 0


def section(result: StormResult) -> str:
    return "\n".join([
        START, f"## Reconnect storm: {result.displays} displays after a restart, SQLite", "",
        "`python -m bench.storm`: one `antre serve`, the displays connected, then the server "
        "stopped (SIGINT) and started again on the same port and database; each display "
        "retries as the display page does (0.5 s doubling to 5 s, ±50 %); the officer calls "
        "the next visitor as soon as the new process answers. Times from the new process's "
        "start (the old one's clean shutdown is shown apart). "
        f"Load average before / after: {result.load[0]} / {result.load[1]} on 2 cores.", "",
        "| displays | old process stops | new process answers | half the displays back "
        "| all back, fresh snapshot | missed the call | not back "
        "| attempts per display (p50 / max) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {result.displays} | {result.stop_s:.1f} s | {result.startup_s:.1f} s | "
        f"{result.back_p50_s:.1f} s | "
        f"{result.back_s:.1f} s | {result.missed} | {result.not_back} | "
        f"{result.attempts_p50:.0f} / {result.attempts_max} |", "",
        f"Budget: all back with a fresh snapshot and no missed call within {BUDGET_S:.0f} s: "
        f"**{'met' if met(result) else 'missed'}**.", END, ""])


def measure(displays: int = 500) -> StormResult:
    with tempfile.TemporaryDirectory(prefix="antre-storm-") as temporary:
        return asyncio.run(storm(Path(temporary), displays))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--displays", type=int, default=500)
    parser.add_argument("--out", type=Path, default=None,
                        help="write the section into this file (docs/benchmarks.md)")
    args = parser.parse_args()
    block = section(measure(args.displays))
    if args.out is not None:
        write_section(args.out, block, START, END)
    print(block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
