"""Where a request's time goes, measured in-process: the app from `create_app` on a SQLite file,
driven by Flask's test client (no network, one thread), with every SQL statement counted and
the hub's work timed apart from the rest of the request. Times are this thread's CPU time
(`time.thread_time`), so other work on a shared machine does not inflate them.

Under `antre serve` the hub's coalesced part (queues, counters, visitors' places) runs 0.1 s
after the commit in its own greenlet; here it runs inside the commit, so it is timed as its own
phase ("hub flush") and left out of "before the emit".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.halls import CLOCK_START, COUNTER, KIOSK, OFFICER, SECRET_KEY, SERVICE, Hall
from bench.load import percentile

PHASES = ("request", "until the first emit", "hub: calls", "hub: flush", "hub: emit")


@dataclass
class Meter:
    """Statements and seconds per phase, for the request being measured."""

    open_phases: list[str] = field(default_factory=list)
    statements: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = 0.0

    def reset(self) -> None:
        self.statements.clear()
        self.seconds.clear()
        self.started = time.thread_time()

    def mark_emit(self) -> None:
        """The first emit of the request: what came before it is the call's own delay."""
        if "until the first emit" not in self.seconds:
            self.seconds["until the first emit"] = time.thread_time() - self.started
            self.statements["until the first emit"] = self.statements.get("request", 0)

    def on_statement(self, *_args: Any) -> None:
        for phase in self.open_phases:
            self.statements[phase] = self.statements.get(phase, 0) + 1

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.open_phases.append(name)
        started = time.thread_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.thread_time() - started
            self.open_phases.remove(name)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return function(*args, **kwargs)
        return timed


@dataclass
class Anatomy:
    """Per request kind: the median statements and milliseconds of each phase."""

    rows: dict[str, dict[str, tuple[float, float]]]  # kind -> phase -> (statements, ms)
    samples: int


def measure(hall: Hall, directory: Path, samples: int = 40) -> Anatomy:
    from queue_server.app import create_app
    from queue_server.hub.publication import Publication
    from queue_server.hub.publisher import HUB
    from queue_server.settings import Settings

    settings = Settings(config=hall.config, data_dir=directory / "data",
                        database_url=hall.database_url, secret_key=SECRET_KEY,
                        clock_start=datetime.fromisoformat(CLOCK_START))
    app = create_app(settings)
    state, hub = app.extensions["antre"], app.extensions[HUB]
    meter = Meter()
    event.listen(state.engine, "before_cursor_execute", meter.on_statement)
    hub.flush = meter.wrap("hub: flush", hub.flush)
    send = meter.wrap("hub: emit", hub.send)

    def send_marked(*args: Any, **kwargs: Any) -> Any:
        meter.mark_emit()
        return send(*args, **kwargs)

    hub.send = send_marked
    original_calls = Publication.calls
    Publication.calls = meter.wrap("hub: calls", original_calls)  # type: ignore[method-assign]
    client = app.test_client()
    kiosk = {"Authorization": f"Bearer {hall.tokens[KIOSK]}"}
    officer = {"Authorization": f"Bearer {hall.tokens[OFFICER]}"}
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    try:
        def run(kind: str, send: Callable[[], Any], expect: int) -> None:
            found: dict[str, list[tuple[int, float]]] = {phase: [] for phase in PHASES}
            for index in range(samples + 5):
                meter.reset()
                with meter.phase("request"):
                    answer = send()
                if answer.status_code != expect:
                    raise RuntimeError(f"{kind} answered {answer.status_code}: {answer.json}")
                if index >= 5:  # the first few warm SQLAlchemy's caches
                    for phase in PHASES:
                        found[phase].append((meter.statements.get(phase, 0),
                                             meter.seconds.get(phase, 0.0) * 1000))
            rows[kind] = {phase: (percentile([s for s, _ in v], 0.5),
                                  percentile([ms for _, ms in v], 0.5))
                          for phase, v in found.items()}

        issue = {"service": SERVICE, "channel": "kiosk"}
        run("issue (POST /tickets)",
            lambda: client.post("/api/v1/tickets", json=issue, headers=kiosk), 201)
        for _ in range(samples + 10):
            client.post("/api/v1/tickets", json=issue, headers=kiosk)
        answer = client.post(f"/api/v1/counters/{COUNTER}/open", json={}, headers=officer)
        if answer.status_code != 200:
            raise RuntimeError(f"open answered {answer.status_code}: {answer.json}")
        run("call-next (finish_current)",
            lambda: client.post(f"/api/v1/counters/{COUNTER}/call-next",
                                json={"finish_current": True}, headers=officer), 200)
    finally:
        Publication.calls = original_calls  # type: ignore[method-assign]
        event.remove(state.engine, "before_cursor_execute", meter.on_statement)
        state.engine.dispose()
    return Anatomy(rows, samples)
