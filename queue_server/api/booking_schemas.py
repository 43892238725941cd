"""The public booking API's requests and answers (issue 16; docs/remote.md)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from printer.payload import PrintJob
from queue_server.models import TicketStatus
from queue_server.schemas import Bilingual, Model, Request, TicketOut, WaitMinutes

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class BookingIn(Request):
    service: str = Field(max_length=32, description="The service's code")
    phone: str = Field(max_length=32, description="An Indonesian mobile number: 08…, +62 8…")
    nik: str | None = Field(default=None, max_length=32,
                            description="The 16-digit NIK, where the service asks for it")
    date: str | None = Field(default=None, max_length=10,
                             description="YYYY-MM-DD; absent: today's queue")
    slot: str | None = Field(default=None, max_length=5,
                             description="HH:MM, one of the day's slots; absent: today's queue")


class SlotsQuery(Request):
    date: str = Field(max_length=10, description="YYYY-MM-DD")
    lang: str | None = Field(default=None, max_length=5,
                             description="'en' for English messages (as everywhere)")


class BookableService(Model):
    code: str
    name: str
    requirements: list[str]
    remote_left: int | None = Field(description="Numbers left today for remote booking; null: "
                                                "no quota")
    estimate_min: WaitMinutes
    offers_slots: bool = Field(description="Appointments on the next days (GET …/slots)")
    asks_nik: bool
    remote_open: bool = Field(description="Today's queue can be booked now")
    remote_closed_message: Bilingual | None = Field(
        description="Why today's queue cannot be booked now")


class BookableAgency(Model):
    code: str
    name: str
    short_name: str
    colour: str
    services: list[BookableService]


class BookingServicesOut(Model):
    enabled: bool = Field(description="The hall takes remote bookings at all")
    days_ahead: int = Field(description="Appointments up to this many days ahead")
    few_ahead: int = Field(description="The 'few ahead' alert's threshold")
    agencies: list[BookableAgency]


class SlotOut(Model):
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    capacity: int
    left: int


class SlotsOut(Model):
    service: str
    date: str
    slots: list[SlotOut]
    closed_message: Bilingual | None


class BookedTicketOut(Model):
    code: str
    token: str
    booking_code: str = Field(description="Typed at the kiosk to check in")
    service: str
    service_name: str
    day: str
    slot: str | None = Field(description="HH:MM (site time); null: today's queue")
    status: TicketStatus
    arrive_from: datetime
    arrive_until: datetime
    expires_at: datetime
    tracking_url: str = Field(description="/t/<token>, the live tracking page")
    phone_last4: str


class BookingOut(Model):
    ticket: BookedTicketOut


class CheckedInTicketOut(TicketOut):
    place_kept: bool = Field(description="Checked in within the arrival window: the booked "
                                         "place (or slot time); otherwise at the back")
    arrive_from: datetime
    arrive_until: datetime


class CheckInOut(Model):
    ticket: CheckedInTicketOut
    print: PrintJob | None = Field(
        description="The job sent to the kiosk's print agent (as for an issued ticket); null "
                    "for staff, or when no agent is connected (print_status failed)")
