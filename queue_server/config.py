"""The schema of config.yaml: the hall as its IT staff describe it.

Every check that can be made on the file alone is made here, so `antre config check` tells the
staff about a mistake before the server ever starts. Errors name the bad key by its path.
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _matching(pattern: str, hint: str) -> AfterValidator:
    """A pattern check whose message tells staff what to write, not the regular expression."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"{value!r} is not valid: {hint}")
        return value

    return AfterValidator(check)


def _clock_time(value: Any) -> Any:
    # YAML reads an unquoted 13:30 as the number 810 (base 60); refuse it instead of guessing.
    if isinstance(value, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?", value):
        return time.fromisoformat(value)
    raise ValueError(f"{value!r} is not a time of day; write it in quotes as 'HH:MM', "
                     "e.g. '14:30'")


Code = Annotated[str, _matching(r"[A-Za-z0-9_-]{1,32}",
                                "use 1 to 32 letters, digits, '-' or '_', e.g. 'KTP'")]
Prefix = Annotated[str, _matching(r"[A-Z]{1,3}", "use 1 to 3 capital letters, e.g. 'A'")]
Colour = Annotated[str, _matching(r"#[0-9A-Fa-f]{6}", "write a colour as '#RRGGBB'")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ClockTime = Annotated[time, BeforeValidator(_clock_time)]


class Strict(BaseModel):
    """Unknown keys are mistakes (a typo would otherwise be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Break(Strict):
    start: ClockTime
    end: ClockTime
    name: Text = "Istirahat"

    @model_validator(mode="after")
    def _ordered(self) -> Break:
        if self.end <= self.start:
            raise ValueError("a break must end after it starts")
        return self


class DayHours(Strict):
    """One weekday: tickets from `issue_from`, service from `open`, last ticket at `cutoff`."""

    issue_from: ClockTime
    open: ClockTime
    cutoff: ClockTime
    close: ClockTime
    breaks: tuple[Break, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> DayHours:
        if not self.issue_from <= self.open <= self.cutoff <= self.close:
            raise ValueError("hours must run issue_from <= open <= cutoff <= close")
        for pause in self.breaks:
            if pause.start < self.open or pause.end > self.close:
                raise ValueError(f"the break {pause.name!r} must lie between open and close")
        return self


class WeeklyHours(Strict):
    """Absent (or null) days are closed."""

    mon: DayHours | None = None
    tue: DayHours | None = None
    wed: DayHours | None = None
    thu: DayHours | None = None
    fri: DayHours | None = None
    sat: DayHours | None = None
    sun: DayHours | None = None

    def for_weekday(self, weekday: int) -> DayHours | None:
        """Hours for `date.weekday()` (0 is Monday)."""
        day: DayHours | None = getattr(self, WEEKDAYS[weekday])
        return day


class Holiday(Strict):
    date: date
    name: Text


class Site(Strict):
    name: Text
    short_name: Text
    address: Text
    timezone: str = "Asia/Makassar"
    timezone_label: str = "WITA"
    languages: tuple[Literal["id", "en"], ...] = ("id", "en")
    public_url: str
    hours: WeeklyHours
    holidays: tuple[Holiday, ...] = ()
    ticket_footer: tuple[Text, ...] = ()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r}; use an IANA name such as "
                             "'Asia/Makassar'") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("public_url must start with http:// or https:// and name a host")
        return value.rstrip("/")

    @field_validator("languages")
    @classmethod
    def _has_languages(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("list at least one language")
        return value


class Slots(Strict):
    """Appointments: slots of `length_minutes` from the service's `open` to its `cutoff` on
    each day it works, leaving out breaks and holidays; `capacity` bookings each."""

    length_minutes: int = Field(ge=5, le=240)
    capacity: int = Field(ge=1, le=500)


class Service(Strict):
    code: Code
    name: Text
    prefix: Prefix
    quota: int | None = Field(default=None, ge=1)
    target_minutes: int = Field(default=15, ge=1, le=600)
    # The longest a visitor should wait for the first call (service level); None: the hall's
    # rules.target_wait_minutes.
    target_wait_minutes: int | None = Field(default=None, ge=1, le=600)
    requirements: tuple[Text, ...] = ()
    hours: WeeklyHours | None = None
    outcomes: tuple[Text, ...] = ()
    outcome_required: bool = False
    # Remote taking (see Remote): this service's share of its quota, in percent (None: the
    # hall's remote.remote_share); whether a booking asks for the NIK; appointment slots.
    remote_share: int | None = Field(default=None, ge=0, le=100)
    asks_nik: bool = False
    slots: Slots | None = None

    @model_validator(mode="after")
    def _outcomes_to_choose(self) -> Service:
        if self.outcome_required and not self.outcomes:
            raise ValueError("outcome_required needs a list of outcomes to choose from")
        return self

    @field_validator("prefix", mode="before")
    @classmethod
    def _prefix_not_empty(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError("prefix must not be empty; use 1 to 3 capital letters, e.g. 'A'")
        return value


class Agency(Strict):
    code: Code
    name: Text
    short_name: Text
    colour: Colour = "#1f6feb"
    services: tuple[Service, ...]


class Counter(Strict):
    id: Code
    number: int = Field(ge=1, le=999)
    name: Text
    agency: Code
    services: tuple[Code, ...] = Field(min_length=1)
    zone: str | None = None


class Kiosk(Strict):
    id: Code
    name: Text
    printer: str = "dummy"
    paper_width: Literal[58, 80] = 80
    profile: str | None = None

    @field_validator("printer")
    @classmethod
    def _printer_spec(cls, value: str) -> str:
        from printer.errors import PrinterSpecError
        from printer.spec import parse_spec

        try:
            parse_spec(value)
        except PrinterSpecError as error:
            raise ValueError(str(error)) from None
        return value


VoiceEngine = Literal["clips", "espeak", "browser", "chime"]


class Display(Strict):
    id: Code
    name: Text
    agencies: tuple[Code, ...] | None = Field(default=None, min_length=1)
    voice: VoiceEngine = "espeak"
    clips_dir: str | None = None
    media_dir: str | None = None
    # This month's hall satisfaction index (SKM/IKM) and its grade, in the footer.
    show_ikm: bool = False
    # After the Indonesian call, say it in English too (the espeak voice's English; a hall
    # with foreign visitors, such as the immigration office's).
    say_english: bool = False

    @model_validator(mode="after")
    def _clips_need_a_folder(self) -> Display:
        if self.voice == "clips" and not self.clips_dir:
            raise ValueError("voice 'clips' needs clips_dir, the folder of recorded words")
        return self


class SurveyScreen(Strict):
    """A rating screen (a tablet) beside a counter: it offers the survey (SKM) for the ticket
    just served there, and resets after an answer or `timeout_seconds`."""

    id: Code
    name: Text
    counter: Code
    timeout_seconds: int = Field(default=90, ge=15, le=900)


class Rules(Strict):
    priority_ratio: int = Field(default=3, ge=1, le=100)
    recalls_before_no_show: int = Field(default=2, ge=0, le=10)
    # A recall counts only this long after the previous call: the time the display takes to
    # chime and say the call (twice, and in English when the hall asks for it). 0 lets every
    # press count (a hall without displays); the shipped config.yaml sets 15.
    recall_interval_seconds: int = Field(default=0, ge=0, le=300)
    late_return_places: int = Field(default=3, ge=0, le=100)
    # The hall's default target wait (issue to first call) for services that set none.
    target_wait_minutes: int = Field(default=30, ge=1, le=600)


class Remote(Strict):
    """Taking a number from home (docs/remote.md). Off unless `enabled`."""

    enabled: bool = False
    # Percent of each service's daily quota kept for remote bookings, unless the service
    # sets its own; walk-ins cannot take it while remote taking is open, remote bookings
    # cannot take more. 0 (here or on a service): no remote taking for it.
    remote_share: int = Field(default=0, ge=0, le=100)
    days_ahead: int = Field(default=7, ge=0, le=60)  # appointments up to this many days ahead
    # Remote taking for a day closes this long before the day's cutoff (the last walk-in).
    cutoff_minutes: int = Field(default=60, ge=0, le=720)
    # The arrival window around the slot (or the estimated call) keeps the booked place.
    arrive_before_minutes: int = Field(default=30, ge=0, le=240)
    arrive_after_minutes: int = Field(default=15, ge=0, le=240)
    # After the window, a check-in joins at the back of the line until this much later;
    # then the booking expires and its quota is given back.
    late_grace_minutes: int = Field(default=60, ge=0, le=720)
    few_ahead: int = Field(default=3, ge=1, le=50)  # the "few ahead" alert (page, webhook)
    # The hall's SMS/WhatsApp gateway: events are POSTed here as JSON (None: no webhook).
    webhook_url: str | None = None

    @field_validator("webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("webhook_url must start with http:// or https:// and name a host")
        return value


class HallConfig(Strict):
    site: Site
    agencies: tuple[Agency, ...] = Field(min_length=1)
    counters: tuple[Counter, ...] = ()
    kiosks: tuple[Kiosk, ...] = ()
    displays: tuple[Display, ...] = ()
    survey_screens: tuple[SurveyScreen, ...] = ()
    rules: Rules = Rules()
    remote: Remote = Remote()

    def service_hours(self, service: Service) -> WeeklyHours:
        return service.hours or self.site.hours

    def remote_share(self, service: Service) -> int:
        """The service's share in effect: 0 when the hall takes no remote bookings."""
        if not self.remote.enabled:
            return 0
        return self.remote.remote_share if service.remote_share is None else service.remote_share


def reference_problems(config: HallConfig) -> list[str]:
    """Checks across sections (unique codes, what refers to what), every problem at once."""
    problems = [
        *_duplicates("agencies", [a.code for a in config.agencies]),
        *_duplicates("services", [s.code for a in config.agencies for s in a.services]),
        *_duplicates("counters", [c.id for c in config.counters]),
        *_duplicates("counters (number)", [c.number for c in config.counters]),
        *_duplicates("kiosks and displays",
                     [k.id for k in config.kiosks] + [d.id for d in config.displays]),
        *_duplicates("survey_screens", [s.id for s in config.survey_screens]),
    ]
    agencies = {a.code for a in config.agencies}
    agency_of = {s.code: a.code for a in config.agencies for s in a.services}
    prefix_owner: dict[str, str] = {}
    for agency in config.agencies:
        for service in agency.services:
            owner = prefix_owner.setdefault(service.prefix, agency.code)
            if owner != agency.code:
                problems.append(f"services: prefix {service.prefix!r} of {service.code!r} is "
                                f"also used by agency {owner!r}; give each agency its own")
    served = {code for counter in config.counters for code in counter.services}
    for code in agency_of:
        if config.counters and code not in served:
            problems.append(f"services: no counter serves {code!r}; its tickets could never "
                            "be called")
    for index, counter in enumerate(config.counters):
        where = f"counters[{index}]"
        if counter.agency not in agencies:
            problems.append(f"{where}.agency: unknown agency {counter.agency!r}")
        for code in counter.services:
            if code not in agency_of:
                problems.append(f"{where}.services: unknown service {code!r}")
            elif agency_of[code] != counter.agency:
                problems.append(f"{where}.services: {code!r} belongs to agency "
                                f"{agency_of[code]!r}, not to {counter.agency!r}")
    for index, display in enumerate(config.displays):
        for code in display.agencies or ():
            if code not in agencies:
                problems.append(f"displays[{index}].agencies: unknown agency {code!r}")
    counters = {c.id for c in config.counters}
    devices = {k.id for k in config.kiosks} | {d.id for d in config.displays}
    for index, screen in enumerate(config.survey_screens):
        if screen.id in devices:
            problems.append(f"survey_screens[{index}].id: {screen.id!r} is also a kiosk or "
                            "display; give each device its own id")
        if screen.counter not in counters:
            problems.append(f"survey_screens[{index}].counter: unknown counter "
                            f"{screen.counter!r}")
    return problems


def _duplicates(what: str, values: list[Any]) -> list[str]:
    seen: set[Any] = set()
    problems = []
    for value in values:
        if value in seen:
            problems.append(f"{what}: {value!r} is used twice; each must be unique")
        seen.add(value)
    return problems


class ConfigError(Exception):
    """The file cannot be used; `problems` are lines of `key.path: message`."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(f"{path}: " + "; ".join(problems))


def _key_path(location: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in location:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
        else:
            parts.append(item)
    return ".".join(parts)


def parse_config(data: Any, path: Path = Path("config.yaml")) -> HallConfig:
    """Validate parsed YAML; ConfigError lists every problem with its key path."""
    try:
        config = HallConfig.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = _key_path(item["loc"])
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{location}: {message}" if location else message)
        raise ConfigError(path, problems) from None
    problems = reference_problems(config)
    if problems:
        raise ConfigError(path, problems)
    return config


def load_config(path: Path) -> HallConfig:
    """Read and validate config.yaml; every problem is reported at once."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(path, [f"cannot read the file: {error.strerror}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(path, [f"not valid YAML: {error}"]) from None
    return parse_config(data, path)
