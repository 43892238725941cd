"""The print agent end to end: a real server, a real agent, printers' doubles."""

from __future__ import annotations

import gc
import logging
import signal
import sqlite3
import threading
import time
from typing import Any

import pytest

from kiosk.agent import KioskAgent
from tests.printer.printer_double import PrinterDouble
from tests.printing.conftest import (
    CUT,
    KIOSK,
    WAIT_S,
    DeviceFile,
    agent_connected,
    api,
    eventually,
    issue,
    kiosk_view,
    start_agent_process,
)
from tests.support.agents import RunningAgent, agent_options
from tests.support.servers import ServedHall, start_server


def print_state(served: ServedHall, ticket_id: int) -> tuple[str, int, str | None]:
    """(print_status, print_attempts, print_error) as the server stored them."""
    with sqlite3.connect(served.data_dir / "antre.db") as connection:
        row = connection.execute("SELECT print_status, print_attempts, print_error FROM tickets "
                                 "WHERE id = ?", (ticket_id,)).fetchone()
    connection.close()
    return row[0], row[1], row[2]


def kiosk_auth(served: ServedHall) -> dict[str, Any]:
    return {"kiosk": KIOSK, "token": served.tokens[KIOSK]}


def test_a_kiosk_ticket_reaches_a_file_printer_within_a_second(served, listen, tmp_path):
    printout = tmp_path / "lp0"  # a plain file: it keeps the last job
    agent = start_agent_process(served, tmp_path / "state", f"file:{printout}",
                                tmp_path / "agent.log")
    try:
        agent_connected(served)
        kiosk = listen(kiosk_auth(served), "print_status")
        started = time.monotonic()
        ticket = issue(served, "KK")
        assert (ticket["print_status"], ticket["print_error"], ticket["print_message"]) == \
            ("pending", None, None)
        code = ticket["code"].encode()
        while not (printout.exists() and code in printout.read_bytes()):
            assert time.monotonic() - started < 1.0, "the ticket took more than a second"
            time.sleep(0.01)
        data = printout.read_bytes()
        assert ticket["tracking_url"].encode() in data and data.count(CUT) == 1

        told = kiosk.next("print_status", lambda e: e["ticket_id"] == ticket["id"])
        assert (told["code"], told["print_status"], told["error"], told["message"]) == \
            (ticket["code"], "printed", None, None)
        view = kiosk_view(served)
        assert view["agent_connected"] and view["printer_state"] == "unknown"  # files cannot tell
        assert print_state(served, ticket["id"]) == ("printed", 1, None)
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=WAIT_S) == 0, (tmp_path / "agent.log").read_text()
    # Stopped, it said goodbye: the next visitor's ticket is shown on screen at once.
    assert kiosk_view(served)["agent_connected"] is False
    assert issue(served, "KK")["print_error"] == "no_agent"


class AnswerLost(KioskAgent):
    """Its connection dies once between printing a ticket and answering for it."""

    lost = 0

    def acknowledge(self, result: dict[str, Any]) -> None:
        if not self.lost:
            self.lost += 1
            self.client.disconnect()
            return
        super().acknowledge(result)


def test_a_connection_lost_before_the_answer_prints_the_ticket_once(
        served, listen, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="kiosk.agent")
    kiosk = listen(kiosk_auth(served), "print_status")
    with DeviceFile(tmp_path / "lp0") as printer, \
            RunningAgent(AnswerLost(agent_options(served, tmp_path, printer.spec))) as agent:
        agent_connected(served)
        ticket = issue(served, "KK")
        told = kiosk.next("print_status", lambda e: e["ticket_id"] == ticket["id"])
        assert told["print_status"] == "printed"
        received = printer.received
    assert agent.lost == 1
    assert "printed already; answering ok again" in caplog.text  # the job came again
    assert received.count(ticket["code"].encode()) == 1 and received.count(CUT) == 1
    assert print_state(served, ticket["id"]) == ("printed", 1, None)


class HeldAnswer(KioskAgent):
    """Holds its first answer until the test lets it go."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holding = threading.Event()
        self.release = threading.Event()

    def acknowledge(self, result: dict[str, Any]) -> None:
        if not self.holding.is_set():
            self.holding.set()
            self.release.wait(WAIT_S)
        super().acknowledge(result)


# python-engineio's client leaves a WebSocket the server dropped for the garbage collector to
# close; collected here, under this filter, rather than in whichever test comes next.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_server_restarted_between_print_and_answer_prints_the_ticket_once(served, tmp_path):
    port = int(served.url.rsplit(":", 1)[1])
    with DeviceFile(tmp_path / "lp0") as printer, \
            RunningAgent(HeldAnswer(agent_options(served, tmp_path, printer.spec))) as agent:
        agent_connected(served)
        ticket = issue(served, "KK")
        assert agent.holding.wait(WAIT_S)
        served.server.process.kill()  # no goodbye to anyone
        served.server.process.wait()
        agent.release.set()  # the answer goes nowhere
        served.server = start_server(served.server.env, served.server.log, port=port)
        eventually(lambda: print_state(served, ticket["id"])[0] == "printed", timeout=30)
        received = printer.received
    gc.collect()
    assert received.count(ticket["code"].encode()) == 1 and received.count(CUT) == 1
    assert print_state(served, ticket["id"]) == ("printed", 1, None)


def test_without_an_agent_the_ticket_is_valid_and_the_answer_says_so(served, tmp_path):
    english = issue(served, "KK", lang="en")
    assert (english["print_status"], english["print_error"], english["print_message"]) == \
        ("failed", "no_agent", "The kiosk printer is not connected.")
    status, public = api(served, "GET", f"/tickets/{english['token']}")
    assert status == 200 and public["status"] == "waiting" and public["code"] == english["code"]
    assert issue(served, "KK")["print_message"] == "Printer kiosk tidak tersambung."
    view = kiosk_view(served)
    assert (view["agent_connected"], view["printer_state"]) == (False, "no_agent")

    # An agent killed outright (no goodbye) is noticed as soon as its connection drops.
    agent = start_agent_process(served, tmp_path / "state", "dummy", tmp_path / "agent.log")
    try:
        agent_connected(served)
        assert issue(served, "KK")["print_status"] == "pending"
    finally:
        agent.kill()
        agent.wait()
    agent_connected(served, False)
    assert issue(served, "KK")["print_error"] == "no_agent"


def test_paper_out_is_reported_to_the_kiosk_and_staff_and_a_reprint_prints(
        served, listen, tmp_path):
    kiosk = listen(kiosk_auth(served), "print_status")
    staff = listen({"token": served.tokens["admin"]}, "printer_changed")
    with PrinterDouble("paper_out") as printer, \
            RunningAgent(KioskAgent(agent_options(served, tmp_path, printer.spec))):
        agent_connected(served)
        changed = staff.next("printer_changed", lambda e: e["state"] == "paper_out")
        assert (changed["kiosk"], changed["agent"], changed["message_id"]) == \
            (KIOSK, True, "Kertas printer habis")
        ticket = issue(served, "KK")
        assert ticket["print_status"] == "pending"
        told = kiosk.next("print_status", lambda e: e["ticket_id"] == ticket["id"])
        assert (told["print_status"], told["error"], told["message"]) == \
            ("failed", "paper_out", "Kertas printer habis.")
        assert told["messages"] == {"id": "Kertas printer habis.",
                                    "en": "The printer is out of paper."}
        assert print_state(served, ticket["id"]) == ("failed", 1, "paper_out")
        view = kiosk_view(served)
        assert (view["printer_state"], view["message_en"]) == \
            ("paper_out", "The printer is out of paper")
        assert CUT not in printer.received  # nothing was sent but the status queries

        printer.set_state("ok")  # a new roll
        status, again = api(served, "POST", f"/tickets/{ticket['id']}/reprint", "ayu")
        assert status == 200, again
        assert (again["print_status"], again["print_error"]) == ("pending", None)
        told = kiosk.next("print_status", lambda e: e["ticket_id"] == ticket["id"])
        assert told["print_status"] == "printed"
        assert staff.next("printer_changed", lambda e: e["state"] == "ok")["agent"] is True
        received = printer.received
    assert received.count(ticket["code"].encode()) == 1 and received.count(CUT) == 1
    assert print_state(served, ticket["id"]) == ("printed", 2, None)
    gone = staff.next("printer_changed", lambda e: not e["agent"])
    assert gone["state"] == "no_agent"


def test_a_reprint_sends_a_new_job_that_prints_again(served, tmp_path):
    polres = issue(served, "SKCK")
    status, online = api(served, "POST", "/tickets", "ayu", {"service": "KK",
                                                             "channel": "counter"})
    assert status == 201
    with DeviceFile(tmp_path / "lp0") as printer, \
            RunningAgent(KioskAgent(agent_options(served, tmp_path, printer.spec))):
        agent_connected(served)
        ticket = issue(served, "KK")
        code = ticket["code"].encode()
        eventually(lambda: printer.received.count(code) == 1)
        eventually(lambda: print_state(served, ticket["id"])[0] == "printed")

        status, again = api(served, "POST", f"/tickets/{ticket['id']}/reprint", "sari")
        assert status == 200 and again["print_status"] == "pending"
        eventually(lambda: printer.received.count(code) == 2)
        eventually(lambda: print_state(served, ticket["id"]) == ("printed", 2, None))
        assert printer.received.count(CUT) == 2

        # Who may: staff of the ticket's agency and administrators; to anyone else another
        # agency's ticket does not exist.
        assert api(served, "POST", f"/tickets/{ticket['id']}/reprint", "budi")[0] == 404
        assert api(served, "POST", f"/tickets/{polres['id']}/reprint", "ayu")[0] == 404
        assert api(served, "POST", f"/tickets/{polres['id']}/reprint", "budi")[0] == 200
        assert api(served, "POST", "/tickets/999999/reprint", "admin")[0] == 404
        status, body = api(served, "POST", f"/tickets/{online['id']}/reprint", "admin")
        assert (status, body["error"]["code"]) == (409, "no_kiosk")
        assert api(served, "POST", f"/tickets/{ticket['id']}/reprint", KIOSK)[0] == 401
    agent_connected(served, False)
    status, body = api(served, "POST", f"/tickets/{ticket['id']}/reprint", "admin")
    assert (status, body["error"]["code"]) == (409, "no_agent")
    assert print_state(served, ticket["id"]) == ("printed", 2, None)  # unchanged


@pytest.mark.parametrize("spec", ["nonsense", "usb:zz"])
def test_a_bad_printer_spec_is_refused_before_connecting(spec, tmp_path):
    import subprocess

    from tests.support.servers import ANTRE

    done = subprocess.run([str(ANTRE), "kiosk-agent", "--server", "http://127.0.0.1:9",
                           "--kiosk", KIOSK, "--token", "x", "--printer", spec,
                           "--state-dir", str(tmp_path)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "--printer" in done.stderr
