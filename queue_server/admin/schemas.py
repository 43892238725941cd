"""Requests and answers of the administration API (`/api/v1/admin/...`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import Field

from display.announce import MAX_NOTICE
from queue_server.config import WeeklyHours
from queue_server.models import Role
from queue_server.schemas import Model, Request

Username = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$",
                 description="Lower-case letters, digits, '.', '_' or '-'")
Password = Field(default=None, min_length=8, max_length=200,
                 description="Null: a password is generated and shown once")
AgencyCodes = Field(max_length=50, description="Agency codes (none for an administrator)")


class PersonOut(Model):
    username: str
    name: str
    role: Role
    agencies: list[str]
    active: bool
    last_sign_in: datetime | None
    has_token: bool = Field(description="An API token is set (its value is never shown again)")
    failed_sign_ins: int = Field(description="Failed sign-ins on the name in the sign-in "
                                             "window: from 5 each attempt is slowed")
    manageable: bool = Field(description="The signed-in user may change this person")


class PeopleOut(Model):
    people: list[PersonOut]
    agencies: list[str] = Field(description="The agencies the signed-in user may give")
    roles: list[Role] = Field(description="The roles the signed-in user may give")


class PersonAdd(Request):
    username: str = Username
    name: str = Field(min_length=1, max_length=200)
    role: Role
    agencies: list[str] = AgencyCodes
    password: str | None = Password


class PersonChange(Request):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    agencies: list[str] | None = Field(default=None, max_length=50)


class PasswordReset(Request):
    password: str | None = Password


class PersonChangedOut(Model):
    person: PersonOut
    password: str | None = Field(default=None,
                                 description="A generated password: shown this once only")


class DeviceOut(Model):
    id: str
    kind: str
    name: str
    has_token: bool
    connections: int = Field(description="Live connections to this server process")
    connected_since: datetime | None = Field(description="When the oldest of them began")
    last_seen_at: datetime | None = Field(description="Its last connection or report")
    agent_connected: bool | None = Field(description="Kiosks: a print agent is connected")
    printer_state: str | None = Field(description="Kiosks: the printer as its agent reports")
    printer_message: str | None
    printer_reported_at: datetime | None = Field(
        description="Kiosks: the agent's last printer report (or when it left)")


class DevicesOut(Model):
    devices: list[DeviceOut]


class DeviceTokenOut(Model):
    device: DeviceOut
    token: str = Field(description="Shown this once only")
    setup_url: str = Field(description="Open it on the device to set it up")
    qr_svg: str = Field(description="The setup link's QR code, an SVG data URL")


class AuditQuery(Model):
    day: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2099, 12, 31),
                             description="Site day (default: today)")
    person: str | None = Field(default=None, max_length=64)
    agency: str | None = Field(default=None, max_length=32)
    kind: Literal["people", "devices", "operations", "settings", "tickets"] | None = None
    format: Literal["json", "csv"] = "json"
    lang: Literal["id", "en"] | None = Field(default=None, description="Language of messages")


class AuditEntryOut(Model):
    at: datetime
    kind: str
    action: str
    target: str
    person: str | None
    address: str | None
    agencies: list[str]
    changes: dict[str, Any]


class AuditOut(Model):
    day: date
    entries: list[AuditEntryOut]


class BreakOut(Model):
    start: str
    end: str
    name: str


class DayHoursOut(Model):
    issue_from: str = Field(description="'HH:MM': the kiosks start issuing")
    open: str = Field(description="'HH:MM': the counters start calling")
    cutoff: str = Field(description="'HH:MM': the last ticket")
    close: str = Field(description="'HH:MM': the last visitor served")
    breaks: list[BreakOut] = []


Hours = dict[str, DayHoursOut]  # by weekday ('mon' ... 'sun'); a day not listed is closed


class ServiceSettingsOut(Model):
    code: str
    agency: str
    name: str
    prefix: str
    quota: int | None
    target_minutes: int
    target_wait_minutes: int | None
    requirements: list[str]
    outcomes: list[str]
    outcome_required: bool
    hours: Hours | None = Field(description="The service's own hours; null: the hall's")


class CounterSettingsOut(Model):
    id: str
    name: str
    agency: str
    services: list[str]


class SettingsOut(Model):
    services: list[ServiceSettingsOut]
    counters: list[CounterSettingsOut]
    hall_hours: Hours = Field(description="The hall's hours, which a service without its own "
                                          "keeps")
    file_only: list[str] = Field(description="What only config.yaml changes (and why)")


class ServiceChange(Request):
    """Only the keys sent change; null removes quota, target_wait_minutes or hours (no limit,
    the hall's target, the hall's hours). Checked by the same schema as config.yaml."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    quota: int | None = Field(default=None, ge=1, le=100_000)
    target_minutes: int | None = Field(default=None, ge=1, le=600)
    target_wait_minutes: int | None = Field(default=None, ge=1, le=600)
    requirements: list[str] | None = Field(default=None, max_length=30)
    outcomes: list[str] | None = Field(default=None, max_length=30)
    outcome_required: bool | None = None
    hours: WeeklyHours | None = Field(
        default=None, description="The service's own hours by weekday (a day left out is "
                                  "closed); null: the hall's hours")


class CounterServicesChange(Request):
    services: list[str] = Field(min_length=1, max_length=50)


class SettingChangedOut(Model):
    changes: dict[str, Any]
    service: ServiceSettingsOut | None = None
    counter: CounterSettingsOut | None = None


class AnnouncementRequest(Request):
    text: str = Field(min_length=1, max_length=MAX_NOTICE, description="What the displays say now")
    display: str | None = Field(default=None, max_length=32,
                                description="One display's id; null: every display")


class AnnouncementOut(Model):
    displays: list[str]
    said: dict[str, str] = Field(description="The words said, {id, en}")
