"""The kiosk's print agent: prints the tickets the server sends to this kiosk's printer.

It runs on the kiosk PC beside the printer (`antre kiosk-agent`), holds a Socket.IO connection
to the server as its kiosk's agent (`{"kiosk": id, "token": ..., "agent": true}`), prints each
`print_ticket` job with `printer.print_ticket`, answers it with `print_result`, and reports the
printer's status every few seconds (at once when a job finds it changed).

A job that printed is written to the state file *before* it is answered. If the answer is lost
(the connection drops, the server restarts), the server sends the job again when the agent is
back, and the agent answers "ok" again without printing: a ticket prints once.

Imports `printer`; never Flask or the database.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import random
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import socketio

from printer import (
    Backend,
    PrinterConfigError,
    PrintError,
    PrinterStatus,
    TicketPrint,
    print_ticket,
    read_status,
)
from printer.payload import PayloadError, PrintJob, parse_job

log = logging.getLogger(__name__)

STATUS_EVERY_S = 5.0
RETRY_FIRST_S, RETRY_MAX_S = 1.0, 30.0
CONNECT_WAIT_S = 10.0
KEEP_JOBS = 2000  # several days of one kiosk's tickets
SETTINGS_WAIT_S = 5.0  # a job may arrive a moment before the snapshot that names the printer
STATUS_TIMEOUT_S = 2.0  # a status read holds the printer; keep it short

Printer = str | Backend


@dataclass(frozen=True)
class AgentOptions:
    """What `antre kiosk-agent` was told. Unset printer settings come from the server's
    config.yaml (the agent's snapshot); set ones win."""

    server: str
    kiosk: str
    token: str
    state_dir: Path
    printer: str | None = None
    width: int | None = None
    profile: str | None = None
    status_every: float = STATUS_EVERY_S
    timeout: float = 5.0  # each printer step


def default_state_dir() -> Path:
    """systemd's StateDirectory, else the user's state folder (Windows: %LOCALAPPDATA%)."""
    if os.environ.get("STATE_DIRECTORY"):
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
    if os.name == "nt":
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "Antre"
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "antre"


class PrintedJobs:
    """The jobs this kiosk printed, newest last, in a small JSON file that survives restarts.

    A key is the job id with the ticket's tracking URL: ticket ids start again at 1 on a new
    database, the random token in the URL never repeats.
    """

    def __init__(self, path: Path, keep: int = KEEP_JOBS) -> None:
        self.path = path
        self.keep = keep
        self._lock = threading.Lock()
        self._keys: dict[str, None] = dict.fromkeys(self._load())

    def _load(self) -> list[str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as error:
            log.warning("cannot read %s (%s); starting with no printed jobs", self.path, error)
            return []
        keys = data.get("printed") if isinstance(data, dict) else None
        return [key for key in keys if isinstance(key, str)] if isinstance(keys, list) else []

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._keys

    def __len__(self) -> int:
        with self._lock:
            return len(self._keys)

    def add(self, key: str) -> None:
        """Remember `key`; it is on disk when this returns."""
        with self._lock:
            self._keys.pop(key, None)
            self._keys[key] = None
            for old in list(self._keys)[:max(0, len(self._keys) - self.keep)]:
                del self._keys[old]
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        scratch = self.path.with_name(self.path.name + ".tmp")
        with scratch.open("w", encoding="utf-8") as out:
            json.dump({"printed": list(self._keys)}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, self.path)  # whole or not at all, even on a power cut


def job_key(job_id: str, ticket: TicketPrint) -> str:
    return f"{job_id} {ticket.tracking_url}"


class KioskAgent:
    """One kiosk's print agent. `run()` blocks until `stop()`; jobs print one at a time."""

    def __init__(self, options: AgentOptions, printer: Backend | None = None) -> None:
        self.options = options
        self.printed = PrintedJobs(options.state_dir / f"printed-{options.kiosk}.json")
        self._printer_override = printer  # an open backend, for tests and demos
        self._server_settings: dict[str, Any] = {}
        self._settings_known = threading.Event()
        self.ready = threading.Event()  # connected, and the server's snapshot is in
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._printer_lock = threading.Lock()  # one job or status read at a time
        self._stopping = threading.Event()
        self._report_now = threading.Event()
        self._seen: PrinterStatus | None = None  # what the last job found
        self._answers_lock = threading.Lock()
        self._unsent: dict[str, dict[str, Any]] = {}  # answers waiting for a connection
        self._reported: str | None = None
        self.client = socketio.Client(
            reconnection=True, reconnection_attempts=0, reconnection_delay=RETRY_FIRST_S,
            reconnection_delay_max=RETRY_MAX_S, randomization_factor=0.5, handle_sigint=False)
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.client.on("connect_error", self._on_connect_error)
        self.client.on("snapshot", self._on_snapshot)
        self.client.on("print_ticket", self._on_print_ticket)

    # --- Running ---------------------------------------------------------------------------

    def run(self) -> None:
        """Connect and serve until `stop()`. The client reconnects on its own after a drop;
        this loop covers the first connection and a server that closed ours on purpose."""
        workers = [threading.Thread(target=self._work, name="print-jobs", daemon=True),
                   threading.Thread(target=self._watch, name="printer-status", daemon=True)]
        for worker in workers:
            worker.start()
        delay = RETRY_FIRST_S
        try:
            while not self._stopping.is_set():
                try:
                    self.client.connect(self.options.server, auth=self._auth,
                                        wait_timeout=CONNECT_WAIT_S)
                except socketio.exceptions.ConnectionError as error:
                    pause = min(delay, RETRY_MAX_S) * random.uniform(0.5, 1.5)
                    log.warning("cannot connect to %s (%s); trying again in %.0f s",
                                self.options.server, error, pause)
                    self._stopping.wait(pause)
                    delay *= 2
                    continue
                delay = RETRY_FIRST_S
                if self._stopping.is_set():
                    break
                self.client.wait()
        finally:
            self._stopping.set()
            self._report_now.set()  # wakes the status watcher
            self.client.shutdown()
            for worker in workers:
                worker.join(timeout=self.options.timeout + 5)

    def stop(self) -> None:
        """Disconnect and end `run()` (from another thread or a signal handler)."""
        self._stopping.set()
        self._report_now.set()
        self.client.shutdown()

    @property
    def _auth(self) -> dict[str, Any]:
        return {"kiosk": self.options.kiosk, "token": self.options.token, "agent": True}

    # --- Socket.IO events (each handled in its own thread by the client) ---------------------

    def _on_connect(self) -> None:
        log.info("connected to %s as the print agent of %s", self.options.server,
                 self.options.kiosk)
        self._send_answers()

    def _on_disconnect(self, reason: Any = None) -> None:
        self.ready.clear()
        self._reported = None
        if not self._stopping.is_set():
            log.warning("disconnected from the server (%s); reconnecting", reason)

    def _on_connect_error(self, data: Any = None) -> None:
        message = data.get("message") if isinstance(data, dict) else data
        log.error("the server refused the connection: %s", message)

    def _on_snapshot(self, data: Any) -> None:
        if not isinstance(data, dict) or data.get("kind") != "agent":
            log.error("the server did not take this connection as a print agent; is it an "
                      "older Antre?")
            return
        kiosk = data.get("kiosk") or {}
        self._server_settings = kiosk if isinstance(kiosk, dict) else {}
        self._settings_known.set()
        self.ready.set()
        self._seen = None  # a fresh read: the server learns the printer's state at once
        self._report_now.set()

    def _on_print_ticket(self, job: Any) -> None:
        self._jobs.put(job)

    # --- Jobs ------------------------------------------------------------------------------

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self._jobs.get(timeout=0.2)
            except queue.Empty:
                continue
            result = self.handle_job(job)
            if result is not None:
                self.acknowledge(result)

    def handle_job(self, job: Any) -> dict[str, Any] | None:
        """Print one job unless it was printed already; the answer to send (None for a job
        without an id, which cannot be answered)."""
        try:
            parsed = parse_job(job)
        except PayloadError as error:
            if error.job_id is None:
                log.warning("a print job without a job id was ignored: %s", error)
                return None
            log.error("job %s cannot be printed: %s", error.job_id, error)
            return _failed(error.job_id, PrintError.of("error", str(error)))
        job_id, ticket = parsed.job_id, parsed.ticket.to_ticket()
        key = job_key(job_id, ticket)
        if key in self.printed:
            log.info("job %s (%s) was printed already; answering ok again", job_id, ticket.code)
            return {"job_id": job_id, "ok": True}
        try:
            status = self._print(parsed, ticket)
        except PrintError as error:
            log.error("job %s (%s) failed: %s", job_id, ticket.code, error)
            self._saw(PrinterStatus(error.kind, detail=error.detail))
            return _failed(job_id, error)
        except PrinterConfigError as error:
            log.error("job %s (%s): the printer settings are wrong: %s", job_id, ticket.code,
                      error)
            return _failed(job_id, PrintError.of("error", str(error)))
        except Exception as error:  # never lose the worker; the job is answered as failed
            log.exception("job %s (%s) failed unexpectedly", job_id, ticket.code)
            return _failed(job_id, PrintError.of("error", repr(error)))
        self.printed.add(key)  # before the answer: a lost answer must not print twice
        log.info("printed %s (job %s)", ticket.code, job_id)
        self._saw(status)
        return {"job_id": job_id, "ok": True, "state": status.state}

    def _print(self, job: PrintJob, ticket: TicketPrint) -> PrinterStatus:
        printer = self.printer()
        if printer is None:
            raise PrinterConfigError("no printer: give --printer, or set the kiosk's printer "
                                     "in the server's config.yaml")
        width = self.options.width or job.width or \
            self._server_settings.get("paper_width") or 80
        profile = self.options.profile or job.profile or \
            self._server_settings.get("profile")
        with self._printer_lock:
            return print_ticket(printer, ticket, width=int(width), profile=profile,
                                timeout=self.options.timeout)

    def printer(self) -> Printer | None:
        """--printer, else the kiosk's printer in config.yaml (waiting a moment for it)."""
        if self._printer_override is not None:
            return self._printer_override
        if self.options.printer:
            return self.options.printer
        self._settings_known.wait(SETTINGS_WAIT_S)
        spec = self._server_settings.get("printer")
        return spec if isinstance(spec, str) and spec else None

    def acknowledge(self, result: dict[str, Any]) -> None:
        """Send the answer now, or at the next connection if there is none. (An answer lost
        on the way is no harm either: the server sends the job again.)"""
        with self._answers_lock:
            self._unsent[result["job_id"]] = result
        self._send_answers()

    def _send_answers(self) -> None:
        with self._answers_lock:
            for job_id, result in list(self._unsent.items()):
                try:
                    self.client.emit("print_result", result)
                except Exception as error:  # not connected (yet), or the transport broke
                    log.info("job %s is answered when the connection is back (%s)", job_id,
                             error)
                    return
                del self._unsent[job_id]

    # --- Printer status --------------------------------------------------------------------

    def _saw(self, status: PrinterStatus) -> None:
        """A job found the printer in `status`: report at once if that is news."""
        self._seen = status
        if status.state != self._reported:
            self._report_now.set()

    def _watch(self) -> None:
        while not self._stopping.is_set():
            told = self._report_now.wait(self.options.status_every)
            self._report_now.clear()
            if self._stopping.is_set():
                break
            seen, self._seen = self._seen, None
            status = seen if told and seen is not None else self.read_status()
            if status is not None:
                self.report(status)

    def read_status(self) -> PrinterStatus | None:
        if self._printer_override is None and not self.options.printer and \
                not self._settings_known.is_set():
            return None  # the printer is not known before the first snapshot
        printer = self.printer()
        if printer is None:
            return None
        try:
            with self._printer_lock:
                return read_status(printer, timeout=min(self.options.timeout, STATUS_TIMEOUT_S))
        except PrinterConfigError as error:
            return PrinterStatus("error", detail=str(error))

    def report(self, status: PrinterStatus) -> None:
        if not self.client.connected:
            return
        try:
            self.client.emit("printer_status", status.to_dict())
        except Exception as error:  # the connection just dropped; the next report goes
            log.debug("could not report the printer status: %s", error)
            return
        if status.state != self._reported:
            log.info("printer: %s (%s)", status.state, status.message_en)
        self._reported = status.state


def _failed(job_id: str, error: PrintError) -> dict[str, Any]:
    return {"job_id": job_id, "ok": False, "error": error.kind,
            "message": error.message_id, "message_en": error.message_en,
            "detail": error.detail[:300]}
