"""The agent's jobs without a server: printing, the memory of printed jobs, the answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.agent import AgentOptions, KioskAgent, PrintedJobs
from printer import TicketPrint, render_ticket
from printer.backends import DummyBackend
from printer.payload import PAYLOAD_VERSION, parse_job
from tests.printer.printer_double import PrinterDouble

URL = "http://antre.test/t/q7Xv2LkP9sRtY4wZ"


def job(job_id: str = "12.1", url: str = URL, **extra: Any) -> dict[str, Any]:
    return {"version": PAYLOAD_VERSION, "job_id": job_id, "width": 80, "profile": None,
            **extra, "ticket": {
        "site_name": "MPP Kabupaten Buleleng", "site_address": "Singaraja",
        "agency_name": "Disdukcapil", "service_name": "KTP-el", "code": "A-012",
        "priority_label": None, "issued_at": "2026-11-30T09:05:00+08:00", "ahead": 3,
        "estimated_wait_min": 15, "requirements": ["Kartu Keluarga"], "tracking_url": url,
        "footer": ["Terima kasih"]}}


def printed_ticket(sent: dict[str, Any]) -> TicketPrint:
    return parse_job(sent).ticket.to_ticket()


def make_agent(tmp_path: Path, printer: Any = None, spec: str | None = None,
               **options: Any) -> KioskAgent:
    return KioskAgent(AgentOptions(server="http://127.0.0.1:9", kiosk="kiosk-1", token="t",
                                   state_dir=tmp_path, printer=spec, timeout=1.0, **options),
                      printer=printer)


def test_a_job_prints_once_even_when_it_comes_again(tmp_path: Path) -> None:
    backend = DummyBackend()
    agent = make_agent(tmp_path, backend)
    assert agent.handle_job(job()) == {"job_id": "12.1", "ok": True, "state": "unknown"}
    # Remembered on disk before the answer is sent, so a new process knows it too.
    stored = json.loads((tmp_path / "printed-kiosk-1.json").read_text())
    assert stored == {"printed": [f"12.1 {URL}"]}
    again = make_agent(tmp_path, backend)
    assert again.handle_job(job()) == {"job_id": "12.1", "ok": True}
    assert len(backend.jobs) == 1
    assert backend.jobs[0] == render_ticket(printed_ticket(job()), width=80)


def test_a_reprint_or_a_new_database_prints_again(tmp_path: Path) -> None:
    backend = DummyBackend()
    agent = make_agent(tmp_path, backend)
    agent.handle_job(job("12.1"))
    agent.handle_job(job("12.2"))  # a reprint is a new attempt
    agent.handle_job(job("12.1", url="http://antre.test/t/another-token"))  # ids began again
    assert len(backend.jobs) == 3


def test_a_failed_job_is_answered_with_its_kind_and_not_remembered(tmp_path: Path) -> None:
    with PrinterDouble("paper_out") as printer:
        agent = make_agent(tmp_path, spec=printer.spec)
        answer = agent.handle_job(job())
        assert answer is not None
        assert {k: answer[k] for k in ("job_id", "ok", "error", "message", "message_en")} == {
            "job_id": "12.1", "ok": False, "error": "paper_out",
            "message": "Kertas printer habis", "message_en": "The printer is out of paper"}
        printer.set_state("ok")  # the job comes again after a new roll: now it prints
        assert agent.handle_job(job())["ok"] is True  # type: ignore[index]
        assert printer.received.count(b"A-012") == 1


def test_the_command_line_wins_over_the_servers_settings(tmp_path: Path) -> None:
    backend = DummyBackend()
    agent = make_agent(tmp_path, backend, width=58)
    agent.handle_job(job(width=80, profile="TM-T20II"))
    ticket = printed_ticket(job())
    assert backend.jobs == [render_ticket(ticket, width=58, profile="TM-T20II")]


@pytest.mark.parametrize(("bad", "answer"), [
    ({"version": PAYLOAD_VERSION, "ticket": {"code": "A-1"}, "job_id": "1.1"}, "error"),
    ({"version": PAYLOAD_VERSION, "job_id": "1.1"}, "error"),
    ({**job(), "profile": "NO-SUCH-PRINTER"}, "error"),
    # A field this agent does not know is a contract this agent does not speak: refused.
    ({**job(), "ticket": {**job()["ticket"], "added_by_a_newer_server": True}}, "error"),
    ({"version": PAYLOAD_VERSION, "ticket": job()["ticket"]}, None),
    ("nonsense", None),
])
def test_a_job_that_cannot_be_printed_is_answered_as_an_error(tmp_path: Path, bad: Any,
                                                             answer: str | None) -> None:
    backend = DummyBackend()
    result = make_agent(tmp_path, backend).handle_job(bad)
    assert (result["error"] if result else None) == answer
    assert backend.jobs == []


@pytest.mark.parametrize("version", [None, 0, 1, 3, "2"])
def test_a_job_of_an_unknown_version_is_refused_and_answered(tmp_path: Path,
                                                             version: Any) -> None:
    backend = DummyBackend()
    sent = {**job(), "version": version}
    if version is None:
        del sent["version"]  # a server from before the payload had a version
    answer = make_agent(tmp_path, backend).handle_job(sent)
    assert answer is not None and (answer["job_id"], answer["ok"], answer["error"]) == (
        "12.1", False, "error")
    assert f"print job version {version!r} is unknown" in answer["detail"]
    assert backend.jobs == []


def test_the_memory_keeps_the_newest_jobs_and_survives_a_bad_file(tmp_path: Path,
                                                                 caplog: Any) -> None:
    path = tmp_path / "printed.json"
    jobs = PrintedJobs(path, keep=3)
    for n in range(5):
        jobs.add(f"{n}.1 {URL}")
    assert len(jobs) == 3 and f"1.1 {URL}" not in jobs and f"4.1 {URL}" in jobs
    assert f"4.1 {URL}" in PrintedJobs(path) and not list(tmp_path.glob("*.tmp"))
    path.write_text("{half a file")
    assert len(PrintedJobs(path)) == 0 and "cannot read" in caplog.text


def test_a_job_before_the_printer_is_known_waits_for_the_snapshot(tmp_path: Path) -> None:
    agent = make_agent(tmp_path)
    agent._on_snapshot({"kind": "agent", "kiosk": {"printer": "dummy", "paper_width": 58}})
    assert agent.printer() == "dummy"
    assert agent.handle_job(job(width=None))["ok"] is True  # type: ignore[index]
