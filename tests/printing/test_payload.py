"""The print payload is one contract: the job the server builds for a real ticket, sent as
JSON, is read by the agent and comes out of the printer as the ticket's ESC/POS bytes."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from kiosk.agent import AgentOptions, KioskAgent
from printer.backends import DummyBackend
from printer.payload import PAYLOAD_VERSION, PrintJob
from queue_server.models import Device, Ticket
from queue_server.queue import issuing, printjobs
from queue_server.readmodels.printjob import print_job
from tests.support.halls import Hall

CUT = b"\x1dV"  # GS V: the paper cut that ends every ticket


def test_the_servers_job_for_a_real_ticket_prints_on_the_agent(sqlite_hall: Hall,
                                                               tmp_path: Path) -> None:
    hall = sqlite_hall
    with hall.sessions.begin() as session:
        issuing.issue_ticket(session, hall.clock.now(), "KTP")
        ticket = issuing.issue_ticket(session, hall.clock.now(), "KTP", priority=True,
                                      priority_reason="lansia", kiosk_id="kiosk-1")
        kiosk = session.get_one(Device, "kiosk-1")
        kiosk.agent_seen_at = hall.clock.now()  # its agent is connected
        assert printjobs.start_print(session, hall.clock.now(), ticket, kiosk)
        ticket_id = ticket.id
    with hall.session() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.id == ticket_id)).one()
        kiosk = session.get_one(Device, "kiosk-1")
        job = print_job(session, ticket, hall.config, kiosk)
    assert isinstance(job, PrintJob) and job.version == PAYLOAD_VERSION
    # As the hub sends it (with its delivery envelope) and Socket.IO carries it.
    wire = json.loads(json.dumps({**job.model_dump(mode="json"), "event_id": "e1",
                                  "room": "agent:kiosk-1", "seq": 7}))

    backend = DummyBackend()
    agent = KioskAgent(AgentOptions(server="http://127.0.0.1:9", kiosk="kiosk-1", token="t",
                                    state_dir=tmp_path, timeout=1.0), printer=backend)
    answer = agent.handle_job(wire)

    assert answer == {"job_id": f"{ticket_id}.1", "ok": True, "state": "unknown"}
    [printed] = backend.jobs
    assert ticket.code.encode() in printed and b"PRIORITAS - Lansia" in printed
    assert b"09:00 WITA" in printed and b"KTP-el" in printed
    assert CUT in printed[-4:], printed[-16:]
