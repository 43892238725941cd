"""What the Socket.IO hub shows: each connection's snapshot and the pieces events are made of.

Each builder reads with the given session and returns plain JSON-ready dicts; none writes.
Times are ISO 8601 in site time (WITA), so a display can show the clock part as it is.
Every builder answers in a few grouped queries, never one per counter or per ticket: a hall
of 500 displays reconnecting after a power cut asks for 500 snapshots at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from display.announce import make_announcement
from queue_server.config import HallConfig
from queue_server.models import (
    ACTIVE_STATUSES,
    Agency,
    Counter,
    CounterState,
    Device,
    Role,
    Service,
    ServiceDay,
    Site,
    Ticket,
    TicketEvent,
    TicketStatus,
    User,
    counter_services,
)
from queue_server.queue.availability import availability
from queue_server.queue.common import get_site, service_day, site_time, zone
from queue_server.queue.counters import CounterSituation, allowed_actions, recalls_left
from queue_server.queue.estimates import ServiceLoad, estimated_wait_minutes, service_loads
from queue_server.queue.order import RankKey, rank_key, waiting_order
from queue_server.readmodels import counter_out, public_ticket, services_overview
from queue_server.schemas import PublicTicketOut

log = logging.getLogger(__name__)

CALL_KINDS = ("called", "recalled")
RECENT_CALLS = 10


def local_iso(moment: datetime, timezone: str) -> str:
    return moment.astimezone(zone(timezone)).isoformat()


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


def counter_summaries(session: Session, now: datetime, *,
                      agency_ids: Collection[int] | None = None,
                      counter_ids: Collection[str] | None = None,
                      actions: bool = True) -> list[dict[str, Any]]:
    """Active counters (of these agencies, or these ids): state, the ticket at each, and
    (with `actions`) what its officer may do now, as `counter_changed` tells the console. A
    display, which never acts, leaves `actions` out and saves two queries per snapshot."""
    statement = (select(Counter, Agency.code).join(Agency, Counter.agency_id == Agency.id)
                 .where(Counter.active).order_by(Counter.number))
    if agency_ids is not None:
        statement = statement.where(Counter.agency_id.in_(agency_ids))
    if counter_ids is not None:
        statement = statement.where(Counter.id.in_(counter_ids))
    rows = session.execute(statement).all()
    ids = [counter.id for counter, _ in rows]
    current = {counter_id: (code, status, calls) for counter_id, code, status, calls in
               session.execute(
                   select(Ticket.counter_id, Ticket.code, Ticket.status, Ticket.call_count)
                   .where(Ticket.counter_id.in_(ids), Ticket.status.in_(ACTIVE_STATUSES)))}
    answer = []
    for counter, agency_code in rows:
        code, status, _ = current.get(counter.id, (None, None, 0))
        answer.append({
            "id": counter.id, "number": counter.number, "name": counter.name,
            "agency": agency_code, "state": counter.state.value, "current": code,
            "current_status": status.value if status else None,
        })
    if actions:
        _add_actions(session, now, answer, current)
    return answer


def _add_actions(session: Session, now: datetime, summaries: list[dict[str, Any]],
                 current: dict[str, tuple[str, TicketStatus, int]]) -> None:
    """`allowed_actions` and `recalls_left` of each summarized counter, in two queries."""
    ids = [summary["id"] for summary in summaries]
    site = get_site(session)
    day = service_day(site, now)
    waiting: dict[str, int] = dict(session.execute(
        select(counter_services.c.counter_id, func.count())
        .join(Ticket, Ticket.service_id == counter_services.c.service_id)
        .join(Service, Service.id == Ticket.service_id)
        .where(counter_services.c.counter_id.in_(ids), Service.active,
               Ticket.status == TicketStatus.WAITING, Ticket.service_day == day)
        .group_by(counter_services.c.counter_id)).all())
    parked: dict[str, int] = dict(session.execute(
        select(Ticket.counter_id, func.count())
        .where(Ticket.counter_id.in_(ids), Ticket.status == TicketStatus.PARKED,
               Ticket.service_day == day)
        .group_by(Ticket.counter_id)).all())
    for summary in summaries:
        _, status, calls = current.get(summary["id"], (None, None, 0))
        situation = CounterSituation(state=CounterState(summary["state"]), current=status,
                                     call_count=calls, waiting=waiting.get(summary["id"], 0),
                                     parked=parked.get(summary["id"], 0))
        summary["allowed_actions"] = allowed_actions(situation, site.recalls_before_no_show)
        summary["recalls_left"] = recalls_left(situation, site.recalls_before_no_show)


def waiting_per_agency(session: Session, day: date, agency_ids: Iterable[int]) -> dict[int, int]:
    """Waiting tickets of the day per agency id (absent: none)."""
    counts = session.execute(
        select(Service.agency_id, func.count()).select_from(Ticket)
        .join(Service, Ticket.service_id == Service.id)
        .where(Ticket.status == TicketStatus.WAITING, Ticket.service_day == day,
               Service.agency_id.in_(list(agency_ids)))
        .group_by(Service.agency_id)).all()
    return dict(counts)


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
        "running_text": site.running_text,
        "day": day.isoformat(),
        "now": local_iso(now, site.timezone),
        "recent_calls": recent_calls(session, site, day, ids),
        "counters": counter_summaries(session, now, agency_ids=ids, actions=False),
        "waiting": [{"code": a.code, "short_name": a.short_name, "colour": a.colour,
                     "waiting": waiting.get(a.id, 0)} for a in agencies],
        "voice": {"engine": (display.settings or {}).get("voice", "espeak")},
    }


def _found(session: Session, model: type[Any], key: Any) -> Any:
    found = session.get(model, key)
    if found is None or not getattr(found, "active", True):
        raise LookupError(f"{model.__name__} {key!r} is gone")
    return found


def _display_view(session: Session, now: datetime, hall: HallConfig, key: str,
                  language: str) -> dict[str, Any]:
    return display_snapshot(session, now, _found(session, Device, key), hall, seq=0)


def _kiosk_view(session: Session, now: datetime, hall: HallConfig, key: str,
                language: str) -> dict[str, Any]:
    kiosk: Device = _found(session, Device, key)
    overview = services_overview(session, now, language)
    return {"kiosk": {"id": kiosk.id, "name": kiosk.name,
                      "printer_status": kiosk.printer_status},
            "language": language, **overview.model_dump(mode="json")}


def _ticket_view(session: Session, now: datetime, hall: HallConfig, key: str,
                 language: str) -> dict[str, Any]:
    return public_ticket(session, _found(session, Ticket, int(key))).model_dump(mode="json")


def _counter_view(session: Session, now: datetime, hall: HallConfig, key: str,
                  language: str) -> dict[str, Any]:
    return counter_out(session, now, _found(session, Counter, key)).model_dump(mode="json")


def _staff_view(session: Session, now: datetime, hall: HallConfig, key: str,
                language: str) -> dict[str, Any]:
    """A dashboard's start: the services and counters of the user's agencies."""
    user: User = _found(session, User, int(key))
    overview = services_overview(session, now, language)
    everything = user.role is Role.ADMIN
    codes = {agency.code for agency in user.agencies}
    return {
        "user": {"id": user.id, "username": user.username, "name": user.name,
                 "role": user.role.value, "agencies": sorted(codes)},
        "agencies": [a.model_dump(mode="json") for a in overview.agencies
                     if everything or a.code in codes],
        "counters": counter_summaries(
            session, now, agency_ids=None if everything else [a.id for a in user.agencies]),
    }


def _agent_view(session: Session, now: datetime, hall: HallConfig, key: str,
                language: str) -> dict[str, Any]:
    """What a print agent starts from: its kiosk's printer settings from config.yaml."""
    kiosk: Device = _found(session, Device, key)
    settings = kiosk.settings or {}
    return {"kiosk": {
        "id": kiosk.id, "name": kiosk.name, "printer": settings.get("printer"),
        "paper_width": settings.get("paper_width", 80), "profile": settings.get("profile")}}


_VIEWS: dict[str, Callable[[Session, datetime, HallConfig, str, str], dict[str, Any]]] = {
    "display": _display_view, "kiosk": _kiosk_view, "ticket": _ticket_view,
    "counter": _counter_view, "staff": _staff_view, "agent": _agent_view,
}


def connection_snapshot(session: Session, now: datetime, hall: HallConfig, kind: str,
                        key: str, language: str = "id") -> dict[str, Any]:
    """What a connection starts from: a display's screen, a kiosk's services, a visitor's
    ticket, a counter's console, a staff member's agencies or a print agent's printer (its
    numbers are the hub's).
    LookupError when the device, ticket, counter or user is gone."""
    return {"kind": kind, **_VIEWS[kind](session, now, hall, key, language)}


def queue_states(session: Session, now: datetime,
                 service_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    """Each service (by id) as a kiosk shows it now: the `queue_changed` event."""
    site = get_site(session)
    local = site_time(site, now)
    day = local.date()
    services = session.scalars(
        select(Service).where(Service.id.in_(service_ids))
        .options(joinedload(Service.agency)).order_by(Service.id)).all()
    loads = service_loads(session, day, list(services))
    rows = {row.service_id: row for row in session.scalars(
        select(ServiceDay).where(ServiceDay.day == day, ServiceDay.service_id.in_(service_ids)))}
    per_agency = waiting_per_agency(session, day, {service.agency_id for service in services})
    return {service.id: _queue_state(site, local, service, rows.get(service.id),
                                     loads[service.id], per_agency.get(service.agency_id, 0))
            for service in services}


def _queue_state(site: Site, local: datetime, service: Service, row: ServiceDay | None,
                 load: ServiceLoad, agency_waiting: int) -> dict[str, Any]:
    state = availability(site, local, service, row)
    refusal = state.refusal
    return {
        "service": service.code, "agency": service.agency.code,
        "waiting": load.waiting, "agency_waiting": agency_waiting,
        "open": refusal is None,
        "closed_reason": refusal.code if refusal else None,
        "closed_message": {"id": refusal.message("id"), "en": refusal.message("en")}
        if refusal else None,
        "quota_left": state.quota_left,
        "estimated_wait_min": estimated_wait_minutes(load, load.waiting),
    }


def moved_places(session: Session, service: Service, day: date, after: RankKey | None,
                 skip: Collection[int],
                 load: Callable[[], ServiceLoad]) -> list[tuple[int, dict[str, Any]]]:
    """The public view of each waiting ticket of a service ranked after `after` (all when
    None), but those in `skip`: one query for the line, where asking ahead_of for each
    visitor would be one per visitor. `load` is asked only when someone moved (a newcomer
    at the back of the line moves nobody)."""
    rows = session.execute(
        select(Ticket.id, Ticket.code, Ticket.priority, Ticket.queue_key, Ticket.issued_at,
               Ticket.call_count)
        .where(Ticket.status == TicketStatus.WAITING, Ticket.service_id == service.id,
               Ticket.service_day == day)
        .order_by(*waiting_order()))
    moved = []
    pace: ServiceLoad | None = None
    for ahead, (ticket_id, code, priority, queue_key, issued_at, calls) in enumerate(rows):
        if ticket_id in skip or (after is not None and
                                 rank_key(priority, queue_key, ticket_id) <= after):
            continue
        pace = pace or load()
        view = PublicTicketOut(
            code=code, service=service.code, service_name=service.name,
            agency=service.agency.code, agency_name=service.agency.name,
            status=TicketStatus.WAITING, ahead=ahead,
            estimated_wait_min=estimated_wait_minutes(pace, ahead), issued_at=issued_at,
            counter=None, call_count=calls)
        moved.append((ticket_id, view.model_dump(mode="json")))
    return moved
