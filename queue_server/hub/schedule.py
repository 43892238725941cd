"""Services open and close by the clock: at the moment a service starts issuing, pauses for a
break, resumes or stops for the day, or frees the share of its quota kept for remote bookings
(their cut-off), the kiosks, displays, counters and staff hear of it as a `queue_changed`
event, as they do when a supervisor closes a service. No page polls for it.

`keep_hours` sleeps until the next such moment of any active service, re-reading the hours at
least every MAX_SLEEP_S (an administrator may change them live; a clock may be set). With
several server processes each runs one: the first to reach a moment claims it in the shared
WindowCounter (Redis), so it is told once. Should Redis be away, each process tells it: the
pages then get the same `queue_changed` twice, with the same state, and simply draw it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.changes import ServiceChange
from queue_server.config import WeeklyHours
from queue_server.extensions import socketio
from queue_server.hub.publisher import Hub
from queue_server.models import Service
from queue_server.queue.common import get_site, site_time
from queue_server.queue.hours import issue_changes
from queue_server.queue.remote import remote_closes_at

log = logging.getLogger(__name__)

MAX_SLEEP_S = 300.0
SETTLE_S = 0.05  # wake just past the moment, so the state read is already the new one
CLAIM_KEEP_S = 3600  # how long a told moment stays claimed among the processes
RETRY_S = 30.0


@dataclass(frozen=True)
class Due:
    """The next moment some services' issuing may change (site time), and those services."""

    at: datetime
    service_ids: tuple[int, ...]


def next_change(session: Session, now: datetime) -> Due | None:
    """The first moment after `now`, today or tomorrow, at which an active service's issuing
    opens, pauses, stops or frees its remote share; None when neither day has one (a closed
    weekend, holidays)."""
    site = get_site(session)
    local = site_time(site, now)
    services = session.scalars(select(Service).where(Service.active).order_by(Service.id)).all()
    for ahead in (0, 1):
        day = local.date() + timedelta(days=ahead)
        if day.isoformat() in site.holidays:
            continue
        found: dict[datetime, list[int]] = {}
        for service in services:
            for moment in _moments(service, day):
                at = datetime.combine(day, moment, tzinfo=local.tzinfo)
                if at > local:
                    found.setdefault(at, []).append(service.id)
        if found:
            first = min(found)
            return Due(first, tuple(found[first]))
    return None


def _moments(service: Service, day: date) -> list[time]:
    """When the service's availability may change on `day` by the clock alone."""
    hours = WeeklyHours.model_validate(service.hours)
    moments = issue_changes(hours, day)
    that_day = hours.for_weekday(day.weekday())
    if that_day is not None and service.remote_share > 0:
        moments.append(remote_closes_at(that_day, service))  # walk-ins may take the rest
    return sorted(set(moments))


def tell(hub: Hub, due: Due) -> bool:
    """Publish the services' new state, unless another process already did."""
    if hub.state.windows.hit(f"schedule:{due.at.isoformat()}", CLAIM_KEEP_S) > 1:
        return False
    hub.flush([ServiceChange(service_id, due.at.date(), "hours")
               for service_id in due.service_ids])
    return True


def keep_hours(hub: Hub) -> None:
    """Under `antre serve`: tell each opening and closing by the clock as it happens."""
    while True:
        try:
            now = hub.state.clock.now()
            with hub.state.sessions() as session:
                due = next_change(session, now)
            if due is None or (left := (due.at - now).total_seconds()) > MAX_SLEEP_S:
                socketio.sleep(MAX_SLEEP_S)
                continue
            socketio.sleep(max(0.0, left) + SETTLE_S)
            tell(hub, due)
        except Exception:
            log.exception("the opening hours' schedule failed; trying again in %g s", RETRY_S)
            socketio.sleep(RETRY_S)
