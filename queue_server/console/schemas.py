"""Requests and answers of the console's API: the officer's day, the supervisor's overview and
today's operations. Declared like queue_server.schemas, so they validate and document."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from queue_server.models import CounterState, TicketStatus
from queue_server.queue.printjobs import PrinterState
from queue_server.schemas import Bilingual, Model, OfficerOut, QueueItem, Request

# --- Requests -------------------------------------------------------------------------------


class ReasonRequest(Request):
    reason: str = Field(min_length=1, max_length=200,
                        description="Why; recorded with the change")


class QuotaRequest(Request):
    quota: int | None = Field(ge=0, le=100_000, description="Today's quota; null: the "
                                                            "configured quota again")
    reason: str = Field(min_length=1, max_length=200)


class RemoveRequest(Request):
    reason: str = Field(min_length=1, max_length=200)


# --- Answers --------------------------------------------------------------------------------


class CounterChoice(Model):
    """A counter the signed-in user may choose, and whether it is free."""

    id: str
    number: int
    name: str
    agency: str
    agency_name: str
    state: CounterState
    officer: OfficerOut | None
    services: list[str]


class CountersOut(Model):
    counters: list[CounterChoice]


class OwnDay(Model):
    """The signed-in officer's own day, at any counter."""

    served: int
    average_service_min: float | None
    no_shows: int
    transferred: int


class CounterTodayOut(Model):
    counter: str
    day: date
    now: datetime = Field(description="The server's time: the console's timers follow it")
    mine: OwnDay
    counter_served: int = Field(description="Served at this counter today, by anyone")
    no_shows: list[QueueItem] = Field(
        description="Today's no-shows of the counter's services, latest first: a visitor "
                    "who turns up late can be returned to the queue")


class CurrentAtCounter(Model):
    code: str
    service: str
    status: TicketStatus
    since: datetime | None


class OverviewCounter(Model):
    id: str
    number: int
    name: str
    agency: str
    state: CounterState
    officer: OfficerOut | None
    services: list[str]
    current: CurrentAtCounter | None
    served_today: int
    waiting: int = Field(description="Waiting now for the services of this counter")
    longest_wait_min: int = Field(description="The longest wait now among those")
    console_live: bool = Field(description="A console sent a heartbeat in the last minute")
    last_activity_at: datetime | None
    unattended: bool = Field(description="Open or on break, yet no console and no activity "
                                         "for more than a minute: a browser left closed?")


class RemoteCounts(Model):
    """Today's tickets of one service taken from home (remote queue and appointments);
    cancelled ones aside, `booked` = `checked_in` + `not_arrived` + `expired`."""

    booked: int
    checked_in: int = Field(description="Checked in: in the line, called or served since")
    not_arrived: int = Field(description="Booked, not checked in yet")
    expired: int = Field(description="Never checked in: expired after the window")


class OverviewService(Model):
    code: str
    name: str
    agency: str
    agency_name: str
    open: bool
    closed_reason: str | None
    closed_message: Bilingual | None
    closed_today: str | None = Field(description="The supervisor's reason, when closed today")
    waiting: int
    longest_wait_min: int
    served_today: int
    issued: int
    quota: int | None
    configured_quota: int | None
    quota_left: int | None
    manageable: bool = Field(description="The user may close it or change its quota")
    remote: RemoteCounts | None = Field(
        default=None, description="Today's tickets taken from home; null for a service that "
                                  "takes none and has none")


class FailedPrint(Model):
    """A ticket of today still open whose kiosk could not print it: staff reprint it."""

    id: int
    code: str
    service: str
    kiosk: str
    message: str | None
    issued_at: datetime


class DisplayState(Model):
    id: str
    name: str
    voice: str = Field(description="The configured voice engine")
    on: bool = Field(description="The display reported in the last minute or two")
    voice_ok: bool | None = Field(description="False: its voice failed (it only chimes); "
                                  "None: nothing to say (chime-only, or never reported)")


class KioskState(Model):
    id: str
    name: str
    printer: PrinterState
    printer_status_at: datetime | None
    last_seen_at: datetime | None


class DayChange(Model):
    at: datetime
    service: str
    kind: str
    reason: str
    user: str | None
    data: dict[str, object]


class UnannouncedCall(Model):
    """A call no display heard (the message queue was down): the officer should recall it."""

    at: datetime
    code: str
    counter: str | None


class OverviewOut(Model):
    day: date
    now: datetime
    role: str
    agencies: list[str]
    running_text: str
    may_set_running_text: bool
    counters: list[OverviewCounter]
    services: list[OverviewService]
    kiosks: list[KioskState]
    displays: list[DisplayState] = []
    failed_prints: list[FailedPrint] = []
    changes: list[DayChange]
    unannounced_calls: list[UnannouncedCall] = Field(
        default=[], description="Recent calls at these counters that no display heard")
    message_queue_ok: bool | None = Field(
        default=None, description="Whether Redis answers; null without one")


class SlotCounts(Model):
    """One appointment slot of today, site time."""

    start: str = Field(description="HH:MM")
    end: str = Field(description="HH:MM")
    capacity: int
    taken: int = Field(description="Bookings holding it (not cancelled nor expired)")
    left: int = Field(description="Places still to book (0 once the slot started)")
    counts: RemoteCounts


class BookedService(Model):
    code: str
    name: str
    agency: str
    takes_remote: bool = Field(description="The service keeps a share of its quota for "
                                           "tickets taken from home")
    counts: RemoteCounts
    slots: list[SlotCounts] = Field(description="Today's slots, for a service offering "
                                                "appointments; empty otherwise")


class NotArrived(Model):
    """A booking of today whose holder has not checked in: what staff confirm at the desk."""

    id: int
    code: str
    booking_code: str | None
    service: str
    booked_at: datetime | None
    slot_start: datetime | None = Field(description="An appointment's time; null: today's "
                                                    "queue")
    arrive_from: datetime | None
    arrive_until: datetime | None
    expires_at: datetime | None
    window: Literal["early", "open", "late"] = Field(
        description="Now against the arrival window: before it, in it (the place is kept), "
                    "after it (a check-in joins at the back until expires_at)")
    phone_last4: str | None = Field(description="The phone number's last digits, to confirm "
                                                "who it is")
    nik_last4: str | None


class BookingsQuery(BaseModel):
    model_config = ConfigDict(frozen=True)

    counter: str | None = Field(default=None, description="The services this counter serves")
    service: str | None = Field(default=None, description="One service (its code)")
    agency: str | None = Field(default=None, description="One agency (its code); none of the "
                                                         "three: every service of yours")
    find: str | None = Field(default=None, min_length=1, max_length=16,
                             description="Only bookings with this booking code, ticket code "
                                         "or phone/NIK last digits")
    limit: int = Field(default=50, ge=1, le=200, description="Not-arrived bookings listed")
    offset: int = Field(default=0, ge=0, le=100_000)


class BookingsOut(Model):
    day: date
    now: datetime
    services: list[BookedService]
    not_arrived: list[NotArrived] = Field(
        description="In order of arrival window (then booking), `limit` from `offset`")
    not_arrived_total: int = Field(description="All of them (matching `find`)")
    offset: int
    limit: int


class ServiceDayOut(Model):
    """A service's day after a supervisor's change."""

    service: str
    day: date
    closed_today: str | None
    quota: int | None
    issued: int
    quota_left: int | None
