"""Who may answer for which ticket, and storing an answer once.

A ticket may answer once, only after it was served (finished as done: not a no-show, a
cancellation or an expiry), from the visitor's phone for a week after the service, or from
the rating screen beside the counter that served it while the screen still shows it (its
timeout). Like the engine, these functions take a session and the time, raise refusals in
the hall's words and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from queue_server.config import HallConfig
from queue_server.models import Counter, Device, DeviceKind, Service, Ticket, TicketStatus
from queue_server.queue.common import zone
from queue_server.queue.errors import DomainError
from queue_server.survey.elements import BY_CODE, CODES, PROFILE_BY_KEY, SCALE
from queue_server.survey.store import SurveyReceipt, SurveyResponse

PHONE_OPEN_FOR = timedelta(days=7)
SCREEN_TIMEOUT_S = 90  # a screen's default; config.yaml may set its own
# A visitor still answering when the screen's time is up (the page counts from their last
# touch) may still send: the server takes the answer this long after the timeout.
SCREEN_ANSWER_GRACE = timedelta(minutes=5)


class SurveyNotServed(DomainError):
    code = "survey_not_served"
    message_id = ("Survei hanya untuk tiket yang sudah selesai dilayani; tiket {ticket} "
                  "berstatus '{status}'.")
    message_en = ("The survey is only for tickets that were served; ticket {ticket} is "
                  "'{status}'.")


class SurveyAnswered(DomainError):
    code = "survey_answered"
    message_id = "Survei untuk tiket {ticket} sudah diisi. Terima kasih atas penilaian Anda!"
    message_en = "The survey for ticket {ticket} has been answered already. Thank you!"


class SurveyClosed(DomainError):
    code = "survey_closed"
    message_id = "Survei untuk tiket {ticket} sudah ditutup (dibuka {days} hari setelah layanan)."
    message_en = "The survey for ticket {ticket} has closed (it is open {days} days after service)."


class SurveyNotOnScreen(DomainError):
    code = "survey_not_on_screen"
    message_id = ("Tiket ini tidak lagi menunggu penilaian di layar ini; layar sudah beralih "
                  "atau waktunya habis.")
    message_en = ("This ticket is no longer waiting for a rating on this screen; the screen "
                  "moved on or timed out.")


class UnknownElement(DomainError):
    code, status = "unknown_element", 422
    message_id = "Unsur '{element}' tidak dikenal; unsur survei adalah U1 sampai U9."
    message_en = "Unknown element '{element}'; the survey's elements are U1 to U9."


class AnswerOutOfScale(DomainError):
    code, status = "answer_out_of_scale", 422
    message_id = "Jawaban untuk {element} adalah {value}; pilih nilai 1 sampai 4."
    message_en = "The answer to {element} is {value}; choose a value from 1 to 4."


class MissingAnswers(DomainError):
    code, status = "missing_answers", 422
    message_id = "Jawab semua unsur; belum dijawab: {elements}."
    message_en = "Answer every element; not answered: {elements}."


class UnknownProfile(DomainError):
    code, status = "unknown_profile", 422
    message_id = "Isian profil '{key}' tidak dikenal; yang ada: {keys}."
    message_en = "Unknown profile item '{key}'; the items are: {keys}."


class UnknownProfileChoice(DomainError):
    code, status = "unknown_profile_choice", 422
    message_id = "Pilihan '{value}' untuk {key} tidak dikenal; pilih salah satu: {choices}."
    message_en = "Unknown choice '{value}' for {key}; choose one of: {choices}."


@dataclass(frozen=True)
class Answer:
    """What a visitor answered: all nine elements (1–4), the profile and a suggestion (each
    optional). Checked by the API's schema before it gets here."""

    scores: dict[str, int]
    profile: dict[str, str] = field(default_factory=dict)
    suggestion: str | None = None


def checked_answer(scores: dict[str, int], profile: dict[str, str] | None = None,
                   suggestion: str | None = None) -> Answer:
    """The answer, or the first thing wrong with it (unknown elements first, then answers
    outside the scale, then missing elements, then the profile)."""
    for element in scores:
        if element not in BY_CODE:
            raise UnknownElement(element=element[:20])
    for element in CODES:
        value = scores.get(element)
        if value is not None and value not in SCALE:
            raise AnswerOutOfScale(element=element, value=value)
    missing = [element for element in CODES if element not in scores]
    if missing:
        raise MissingAnswers(elements=", ".join(missing))
    given = {key: choice for key, choice in (profile or {}).items() if choice not in ("", None)}
    for key, choice in given.items():
        item = PROFILE_BY_KEY.get(key)
        if item is None:
            raise UnknownProfile(key=key[:20], keys=", ".join(PROFILE_BY_KEY))
        if choice not in item.codes:
            raise UnknownProfileChoice(value=choice[:20], key=key,
                                       choices=", ".join(item.codes))
    return Answer(dict(scores), given, (suggestion or "").strip() or None)


SurveyState = Literal["open", "answered", "not_served", "closed"]


def state_of(ticket: Ticket, now: datetime, answered: bool) -> SurveyState:
    """open, answered, not_served (yet, or never) or closed."""
    if answered:
        return "answered"
    if ticket.status is not TicketStatus.DONE or ticket.finished_at is None:
        return "not_served"
    if now - ticket.finished_at > PHONE_OPEN_FOR:
        return "closed"
    return "open"


def has_answered(session: Session, ticket_id: int) -> bool:
    return session.get(SurveyReceipt, ticket_id) is not None


def phone_state(session: Session, now: datetime, ticket: Ticket) -> SurveyState:
    return state_of(ticket, now, has_answered(session, ticket.id))


def _require_open(session: Session, now: datetime, ticket: Ticket) -> None:
    state = phone_state(session, now, ticket)
    if state == "answered":
        raise SurveyAnswered(ticket=ticket.code)
    if state == "not_served":
        raise SurveyNotServed(ticket=ticket.code, status=ticket.status.value)
    if state == "closed":
        raise SurveyClosed(ticket=ticket.code, days=PHONE_OPEN_FOR.days)


def record_answer(session: Session, now: datetime, ticket: Ticket, answer: Answer,
                  channel: str) -> SurveyResponse:
    """Store the answer of a served ticket, once (SurveyAnswered the second time, also when
    two arrive at the same moment: the receipt's primary key holds)."""
    _require_open(session, now, ticket)
    service = session.get(Service, ticket.service_id)
    assert service is not None
    response = SurveyResponse(
        day=ticket.service_day, service_id=ticket.service_id, agency_id=service.agency_id,
        counter_id=ticket.counter_id, channel=channel,
        **{code.lower(): answer.scores[code] for code in CODES},
        **{key: answer.profile.get(key) for key in ("gender", "age", "education",
                                                    "occupation")},
        suggestion=(answer.suggestion or "").strip() or None)
    code = ticket.code
    try:
        # A savepoint: when another answer for this ticket won the race, only the receipt is
        # undone and the request can still say so in its own transaction.
        with session.begin_nested():
            session.add(SurveyReceipt(ticket_id=ticket.id))
    except IntegrityError:
        raise SurveyAnswered(ticket=code) from None
    session.add(response)
    session.flush()
    return response


# --- The rating screen beside a counter -------------------------------------------------

def screen_counter(device: Device) -> str | None:
    counter = (device.settings or {}).get("counter")
    return counter if isinstance(counter, str) else None


def screen_timeout(device: Device) -> timedelta:
    seconds = (device.settings or {}).get("timeout_seconds") or SCREEN_TIMEOUT_S
    return timedelta(seconds=int(seconds))


def screen_ticket(session: Session, now: datetime, device: Device,
                  grace: timedelta = timedelta(0)) -> Ticket | None:
    """The ticket this screen offers to rate: the last one finished as served at its counter,
    within the screen's timeout (and `grace`), not yet answered. Once it is answered (or
    times out, or a later ticket is finished there) the screen offers nothing of it again."""
    counter_id = screen_counter(device)
    if counter_id is None:
        return None
    latest = session.scalar(
        select(Ticket).where(Ticket.counter_id == counter_id,
                             Ticket.status == TicketStatus.DONE,
                             Ticket.finished_at >= now - screen_timeout(device) - grace)
        .order_by(Ticket.finished_at.desc(), Ticket.id.desc()).limit(1)
        .options(joinedload(Ticket.service).joinedload(Service.agency)))
    if latest is None or has_answered(session, latest.id):
        return None
    return latest


def record_screen_answer(session: Session, now: datetime, device: Device, ticket_id: int,
                         answer: Answer) -> SurveyResponse:
    """The screen answers only for the ticket it shows (or showed until its timeout, while
    no later ticket was finished there)."""
    shown = screen_ticket(session, now, device, SCREEN_ANSWER_GRACE)
    if shown is None or shown.id != ticket_id:
        ticket = session.get(Ticket, ticket_id)
        if (ticket is not None and ticket.counter_id == screen_counter(device)
                and has_answered(session, ticket.id)):
            raise SurveyAnswered(ticket=ticket.code)
        raise SurveyNotOnScreen()
    return record_answer(session, now, shown, answer, "screen")


def screen_view(session: Session, now: datetime, device: Device,
                timezone: str) -> dict[str, Any]:
    """What the screen shows: its counter and, while one waits for a rating, that ticket's
    code and service (never its tracking token, nor any other ticket)."""
    counter_id = screen_counter(device)
    counter = session.get(Counter, counter_id) if counter_id else None
    ticket = screen_ticket(session, now, device)
    shown = None
    if ticket is not None and ticket.finished_at is not None:
        until = ticket.finished_at + screen_timeout(device)
        shown = {"id": ticket.id, "code": ticket.code, "service_name": ticket.service.name,
                 "agency_name": ticket.service.agency.short_name,
                 "finished_at": ticket.finished_at.astimezone(zone(timezone)).isoformat(),
                 "until": until.astimezone(zone(timezone)).isoformat(),
                 "seconds_left": max(0, int((until - now).total_seconds()))}
    return {"screen": {"id": device.id, "name": device.name,
                       "timeout_s": int(screen_timeout(device).total_seconds())},
            "counter": {"id": counter.id, "name": counter.name} if counter else None,
            "ticket": shown, "now": now.astimezone(zone(timezone)).isoformat()}


def screen_snapshot(session: Session, now: datetime, hall: HallConfig, key: str,
                    language: str = "id") -> dict[str, Any]:
    """A rating screen's snapshot (the hub's `survey:<screen>` room): what it shows now.
    LookupError when the screen is gone from config.yaml."""
    device = session.get(Device, key)
    if device is None or not device.active or device.kind is not DeviceKind.SURVEY:
        raise LookupError(f"no survey screen {key!r}")
    return screen_view(session, now, device, hall.site.timezone)


def screens_at(session: Session, counter_ids: set[str]) -> dict[str, list[Device]]:
    """The active rating screens beside each of these counters."""
    found: dict[str, list[Device]] = {}
    if not counter_ids:
        return found
    for device in session.scalars(select(Device).where(Device.active,
                                                       Device.kind == DeviceKind.SURVEY)):
        counter = screen_counter(device)
        if counter in counter_ids:
            found.setdefault(counter, []).append(device)
    return found
