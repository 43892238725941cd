"""The benchmark runs: each starts its servers, drives them from this (load generator) process,
and stops them; every number it returns is measured here."""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import halls
from bench.halls import COUNTER, DISPLAY, KIOSK, OFFICER, SERVICE, Hall
from bench.load import (
    Displays,
    LatencyRun,
    antre_call_next,
    bare_call,
    call_and_wait,
    connect_displays,
    issue_for,
)
from bench.profile import Profile, Recorder, py_spy
from bench.wire import HttpClient
from tests.support.servers import LiveServer

if TYPE_CHECKING:  # both import this module
    from bench.issue_wrk import WrkRun
    from bench.storm import StormResult

WARMUP_CALLS = 3


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Options:
    clients: int = 500
    calls: int = 50
    spacing_s: float = 0.5
    kiosks: int = 8
    issue_s: float = 10.0
    idle: int = 1000
    profile_calls: int = 20
    profile: bool = True


@dataclass
class LatencyResult:
    antre: dict[str, Any]
    bare: dict[str, Any] | None
    connect_s: float
    rss_mib: dict[str, float]
    payload_bytes: int
    # CPU time each server process (and the load generator) used per call, in ms: a figure
    # that other work on a shared machine does not inflate, unlike the latencies.
    cpu_ms_per_call: dict[str, float] = field(default_factory=dict)
    profile: Profile | None = None
    profile_note: str | None = None


@dataclass
class IssueResult:
    run: dict[str, Any]
    stored_gapless: bool
    stored: int
    server_cpu_s: float = 0.0  # CPU time of the server process(es) during the run
    profile: Profile | None = None

    @property
    def cpu_ms_per_ticket(self) -> float:
        return 1000 * self.server_cpu_s / max(1, self.run["tickets"])

    @property
    def per_cpu_second(self) -> float:
        """Tickets per second of server CPU: the rate one process would reach with a whole
        core to itself."""
        return self.run["tickets"] / self.server_cpu_s if self.server_cpu_s else float("nan")


@dataclass
class MemoryResult:
    clients: int
    antre_idle_mib: float
    antre_loaded_mib: float
    bare_idle_mib: float
    bare_loaded_mib: float
    connect_s: float


@dataclass
class Results:
    latency: LatencyResult | None = None
    issue: IssueResult | None = None
    memory: MemoryResult | None = None
    scaleout_latency: LatencyResult | None = None
    scaleout_issue: IssueResult | None = None
    anatomy: Any = None
    wrk: WrkRun | None = None
    storm: StormResult | None = None
    notes: list[str] = field(default_factory=list)


class CpuMeter:
    """CPU seconds used by some server processes and by this load generator since made."""

    def __init__(self, processes: dict[str, LiveServer]) -> None:
        self.processes = processes
        self.start = {name: p.cpu_seconds() for name, p in processes.items()}
        self.start_here = time.process_time()

    def used(self) -> dict[str, float]:
        found = {name: p.cpu_seconds() - self.start[name]
                 for name, p in self.processes.items()}
        found["load generator"] = time.process_time() - self.start_here
        return found

    def per(self, count: int) -> dict[str, float]:
        """ms of CPU per unit of work (a call, a ticket)."""
        return {name: 1000 * seconds / count for name, seconds in self.used().items()}


def display_auth(hall: Hall) -> dict[str, Any]:
    return {"display": DISPLAY, "token": hall.tokens[DISPLAY]}


async def fill_queue(url: str, hall: Hall, tickets: int) -> None:
    kiosk = HttpClient(url, hall.tokens[KIOSK])
    try:
        for _ in range(tickets):
            status, body = await kiosk.request("POST", "/api/v1/tickets",
                                               {"service": SERVICE, "channel": "kiosk"})
            if status != 201:
                raise RuntimeError(f"could not issue: {status} {body}")
    finally:
        await kiosk.close()


async def open_counter(url: str, hall: Hall) -> HttpClient:
    officer = HttpClient(url, hall.tokens[OFFICER])
    status, body = await officer.request("POST", f"/api/v1/counters/{COUNTER}/open", {})
    if status != 200:
        raise RuntimeError(f"could not open {COUNTER}: {status} {body}")
    return officer


def _profiled(process: LiveServer, out: Path) -> Recorder | None:
    if py_spy() is None:
        return None
    return Recorder(process.pid, out)


async def latency_embedded(directory: Path, options: Options) -> LatencyResult:
    """(a) + (b): one `antre serve` on SQLite and the bare floor, each with `clients`
    displays; their calls interleaved so that drift on a shared machine hits both alike."""
    hall = halls.prepare_hall(halls.sqlite_url(directory), directory)
    antre = halls.start_antre(hall, directory)
    bare = halls.start_bare(directory)
    groups: list[Displays] = []
    try:
        total_calls = WARMUP_CALLS + options.calls + options.profile_calls + 5
        say(f"latency: issuing {total_calls} tickets, opening {COUNTER}")
        await fill_queue(antre.url, hall, total_calls)
        officer = await open_counter(antre.url, hall)
        say(f"latency: connecting {options.clients} displays to Antre and to the floor")
        started = time.monotonic()
        on_antre, connect_s = await connect_displays([antre.url], options.clients,
                                                     display_auth(hall))
        groups.append(on_antre)
        on_bare, _ = await connect_displays([bare.url], options.clients, {"display": DISPLAY})
        groups.append(on_bare)
        say(f"latency: {2 * options.clients} displays connected in "
            f"{time.monotonic() - started:.1f} s")
        call_antre = antre_call_next(officer, COUNTER)
        for index in range(WARMUP_CALLS):
            await call_and_wait(call_antre, index, on_antre, None)
            await asyncio.sleep(options.spacing_s)
        template = dict(on_antre.sample or {})
        payload_bytes = len(str(template).encode())
        floor = HttpClient(bare.url)
        call_bare = bare_call(floor, template)
        for index in range(WARMUP_CALLS):
            await call_and_wait(call_bare, index, on_bare, None)
        antre_run = LatencyRun("antre", options.clients)
        bare_run = LatencyRun("bare", options.clients)
        say(f"latency: {options.calls} calls each, interleaved, {options.spacing_s} s apart")
        cpu = CpuMeter({"antre": antre, "bare": bare})
        for index in range(options.calls):
            await call_and_wait(call_antre, index, on_antre, antre_run)
            await asyncio.sleep(options.spacing_s)
            await call_and_wait(call_bare, WARMUP_CALLS + index, on_bare, bare_run)
            await asyncio.sleep(options.spacing_s)
        rss = {"antre": antre.rss_mib(), "bare": bare.rss_mib()}
        result = LatencyResult(antre_run.summary(), bare_run.summary(), connect_s, rss,
                               payload_bytes, cpu.per(options.calls))
        recorder = _profiled(antre, directory / "call-next.pyspy.txt") \
            if options.profile else None
        if recorder is None:
            result.profile_note = "py-spy is not installed; `.venv/bin/pip install py-spy`" \
                if options.profile else "not asked for (--no-profile)"
        else:
            say(f"latency: profiling {options.profile_calls} more calls with py-spy")
            for index in range(options.profile_calls):
                await call_and_wait(call_antre, index, on_antre, None)
                await asyncio.sleep(options.spacing_s)
            result.profile = recorder.stop()
        await officer.close()
        await floor.close()
        return result
    finally:
        for group in groups:
            await group.close()
        antre.stop()
        bare.stop()


async def issue_embedded(directory: Path, options: Options) -> IssueResult:
    """(c): kiosks issuing back to back on one `antre serve` and a SQLite file."""
    hall = halls.prepare_hall(halls.sqlite_url(directory), directory)
    antre = halls.start_antre(hall, directory)
    try:
        return await _issue(hall, [antre], directory, options, profile=options.profile)
    finally:
        antre.stop()


async def _issue(hall: Hall, servers: list[LiveServer], directory: Path, options: Options,
                 profile: bool) -> IssueResult:
    kiosk_ids = [k for k in hall.tokens if k.startswith("kiosk")]
    kiosks = [HttpClient(servers[i % len(servers)].url,
                         hall.tokens[kiosk_ids[i % len(kiosk_ids)]])
              for i in range(options.kiosks)]
    try:
        for kiosk in kiosks:  # open each keep-alive connection; these tickets count too
            status, body = await kiosk.request("POST", "/api/v1/tickets",
                                               {"service": SERVICE, "channel": "kiosk"})
            if status != 201:
                raise RuntimeError(f"could not issue: {status} {body}")
        say(f"issue: {options.kiosks} kiosks over {len(servers)} process(es) for "
            f"{options.issue_s:.0f} s")
        cpu = CpuMeter({server.name: server for server in servers})
        run = await issue_for(kiosks, SERVICE, options.issue_s)
        server_cpu_s = sum(cpu.used().values()) - cpu.used()["load generator"]
        found = None
        recorder = _profiled(servers[0], directory / "issue.pyspy.txt") if profile else None
        if recorder is not None:  # a separate stretch: the sampler takes CPU of its own
            say("issue: profiling 5 s more with py-spy")
            await issue_for(kiosks, SERVICE, 5.0)
            found = recorder.stop()
    finally:
        for kiosk in kiosks:
            await kiosk.close()
    stored = sorted(halls.ticket_numbers(hall.database_url))
    summary = run.summary()
    say(f"issue: {summary['tickets']} tickets, {summary['per_s']:.0f}/s, "
        f"p99 {summary['p99']:.0f} ms")
    return IssueResult(summary, stored == list(range(1, len(stored) + 1)), len(stored),
                       server_cpu_s, found)


async def memory_idle(directory: Path, options: Options) -> MemoryResult:
    """(e): resident memory of a fresh `antre serve` holding `idle` display connections, and of
    the bare floor holding as many."""
    hall = halls.prepare_hall(halls.sqlite_url(directory), directory)
    antre = halls.start_antre(hall, directory)
    bare = halls.start_bare(directory)
    groups: list[Displays] = []
    try:
        # One connection and one snapshot first, so that caches and imports made on first
        # use count as the idle server's, not as the connections'.
        warm, _ = await connect_displays([antre.url], 1, display_auth(hall))
        await warm.close()
        await asyncio.sleep(1)
        antre_idle, bare_idle = antre.rss_mib(), bare.rss_mib()
        say(f"memory: connecting {options.idle} idle displays to Antre and to the floor")
        on_antre, connect_s = await connect_displays([antre.url], options.idle,
                                                     display_auth(hall))
        groups.append(on_antre)
        on_bare, _ = await connect_displays([bare.url], options.idle, {"display": DISPLAY})
        groups.append(on_bare)
        await asyncio.sleep(5)
        loaded = antre.rss_mib()
        say(f"memory: Antre {antre_idle:.0f} MiB idle, {loaded:.0f} MiB with "
            f"{options.idle} connections")
        return MemoryResult(options.idle, antre_idle, loaded, bare_idle, bare.rss_mib(),
                            connect_s)
    finally:
        for group in groups:
            await group.close()
        antre.stop()
        bare.stop()


async def scaleout(directory: Path, options: Options) -> tuple[LatencyResult, IssueResult]:
    """(d): two `antre serve` on one PostgreSQL schema with Redis as the message queue; the
    displays and kiosks split between them, every call made through process A."""
    with halls.postgres_schema() as url:
        halls.forget_redis_keys()
        hall = halls.prepare_hall(url, directory)
        first = halls.start_antre(hall, directory / "a", "antre-a", halls.REDIS_URL)
        second = halls.start_antre(hall, directory / "b", "antre-b", halls.REDIS_URL)
        displays: Displays | None = None
        try:
            total_calls = WARMUP_CALLS + options.calls + 5
            await fill_queue(first.url, hall, total_calls)
            officer = await open_counter(first.url, hall)
            say(f"scale-out: {options.clients} displays over two processes")
            displays, connect_s = await connect_displays([first.url, second.url],
                                                         options.clients, display_auth(hall))
            call = antre_call_next(officer, COUNTER)
            for index in range(WARMUP_CALLS):
                await call_and_wait(call, index, displays, None)
                await asyncio.sleep(options.spacing_s)
            run = LatencyRun("antre (PostgreSQL + Redis, 2 processes)", options.clients)
            say(f"scale-out: {options.calls} calls through process A")
            cpu = CpuMeter({"antre-a": first, "antre-b": second})
            for index in range(options.calls):
                await call_and_wait(call, index, displays, run,
                                    lambda i: "clients of process A" if i % 2 == 0
                                    else "clients of process B")
                await asyncio.sleep(options.spacing_s)
            per_call = cpu.per(options.calls)
            await officer.close()
            await displays.close()
            displays = None
            latency = LatencyResult(run.summary(), None, connect_s,
                                    {"antre-a": first.rss_mib(), "antre-b": second.rss_mib()},
                                    0, per_call)
            issue = await _issue(hall, [first, second], directory, options, profile=False)
            return latency, issue
        finally:
            if displays is not None:
                await displays.close()
            first.stop()
            second.stop()
            halls.forget_redis_keys()
