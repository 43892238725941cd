"""kill -9 of `antre serve` while kiosks issue and a counter calls (issue 11: what survives a
crash): every ticket the server acknowledged is there after the restart, numbers stay
gapless, no ticket was called twice, and the counter holds at most one ticket."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

from tests.support.halls import hall_data
from tests.support.servers import ServedHall, call_api, serve_hall, start_server

RUN_S = 1.5  # of issuing and calling before each kill


def rows(served: ServedHall, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(served.data_dir / "antre.db")
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def busy_until_killed(served: ServedHall) -> tuple[list[int], list[int]]:
    """Two kiosks issue and Loket 1 calls (finishing the last) until the server is killed
    with SIGKILL; the ids the server acknowledged: (issued, called)."""
    issued: list[int] = []
    called: list[int] = []
    stop = threading.Event()

    def kiosk() -> None:
        while not stop.is_set():
            try:
                status, body = call_api(served, "POST", "/tickets", "kiosk-1",
                                        {"service": "KTP"}, timeout=5)
            except Exception:  # the server is gone: what was answered is what counts
                return
            if status == 201:
                issued.append(body["id"])

    def counter() -> None:
        while not stop.is_set():
            try:
                status, body = call_api(served, "POST", "/counters/L1/call-next", "ayu",
                                        {"finish_current": True}, timeout=5)
            except Exception:
                return
            if status == 200 and body["ticket"] is not None:
                called.append(body["ticket"]["id"])

    assert call_api(served, "POST", "/counters/L1/open", "ayu")[0] == 200
    workers = [threading.Thread(target=kiosk) for _ in range(2)]
    workers.append(threading.Thread(target=counter))
    for worker in workers:
        worker.start()
    time.sleep(RUN_S)
    os.kill(served.server.pid, signal.SIGKILL)
    served.server.process.wait(timeout=10)
    stop.set()
    for worker in workers:
        worker.join(timeout=10)
    return issued, called


def test_kill_9_loses_no_acknowledged_ticket_nor_calls_one_twice(tmp_path: Path) -> None:
    data = hall_data()
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.pop("quota", None)
    served = serve_hall(tmp_path, data)
    all_issued: list[int] = []
    all_called: list[int] = []
    try:
        for round_ in range(2):
            issued, called = busy_until_killed(served)
            assert issued and called, "the load did not run"
            all_issued += issued
            all_called += called
            served.server = start_server(served.server.env,
                                         tmp_path / f"server-{round_}.log")
            stored = {ticket_id: (number, status, counter) for ticket_id, number, status,
                      counter in rows(served, "SELECT id, number, status, counter_id "
                                              "FROM tickets WHERE prefix = 'A'")}
            assert set(all_issued) <= set(stored), "an acknowledged ticket was lost"
            assert sorted(n for n, _, _ in stored.values()) == list(range(1, len(stored) + 1))
            for ticket_id in all_called:
                assert stored[ticket_id][1] in ("called", "serving", "done")
                assert stored[ticket_id][2] == "L1"
            calls = Counter(ticket_id for (ticket_id,) in rows(
                served, "SELECT ticket_id FROM ticket_events WHERE kind = 'called'"))
            assert all(times == 1 for times in calls.values()), "a ticket was called twice"
            active = rows(served, "SELECT count(*) FROM tickets WHERE counter_id = 'L1' "
                                  "AND status IN ('called', 'serving')")
            assert active[0][0] <= 1
    finally:
        served.server.stop()
