"""What the API and the Socket.IO hub send and accept, declared once.

These pydantic models validate requests and shape answers, and the OpenAPI document is made
from them, so the contract cannot drift from the code.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from queue_server.models import Channel, CounterState, PrintStatus, Role, TicketStatus
from queue_server.queue.printjobs import PrinterState

# Minutes; null while no counter serving the service is open (no honest figure then: the
# pages say "belum ada loket yang buka" / "no counter open yet").
WaitMinutes = Annotated[int | None, Field(
    description="Estimated wait in minutes; null while no counter serving it is open")]

class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Requests -------------------------------------------------------------------------------

# A row id as the database stores it (64-bit); a larger one is refused, not overflowed.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

# Any C0 control character but tab, line feed and carriage return, and DEL: PostgreSQL
# refuses a NUL in text with a server error, SQLite stores it, and none belongs in a name,
# a reason or a running text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in (*_strings(key), *_strings(item))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


class Request(Model):
    """Strict: "yes" is not a boolean and "12" is not a number; a client that sends them has
    a bug worth hearing about. No text may carry control characters (every request model
    inherits the check)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        if any(CONTROL.search(text) for text in _strings(data)):
            raise PydanticCustomError(
                "control_characters",
                "text contains control characters (such as NUL); remove them")
        return data


class IssueRequest(Request):
    service: str = Field(min_length=1, max_length=32, description="Service code, e.g. 'KTP'")
    priority: bool = False
    priority_reason: Literal["lansia", "disabilitas", "ibu_hamil", "anak"] | None = None
    channel: Channel = Channel.KIOSK


class LoginRequest(Request):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class CallNextRequest(Request):
    finish_current: bool = Field(
        default=False, description="First finish the active ticket (called or serving) as "
                                   "served, then call the next one.")
    outcome: str | None = Field(default=None, max_length=200)


class CallRequest(Request):
    ticket_id: Id
    reason: str | None = Field(default=None, max_length=200)


class FinishRequest(Request):
    outcome: str | None = Field(default=None, max_length=200)


class TransferRequest(Request):
    service: str = Field(min_length=1, max_length=32)
    position: Literal["front", "back"] = "back"


class ResumeRequest(Request):
    ticket_id: Id


class BreakRequest(Request):
    reason: str | None = Field(default=None, max_length=200)


class EmptyRequest(Request):
    pass


class RunningTextRequest(Request):
    text: str = Field(max_length=1000, description="The line scrolling along the bottom. "
                      "For the hall: empty shows the welcome; for one display: empty shows the "
                      "hall's text again")
    display: str | None = Field(default=None, min_length=1, max_length=32,
                                description="One display's id; absent or null: the hall's "
                                            "text, which every display without its own shows")


# --- Answers --------------------------------------------------------------------------------

class Bilingual(Model):
    """One text in both languages a page may show, so a page switching language needs no
    new request."""

    id: str = Field(description="Bahasa Indonesia")
    en: str = Field(description="English")


class ServiceOut(Model):
    code: str
    name: str
    prefix: str
    open: bool
    closed_reason: str | None = Field(description="Reason code when not open, e.g. "
                                                  "'quota_reached', 'not_open_yet'")
    closed_message: Bilingual | None = Field(description="The reason, to show the visitor")
    waiting: int
    quota: int | None
    quota_left: int | None
    estimated_wait_min: WaitMinutes
    target_minutes: int
    requirements: list[str]


class AgencyOut(Model):
    code: str
    name: str
    short_name: str
    colour: str
    waiting: int
    services: list[ServiceOut]


class ServicesOut(Model):
    agencies: list[AgencyOut]


class DisplayRunningText(Model):
    id: str
    name: str
    own_text: str | None = Field(description="This display's own text; null: the hall's")
    shown: str = Field(description="What it scrolls now (empty: the welcome)")


class RunningTextOut(Model):
    text: str = Field(description="The hall's text (empty: the welcome)")
    displays: list[DisplayRunningText]


class CounterRef(Model):
    id: str
    number: int
    name: str


class TicketOut(Model):
    id: int
    code: str
    number: int
    service: str
    service_name: str
    agency: str
    agency_name: str
    status: TicketStatus
    priority: bool
    priority_reason: str | None
    channel: Channel
    ahead: int
    estimated_wait_min: WaitMinutes
    token: str | None = Field(description="The tracking token (it lets anyone cancel the "
                                          "ticket): only in the issuing kiosk's answer")
    tracking_url: str | None = Field(description="The ticket page's address (the QR code): "
                                                 "only in the issuing kiosk's answer")
    print_status: PrintStatus
    print_error: str | None = Field(
        default=None, description="Why the ticket was not printed: 'no_agent' (no print agent "
                                  "connected), 'paper_out', 'cover_open', 'offline', 'error', "
                                  "'no_answer'")
    print_message: str | None = Field(
        default=None, description="print_error in the requested language")
    issued_at: datetime
    called_at: datetime | None
    counter: CounterRef | None
    call_count: int


class PublicTicketOut(Model):
    """What the visitor's phone may see: no internal ids, no other visitors."""

    code: str
    service: str
    service_name: str
    agency: str
    agency_name: str
    status: TicketStatus
    ahead: int
    estimated_wait_min: WaitMinutes
    issued_at: datetime
    counter: CounterRef | None
    call_count: int


class QueueItem(Model):
    id: int
    code: str
    service: str
    priority: bool
    priority_reason: str | None
    status: TicketStatus
    issued_at: datetime
    waited_min: int
    print_failed: bool = Field(default=False,
                               description="Its kiosk could not print it (staff may reprint)")
    channel: Channel = Field(default=Channel.KIOSK, description="kiosk, online or counter")
    slot_start: datetime | None = Field(default=None,
                                        description="An appointment's slot (UTC); null otherwise")


class CurrentTicket(QueueItem):
    call_count: int
    called_at: datetime | None
    started_at: datetime | None
    target_minutes: int
    outcomes: list[str]
    outcome_required: bool


class OfficerOut(Model):
    id: int
    username: str
    name: str


class CounterOut(Model):
    id: str
    number: int
    name: str
    agency: str
    state: CounterState
    officer: OfficerOut | None
    services: list[str]
    current: CurrentTicket | None
    waiting: list[QueueItem]
    waiting_total: int = Field(default=0, description="Everyone waiting for this counter's "
                               "services; `waiting` lists only the first 30 of them, in "
                               "calling order")
    parked: list[QueueItem]
    allowed_actions: list[str] = Field(
        description="The officer's actions the server accepts now, of: open, break, close, "
                    "call-next, finish-next, recall, start, recycle, finish, no-show, "
                    "transfer, park, resume")
    recalls_left: int | None = Field(
        description="Recalls still needed before no-show is allowed; null when no ticket "
                    "is called")


class UserOut(Model):
    id: int
    username: str
    name: str
    role: Role
    agencies: list[str]


class LoginOut(Model):
    user: UserOut
    csrf_token: str


class CsrfOut(Model):
    csrf_token: str


class UnlockOut(Model):
    username: str
    forgotten_failures: int = Field(description="Failed attempts on the name that no longer "
                                                "count, from every address")


class ErrorBody(Model):
    code: str
    message: str


class ErrorOut(Model):
    error: ErrorBody


class ActionOut(Model):
    """The answer to a counter action: the ticket it concerned (if any) and the counter now."""

    ticket: TicketOut | None
    counter: CounterOut
    announced: bool = Field(
        default=True, description="False when the displays could not be told of this call "
                                  "(the message queue is down): the ticket is called, but "
                                  "nobody heard it; recall it once the displays are back")


# --- Kiosks' printers -----------------------------------------------------------------------



class KioskOut(Model):
    id: str
    name: str
    printer: str = Field(description="The printer spec in config.yaml (the agent's --printer "
                                     "may override it)")
    paper_width: int
    agent_connected: bool = Field(description="A print agent reported within the last "
                                              "20 seconds")
    agent_seen_at: datetime | None
    printer_state: PrinterState = Field(description="As the agent last reported it; 'no_agent' "
                                                    "when no agent is connected")
    message_id: str
    message_en: str
    printer_status_at: datetime | None


class KiosksOut(Model):
    kiosks: list[KioskOut]


class PrintResultIn(BaseModel):
    """The agent's answer to one `print_ticket` job."""

    model_config = ConfigDict(extra="ignore")

    job_id: str = Field(pattern=r"^\d{1,18}\.\d{1,9}$")
    ok: bool
    error: str | None = Field(default=None, max_length=40)
    message: str | None = Field(default=None, max_length=300)
    detail: str | None = Field(default=None, max_length=300, description="The technical cause, "
                                                                         "for the audit trail")


class PrinterReportIn(BaseModel):
    """The agent's printer status (`printer.PrinterStatus.to_dict()`); other keys are kept
    out of the database."""

    model_config = ConfigDict(extra="ignore")

    state: Literal["ok", "paper_low", "paper_out", "cover_open", "offline", "error", "unknown"]
