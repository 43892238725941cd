"""What a hall display shows: the calls (and the words to say them), its counters, who waits
per agency, the running text."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from display.announce import make_announcement
from queue_server.config import HallConfig
from queue_server.models import (
    Agency,
    Counter,
    Device,
    DeviceKind,
    Service,
    Site,
    Ticket,
    TicketEvent,
)
from queue_server.queue.common import get_site, service_day, site_time, zone
from queue_server.queue.errors import ClosedDay, Holiday
from queue_server.queue.hours import issue_refusal
from queue_server.readmodels.common import find_active, local_iso
from queue_server.readmodels.counters import counter_summaries
from queue_server.readmodels.services import waiting_per_agency
from queue_server.schemas import DisplayRunningText, RunningTextOut

log = logging.getLogger(__name__)


CALL_KINDS = ("called", "recalled")


RECENT_CALLS = 10


def covered_agencies(settings: dict[str, Any] | None) -> tuple[str, ...] | None:
    """The agency codes a display shows (from its Device.settings); None: the whole hall."""
    codes = (settings or {}).get("agencies")
    return tuple(codes) if codes else None


def covers(covered: Collection[str] | None, agency_code: str) -> bool:
    return covered is None or agency_code in covered


@lru_cache(maxsize=1024)
def announcement(code: str, counter_name: str, counter_number: int) -> dict[str, Any] | None:
    """The words for a call; cached, as every reconnecting display asks for the same ten."""
    try:
        said = make_announcement(code, counter_name, counter_number)
    except ValueError as error:
        # A number past 999 or an unsayable counter name: the call is still shown, unsaid.
        log.warning("cannot announce %s at %s: %s", code, counter_name, error)
        return None
    return {"id": said.text_id, "en": said.text_en, "speech_id": said.speech_id,
            "words": list(said.words)}


def call_payload(*, code: str, service: Service, agency: Agency, counter: Counter,
                 call_count: int, at: datetime, recall: bool, timezone: str) -> dict[str, Any]:
    """One call as a display shows and says it: a `ticket_called` event or a recent call."""
    return {
        "code": code,
        "service": {"code": service.code, "name": service.name},
        "agency": {"code": agency.code, "short_name": agency.short_name,
                   "colour": agency.colour},
        "counter": {"id": counter.id, "number": counter.number, "name": counter.name},
        "call_count": call_count,
        "at": local_iso(at, timezone),
        "recall": recall,
        "announcement": announcement(code, counter.name, counter.number),
    }


def call_count_of(kind: str, data: dict[str, Any] | None) -> int:
    """A first call is call 1; a recall's event records its number."""
    if kind == "recalled":
        return int((data or {}).get("call_count", 2))
    return 1


def recent_calls(session: Session, site: Site, day: date, agency_ids: Collection[int],
                 limit: int = RECENT_CALLS) -> list[dict[str, Any]]:
    """The day's last calls and recalls at counters of these agencies, newest first."""
    start = datetime.combine(day, time.min, tzinfo=zone(site.timezone))
    rows = session.execute(
        select(TicketEvent, Ticket.code, Service, Agency, Counter)
        .join(Ticket, TicketEvent.ticket_id == Ticket.id)
        .join(Service, TicketEvent.service_id == Service.id)
        .join(Agency, Service.agency_id == Agency.id)
        .join(Counter, TicketEvent.counter_id == Counter.id)
        .where(TicketEvent.kind.in_(CALL_KINDS), TicketEvent.at >= start,
               TicketEvent.at < start + timedelta(days=1), Agency.id.in_(agency_ids))
        .order_by(TicketEvent.at.desc(), TicketEvent.id.desc())
        .limit(limit))
    return [call_payload(code=code, service=service, agency=agency, counter=counter,
                         call_count=call_count_of(event.kind, event.data), at=event.at,
                         recall=event.kind == "recalled", timezone=site.timezone)
            for event, code, service, agency, counter in rows]


def closed_day(hall: HallConfig, site: Site, now: datetime) -> dict[str, str] | None:
    """Why the whole hall is closed today and when it opens (Sunday, a holiday), in both
    languages; None on a working day. The display shows it instead of a wall of closed
    counters."""
    refusal = issue_refusal(hall.site.hours, site.holidays, site_time(site, now))
    if not isinstance(refusal, ClosedDay | Holiday):
        return None
    return {"id": refusal.message("id"), "en": refusal.message("en")}


def shown_running_text(site: Site, display: Device) -> str:
    """The line a display scrolls: its own, else the hall's (empty: the page's welcome)."""
    return display.running_text if display.running_text is not None else site.running_text


def running_texts(session: Session) -> RunningTextOut:
    """The hall's running text and what each display scrolls."""
    site = get_site(session)
    displays = session.scalars(select(Device).where(
        Device.active, Device.kind == DeviceKind.DISPLAY).order_by(Device.id))
    return RunningTextOut(text=site.running_text, displays=[
        DisplayRunningText(id=d.id, name=d.name, own_text=d.running_text,
                           shown=shown_running_text(site, d)) for d in displays])


def display_snapshot(session: Session, now: datetime, display: Device, hall: HallConfig,
                     seq: int = 0) -> dict[str, Any]:
    """What a display shows now: its last calls, its counters, who waits, the running text.

    `seq` is the display room's current number, read by the caller before this is built, so
    an event sent meanwhile is seen again rather than lost.
    """
    site = get_site(session)
    day = service_day(site, now)
    covered = covered_agencies(display.settings)
    statement = select(Agency).where(Agency.active).order_by(Agency.position)
    if covered is not None:
        statement = statement.where(Agency.code.in_(covered))
    agencies = session.scalars(statement).all()
    ids = [agency.id for agency in agencies]
    waiting = waiting_per_agency(session, day, ids)
    return {
        "seq": seq,
        "display": {"id": display.id, "name": display.name,
                    "agencies": list(covered) if covered is not None else None},
        "site": {"name": site.name, "short_name": hall.site.short_name,
                 "timezone": site.timezone, "timezone_label": hall.site.timezone_label,
                 "languages": list(hall.site.languages)},
        "running_text": shown_running_text(site, display),
        "day": day.isoformat(),
        "now": local_iso(now, site.timezone),
        "recent_calls": recent_calls(session, site, day, ids),
        "counters": counter_summaries(session, now, agency_ids=ids, actions=False),
        "waiting": [{"code": a.code, "short_name": a.short_name, "colour": a.colour,
                     "waiting": waiting.get(a.id, 0)} for a in agencies],
        "voice": {"engine": (display.settings or {}).get("voice", "espeak")},
        "closed": closed_day(hall, site, now),
    }


def display_view(session: Session, now: datetime, hall: HallConfig, key: str,
                 language: str) -> dict[str, Any]:
    return display_snapshot(session, now, find_active(session, Device, key), hall, seq=0)
