"""Applying config.yaml: idempotent, deactivating what left, never touching history."""

from __future__ import annotations

from sqlalchemy import func, select

from queue_server.config import parse_config
from queue_server.models import Counter, Device, Service, Site, Ticket, counter_services
from queue_server.provision import apply_config
from queue_server.queue import issuing
from tests.support.halls import Hall, hall_data


def _count(hall: Hall, model: type) -> int:
    with hall.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_applying_twice_changes_nothing(hall: Hall) -> None:
    before = {m: _count(hall, m) for m in (Service, Counter, Device, Site)}
    with hall.sessions.begin() as session:
        apply_config(session, hall.config)
    assert {m: _count(hall, m) for m in before} == before
    assert before[Service] == 4 and before[Counter] == 4 and before[Device] == 3


def test_removed_service_and_counter_are_deactivated_and_history_kept(hall: Hall) -> None:
    with hall.sessions.begin() as session:
        ticket = issuing.issue_ticket(session, hall.clock.now(), "SKCK")
    data = hall_data()
    data["agencies"][1]["services"].append(
        {"code": "SIDIK", "name": "Sidik Jari", "prefix": "D"})
    data["agencies"][1]["services"].pop(0)  # SKCK leaves
    data["counters"][2]["services"] = ["SIDIK"]
    data["counters"].pop(3)  # L4 leaves, and with it the passport service
    data["agencies"][2]["services"] = []
    with hall.sessions.begin() as session:
        apply_config(session, parse_config(data))

    with hall.session() as session:
        skck = session.scalar(select(Service).where(Service.code == "SKCK"))
        assert skck is not None and not skck.active
        l4 = session.get(Counter, "L4")
        assert l4 is not None and not l4.active
        kept = session.get(Ticket, ticket.id)
        assert kept is not None and kept.service.code == "SKCK"
        l3 = session.get(Counter, "L3")
        assert l3 is not None and [s.code for s in l3.services] == ["SIDIK"]
        rows = session.execute(select(func.count()).select_from(counter_services)).scalar()
        assert rows == 5  # L1: KTP, KK; L2: KTP; L3: SIDIK; and inactive L4 keeps PASPOR


def test_counter_services_keep_their_configured_order(hall: Hall) -> None:
    data = hall_data()
    data["counters"][0]["services"] = ["KK", "KTP"]
    with hall.sessions.begin() as session:
        apply_config(session, parse_config(data))
    with hall.session() as session:
        counter = session.get(Counter, "L1")
        assert counter is not None and [s.code for s in counter.services] == ["KK", "KTP"]
