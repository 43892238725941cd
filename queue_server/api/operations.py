"""Today's operations: what the officer's console needs beside the counter actions, and what
supervisors and administrators change for the day (closing a service, today's quota, the
running text), plus staff handling single tickets (late return, removal)."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from queue_server.admin import audit
from queue_server.api.auth import client_address, counter_for, require_user
from queue_server.api.errors import ApiError, language
from queue_server.api.spec import endpoint
from queue_server.console import displaypresence, presence
from queue_server.console.schemas import (
    CountersOut,
    CounterTodayOut,
    DisplayState,
    FailedPrint,
    OverviewOut,
    QuotaRequest,
    ReasonRequest,
    RemoveRequest,
    ServiceDayOut,
    UnannouncedCall,
)
from queue_server.context import commit, db, now, runtime
from queue_server.health import message_queue_ok
from queue_server.hub.publisher import hub
from queue_server.hub.rooms import fan_out, room
from queue_server.models import (
    OPEN_STATUSES,
    Counter,
    Device,
    DeviceKind,
    PrintStatus,
    Role,
    Service,
    ServiceDay,
    Ticket,
    User,
)
from queue_server.people import agency_scope, may_see_agency
from queue_server.queue import calling, counters
from queue_server.queue import operations as ops
from queue_server.queue.common import get_site, service_day
from queue_server.queue.errors import UnknownCounter
from queue_server.queue.issuing import find_service
from queue_server.readmodels.counters import counter_choices, counter_today
from queue_server.readmodels.displays import running_texts, shown_running_text
from queue_server.readmodels.floor import overview
from queue_server.readmodels.kiosks import print_message
from queue_server.readmodels.tickets import ticket_out
from queue_server.schemas import EmptyRequest, RunningTextOut, RunningTextRequest, TicketOut
from queue_server.throttle import WindowCounter

STAFF = (Role.ADMIN, Role.SUPERVISOR, Role.OFFICER)
MANAGERS = (Role.ADMIN, Role.SUPERVISOR)
WRITE_ERRORS = (400, 401, 403, 404, 409, 422)


def register(bp: Blueprint) -> None:
    _register_console(bp)
    _register_service_day(bp)
    _register_tickets(bp)


def _register_console(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/counters", tag="console", answers={200: CountersOut},
              summary="The counters the signed-in user may open (their agencies')",
              auth=("session", "bearer"), errors=(401,))
    def list_counters() -> CountersOut:
        return CountersOut(counters=counter_choices(db(), require_user()))

    @endpoint(bp, "GET", "/counters/<counter_id>/today", tag="console",
              answers={200: CounterTodayOut}, auth=("session", "bearer"),
              summary="The officer's own count and average service time today, and the "
                      "counter's no-shows (for a late return)", errors=(401, 403, 404))
    def counter_day(counter_id: str) -> CounterTodayOut:
        user = require_user()
        counter = counter_for(user, counter_id, acting=False)
        return counter_today(db(), now(), counter, user)

    @endpoint(bp, "POST", "/counters/<counter_id>/heartbeat", tag="console", body=EmptyRequest,
              answers={204: None}, auth=("session", "bearer"), errors=(401, 403, 404, 409),
              summary="The officer's console is open on this counter (sent every 20 s); "
                      "supervisors see a counter without one as left unattended")
    def counter_heartbeat(counter_id: str, body: EmptyRequest) -> None:
        user = require_user()
        counter = counter_for(user, counter_id, acting=True)
        presence.beat(runtime().windows, counter.id)

    @endpoint(bp, "POST", "/counters/<counter_id>/leave", tag="console", body=EmptyRequest,
              answers={204: None}, auth=("session", "bearer"), errors=(401, 403, 404, 409),
              summary="The console on this counter is closing (the page is left)")
    def counter_leave(counter_id: str, body: EmptyRequest) -> None:
        user = require_user()
        counter = counter_for(user, counter_id, acting=True)
        presence.leave(runtime().windows, counter.id)

    @endpoint(bp, "POST", "/counters/<counter_id>/close-left", tag="operations",
              body=ReasonRequest, answers={204: None}, auth=("session", "bearer"),
              errors=WRITE_ERRORS,
              summary="A supervisor closes a counter left open (its console gone), with a "
                      "reason recorded as the counter's event")
    def close_left_counter(counter_id: str, body: ReasonRequest) -> None:
        user = require_user(*MANAGERS)
        counter = db().get(Counter, counter_id)
        if counter is None or not counter.active:
            raise UnknownCounter(counter=counter_id)
        if not may_see_agency(user, counter.agency_id):
            raise ApiError("forbidden", 403, f"{counter.name} bukan loket instansi Anda.",
                           f"{counter.name} is not a counter of your agency.")
        counters.close_left_counter(db(), now(), counter.id, user.id, body.reason)
        presence.leave(runtime().windows, counter.id)
        commit()

    @endpoint(bp, "GET", "/overview", tag="operations", answers={200: OverviewOut},
              summary="Supervisor's floor: counters, queues, kiosks' printers, today's changes",
              auth=("session", "bearer"), errors=(401, 403))
    def floor_overview() -> OverviewOut:
        user = require_user(*MANAGERS)
        windows = runtime().windows
        floor = overview(db(), now(), user,
                         lambda counter_id: presence.is_live(windows, counter_id))
        mine = {counter.id for counter in floor.counters}
        missed = [(at, ticket_id, counter) for at, ticket_id, counter in hub().unannounced
                  if counter in mine]
        codes = dict(db().execute(select(Ticket.id, Ticket.code).where(
            Ticket.id.in_([ticket_id for _, ticket_id, _ in missed]))).all())
        floor.unannounced_calls = [UnannouncedCall(at=at, code=codes[ticket_id],
                                                   counter=counter)
                                   for at, ticket_id, counter in missed if ticket_id in codes]
        floor.message_queue_ok = message_queue_ok(runtime().settings.message_queue)
        floor.displays = _displays(windows)
        floor.failed_prints = _failed_prints(user)
        return floor


def _failed_prints(user: User) -> list[FailedPrint]:
    """Today's open tickets of the user's agencies whose print failed (newest first)."""
    statement = (select(Ticket).join(Service, Ticket.service_id == Service.id)
                 .where(Ticket.print_status == PrintStatus.FAILED,
                        Ticket.status.in_(OPEN_STATUSES),
                        Ticket.service_day == service_day(get_site(db()), now()))
                 .order_by(Ticket.issued_at.desc()).limit(20))
    scope = agency_scope(user)
    if scope is not None:
        statement = statement.where(Service.agency_id.in_(scope))
    kiosks = {kiosk.id: kiosk.name for kiosk in runtime().hall.kiosks}
    return [FailedPrint(id=ticket.id, code=ticket.code, service=ticket.service.code,
                        kiosk=kiosks.get(ticket.kiosk_id or "", ticket.kiosk_id or "—"),
                        message=print_message(ticket.print_error, language()),
                        issued_at=ticket.issued_at)
            for ticket in db().scalars(statement)]


def _displays(windows: WindowCounter) -> list[DisplayState]:
    """Every display of the hall, on or not, and whether its voice works (its own reports)."""
    displays = db().scalars(select(Device).where(Device.kind == DeviceKind.DISPLAY,
                                                 Device.active).order_by(Device.id))
    states = []
    for display in displays:
        engine = str((display.settings or {}).get("voice", "espeak"))
        on = displaypresence.is_on(windows, display.id)
        failed = displaypresence.voice_failed(windows, display.id)
        states.append(DisplayState(
            id=display.id, name=display.name, voice=engine, on=on,
            voice_ok=None if engine == "chime" or not (on or failed) else not failed))
    return states


def _managed_service(user: User, code: str) -> str:
    """The service, if the user may change its day: admins any, supervisors their agencies'."""
    service = find_service(db(), code)
    if not may_see_agency(user, service.agency_id):
        raise ApiError("forbidden", 403, f"{service.name} bukan layanan instansi Anda.",
                       f"{service.name} is not a service of your agency.")
    return service.code


def _day_out(code: str, row: ServiceDay) -> ServiceDayOut:
    service = find_service(db(), code)
    quota = ops.effective_quota(service, row)
    return ServiceDayOut(service=code, day=row.day, closed_today=row.closed_reason,
                         quota=quota, issued=row.issued,
                         quota_left=max(0, quota - row.issued) if quota is not None else None)


def _register_service_day(bp: Blueprint) -> None:
    @endpoint(bp, "POST", "/services/<code>/close", tag="operations", body=ReasonRequest,
              answers={200: ServiceDayOut}, auth=("session", "bearer"), errors=WRITE_ERRORS,
              summary="Close a service for the rest of today (no more tickets), with a reason")
    def close_service(code: str, body: ReasonRequest) -> ServiceDayOut:
        user = require_user(*MANAGERS)
        row = ops.close_service_today(db(), now(), _managed_service(user, code), user.id,
                                      body.reason, client_address())
        commit()
        return _day_out(code, row)

    @endpoint(bp, "POST", "/services/<code>/reopen", tag="operations", body=ReasonRequest,
              answers={200: ServiceDayOut}, auth=("session", "bearer"), errors=WRITE_ERRORS,
              summary="Reopen a service closed for today, with a reason")
    def reopen_service(code: str, body: ReasonRequest) -> ServiceDayOut:
        user = require_user(*MANAGERS)
        row = ops.reopen_service_today(db(), now(), _managed_service(user, code), user.id,
                                       body.reason, client_address())
        commit()
        return _day_out(code, row)

    @endpoint(bp, "POST", "/services/<code>/quota", tag="operations", body=QuotaRequest,
              answers={200: ServiceDayOut}, auth=("session", "bearer"), errors=WRITE_ERRORS,
              summary="Set today's quota of a service (null: the configured one), with a "
                      "reason; kiosks see it at once")
    def service_quota(code: str, body: QuotaRequest) -> ServiceDayOut:
        user = require_user(*MANAGERS)
        row = ops.set_quota_today(db(), now(), _managed_service(user, code), body.quota,
                                  user.id, body.reason, client_address())
        commit()
        return _day_out(code, row)

    @endpoint(bp, "GET", "/site/running-text", tag="operations",
              answers={200: RunningTextOut}, auth=("session", "bearer"), errors=(401, 403),
              summary="The hall's running text and what each display scrolls")
    def running_texts_now() -> RunningTextOut:
        require_user(*MANAGERS)
        return running_texts(db())

    @endpoint(bp, "PUT", "/site/running-text", tag="operations", body=RunningTextRequest,
              answers={200: RunningTextOut}, auth=("session", "bearer"),
              errors=(400, 401, 403, 404, 422),
              summary="Set the hall's running text (every display without its own) or one "
                      "display's (administrators); a `running_text` event {text} reaches the "
                      "displays concerned at once")
    def running_text(body: RunningTextRequest) -> RunningTextOut:
        user = require_user(Role.ADMIN)
        changed = ops.set_running_text(db(), body.text, body.display)
        site = get_site(db())
        # None for a display: it follows the hall's text again.
        stored = changed[0].running_text if body.display else site.running_text
        audit.record(db(), now(), user=user, address=client_address(), kind=audit.Kind.OPERATIONS,
                     action="display.running_text" if body.display else "site.running_text",
                     target=body.display or "*", changes={"text": stored})
        # Every display changed here now scrolls the same line.
        messages = fan_out("running_text", {"text": shown_running_text(site, changed[0])},
                           [room(DeviceKind.DISPLAY.value, d.id) for d in changed]) \
            if changed else []
        commit()
        hub().send(messages)
        return running_texts(db())


def _ticket_in_scope(user: User, ticket_id: int) -> Ticket:
    ticket = db().get(Ticket, ticket_id)
    if ticket is None or not may_see_agency(user, ticket.service.agency_id):
        # Another agency's ticket is as good as unknown to this user.
        raise ApiError("unknown_ticket", 404, "Tiket tidak ditemukan.", "Ticket not found.")
    return ticket


def _register_tickets(bp: Blueprint) -> None:
    @endpoint(bp, "POST", "/tickets/<int:ticket_id>/return", tag="operations",
              body=EmptyRequest, answers={200: TicketOut}, auth=("session", "bearer"),
              errors=WRITE_ERRORS,
              summary="A no-show visitor turned up late: waiting again, a few places back")
    def return_late(ticket_id: int, body: EmptyRequest) -> TicketOut:
        user = require_user(*STAFF)
        ticket = _ticket_in_scope(user, ticket_id)
        calling.return_late(db(), now(), ticket.id, user.id)
        commit()
        return ticket_out(db(), db().get_one(Ticket, ticket_id, populate_existing=True),
                          runtime().hall.site.public_url)

    @endpoint(bp, "POST", "/tickets/<int:ticket_id>/remove", tag="operations",
              body=RemoveRequest, answers={200: TicketOut}, auth=("session", "bearer"),
              errors=WRITE_ERRORS,
              summary="Staff take a waiting ticket out of the queue (cancelled), with a reason")
    def remove_ticket(ticket_id: int, body: RemoveRequest) -> TicketOut:
        user = require_user(*STAFF)
        ticket = _ticket_in_scope(user, ticket_id)
        ops.remove_waiting_ticket(db(), now(), ticket.id, user.id, body.reason)
        commit()
        return ticket_out(db(), db().get_one(Ticket, ticket_id, populate_existing=True),
                          runtime().hall.site.public_url)
