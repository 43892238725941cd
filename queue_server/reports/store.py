"""What the reports keep of closed days: each ticket's facts, computed once.

A service day is closed when it is before today (site time) and none of its tickets is still
open (the rollover has expired what was left): nothing about its tickets can change any more.
Its tickets' facts (waits, service times, outcome, recalls...) are then stored in
`report_tickets`, and `report_days` remembers the day, so a year's summary reads plain
numbers instead of parsing timestamps and joining events for 60,000 tickets each time. Today
and any day not yet remembered are read live, with the very same SQL (`facts.live_facts`);
`remember.py` fills these tables.

Names (services, agencies, counters) and targets are not stored: they are joined when a
report is read, so a report always uses today's names and targets.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from queue_server.models import Base, TicketEvent, TicketStatus, _enum

# Recalls, transfers and cancellations are a few percent of the events: read by kind.
Index("ix_ticket_events_kind", TicketEvent.kind, TicketEvent.ticket_id)


class ReportChannel(enum.StrEnum):
    """How a ticket came, as reports count it: the ticket's channel, with an online ticket
    for a time slot (an appointment) told apart from one for today's queue."""

    KIOSK = "kiosk"
    ONLINE = "online"  # today's queue, taken from home
    APPOINTMENT = "appointment"
    COUNTER = "counter"


class ReportDay(Base):
    """A closed service day whose tickets are in `report_tickets`."""

    __tablename__ = "report_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tickets: Mapped[int]
    made_at: Mapped[datetime]


class ReportTicket(Base):
    """One ticket of a closed day, as the reports read it (see facts.FACT_COLUMNS)."""

    __tablename__ = "report_tickets"
    __table_args__ = (Index("ix_report_tickets_service_day", "service_day"),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date)
    hour: Mapped[int]
    issued_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    serving_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    counter_id: Mapped[str | None] = mapped_column(String(32))
    officer_id: Mapped[int | None]
    channel: Mapped[ReportChannel] = mapped_column(_enum(ReportChannel))
    priority: Mapped[bool]
    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus))
    wait_s: Mapped[float | None] = mapped_column(Float)
    service_s: Mapped[float | None] = mapped_column(Float)
    recalls: Mapped[int]
    transfers: Mapped[int]
    cancel_reason: Mapped[str | None] = mapped_column(String(32))
