"""The load generator's scenarios, each on the caller's asyncio loop: displays that listen,
officers that call, kiosks that issue. Every wait is bounded in count and in time."""

from __future__ import annotations

import asyncio
import gc
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.wire import HttpClient, SocketClient

CONNECT_BATCH = 50  # connections opened at once: a hall's displays coming back after a power cut
RECEIPT_TIMEOUT_S = 5.0


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p50: fraction 0.5)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


@dataclass
class Displays:
    """Connected Socket.IO displays and every `ticket_called` they received, by code."""

    clients: list[SocketClient] = field(default_factory=list)
    snapshots: int = 0
    # code -> [(client index, monotonic receipt time)]
    calls: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))
    sample: dict[str, Any] | None = None  # one ticket_called payload as received
    other_events: int = 0

    def handler(self, index: int) -> Callable[[str, Any, float], None]:
        def on_event(name: str, data: Any, at: float) -> None:
            if name == "ticket_called":
                self.calls[data["code"]].append((index, at))
                if self.sample is None:
                    self.sample = data
            elif name == "snapshot":
                self.snapshots += 1
            else:
                self.other_events += 1
        return on_event

    async def close(self) -> None:
        for start in range(0, len(self.clients), CONNECT_BATCH * 4):
            await asyncio.gather(*(c.close() for c in self.clients[start:start + CONNECT_BATCH
                                                                   * 4]))


async def connect_displays(urls: Sequence[str], count: int, auth: dict[str, Any],
                           timeout_s: float = 120.0) -> tuple[Displays, float]:
    """`count` displays spread round-robin over `urls`, each with its snapshot in hand;
    also the seconds it took."""
    displays = Displays()
    started = time.monotonic()
    for index in range(count):
        displays.clients.append(SocketClient(urls[index % len(urls)], auth,
                                             displays.handler(index)))
    for start in range(0, count, CONNECT_BATCH):
        await asyncio.gather(*(c.connect() for c in displays.clients[start:start
                                                                     + CONNECT_BATCH]))
    deadline = time.monotonic() + timeout_s
    while displays.snapshots < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if displays.snapshots < count:
        raise RuntimeError(f"only {displays.snapshots} of {count} displays got a snapshot")
    connected_s = time.monotonic() - started
    # The displays live as long as the run. Frozen, Python's full collections in this load
    # generator no longer walk them: one took ~100 ms about 40 s after connecting, and every
    # receipt of the call then in flight, Antre's or the floor's, was stamped that late.
    gc.collect()
    gc.freeze()
    return displays, connected_s


@dataclass
class Call:
    code: str
    sent: float  # monotonic, just before the request's bytes were written
    answered: float  # the HTTP answer read


@dataclass
class LatencyRun:
    """Per call: when it was sent and answered; per receipt: the latency in ms."""

    name: str
    clients: int
    calls: list[Call] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    by_client_group: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    spreads: list[tuple[float, float]] = field(default_factory=list)  # first, last (ms)
    missing: int = 0

    def summary(self) -> dict[str, Any]:
        firsts, lasts = [s[0] for s in self.spreads], [s[1] for s in self.spreads]
        answers = [(c.answered - c.sent) * 1000 for c in self.calls]
        return {
            "name": self.name, "clients": self.clients, "calls": len(self.calls),
            "receipts": len(self.latencies_ms), "missing": self.missing,
            "p50": percentile(self.latencies_ms, 0.50), "p99": percentile(self.latencies_ms, 0.99),
            "max": max(self.latencies_ms, default=float("nan")),
            "http_p50": percentile(answers, 0.50), "http_p99": percentile(answers, 0.99),
            "first_p50": percentile(firsts, 0.5), "last_p50": percentile(lasts, 0.5),
            "groups": {name: {"p50": percentile(v, 0.5), "p99": percentile(v, 0.99),
                              "max": max(v)} for name, v in self.by_client_group.items()},
        }


Trigger = Callable[[int], Awaitable[Call]]


async def collect(run: LatencyRun, displays: Displays, call: Call,
                  group_of: Callable[[int], str] | None = None) -> None:
    """Wait (bounded) until every display has the call, then file the latencies."""
    deadline = time.monotonic() + RECEIPT_TIMEOUT_S
    expected = len(displays.clients)
    while len(displays.calls.get(call.code, ())) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.002)
    receipts = displays.calls.get(call.code, [])
    run.missing += expected - len({index for index, _ in receipts})
    run.calls.append(call)
    if receipts:
        times = [at for _, at in receipts]
        run.spreads.append(((min(times) - call.sent) * 1000, (max(times) - call.sent) * 1000))
    for index, at in receipts:
        latency = (at - call.sent) * 1000
        run.latencies_ms.append(latency)
        if group_of is not None:
            run.by_client_group[group_of(index)].append(latency)


async def call_and_wait(trigger: Trigger, index: int, displays: Displays,
                        run: LatencyRun | None,
                        group_of: Callable[[int], str] | None = None) -> Call:
    call = await trigger(index)
    if run is not None:
        await collect(run, displays, call, group_of)
    else:
        deadline = time.monotonic() + RECEIPT_TIMEOUT_S
        while len(displays.calls.get(call.code, ())) < len(displays.clients) and \
                time.monotonic() < deadline:
            await asyncio.sleep(0.002)
    return call


def antre_call_next(officer: HttpClient, counter: str) -> Trigger:
    """Antre: the officer presses "call next" (finishing the current visitor)."""
    async def trigger(_index: int) -> Call:
        sent = time.monotonic()
        status, body = await officer.request("POST", f"/api/v1/counters/{counter}/call-next",
                                             {"finish_current": True})
        answered = time.monotonic()
        if status != 200:
            raise RuntimeError(f"call-next answered {status}: {body}")
        return Call(body["ticket"]["code"], sent, answered)
    return trigger


def bare_call(client: HttpClient, template: dict[str, Any]) -> Trigger:
    """The floor: the same payload, broadcast by a server that does nothing else."""
    async def trigger(index: int) -> Call:
        code = f"Z-{index:03d}"
        sent = time.monotonic()
        status, body = await client.request("POST", "/call",
                                            {"payload": {**template, "code": code}})
        answered = time.monotonic()
        if status != 200:
            raise RuntimeError(f"the bare server answered {status}: {body}")
        return Call(code, sent, answered)
    return trigger


@dataclass
class IssueRun:
    kiosks: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        numbers = sorted(self.numbers)
        unique = len(set(numbers)) == len(numbers)
        gapless = bool(numbers) and numbers == list(range(numbers[0], numbers[0]
                                                          + len(numbers)))
        return {"kiosks": self.kiosks, "seconds": self.seconds, "tickets": len(numbers),
                "per_s": len(numbers) / self.seconds,
                "p50": percentile(self.latencies_ms, 0.5),
                "p99": percentile(self.latencies_ms, 0.99),
                "max": max(self.latencies_ms, default=float("nan")),
                "unique": unique, "gapless": gapless,
                "first": numbers[0] if numbers else None,
                "last": numbers[-1] if numbers else None,
                "errors": len(self.errors), "error_sample": self.errors[:3]}


async def issue_for(kiosks: Sequence[HttpClient], service: str, duration_s: float,
                    max_per_kiosk: int = 20_000) -> IssueRun:
    """Every kiosk issues back to back for `duration_s` (each a keep-alive connection)."""
    run = IssueRun(len(kiosks), duration_s)
    deadline = time.monotonic() + duration_s

    async def kiosk(client: HttpClient) -> None:
        for _ in range(max_per_kiosk):
            if time.monotonic() >= deadline:
                return
            sent = time.monotonic()
            status, body = await client.request("POST", "/api/v1/tickets",
                                                {"service": service, "channel": "kiosk"})
            run.latencies_ms.append((time.monotonic() - sent) * 1000)
            if status == 201:
                run.numbers.append(body["number"])
            else:
                run.errors.append(f"{status}: {body}")

    started = time.monotonic()
    await asyncio.gather(*(kiosk(client) for client in kiosks))
    run.seconds = time.monotonic() - started
    return run
