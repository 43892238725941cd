"""Issue throughput with wrk: Antre's `POST /api/v1/tickets` beside the bare "number +
insert" floor (bench/bare_issue.py), the same wrk script, connections and seconds, in one run.

    python -m bench.issue_wrk [--seconds 10] [--connections 8]

Prints one line per server and the ratio (issue #17's budget: Antre >= 0.25x the floor,
p99 <= 50 ms) and, with --out, writes them as its own section of docs/benchmarks.md (`make
bench` runs it as the part `wrk`). wrk is Debian's package (`make bench` installs it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import halls
from bench.halls import KIOSK
from tests.support.servers import free_port, launch

LUA = Path(__file__).with_name("wrk") / "issue.lua"


def wrk(url: str, token: str, seconds: float, connections: int) -> dict[str, float]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does it as root)")
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:.0f}s", "--latency", "-s", str(LUA),
         url], env={**os.environ, "ANTRE_TOKEN": token}, capture_output=True, text=True,
        check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("JSON "))
    found: dict[str, float] = json.loads(line[5:])
    found["rate"] = found["requests"] / found["seconds"]
    return found


START, END = "<!-- issue-wrk:start -->", "<!-- issue-wrk:end -->"


def run(out: Path | None, seconds: float = 10, connections: int = 8) -> str:
    """Measure both servers, one after the other, and write (or only return) the section."""
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with tempfile.TemporaryDirectory(prefix="antre-wrk-") as temporary:
        root = Path(temporary)
        hall = halls.prepare_hall(halls.sqlite_url(root / "antre"), root / "antre")
        antre = halls.start_antre(hall, root / "antre")
        port = free_port()
        bare = launch([sys.executable, "-m", "bench.bare_issue", "--port", str(port),
                       "--database-url", f"sqlite:///{root / 'bare.db'}"],
                      port, dict(os.environ), root / "bare.log", "bare", cwd=halls.ROOT)
        try:
            floor = wrk(bare.url, "none", seconds, connections)
            mine = wrk(antre.url, hall.tokens[KIOSK], seconds, connections)
        finally:
            antre.stop()
            bare.stop()
    load_after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    ratio = mine["rate"] / floor["rate"]
    rows = [f"| {name} | {row['requests']:.0f} | {row['rate']:.0f} | {row['p50_ms']:.1f} ms | "
            f"{row['p99_ms']:.1f} ms | {row['max_ms']:.1f} ms | {row['non_2xx']:.0f} |"
            for name, row in (("bare number + insert (`bench/bare_issue.py`)", floor),
                              ("Antre `POST /api/v1/tickets`", mine))]
    verdict = "met" if ratio >= 0.25 else "missed"
    p99 = "met" if mine["p99_ms"] <= 50 else "missed"
    block = "\n".join([
        START, "## Issue throughput with wrk: 8 kiosks, SQLite, beside the bare floor", "",
        f"`python -m bench.issue_wrk`: wrk, {connections} keep-alive connections, {seconds:.0f} s "
        "each, the same Lua script (`bench/wrk/issue.lua`: the POST body and the kiosk's token) "
        "against Antre (one `antre serve`, quotas lifted) and against a bare Flask app on gevent "
        "that only takes the number with one upsert and inserts the ticket, on the same SQLite "
        f"settings. Load average before / after: {load_before} / {load_after} on 2 cores.", "",
        "| server | requests | per second | p50 | p99 | max | non-2xx |",
        "| --- | --- | --- | --- | --- | --- | --- |", *rows, "",
        f"Ratio {ratio:.3f} (budget >= 0.25: **{verdict}**); Antre's p99 "
        f"{mine['p99_ms']:.0f} ms (budget <= 50 ms: **{p99}**).", END, ""])
    if out is not None:
        write_section(out, block)
    return block


def write_section(out: Path, block: str, start: str = START, end: str = END) -> None:
    """Put `block` (which begins with `start` and ends with `end`) in place of the file's
    section between those markers, or at its end."""
    current = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    if start in current and end in current:
        before, rest = current.split(start, 1)
        updated = before + block.rstrip("\n") + rest.split(end, 1)[1]
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    out.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--out", type=Path, default=None,
                        help="write the section into this file (docs/benchmarks.md)")
    args = parser.parse_args()
    print(run(args.out, args.seconds, args.connections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
