"""What a request costs in counts that do not depend on the machine's load: SQL statements,
rows handed to Python, Python function calls (cProfile), for an issue and a call-next with
a short line (40 waiting) and a long one (2,000), medians of 15 requests.

    python -m bench.counts

In-process: the app from `create_app` on a SQLite file with the shipped config.yaml (quotas
lifted), driven by Flask's test client; the hub's flush runs inside the commit here, so its
function calls are counted, its statements and rows are not (the request's own are).
"""

from __future__ import annotations

import cProfile
import pstats
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.halls import (
    CLOCK_START,
    COUNTER,
    KIOSK,
    OFFICER,
    SECRET_KEY,
    SERVICE,
    prepare_hall,
    sqlite_url,
)
from tests.support.rows import RowCountingCursor

SAMPLES = 15


@dataclass
class Tally:
    counting: bool = False
    statements: int = 0
    rows: int = 0

    def fetched(self, rows: int) -> None:
        if self.counting:
            self.rows += rows


def measure() -> dict[str, tuple[float, float, float]]:
    """(statements, rows, function calls) per request kind and line length."""
    from queue_server.app import create_app
    from queue_server.hub.publisher import HUB
    from queue_server.settings import Settings

    directory = Path(tempfile.mkdtemp(prefix="antre-counts-"))
    hall = prepare_hall(sqlite_url(directory), directory)
    app = create_app(Settings(config=hall.config, data_dir=directory / "data",
                              database_url=hall.database_url, secret_key=SECRET_KEY,
                              clock_start=datetime.fromisoformat(CLOCK_START)))
    engine, hub = app.extensions["antre"].engine, app.extensions[HUB]
    tally = Tally()

    def on_statement(*_args: Any) -> None:
        if tally.counting:
            tally.statements += 1

    def on_executed(_conn: Any, _cursor: Any, _statement: str, _parameters: Any,
                    context: Any, _many: bool) -> None:
        context.cursor = RowCountingCursor(context.cursor, tally.fetched)  # results read it

    flush = hub.flush

    def flush_uncounted(found: Any) -> None:
        was, tally.counting = tally.counting, False
        try:
            flush(found)
        finally:
            tally.counting = was

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "after_cursor_execute", on_executed)
    hub.flush = flush_uncounted
    client = app.test_client()
    kiosk = {"Authorization": f"Bearer {hall.tokens[KIOSK]}"}
    officer = {"Authorization": f"Bearer {hall.tokens[OFFICER]}"}

    def issue() -> Any:
        return client.post("/api/v1/tickets", json={"service": SERVICE}, headers=kiosk)

    def call() -> Any:
        return client.post(f"/api/v1/counters/{COUNTER}/call-next",
                           json={"finish_current": True}, headers=officer)

    def medians(send: Callable[[], Any]) -> tuple[float, float, float]:
        found = []
        for _ in range(SAMPLES):
            tally.statements = tally.rows = 0
            tally.counting = True
            profile = cProfile.Profile()
            profile.enable()
            answer = send()
            profile.disable()
            tally.counting = False
            if answer.status_code not in (200, 201):
                raise RuntimeError(f"answered {answer.status_code}: {answer.json}")
            stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
            calls = sum(entry[1] for entry in stats.values())  # (cc, calls, tt, ct, callers)
            found.append((tally.statements, tally.rows, calls))
        statements, rows, calls = (statistics.median(column) for column in zip(*found, strict=True))
        return statements, rows, calls

    results = {}
    try:
        for _ in range(45):
            issue()
        if client.post(f"/api/v1/counters/{COUNTER}/open", json={},
                       headers=officer).status_code != 200:
            raise RuntimeError(f"could not open {COUNTER}")
        for _ in range(5):
            issue()
            call()
        results["issue, 40 waiting"] = medians(issue)
        results["call-next, 40 waiting"] = medians(call)
        for _ in range(2000):
            issue()
        results["issue, 2,000 waiting"] = medians(issue)
        results["call-next, 2,000 waiting"] = medians(call)
    finally:
        engine.dispose()
    return results


def main() -> int:
    print("| request | SQL statements | rows read | Python function calls |")
    print("| --- | --- | --- | --- |")
    for name, (statements, rows, calls) in measure().items():
        print(f"| {name} | {statements:.0f} | {rows:.0f} | {calls:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
