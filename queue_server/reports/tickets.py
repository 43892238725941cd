"""The raw tickets of a period, one row per ticket, for the manager's own analysis.

The same facts the figures are computed from (`facts.py`), so recomputing a figure from these
rows gives the summary's value: the channel tells an appointment apart, and a booking never
checked in has the status `booked`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from queue_server.models import Agency, Counter, Ticket, User
from queue_server.reports.facts import (
    Issued,
    Serving,
    channel_fact,
    event_counts,
    in_period,
    status_fact,
)
from queue_server.reports.figures import report_dialect
from queue_server.reports.period import Period, Scope
from queue_server.reports.rows import Column

TICKET_COLUMNS: tuple[Column, ...] = (
    Column("code", "text", "Nomor", "Ticket"),
    Column("day", "date", "Tanggal", "Day"),
    Column("agency", "text", "Instansi", "Agency"),
    Column("service", "text", "Layanan", "Service"),
    Column("final_service", "text", "Layanan akhir", "Final service"),
    Column("counter", "text", "Loket", "Counter"),
    Column("officer", "text", "Petugas", "Officer"),
    Column("channel", "text", "Saluran", "Channel"),
    Column("priority", "count", "Prioritas", "Priority"),
    Column("priority_reason", "text", "Alasan prioritas", "Priority reason"),
    Column("status", "text", "Status", "Status"),
    Column("outcome", "text", "Hasil", "Outcome"),
    Column("booked", "datetime", "Dipesan", "Booked"),
    Column("slot", "datetime", "Jadwal janji", "Appointment slot"),
    Column("checked_in", "datetime", "Check-in", "Checked in"),
    Column("issued", "datetime", "Terbit", "Issued"),
    Column("called", "datetime", "Dipanggil", "Called"),
    Column("started", "datetime", "Mulai", "Started"),
    Column("finished", "datetime", "Selesai", "Finished"),
    Column("wait_s", "seconds", "Tunggu (detik)", "Wait (s)"),
    Column("service_s", "seconds", "Layanan (detik)", "Service (s)"),
    Column("wait_target_min", "count", "Target tunggu (menit)", "Target wait (min)"),
    Column("service_target_min", "count", "Target layanan (menit)", "Target service (min)"),
    Column("recalls", "count", "Panggilan ulang", "Recalls"),
    Column("transfers", "count", "Dialihkan", "Transfers"),
    Column("cancel_reason", "text", "Alasan batal", "Cancel reason"),
)


@dataclass(frozen=True)
class TicketRow:
    code: str
    day: date
    agency: str
    service: str
    final_service: str
    counter: str | None
    officer: str | None
    channel: str
    priority: int
    priority_reason: str | None
    status: str
    outcome: str | None
    booked: datetime | None
    slot: datetime | None
    checked_in: datetime | None
    issued: datetime
    called: datetime | None
    started: datetime | None
    finished: datetime | None
    wait_s: float | None
    service_s: float | None
    wait_target_min: int
    service_target_min: int
    recalls: int
    transfers: int
    cancel_reason: str | None

    def value(self, name: str) -> Any:
        return getattr(self, name)


def ticket_rows(session: Session, period: Period, scope: Scope) -> Iterator[TicketRow]:
    """The period's tickets in the order they were issued; times on the site's clock (naive,
    as spreadsheets want them)."""
    sql, timezone = report_dialect(session, period)
    zone = ZoneInfo(timezone)
    events = event_counts(period, scope)
    officer = aliased(User)
    wait = sql.seconds(Ticket.called_at, Ticket.issued_at)
    service = sql.seconds(Ticket.finished_at, Ticket.started_at)
    query = (
        select(Ticket, channel_fact(), status_fact(), Agency.code, Issued.code, Serving.code,
               Counter.id, officer.username, Issued.target_wait_minutes, Serving.target_minutes,
               wait, service, events.c.recalls, events.c.transfers, events.c.cancel_reason)
        .join(Issued, Issued.id == Ticket.issued_service_id)
        .join(Agency, Agency.id == Issued.agency_id)
        .join(Serving, Serving.id == Ticket.service_id)
        .outerjoin(Counter, Counter.id == Ticket.counter_id)
        .outerjoin(officer, officer.id == Ticket.officer_id)
        .outerjoin(events, events.c.ticket_id == Ticket.id)
        .where(*in_period(period, scope, Issued))
        .order_by(Ticket.service_day, Ticket.issued_at, Ticket.id)
        .execution_options(yield_per=2000))

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None

    for (ticket, channel, status, agency, issued_code, final_code, counter_id, username,
         wait_target, service_target, wait_s, service_s, recalls, transfers,
         reason) in session.execute(query):
        served = ticket.status.value == "done" and ticket.started_at is not None
        yield TicketRow(
            code=ticket.code, day=ticket.service_day, agency=agency, service=issued_code,
            final_service=final_code, counter=counter_id, officer=username,
            channel=str(channel), priority=int(ticket.priority),
            priority_reason=ticket.priority_reason, status=str(status),
            outcome=ticket.outcome, booked=local(ticket.booked_at), slot=local(ticket.slot_start),
            checked_in=local(ticket.checked_in_at),
            issued=local(ticket.issued_at) or ticket.issued_at,
            called=local(ticket.called_at), started=local(ticket.started_at),
            finished=local(ticket.finished_at),
            wait_s=round(float(wait_s), 3) if ticket.called_at is not None else None,
            service_s=round(float(service_s), 3) if served else None,
            wait_target_min=int(wait_target), service_target_min=int(service_target),
            recalls=int(recalls or 0), transfers=int(transfers or 0), cancel_reason=reason)
