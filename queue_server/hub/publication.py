"""What a commit means to whom: the events some changes make, and the rooms each goes to.

Read in one session, in a few grouped queries; nothing here sends (the Hub does).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache, partial

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from queue_server.changes import Change, CounterChange, ServiceChange, TicketChange
from queue_server.hub.rooms import Message, agency_staff_rooms, fan_out, room
from queue_server.models import Counter, Device, DeviceKind, Service, Ticket, counter_services
from queue_server.queue.catalog import with_service
from queue_server.queue.common import get_site, service_day
from queue_server.queue.estimates import ServiceLoad, service_loads
from queue_server.queue.order import RankKey, rank_key
from queue_server.readmodels.counters import counter_summaries
from queue_server.readmodels.displays import (
    CALL_KINDS,
    call_count_of,
    call_payload,
    covered_agencies,
    covers,
)
from queue_server.readmodels.services import queue_states
from queue_server.readmodels.tickets import moved_places, public_ticket
from queue_server.survey.answering import screen_view

# Ticket events after which other visitors' places in that service's line differ. A finish
# changes the pace (so the estimates) too, but the call that follows it tells everyone anyway.
QUEUE_KINDS = frozenset({"issued", "checked_in", "called", "cancelled", "recycled",
                         "returned", "transferred", "expired"})
# Events of a new ticket that its holder's view does not show (PublicTicketOut has no print
# state): with "issued" in the same commit, they send no ticket_changed.
UNSEEN_KINDS = frozenset({"issued", "print_failed", "printed", "reprinted"})


@dataclass(frozen=True)
class Layout:
    """Which devices exist and which counters serve what: config, not traffic, so the Hub
    reads it every so often rather than at every commit."""

    displays: tuple[tuple[str, tuple[str, ...] | None], ...]  # id, agencies covered
    kiosks: tuple[str, ...]
    surveys: dict[str, tuple[str, ...]]  # counter id -> the rating screens beside it
    counters_of: dict[int, tuple[str, ...]]  # service id -> active counters serving it
    services_of: dict[str, tuple[int, ...]]  # counter id -> the services it serves
    read_at: float


def read_layout(session: Session) -> Layout:
    displays, kiosks = [], []
    surveys: dict[str, list[str]] = {}
    for device_id, kind, settings in session.execute(
            select(Device.id, Device.kind, Device.settings).where(Device.active)):
        if kind is DeviceKind.DISPLAY:
            displays.append((device_id, covered_agencies(settings)))
        elif kind is DeviceKind.SURVEY:
            surveys.setdefault(str((settings or {}).get("counter")), []).append(device_id)
        else:
            kiosks.append(device_id)
    counters_of: dict[int, list[str]] = {}
    services_of: dict[str, list[int]] = {}
    for service_id, counter_id in session.execute(
            select(counter_services.c.service_id, counter_services.c.counter_id)
            .join(Counter, counter_services.c.counter_id == Counter.id).where(Counter.active)):
        counters_of.setdefault(service_id, []).append(counter_id)
        services_of.setdefault(counter_id, []).append(service_id)
    return Layout(tuple(displays), tuple(kiosks),
                  {key: tuple(value) for key, value in surveys.items()},
                  {key: tuple(value) for key, value in counters_of.items()},
                  {key: tuple(value) for key, value in services_of.items()},
                  time.monotonic())


def survey_messages(session: Session, now: datetime, timezone: str,
                    screens: Sequence[str]) -> list[Message]:
    """Each rating screen's view now, as `survey_changed` to its room."""
    messages = []
    for screen_id in dict.fromkeys(screens):
        device = session.get(Device, screen_id)
        if device is not None and device.active:
            messages += fan_out("survey_changed", screen_view(session, now, device, timezone),
                                [room("survey", screen_id)])
    return messages


@dataclass(frozen=True)
class MovedLine:
    """Where a line's places moved: after `after` (None: the whole line, when an opened or
    closed counter changes everyone's estimate). When only newcomers joined it, also their
    ranks and ids (`newcomers`): a ticket made after a newcomer already counted it in its
    place (a service's issues take turns on its day's row), so a newcomer moves only the
    older tickets it ranks ahead of."""

    after: RankKey | None
    newcomers: tuple[tuple[RankKey, int], ...] | None = None

    def joined(self, key: RankKey, newcomer: int | None) -> MovedLine:
        after = None if self.after is None else min(self.after, key)
        if newcomer is None or self.newcomers is None:
            return MovedLine(after)
        return MovedLine(after, (*self.newcomers, (key, newcomer)))


@lru_cache(maxsize=1)
def _changed_tickets() -> Select[Ticket]:
    """The changed tickets by id, built once; their services and agencies come from the
    process's catalog (`with_service`), not from a join."""
    return select(Ticket).where(Ticket.id.in_(bindparam("ids", expanding=True)))


class Publication:
    """The events of some commits, read in one session."""

    def __init__(self, session: Session, layout: Layout, now: datetime, timezone: str,
                 found: Sequence[Change], held: Mapping[int, Ticket] | None = None,
                 followed: Collection[int] | None = None) -> None:
        """`held`: the changed tickets, already loaded with their service and agency (by the
        request that changed them), so they are not read again. `followed`: the tickets
        someone follows (their room has a listener), when that is known; the others are
        told nothing when only their place moved (a page that opens later gets a fresh
        snapshot), so a call costs what the followers cost, not the whole line."""
        self.session, self.layout, self.now, self.timezone = session, layout, now, timezone
        self.followed = followed
        self.ticket_changes = [c for c in found if isinstance(c, TicketChange)]
        self.counter_ids = {c.counter_id for c in found if isinstance(c, CounterChange)}
        self.service_ids = {c.service_id for c in found if isinstance(c, ServiceChange)}
        ids = {c.ticket_id for c in self.ticket_changes}
        if held is not None and ids <= held.keys():
            self.tickets = {ticket_id: held[ticket_id] for ticket_id in ids}
            return
        self.tickets = {ticket.id: with_service(session, ticket) for ticket in
                        session.scalars(_changed_tickets(), {"ids": list(ids)})} if ids else {}

    def consequences(self) -> list[Message]:
        return [*self.counters(), *self.queues(), *self.ticket_views(),
                *self.survey_screens()]

    def survey_screens(self) -> list[Message]:
        """`survey_changed` to the rating screens beside the counters that just served
        someone: the screen offers that visitor the survey."""
        screens = [screen for change in self.ticket_changes
                   if change.kind == "finished" and change.counter_id is not None
                   for screen in self.layout.surveys.get(change.counter_id, ())]
        return survey_messages(self.session, self.now, self.timezone, screens)

    def display_rooms(self, agency_code: str) -> list[str]:
        return [room("display", device_id) for device_id, covered in self.layout.displays
                if covers(covered, agency_code)]

    def calls(self) -> list[Message]:
        messages = []
        for change in self.ticket_changes:
            ticket = self.tickets.get(change.ticket_id)
            if change.kind not in CALL_KINDS or change.counter_id is None or ticket is None:
                continue
            counter = self.session.get(Counter, change.counter_id)
            if counter is None:
                continue
            agency = ticket.service.agency
            payload = call_payload(
                code=ticket.code, service=ticket.service, agency=agency, counter=counter,
                call_count=call_count_of(change.kind, change.data),
                at=ticket.last_called_at or self.now, recall=change.kind == "recalled",
                timezone=self.timezone)
            rooms = [*self.display_rooms(agency.code), room("counter", counter.id),
                     *agency_staff_rooms(agency.code)]
            messages += fan_out("ticket_called", payload, rooms)
        return messages

    def changed_counters(self) -> set[str]:
        """Counters whose state or current ticket may differ (a recall changes neither)."""
        ids = set(self.counter_ids)
        for change in self.ticket_changes:
            if change.kind == "recalled":
                continue
            if change.counter_id is not None:
                ids.add(change.counter_id)
            ticket = self.tickets.get(change.ticket_id)
            if ticket is not None and ticket.counter_id is not None:
                ids.add(ticket.counter_id)  # e.g. expired while called at the counter
        return ids

    def counters(self) -> list[Message]:
        ids = self.changed_counters()
        messages: list[Message] = []
        for summary in counter_summaries(self.session, self.now, counter_ids=ids) if ids else []:
            rooms = [*self.display_rooms(summary["agency"]), room("counter", summary["id"]),
                     *agency_staff_rooms(summary["agency"])]
            messages += fan_out("counter_changed", summary, rooms)
        return messages

    def served_by_changed_counters(self) -> set[int]:
        """An opened or closed counter changes the estimates of the services it serves."""
        return {service_id for counter_id in self.counter_ids
                for service_id in self.layout.services_of.get(counter_id, ())}

    def queues(self) -> list[Message]:
        """`queue_changed` for each service whose waiting, quota, state or estimate may
        differ."""
        ids = self.service_ids | self.served_by_changed_counters()
        ids.update(c.service_id for c in self.ticket_changes if c.kind in QUEUE_KINDS)
        # A transfer is filed under the service left; the one it joins changed too.
        ids.update(c.data["to_service_id"] for c in self.ticket_changes
                   if c.kind == "transferred" and "to_service_id" in c.data)
        messages: list[Message] = []
        for service_id, state in (queue_states(self.session, self.now, ids) if ids else {}).items():
            rooms = [*self.display_rooms(state["agency"]),
                     *(room("kiosk", kiosk) for kiosk in self.layout.kiosks),
                     *(room("counter", c) for c in self.layout.counters_of.get(service_id, ())),
                     *agency_staff_rooms(state["agency"])]
            messages += fan_out("queue_changed", state, rooms)
        return messages

    def ticket_views(self) -> list[Message]:
        """`ticket_changed` to each changed ticket's room, then to every visitor whose place
        in line moved because of it."""
        # Nobody can follow a ticket issued in this very commit: its token is not out yet
        # (its first print attempt, recorded in the same commit, changes nothing they see).
        told = {change.ticket_id for change in self.ticket_changes if change.kind == "issued"}
        told -= {change.ticket_id for change in self.ticket_changes
                 if change.kind not in UNSEEN_KINDS}
        messages = []
        for change in self.ticket_changes:
            ticket = self.tickets.get(change.ticket_id)
            if ticket is None or ticket.id in told:
                continue
            told.add(ticket.id)
            messages += fan_out("ticket_changed", public_ticket(self.session, ticket)
                                .model_dump(mode="json"), [room("ticket", ticket.id)])
        changed = {change.ticket_id for change in self.ticket_changes}
        for (service, day), moved in self.moved_lines().items():
            for ticket_id, view in moved_places(self.session, service, day, moved.after, changed,
                                                partial(self.load_of, service, day),
                                                self.followed, moved.newcomers):
                messages += fan_out("ticket_changed", view, [room("ticket", ticket_id)])
        return messages

    def load_of(self, service: Service, day: date) -> ServiceLoad:
        return service_loads(self.session, day, [service])[service.id]

    def moved_lines(self) -> dict[tuple[Service, date], MovedLine]:
        """Per service line: from where places moved."""
        lines: dict[tuple[Service, date], MovedLine] = {}
        for change in self.ticket_changes:
            ticket = self.tickets.get(change.ticket_id)
            if ticket is None or change.kind not in QUEUE_KINDS:
                continue
            line = (ticket.service, ticket.service_day)
            key = rank_key(ticket.priority, ticket.queue_key, ticket.id)
            newcomer = ticket.id if change.kind == "issued" else None
            lines[line] = lines[line].joined(key, newcomer) if line in lines \
                else MovedLine(key, None if newcomer is None else ((key, newcomer),))
        served = self.served_by_changed_counters()
        if served:
            today = service_day(get_site(self.session), self.now)
            for service in self.session.scalars(
                    select(Service).where(Service.id.in_(served), Service.active)):
                lines[(service, today)] = MovedLine(None)
        return lines
