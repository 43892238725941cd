"""Issuing at the kiosk: hours, cut-off, breaks, holidays, quotas, the site's day, numbering.

Each refusal is checked for its reason code and that nothing was consumed: no ticket, no
number, no quota unit (the refused transaction is rolled back by the test, as a view would).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select

from queue_server.models import (
    Agency,
    Channel,
    Device,
    NumberSequence,
    PrintStatus,
    Service,
    ServiceDay,
    Site,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from queue_server.queue import errors, issuing
from queue_server.queue.common import service_day
from tests.support.halls import Hall, hall_data, prepare_hall, wita

MONDAY = date(2026, 11, 30)
CLOSED_BECAUSE: dict[str, type[errors.DomainError]] = {
    "not_open_yet": errors.NotOpenYet, "after_cutoff": errors.AfterCutoff,
    "on_break": errors.OnBreak, "closed": errors.ClosedDay, "holiday": errors.Holiday}


def issue(hall: Hall, service: str = "KTP", at: datetime | None = None,
          **kwargs: Any) -> Ticket:
    if at is not None:
        hall.clock.set(at)
    with hall.sessions.begin() as session:
        return issuing.issue_ticket(session, hall.clock.now(), service, **kwargs)


def consumed(hall: Hall) -> tuple[int, int, list[Any], list[Any]]:
    """Tickets, events, numbers and quota units used so far."""
    with hall.session() as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket)) or 0
        events = session.scalar(select(func.count()).select_from(TicketEvent)) or 0
        numbers = [tuple(r) for r in session.execute(
            select(NumberSequence.day, NumberSequence.prefix, NumberSequence.last_number)
            .order_by(NumberSequence.day, NumberSequence.prefix))]
        days = [tuple(r) for r in session.execute(
            select(ServiceDay.service_id, ServiceDay.day, ServiceDay.issued)
            .order_by(ServiceDay.service_id, ServiceDay.day))]
    return tickets, events, numbers, days


def refused(hall: Hall, error: type[errors.DomainError], service: str = "KTP",
            at: datetime | None = None, **kwargs: Any) -> errors.DomainError:
    before = consumed(hall)
    with pytest.raises(error) as caught:
        issue(hall, service, at, **kwargs)
    assert type(caught.value) is error
    assert consumed(hall) == before
    return caught.value


def set_service_day(hall: Hall, code: str, day: date, **fields: Any) -> None:
    """A supervisor's change to one service for one day (closed, quota override)."""
    with hall.sessions.begin() as session:
        service = session.scalars(select(Service).where(Service.code == code)).one()
        row = session.scalars(select(ServiceDay).where(
            ServiceDay.service_id == service.id, ServiceDay.day == day)).one_or_none()
        if row is None:
            row = ServiceDay(service_id=service.id, day=day, issued=0)
            session.add(row)
        for name, value in fields.items():
            setattr(row, name, value)


# --- what a ticket is -------------------------------------------------------------------------

def test_a_kiosk_ticket(sqlite_hall: Hall) -> None:
    ticket = issue(sqlite_hall, kiosk_id="kiosk-1")
    assert (ticket.code, ticket.number, ticket.prefix) == ("A-001", 1, "A")
    assert ticket.status is TicketStatus.WAITING
    assert ticket.service_day == MONDAY
    assert ticket.channel is Channel.KIOSK and ticket.print_status is PrintStatus.PENDING
    assert ticket.kiosk_id == "kiosk-1"
    assert ticket.issued_at == ticket.queue_key == sqlite_hall.clock.now()
    assert len(ticket.token) >= 43  # 256 random bits, url-safe
    assert not ticket.priority and ticket.priority_reason is None


def test_a_counter_ticket_is_not_printed(sqlite_hall: Hall) -> None:
    ticket = issue(sqlite_hall, channel=Channel.COUNTER)
    assert ticket.print_status is PrintStatus.NONE


def test_tokens_are_unique(sqlite_hall: Hall) -> None:
    tokens = {issue(sqlite_hall, "SKCK").token for _ in range(5)}
    assert len(tokens) == 5


def test_numbers_run_per_prefix_and_codes_are_padded(hall: Hall) -> None:
    """On both databases: the upserts that number and count are dialect-specific."""
    codes = [issue(hall, service).code for service in ("KTP", "KK", "KTP", "SKCK", "KK", "KTP")]
    assert codes == ["A-001", "B-001", "A-002", "C-001", "B-002", "A-003"]
    with hall.session() as session:
        numbers = dict(session.execute(
            select(NumberSequence.prefix, NumberSequence.last_number)).all())
    assert numbers == {"A": 3, "B": 2, "C": 1}


def test_codes_pad_to_three_digits_and_grow_beyond(sqlite_hall: Hall) -> None:
    assert issuing.format_code("A", 7) == "A-007"
    assert issuing.format_code("PKB", 42) == "PKB-042"
    assert issuing.format_code("A", 1234) == "A-1234"


def test_priority_with_a_known_reason(sqlite_hall: Hall) -> None:
    ticket = issue(sqlite_hall, priority=True, priority_reason="ibu_hamil")
    assert ticket.priority and ticket.priority_reason == "ibu_hamil"
    with sqlite_hall.session() as session:
        event = session.scalars(select(TicketEvent)).one()
    assert (event.kind, event.status) == ("issued", TicketStatus.WAITING)
    assert event.data == {"channel": "kiosk", "priority": True}


def test_priority_with_an_unknown_reason_is_refused(sqlite_hall: Hall) -> None:
    error = refused(sqlite_hall, errors.InvalidPriorityReason, priority=True,
                    priority_reason="pejabat")
    assert error.code == "invalid_priority_reason" and error.status == 422
    assert "lansia, disabilitas, ibu_hamil, anak" in error.message("id")


@pytest.mark.parametrize("code", ["NOPE", "ktp", ""])
def test_unknown_service(sqlite_hall: Hall, code: str) -> None:
    error = refused(sqlite_hall, errors.UnknownService, code)
    assert (error.code, error.status) == ("unknown_service", 404)


@pytest.mark.parametrize("model", [Service, Agency])
def test_deactivated_service_or_agency_is_unknown(sqlite_hall: Hall, model: type) -> None:
    with sqlite_hall.sessions.begin() as session:
        service = session.scalars(select(Service).where(Service.code == "KTP")).one()
        (service if model is Service else service.agency).active = False
    refused(sqlite_hall, errors.UnknownService, "KTP")
    assert issue(sqlite_hall, "SKCK").code == "C-001"


# --- hours --------------------------------------------------------------------------------

@pytest.mark.parametrize(("service", "moment", "code"), [
    ("PASPOR", "2026-11-30 07:59", "not_open_yet"),  # its own Monday hours: from 08:00
    ("PASPOR", "2026-11-30 08:00", None),
    ("PASPOR", "2026-11-30 11:59", None),
    ("PASPOR", "2026-11-30 12:00", "after_cutoff"),
    ("KTP", "2026-11-30 07:29", "not_open_yet"),  # the site's hours: from 07:30
    ("KTP", "2026-11-30 07:30", None),
    ("KTP", "2026-11-30 07:59", None),
    ("KTP", "2026-11-30 14:29", None),
    ("KTP", "2026-11-30 14:29:59.999999", None),
    ("KTP", "2026-11-30 14:30", "after_cutoff"),
    ("KTP", "2026-11-30 15:45", "after_cutoff"),  # after closing too
    ("KTP", "2026-12-04 11:29", None),  # Friday
    ("KTP", "2026-12-04 11:30", "on_break"),
    ("KTP", "2026-12-04 12:59", "on_break"),
    ("KTP", "2026-12-04 13:00", None),
    ("KTP", "2026-12-04 13:29", None),
    ("KTP", "2026-12-04 13:30", "after_cutoff"),  # Friday's earlier cut-off
    ("KTP", "2026-12-05 09:00", "closed"),  # Saturday
    ("KTP", "2026-12-06 09:00", "closed"),  # Sunday
    ("KTP", "2026-12-25 09:00", "holiday"),  # Christmas, a Friday
    ("KTP", "2026-12-24 09:00", None),
])
def test_issue_hours(sqlite_hall: Hall, service: str, moment: str, code: str | None) -> None:
    at = wita(moment)
    if code is None:
        assert issue(sqlite_hall, service, at).service_day == at.date()
        return
    error = refused(sqlite_hall, CLOSED_BECAUSE[code], service, at)
    assert error.code == code
    assert consumed(sqlite_hall) == (0, 0, [], [])


@pytest.mark.parametrize(("moment", "said_id", "said_en"), [
    ("2026-12-06 09:00", "Hari Minggu layanan tutup. Buka kembali Senin, 07.30.",
     "Closed on Sundays. Open again Monday 07.30."),
    ("2026-12-25 09:00", "Hari libur: Hari Raya Natal. Buka kembali Senin, 07.30.",
     "Closed for a holiday: Hari Raya Natal. Open again Monday 07.30."),  # Friday; Sat closed
])
def test_a_closed_day_says_why_and_when_it_opens_next(sqlite_hall: Hall, moment: str,
                                                      said_id: str, said_en: str) -> None:
    closed = errors.Holiday if "libur" in said_id else errors.ClosedDay
    error = refused(sqlite_hall, closed, "KTP", wita(moment))
    assert (error.message("id"), error.message("en")) == (said_id, said_en)


def test_refusal_messages_name_the_time_the_break_and_the_holiday(sqlite_hall: Hall) -> None:
    def refusal(service: str, moment: str) -> errors.DomainError:
        with pytest.raises(errors.ServiceClosed) as caught:
            issue(sqlite_hall, service, wita(moment))
        return caught.value

    early = refusal("PASPOR", "2026-11-30 07:59")
    assert early.params == {"time": "08.00"}
    assert early.message("id") == "Pengambilan nomor dibuka pukul 08.00."
    late = refusal("KTP", "2026-11-30 14:30")
    assert late.params == {"time": "14.30"}
    prayer = refusal("KTP", "2026-12-04 11:30")
    assert prayer.params == {"name": "Istirahat salat Jumat", "time": "13.00"}
    assert "Istirahat salat Jumat" in prayer.message("id")
    assert "Istirahat salat Jumat" in str(prayer)
    christmas = refusal("KTP", "2026-12-25 09:00")
    assert christmas.params == {"name": "Hari Raya Natal", "next_id": "Senin, 07.30",
                                "next_en": "Monday 07.30"}
    assert "Hari Raya Natal" in christmas.message("id")


def test_passport_has_only_its_own_hours(sqlite_hall: Hall) -> None:
    """PASPOR declares Monday only; its hours replace the site's, so Tuesday is closed."""
    with pytest.raises(errors.ServiceClosed) as caught:
        issue(sqlite_hall, "PASPOR", wita("2026-12-01 09:00"))
    assert caught.value.code == "closed"


def _all_day_hall(url: str) -> Hall:
    data = hall_data()
    all_day = {"issue_from": "00:00", "open": "00:00", "cutoff": "23:59:59",
               "close": "23:59:59"}
    data["site"]["hours"] = {day: all_day for day in
                             ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    return prepare_hall(url, data)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_the_service_day_is_the_date_in_wita() -> None:
    site = Site(timezone="Asia/Makassar")
    assert service_day(site, utc("2026-11-30 15:59:59.999999")) == MONDAY
    assert service_day(site, utc("2026-11-30 16:00:00")) == date(2026, 12, 1)
    assert service_day(site, utc("2026-11-29 16:00:00")) == MONDAY  # 00:00 WITA Monday


def test_the_day_turns_at_midnight_wita_not_utc(database_url: str) -> None:
    """On both databases: Monday ends at 2026-11-30T16:00Z (00:00 WITA Tuesday), and numbers
    and quotas start again. The hall issues all day, up to its 23:59:59 cut-off."""
    hall = _all_day_hall(database_url)
    try:
        monday = [issue(hall, at=utc("2026-11-30 15:59:58")) for _ in range(2)]
        with pytest.raises(errors.AfterCutoff):  # 23:59:59 WITA: the cut-off itself
            issue(hall, at=utc("2026-11-30 15:59:59"))
        tuesday = [issue(hall, at=utc("2026-11-30 16:00:00")) for _ in range(2)]
        assert [(t.service_day, t.code) for t in monday + tuesday] == [
            (MONDAY, "A-001"), (MONDAY, "A-002"),
            (date(2026, 12, 1), "A-001"), (date(2026, 12, 1), "A-002")]
        with hall.session() as session:
            issued = dict(session.execute(select(ServiceDay.day, ServiceDay.issued)).all())
        assert issued == {MONDAY: 2, date(2026, 12, 1): 2}
        # Monday's quota of 5 does not carry over: Tuesday takes three more.
        assert [issue(hall).code for _ in range(3)][-1] == "A-005"
    finally:
        hall.engine.dispose()


# --- quotas -------------------------------------------------------------------------------

def test_quota_allows_the_last_and_refuses_one_more(hall: Hall) -> None:
    """On both databases. KTP has a quota of 5."""
    codes = [issue(hall).code for _ in range(5)]
    assert codes[-1] == "A-005"
    error = refused(hall, errors.QuotaReached)
    assert (error.code, error.params) == ("quota_reached", {"quota": 5})
    assert "5" in error.message("id")
    with hall.session() as session:
        assert session.scalar(select(NumberSequence.last_number)) == 5
        assert session.scalar(select(ServiceDay.issued)) == 5
    assert issue(hall, "KK").code == "B-001"  # other services are not affected
    tuesday = issue(hall, at=wita("2026-12-01 08:00"))
    assert (tuesday.code, tuesday.service_day) == ("A-001", date(2026, 12, 1))


def test_cancelled_tickets_still_count_against_the_quota(sqlite_hall: Hall) -> None:
    hall = sqlite_hall
    tickets = [issue(hall) for _ in range(5)]
    with hall.sessions.begin() as session:
        issuing.cancel_ticket(session, hall.clock.now(), session.get(Ticket, tickets[0].id))
    refused(hall, errors.QuotaReached)


@pytest.mark.parametrize(("override", "allowed"), [(7, 7), (2, 2), (1, 1)])
def test_quota_override_raises_or_lowers_the_limit(sqlite_hall: Hall, override: int,
                                                   allowed: int) -> None:
    set_service_day(sqlite_hall, "KTP", MONDAY, quota_override=override)
    codes = [issue(sqlite_hall).code for _ in range(allowed)]
    assert codes[-1] == f"A-{allowed:03d}"
    error = refused(sqlite_hall, errors.QuotaReached)
    assert error.params == {"quota": override}


def test_quota_override_of_zero_stops_issuing(sqlite_hall: Hall) -> None:
    set_service_day(sqlite_hall, "KTP", MONDAY, quota_override=0)
    error = refused(sqlite_hall, errors.QuotaReached)
    assert error.params == {"quota": 0}


def test_quota_override_gives_a_limit_to_a_service_without_one(sqlite_hall: Hall) -> None:
    set_service_day(sqlite_hall, "SKCK", MONDAY, quota_override=1)
    issue(sqlite_hall, "SKCK")
    refused(sqlite_hall, errors.QuotaReached, "SKCK")


def test_quota_override_is_for_its_own_day_only(sqlite_hall: Hall) -> None:
    set_service_day(sqlite_hall, "KTP", date(2026, 12, 1), quota_override=1)
    assert [issue(sqlite_hall).code for _ in range(5)][-1] == "A-005"


def test_service_closed_for_today(sqlite_hall: Hall) -> None:
    set_service_day(sqlite_hall, "KTP", MONDAY, closed_reason="Jaringan SIAK terputus")
    error = refused(sqlite_hall, errors.ClosedToday)
    assert error.code == "closed_today"
    assert "Jaringan SIAK terputus" in error.message("id")
    assert issue(sqlite_hall, "KK").code == "B-001"
    assert issue(sqlite_hall, at=wita("2026-12-01 09:00")).code == "A-001"


def test_closed_today_after_some_tickets_were_issued(sqlite_hall: Hall) -> None:
    issue(sqlite_hall)
    set_service_day(sqlite_hall, "KTP", MONDAY, closed_reason="Blangko habis")
    refused(sqlite_hall, errors.ClosedToday)
    set_service_day(sqlite_hall, "KTP", MONDAY, closed_reason=None)
    assert issue(sqlite_hall).code == "A-002"


# --- a visitor leaves -----------------------------------------------------------------------

def test_find_by_token_and_cancel(sqlite_hall: Hall) -> None:
    ticket = issue(sqlite_hall)
    with sqlite_hall.sessions.begin() as session:
        found = issuing.find_ticket_by_token(session, ticket.token)
        issuing.cancel_ticket(session, sqlite_hall.clock.now(), found)
    with sqlite_hall.session() as session:
        assert session.scalars(select(Ticket.status)).one() is TicketStatus.CANCELLED
        with pytest.raises(errors.UnknownTicket):
            issuing.find_ticket_by_token(session, "not-a-token")


# --- how a ticket is written ------------------------------------------------------------------

def test_a_new_ticket_is_written_whole_with_its_events_and_held_as_written(hall: Hall) -> None:
    """The ticket and its events go out inside `issue_ticket` (on PostgreSQL as one statement,
    with the quota and number another) and the session holds the ticket as written: reading
    any of its columns asks nothing, and a fresh read finds the same values."""
    columns = [column.key for column in Ticket.__table__.columns]
    statements: list[str] = []
    engine = hall.engine

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with hall.sessions.begin() as session:
        kiosk = session.get_one(Device, "kiosk-1")  # no print agent: a failed first print
        event.listen(engine, "before_cursor_execute", on_statement)
        try:
            ticket = issuing.issue_ticket(session, hall.clock.now(), "KTP", kiosk=kiosk,
                                          kiosk_id=kiosk.id)
            written = len(statements)
            assert not (session.new or session.dirty), "left for a later flush"
            held = {key: getattr(ticket, key) for key in columns}
            assert len(statements) == written, f"read back: {statements[written:]}"
        finally:
            event.remove(engine, "before_cursor_execute", on_statement)
    writes = [s.split("\n")[0][:120] for s in statements if not s.startswith("SELECT")]
    # The quota and number, then the ticket with its events; SQLite has no writing CTEs.
    assert len(writes) == (2 if engine.dialect.name == "postgresql" else 4), writes
    with hall.session() as session:
        stored = session.get_one(Ticket, ticket.id)
        assert {key: getattr(stored, key) for key in columns} == held
        events = session.scalars(select(TicketEvent).order_by(TicketEvent.id)).all()
    assert held["print_status"] is PrintStatus.FAILED and held["call_count"] == 0
    assert [(e.ticket_id, e.kind, e.service_id) for e in events] == [
        (ticket.id, "issued", ticket.service_id), (ticket.id, "print_failed", ticket.service_id)]
    assert events[1].data == {"attempt": 1, "error": "no_agent", "detail": ""}
