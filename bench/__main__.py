"""`make bench`: measure Antre against the budgets of DESIGN.md and write docs/benchmarks.md.

    .venv/bin/python -m bench [--clients 500] [--calls 50] [--skip-scaleout] ...

Runs, each on fresh servers and databases in a temporary directory: call-to-display latency
with the bare Flask-SocketIO floor beside it, the in-process anatomy of a request, issue
throughput on SQLite, memory with idle connections, and the same latency and throughput on
PostgreSQL + Redis with two processes, the reports over a year of history, and the displays'
reconnect storm after a restart. Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench import anatomy, halls, issue_wrk, report, storm
from bench import reports as reports_bench
from bench.scenarios import (
    Options,
    Results,
    issue_embedded,
    latency_embedded,
    memory_idle,
    say,
    scaleout,
)

PARTS = ("latency", "anatomy", "issue", "memory", "scaleout", "reports", "wrk", "storm")


def parse(argv: list[str] | None) -> tuple[argparse.Namespace, Options]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    defaults = Options()
    parser.add_argument("--out", type=Path, default=halls.ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--clients", type=int, default=defaults.clients,
                        help="displays listening to the calls")
    parser.add_argument("--calls", type=int, default=defaults.calls)
    parser.add_argument("--spacing", type=float, default=defaults.spacing_s,
                        help="seconds between calls")
    parser.add_argument("--kiosks", type=int, default=defaults.kiosks)
    parser.add_argument("--seconds", type=float, default=defaults.issue_s,
                        help="how long the kiosks issue")
    parser.add_argument("--idle", type=int, default=defaults.idle,
                        help="idle connections for the memory figure")
    parser.add_argument("--no-profile", action="store_true", help="skip py-spy")
    parser.add_argument("--skip-scaleout", action="store_true",
                        help="skip PostgreSQL + Redis with two processes")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run, of {', '.join(PARTS)}")
    args = parser.parse_args(argv)
    args.parts = {part.strip() for part in args.only.split(",") if part.strip()}
    if not args.parts or args.parts - set(PARTS):
        parser.error(f"--only takes parts of {', '.join(PARTS)}")
    for name in ("clients", "calls", "kiosks", "idle"):
        if not 1 <= getattr(args, name) <= 5000:
            parser.error(f"--{name} must be between 1 and 5000")
    if not 0 < args.seconds <= 120 or not 0 <= args.spacing <= 10:
        parser.error("--seconds must be in (0, 120] and --spacing in [0, 10]")
    options = Options(clients=args.clients, calls=args.calls, spacing_s=args.spacing,
                      kiosks=args.kiosks, issue_s=args.seconds, idle=args.idle,
                      profile=not args.no_profile)
    return args, options


def scaleout_available() -> str | None:
    """Why the scale-out part cannot run here, or None."""
    try:
        facts = report._server_versions()
    except Exception as error:  # reported, not raised: the embedded part still runs
        return str(error)
    missing = [name for name, value in facts.items() if value.startswith("unavailable")]
    return f"{' and '.join(missing)} not reachable" if missing else None


def main(argv: list[str] | None = None) -> int:
    args, options = parse(argv)
    command = "make bench" if argv is None and len(sys.argv) == 1 else \
        "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
    started_at = time.strftime("%Y-%m-%d %H:%M %Z")
    started = time.monotonic()
    loads = [report.load_average()]
    results = Results()
    gc.freeze()  # what is loaded now is never collected; keeps GC pauses out of the timings
    with tempfile.TemporaryDirectory(prefix="antre-bench-") as temporary:
        root = Path(temporary)
        if "latency" in args.parts:
            say("call-to-display latency (SQLite) with the bare floor")
            results.latency = asyncio.run(latency_embedded(root / "latency", options))
        if "anatomy" in args.parts:
            say("anatomy of a request (in-process)")
            hall = halls.prepare_hall(halls.sqlite_url(root / "anatomy"), root / "anatomy")
            results.anatomy = anatomy.measure(hall, root / "anatomy")
        if "issue" in args.parts:
            say("issue throughput (SQLite)")
            results.issue = asyncio.run(issue_embedded(root / "issue", options))
        if "memory" in args.parts:
            say("memory with idle connections")
            results.memory = asyncio.run(memory_idle(root / "memory", options))
        why_not = None if not args.skip_scaleout else "skipped with --skip-scaleout"
        why_not = why_not or ("not asked for (--only)" if "scaleout" not in args.parts
                              else None) or scaleout_available()
        if why_not is None:
            say("scale-out: PostgreSQL + Redis, two processes")
            results.scaleout_latency, results.scaleout_issue = asyncio.run(
                scaleout(root / "scaleout", options))
        else:
            results.notes.append(f"Scale-out part not run: {why_not}.")
    if "wrk" in args.parts:  # issue #17's floor for issuing, with a native load generator
        say("issue throughput with wrk beside the bare number + insert floor")
        results.wrk = issue_wrk.measure(options.issue_s, options.kiosks,
                                        postgres=scaleout_available() is None)
    if "storm" in args.parts:
        say(f"reconnect storm: {options.clients} displays after a restart")
        results.storm = storm.measure(options.clients)
    loads.append(report.load_average())
    report.write(args.out, results, options, report.machine(), command, started_at,
                 (loads[0], loads[1]), time.monotonic() - started)
    if "reports" in args.parts:  # its own section of the same file, kept when not run
        say("reports on a year of history (SQLite)")
        reports_bench.run(args.out)
    say(f"wrote {args.out} in {(time.monotonic() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
