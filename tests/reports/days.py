"""Two hand-built days in the small hall, played through the engine with a fixed clock, so
every figure of the reports is known in advance (see the comments for the arithmetic).

Monday 2026-11-30 (WITA)                      Tuesday 2026-12-01
  L1 (ayu): open 08:00, break 08:50-09:00,     L2 (dewi): open 08:00-12:00
            closed 10:00 -> 6600 s open,         A-001 issued 08:00, called 08:10 (600 s),
            600 s on break                       finished 08:15 without start (300 s)
  L3 (budi): open 08:00-09:30 -> 5400 s        P-001 of Monday expires at 07:30
  A-001 KTP kiosk 08:00 called 08:20:30 (1230 s), two recalls, no-show 08:23 (L1)
  A-002 KTP kiosk priority 08:01 called 08:05 (240 s) start 08:06 finish 08:20 (840 s, L1)
  B-001 KK online 08:02 called 08:30 (1680 s) at L1, started 08:31, transferred to SKCK at
        08:40, called at L3 08:45, started 08:46, finished 08:50 (240 s)
  C-001 SKCK at a counter 08:03 called 08:25 (1320 s) start 08:26 finish 08:36 (600 s, L3)
  A-003 KTP kiosk 09:00, cancelled by the visitor 09:10
  A-004 KTP kiosk 09:05, removed by staff 09:15
  P-001 PASPOR kiosk 09:20, never called (expired)

Targets: rules.target_wait_minutes 25 (1500 s), KTP's own 20 (1200 s); service KTP 10 min,
KK 15, SKCK 12.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from queue_server.models import Channel, Role, User
from queue_server.queue import calling, counters, issuing, operations, rollover
from tests.support.halls import Hall, hall_data, prepare_hall, wita

MONDAY = "2026-11-30"
TUESDAY = "2026-12-01"
REPORT_NOW = wita("2026-12-02 10:00")


def report_hall_data() -> dict[str, Any]:
    data = hall_data()
    data["rules"]["target_wait_minutes"] = 25
    data["agencies"][0]["services"][0]["target_wait_minutes"] = 20
    data["agencies"][0]["services"][1].update(outcomes=[], outcome_required=False)
    return data


def add_staff(session: Session, now: datetime) -> dict[str, int]:
    """Officers without the cost of argon2: these tests never sign in."""
    people = {}
    for username, role in (("ayu", Role.OFFICER), ("dewi", Role.OFFICER),
                           ("budi", Role.OFFICER)):
        user = User(username=username, name=username.title(), role=role,
                    password_hash="-", created_at=now)
        session.add(user)
        session.flush()
        people[username] = user.id
    return people


def build_days(hall: Hall) -> dict[str, int]:
    """Play both days; returns the officers' ids."""
    clock = hall.clock

    def at(moment: str, action: Any, *args: Any, **kwargs: Any) -> Any:
        clock.set(wita(f"{moment}"))
        with hall.sessions.begin() as session:
            return action(session, clock.now(), *args, **kwargs)

    clock.set(wita(f"{MONDAY} 07:00"))
    with hall.sessions.begin() as session:
        people = add_staff(session, clock.now())
    ayu, budi, dewi = people["ayu"], people["budi"], people["dewi"]
    day = MONDAY
    at(f"{day} 08:00", counters.open_counter, "L1", ayu)
    at(f"{day} 08:00", counters.open_counter, "L3", budi)
    at(f"{day} 08:00", issuing.issue_ticket, "KTP")
    at(f"{day} 08:01", issuing.issue_ticket, "KTP", priority=True, priority_reason="lansia")
    at(f"{day} 08:02", issuing.issue_ticket, "KK", channel=Channel.ONLINE)
    at(f"{day} 08:03", issuing.issue_ticket, "SKCK", channel=Channel.COUNTER, user_id=budi)
    at(f"{day} 08:05", calling.call_next, "L1", ayu)  # A-002, the priority ticket
    at(f"{day} 08:06", calling.start_service, "L1", ayu)
    at(f"{day} 08:20", calling.finish, "L1", ayu)
    at(f"{day} 08:20:30", calling.call_next, "L1", ayu)
    at(f"{day} 08:21", calling.recall, "L1", ayu)
    at(f"{day} 08:22", calling.recall, "L1", ayu)
    at(f"{day} 08:23", calling.no_show, "L1", ayu)
    at(f"{day} 08:25", calling.call_next, "L3", budi)  # C-001
    at(f"{day} 08:26", calling.start_service, "L3", budi)
    at(f"{day} 08:30", calling.call_next, "L1", ayu)  # B-001
    at(f"{day} 08:31", calling.start_service, "L1", ayu)
    at(f"{day} 08:36", calling.finish, "L3", budi)
    at(f"{day} 08:40", calling.transfer, "L1", "SKCK", front=True, user_id=ayu)
    at(f"{day} 08:45", calling.call_next, "L3", budi)  # B-001 again
    at(f"{day} 08:46", calling.start_service, "L3", budi)
    at(f"{day} 08:50", calling.finish, "L3", budi)
    at(f"{day} 08:50", counters.pause_counter, "L1", ayu)
    at(f"{day} 09:00", counters.open_counter, "L1", ayu)
    cancelled = at(f"{day} 09:00", issuing.issue_ticket, "KTP")
    removed = at(f"{day} 09:05", issuing.issue_ticket, "KTP")
    clock.set(wita(f"{day} 09:10"))
    with hall.sessions.begin() as session:
        issuing.cancel_ticket(session, clock.now(), session.merge(cancelled))
    at(f"{day} 09:15", operations.remove_waiting_ticket, removed.id, ayu, "Duplikat")
    at(f"{day} 09:20", issuing.issue_ticket, "PASPOR")
    at(f"{day} 09:30", counters.close_counter, "L3", budi)
    at(f"{day} 10:00", counters.close_counter, "L1", ayu)

    day = TUESDAY
    at(f"{day} 07:30", rollover.expire_past_days)
    at(f"{day} 08:00", counters.open_counter, "L2", dewi)
    at(f"{day} 08:00", issuing.issue_ticket, "KTP")
    at(f"{day} 08:10", calling.call_next, "L2", dewi)
    at(f"{day} 08:15", calling.finish, "L2", dewi)
    at(f"{day} 12:00", counters.close_counter, "L2", dewi)
    clock.set(REPORT_NOW)
    return people


def prepare_days(url: str) -> Hall:
    hall = prepare_hall(url, report_hall_data())
    build_days(hall)
    return hall
