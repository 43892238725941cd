"""docs/benchmarks.md from the results: budgets first, then each run, the machine and the
command. The hand-written analysis between the ANALYSIS markers is kept from the previous file."""

from __future__ import annotations

import math
import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.halls import POSTGRES_URL, REDIS_URL, ROOT
from bench.issue_wrk import P99_BUDGET_MS, RATIO_BUDGET
from bench.profile import Profile
from bench.reports import END as REPORTS_END
from bench.reports import START as REPORTS_BEGIN
from bench.scenarios import IssueResult, LatencyResult, Options, Results
from bench.storm import BUDGET_S as STORM_BUDGET_S
from bench.storm import met as storm_met
from bench.storm import section as storm_section

BEGIN, END = "<!-- ANALYSIS -->", "<!-- /ANALYSIS -->"
PACKAGES = ("flask", "flask-socketio", "python-socketio", "python-engineio", "gevent",
            "gevent-websocket", "sqlalchemy", "psycopg", "redis", "pydantic")
P50_BUDGET, P99_BUDGET = 1.3, 1.5
MEMORY_BUDGET_MB = 250


def _run(*command: str) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return done.stdout.strip() or "?"


def _meminfo_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return math.nan


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _server_versions() -> dict[str, str]:
    found = {}
    try:
        from sqlalchemy import text

        from queue_server.db import make_engine

        engine = make_engine(POSTGRES_URL)
        with engine.connect() as connection:
            found["PostgreSQL"] = str(connection.execute(text("SHOW server_version")).scalar())
        engine.dispose()
    except Exception as error:  # the report says what could not be asked
        found["PostgreSQL"] = f"unavailable ({type(error).__name__})"
    try:
        import redis

        with redis.Redis.from_url(REDIS_URL) as client:
            found["Redis"] = str(client.info("server")["redis_version"])
    except Exception as error:
        found["Redis"] = f"unavailable ({type(error).__name__})"
    return found


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    facts = {
        "CPU": f"{_cpu_model()}, nproc {os.cpu_count()}",
        "memory": f"{_meminfo_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "packages": ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        "commit": _run("git", "describe", "--always", "--dirty"),
    }
    facts.update(_server_versions())
    return facts


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _ms(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.1f} ms"


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def _budget_rows(results: Results) -> list[str]:
    rows = ["| what | budget | measured | |", "| --- | --- | --- | --- |"]
    latency = results.latency
    if latency is not None and latency.bare is not None:
        antre, bare = latency.antre, latency.bare
        for key, budget in (("p50", P50_BUDGET), ("p99", P99_BUDGET)):
            ratio = antre[key] / bare[key]
            rows.append(f"| call → {antre['clients']} displays, {key} | ≤ {budget}× the floor "
                        f"| {_ms(antre[key])} vs {_ms(bare[key])} = **{ratio:.2f}×** | "
                        f"{_verdict(ratio <= budget)} |")
    wrk = results.wrk
    for side in wrk.sides if wrk is not None else []:
        rows.append(f"| issue, {side.title} (wrk) | "
                    f"≥ {RATIO_BUDGET}× the floor | {side.antre['rate']:.0f}/s vs "
                    f"{side.floor['rate']:.0f}/s = **{side.ratio:.2f}×** | "
                    f"{_verdict(side.rate_met)} |")
        rows.append(f"| issue p99, {side.title} (wrk) | ≤ {P99_BUDGET_MS} ms | "
                    f"{_ms(side.antre['p99_ms'])} (floor {_ms(side.floor['p99_ms'])}) | "
                    f"{_verdict(side.p99_met)} |")
    if results.issue is not None:
        run = results.issue.run
        ok = run["unique"] and run["gapless"] and results.issue.stored_gapless
        rows.append(f"| numbers unique and gapless | always | "
                    f"{'yes' if ok else 'NO'} ({results.issue.stored} stored) | "
                    f"{_verdict(ok)} |")
    if results.storm is not None:
        storm = results.storm
        rows.append(f"| reconnect storm: {storm.displays} displays back, fresh snapshot, no "
                    f"missed call | ≤ {STORM_BUDGET_S:.0f} s | {storm.back_s:.1f} s, "
                    f"{storm.missed} missed, {storm.not_back} not back | "
                    f"{_verdict(storm_met(storm))} |")
    if results.memory is not None:
        memory = results.memory
        megabytes = memory.antre_loaded_mib * 1.048576
        rows.append(f"| RSS with {memory.clients} idle connections | < {MEMORY_BUDGET_MB} MB "
                    f"| {megabytes:.0f} MB ({memory.antre_loaded_mib:.0f} MiB) | "
                    f"{_verdict(megabytes < MEMORY_BUDGET_MB)} |")
    if results.scaleout_issue is not None:
        run = results.scaleout_issue.run
        ok = run["unique"] and run["gapless"] and results.scaleout_issue.stored_gapless
        rows.append(f"| numbers gapless, 2 processes on PostgreSQL | always | "
                    f"{'yes' if ok else 'NO'} ({results.scaleout_issue.stored} stored) | "
                    f"{_verdict(ok)} |")
    return rows


def _latency_table(result: LatencyResult) -> list[str]:
    rows = ["| server | receipts | p50 | p99 | max | first display (p50) | last display (p50) "
            "| HTTP answer (p50) |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, run in (("Antre", result.antre), ("bare Flask-SocketIO", result.bare)):
        if run is None:
            continue
        missing = f" ({run['missing']} missing)" if run["missing"] else ""
        rows.append(f"| {name} | {run['receipts']}{missing} | {_ms(run['p50'])} | "
                    f"{_ms(run['p99'])} | {_ms(run['max'])} | {_ms(run['first_p50'])} | "
                    f"{_ms(run['last_p50'])} | {_ms(run['http_p50'])} |")
    for group, figures in sorted(result.antre.get("groups", {}).items()):
        rows.append(f"| Antre, {group} | | {_ms(figures['p50'])} | {_ms(figures['p99'])} | "
                    f"{_ms(figures['max'])} | | | |")
    return rows


def _cpu_line(result: LatencyResult) -> str:
    parts = [f"{name} {ms:.1f} ms" for name, ms in result.cpu_ms_per_call.items()]
    return ("CPU time per call (each server's own calls; the load generator's covers every "
            f"call it made and heard): {', '.join(parts)}.")


def _issue_table(result: IssueResult) -> list[str]:
    run = result.run
    return [
        "| tickets | seconds | tickets/s | server CPU per ticket | tickets per server "
        "CPU-second | p50 | p99 | max | numbers | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {run['tickets']} | {run['seconds']:.1f} | {run['per_s']:.0f} | "
        f"{result.cpu_ms_per_ticket:.1f} ms | {result.per_cpu_second:.0f} | {_ms(run['p50'])} | "
        f"{_ms(run['p99'])} | {_ms(run['max'])} | {run['first']}–{run['last']}, "
        f"{'unique' if run['unique'] else 'DUPLICATES'}, "
        f"{'gapless' if run['gapless'] else 'GAPS'}; stored 1–{result.stored} "
        f"{'gapless' if result.stored_gapless else 'WITH GAPS'} | {run['errors']} |",
    ]


def _profile_table(profile: Profile, what: str) -> list[str]:
    busy = profile.samples / 1000 / profile.seconds * 100
    rows = [f"py-spy, 1000 Hz, {profile.samples} samples while busy over {profile.seconds:.1f} s "
            f"({busy:.0f}% of one core) during {what}:", "",
            "| part | share of the server's CPU |", "| --- | --- |"]
    for name, samples in profile.buckets:
        rows.append(f"| {name} | {100 * samples / profile.samples:.0f}% |")
    rows += ["", "Hottest frames (self time):", "", "| frame | share |", "| --- | --- |"]
    for frame, samples in profile.top_self:
        rows.append(f"| `{frame}` | {100 * samples / profile.samples:.1f}% |")
    return rows


def _anatomy_table(anatomy: Any) -> list[str]:
    rows = ["| request | phase | SQL statements | CPU ms (median) |",
            "| --- | --- | --- | --- |"]
    for kind, phases in anatomy.rows.items():
        for phase, (statements, ms) in phases.items():
            if kind.startswith("issue") and phase in ("until the first emit", "hub: calls"):
                continue  # an issue emits nothing before its flush
            rows.append(f"| {kind} | {phase} | {statements:.0f} | {ms:.1f} |")
    return rows


def _kept(path: Path, begin: str, end: str) -> str | None:
    """The previous file's part between these markers (the markers included), if any."""
    if path.exists():
        text = path.read_text()
        if begin in text and end in text:
            return text[text.index(begin):text.index(end) + len(end)]
    return None


def write(path: Path, results: Results, options: Options, facts: dict[str, str],
          command: str, started: str, loads: tuple[str, str], seconds: float) -> None:
    lines = [
        "# Benchmarks", "",
        f"Measured {started} by `{command}` in {seconds / 60:.1f} min on the 2-core test "
        "machine, the load generator (one asyncio process: raw WebSocket Socket.IO clients "
        "and keep-alive HTTP) on it too. Load average at start / end: "
        f"{loads[0]} / {loads[1]} (other work on the machine shows here).", "",
        "## Against the budgets (DESIGN.md, Quality)", "", *_budget_rows(results), "",
    ]
    if results.latency is not None:
        latency = results.latency
        lines += [
            f"## Call to display: {options.clients} displays, one process, SQLite", "",
            f"An officer's `POST /api/v1/counters/L01/call-next` with `finish_current` "
            f"({options.calls} calls, {options.spacing_s} s apart); latency = from writing the "
            "request to each display decoding its `ticket_called`, both stamped with "
            "`time.monotonic()` in the load generator. The floor (`bench/bare.py`): a bare "
            "Flask-SocketIO app on gevent, served the same way, broadcasting the same "
            f"{latency.payload_bytes}-byte payload to as many displays in one room; its calls "
            "are interleaved with Antre's.", "",
            *_latency_table(latency), "", _cpu_line(latency), "",
            f"{options.clients} displays connected (each with its snapshot) in "
            f"{latency.connect_s:.1f} s. RSS with them: Antre "
            f"{latency.rss_mib['antre']:.0f} MiB, floor {latency.rss_mib['bare']:.0f} MiB.", "",
        ]
        if latency.profile is not None:
            lines += ["### Where a call's time goes", "",
                      *_profile_table(latency.profile,
                                      f"{options.profile_calls} more calls"), ""]
        elif latency.profile_note:
            lines += [f"Profile skipped: {latency.profile_note}.", ""]
    if results.anatomy is not None:
        lines += ["### Statements and time per request (in-process, no network)", "",
                  "The app from `create_app` on a SQLite file, driven by Flask's test client "
                  "in one thread, every SQL statement counted (`bench/anatomy.py`). "
                  "\"until the first emit\" is what delays a call on the displays; "
                  "\"hub: flush\" runs 0.1 s after the commit under `antre serve`.", "",
                  *_anatomy_table(results.anatomy), ""]
    if results.issue is not None:
        lines += [f"## Issue throughput: {options.kiosks} kiosks, one process, SQLite", "",
                  f"Each kiosk a keep-alive connection issuing `POST /api/v1/tickets` "
                  f"(KTP, one prefix) back to back for {options.issue_s:.0f} s.", "",
                  *_issue_table(results.issue), ""]
        if results.issue.profile is not None:
            lines += ["### Where an issue's time goes", "",
                      *_profile_table(results.issue.profile, "5 s more of issuing"), ""]
    if results.scaleout_latency is not None:
        latency = results.scaleout_latency
        lines += ["## Scale-out: PostgreSQL + Redis, two processes", "",
                  "Two `antre serve` on one PostgreSQL schema, `ANTRE_MESSAGE_QUEUE` on Redis; "
                  f"{options.clients} displays alternately on process A and B; every call "
                  "made through A (so B's displays hear it through Redis).", "",
                  *_latency_table(latency), "", _cpu_line(latency), ""]
        if results.scaleout_issue is not None:
            lines += [f"Issuing, {options.kiosks} kiosks split between A and B:", "",
                      *_issue_table(results.scaleout_issue), ""]
    if results.memory is not None:
        memory = results.memory
        lines += ["## Memory with idle connections", "",
                  f"| server | idle | with {memory.clients} display connections | per "
                  "connection |", "| --- | --- | --- | --- |",
                  f"| Antre (SQLite) | {memory.antre_idle_mib:.0f} MiB | "
                  f"{memory.antre_loaded_mib:.0f} MiB | "
                  f"{(memory.antre_loaded_mib - memory.antre_idle_mib) * 1024 / memory.clients:.0f}"
                  " KiB |",
                  f"| bare Flask-SocketIO | {memory.bare_idle_mib:.0f} MiB | "
                  f"{memory.bare_loaded_mib:.0f} MiB | "
                  f"{(memory.bare_loaded_mib - memory.bare_idle_mib) * 1024 / memory.clients:.0f}"
                  " KiB |", ""]
    if results.notes:
        lines += ["## Notes from this run", "", *(f"- {note}" for note in results.notes), ""]
    if results.wrk is not None:
        lines += [results.wrk.section()]
    if results.storm is not None:
        lines += [storm_section(results.storm)]
    # The reports' section takes minutes to make: kept until that part runs again.
    lines += [kept, ""] if (kept := _kept(path, REPORTS_BEGIN, REPORTS_END)) else []
    analysis = _kept(path, BEGIN, END) or f"{BEGIN}\n_No analysis written yet._\n{END}"
    lines += ["## Analysis", "", analysis, "",
              "## Machine", "", *(f"- {key}: {value}" for key, value in facts.items()), "",
              "## How to run", "", "```sh", "make bench            # = .venv/bin/python -m bench",
              "```", "",
              "Needs PostgreSQL on 127.0.0.1:5432 (database `test`, or "
              "`ANTRE_BENCH_POSTGRES`) and Redis on 127.0.0.1:6379 (database 12, or "
              "`ANTRE_BENCH_REDIS`; only its `antre:*` keys are touched) for the scale-out "
              "part, which is skipped without them. `--help` lists the knobs "
              "(clients, calls, seconds). py-spy (`.venv/bin/pip install py-spy`) adds the "
              "profiles.", ""]
    path.write_text("\n".join(lines))
