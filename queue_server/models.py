"""The hall's data: agencies, services, counters, people, devices, tickets and their events.

Timestamps are stored in UTC and converted to site time only at the edges (`UTCDateTime`).
Config-owned rows (agencies, services, counters, devices) are deactivated, never deleted, so
ticket history keeps its references.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware one (the clock gives UTC)")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[str]: JSON}


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings: readable in SQL, no database enum type to migrate.
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Role(enum.StrEnum):
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    OFFICER = "officer"


class CounterState(enum.StrEnum):
    OPEN = "open"
    BREAK = "break"
    CLOSED = "closed"


class DeviceKind(enum.StrEnum):
    KIOSK = "kiosk"
    DISPLAY = "display"
    SURVEY = "survey"  # a rating screen beside a counter (queue_server/survey)


class Channel(enum.StrEnum):
    KIOSK = "kiosk"
    ONLINE = "online"
    COUNTER = "counter"


class TicketStatus(enum.StrEnum):
    # A remote ticket or appointment not yet checked in: not in the calling line (the
    # waiting order only takes WAITING). Checked in, it becomes WAITING; never checked in,
    # EXPIRED at the end of its window (queue/remote expiry).
    BOOKED = "booked"
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ACTIVE_STATUSES = (TicketStatus.CALLED, TicketStatus.SERVING)
OPEN_STATUSES = (TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING,
                 TicketStatus.PARKED)


class PrintStatus(enum.StrEnum):
    NONE = "none"  # not issued at a kiosk
    PENDING = "pending"
    PRINTED = "printed"
    FAILED = "failed"


class Site(Base):
    """The one row of site-wide rules the engine needs, copied from config.yaml."""

    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    holidays: Mapped[dict[str, Any]] = mapped_column(default=dict)  # ISO date -> name
    priority_ratio: Mapped[int] = mapped_column(default=3)
    recalls_before_no_show: Mapped[int] = mapped_column(default=2)
    late_return_places: Mapped[int] = mapped_column(default=3)
    running_text: Mapped[str] = mapped_column(Text, default="")
    # The hall's remote-booking rules (config.RemoteRules as JSON; {} = remote taking off).
    remote: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(7))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    services: Mapped[list[Service]] = relationship(
        back_populates="agency", order_by="Service.position")


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(3))
    quota: Mapped[int | None]
    target_minutes: Mapped[int] = mapped_column(default=15)
    # Issue to first call; the service's own or the hall's default (config.yaml rules).
    target_wait_minutes: Mapped[int] = mapped_column(default=30)
    requirements: Mapped[list[str]] = mapped_column(default=list)
    hours: Mapped[dict[str, Any]] = mapped_column()  # WeeklyHours as JSON, site's if not its own
    outcomes: Mapped[list[str]] = mapped_column(default=list)
    outcome_required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    # Remote taking, copied from config.yaml as in effect (the service's or the hall's):
    # the percentage of the daily quota kept for remote bookings (0: no remote taking), how
    # long before the day's cutoff remote taking closes, whether a NIK is asked, and the
    # appointment slots ({"length_minutes", "capacity"}; None: today's queue only).
    remote_share: Mapped[int] = mapped_column(default=0, server_default="0")
    remote_cutoff_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    asks_nik: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    slots: Mapped[dict[str, Any] | None] = mapped_column()

    agency: Mapped[Agency] = relationship(back_populates="services")


class ServiceDay(Base):
    """Per service per day: tickets issued (for the quota) and staff's changes for that day."""

    __tablename__ = "service_days"
    __table_args__ = (UniqueConstraint("service_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[date] = mapped_column(Date)
    issued: Mapped[int] = mapped_column(default=0)
    # Of `issued`, the remote bookings: they may not pass the service's remote share, and
    # walk-ins may not take that share while remote taking is open.
    remote_issued: Mapped[int] = mapped_column(default=0, server_default="0")
    quota_override: Mapped[int | None]
    closed_reason: Mapped[str | None] = mapped_column(String(200))


class LineCount(Base):
    """How many tickets wait in each line (service, day) and its priority segment.

    Kept by the database itself: triggers on `tickets` (migration 0010) add and take away
    one whenever a ticket joins or leaves a line, whatever statement does it, in that
    statement's transaction. A newcomer's place is then this count less the few who rank
    behind it, not a walk over everyone ahead (issue #17: cost independent of the line)."""

    __tablename__ = "line_counts"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    service_day: Mapped[date] = mapped_column(Date, primary_key=True)
    priority: Mapped[bool] = mapped_column(primary_key=True)
    waiting: Mapped[int] = mapped_column(default=0)


class NumberSequence(Base):
    """The last number given per prefix per service day; bumped atomically at issue."""

    __tablename__ = "number_sequences"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(3), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


counter_services = Table(
    "counter_services",
    Base.metadata,
    Column("counter_id", ForeignKey("counters.id"), primary_key=True),
    Column("service_id", ForeignKey("services.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)

user_agencies = Table(
    "user_agencies",
    Base.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("agency_id", ForeignKey("agencies.id"), primary_key=True),
)


class Counter(Base):
    __tablename__ = "counters"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    zone: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[CounterState] = mapped_column(_enum(CounterState), default=CounterState.CLOSED)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Priority calls in a row since the last regular one; bounded by Site.priority_ratio.
    priority_streak: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    state_changed_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship()
    services: Mapped[list[Service]] = relationship(
        secondary=counter_services, order_by=counter_services.c.position)
    officer: Mapped[User | None] = relationship()


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    password_hash: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]

    agencies: Mapped[list[Agency]] = relationship(secondary=user_agencies)


class Device(Base):
    """A kiosk, display or survey screen declared in config.yaml."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[DeviceKind] = mapped_column(_enum(DeviceKind))
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_seen_at: Mapped[datetime | None]
    printer_status: Mapped[str | None] = mapped_column(String(20))
    printer_status_at: Mapped[datetime | None]
    # A kiosk's print agent: stamped when it connects and at each status report, cleared when
    # it leaves; a stamp older than a few reports means it is gone (queue/printjobs.py).
    agent_seen_at: Mapped[datetime | None]
    # A display's own running text; None: the hall's (Site.running_text).
    running_text: Mapped[str | None] = mapped_column(Text)


# A ticket still holding its place or its booking: one per phone (and NIK) per service per day.
HOLDING_STATUSES = (TicketStatus.BOOKED, *OPEN_STATUSES)
HOLDING = f"status IN ({', '.join(repr(s.value) for s in HOLDING_STATUSES)})"
# A remote ticket's deadline: the only tickets that have one.
WITH_DEADLINE = "expires_at IS NOT NULL"


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("service_day", "prefix", "number"),
        # A counter holds at most one called or serving ticket, whatever the code above does.
        Index("ux_tickets_active_counter", "counter_id", unique=True,
              sqlite_where=text("status IN ('called', 'serving')"),
              postgresql_where=text("status IN ('called', 'serving')")),
        # A line (status, service, day) in its calling order; with the day in it, a place in
        # line is counted in the index alone, never reading the tickets themselves.
        Index("ix_tickets_line", "status", "service_id", "service_day", "priority",
              "queue_key"),
        # Typed at the kiosk without a service: unique over the whole day.
        UniqueConstraint("service_day", "booking_code", name="uq_tickets_booking_code"),
        # Anti-hoarding, held by the database whatever races the code above loses.
        Index("ux_tickets_phone_booking", "issued_service_id", "service_day", "phone_hash",
              unique=True, sqlite_where=text(f"phone_hash IS NOT NULL AND {HOLDING}"),
              postgresql_where=text(f"phone_hash IS NOT NULL AND {HOLDING}")),
        Index("ux_tickets_nik_booking", "issued_service_id", "service_day", "nik_hash",
              unique=True, sqlite_where=text(f"nik_hash IS NOT NULL AND {HOLDING}"),
              postgresql_where=text(f"nik_hash IS NOT NULL AND {HOLDING}")),
        # The bookings' deadlines, for the sweep that expires them, over the remote tickets
        # alone. An index of every ticket led by its status drew PostgreSQL's planner, on
        # tables without statistics, away from the line's index for a place in line. Not
        # "status = 'booked'": SQLite then prepared again, at every run, each statement that
        # compares the status with a bound value (to learn whether it implied the index's).
        Index("ix_tickets_booked", "expires_at", sqlite_where=text(WITH_DEADLINE),
              postgresql_where=text(WITH_DEADLINE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    # The service it was issued for; a transfer changes service_id, not this (quotas, reports).
    issued_service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    service_day: Mapped[date] = mapped_column(Date)
    prefix: Mapped[str] = mapped_column(String(3))
    number: Mapped[int]
    code: Mapped[str] = mapped_column(String(8))
    priority: Mapped[bool] = mapped_column(default=False)
    priority_reason: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus))
    token: Mapped[str] = mapped_column(String(43), unique=True)
    print_status: Mapped[PrintStatus] = mapped_column(_enum(PrintStatus), default=PrintStatus.NONE)
    # Print jobs sent for this ticket (a reprint is one more); the job id is "<id>.<attempt>".
    print_attempts: Mapped[int] = mapped_column(default=0)
    print_error: Mapped[str | None] = mapped_column(String(20))  # no_agent, paper_out, ...
    print_sent_at: Mapped[datetime | None]  # when the last job went to the kiosk's agent
    kiosk_id: Mapped[str | None] = mapped_column(ForeignKey("devices.id"))
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    call_count: Mapped[int] = mapped_column(default=0)
    queue_key: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime]
    called_at: Mapped[datetime | None]  # first call: the end of the wait
    last_called_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]  # done, no-show, cancelled or expired
    # Remote tickets and appointments (Channel.ONLINE). issued_at is set again at check-in,
    # when the visitor joins the line, so waits are counted from arrival.
    booked_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    slot_start: Mapped[datetime | None]  # an appointment's time; None: today's queue
    # Checked in between these, the booked place is kept; later, until expires_at, the
    # ticket joins at the back; after expires_at it is expired (its quota given back).
    arrive_from: Mapped[datetime | None]
    arrive_until: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    booking_code: Mapped[str | None] = mapped_column(String(8))
    # Keyed HMAC-SHA256 (hex) of the normalised number, and its last digits for staff.
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    phone_last4: Mapped[str | None] = mapped_column(String(4))
    nik_hash: Mapped[str | None] = mapped_column(String(64))
    nik_last4: Mapped[str | None] = mapped_column(String(4))

    service: Mapped[Service] = relationship(foreign_keys=[service_id])
    counter: Mapped[Counter | None] = relationship()


class TicketEvent(Base):
    """Append-only: one row per transition. Reports and the audit trail are read from here."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[TicketStatus] = mapped_column(_enum(TicketStatus))  # the status it left at
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    address: Mapped[str | None] = mapped_column(String(64))  # the staff member's, for the audit


class CounterEvent(Base):
    """Append-only: counters opened, paused and closed, and by whom."""

    __tablename__ = "counter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[str] = mapped_column(ForeignKey("counters.id"), index=True)
    state: Mapped[CounterState] = mapped_column(_enum(CounterState))
    at: Mapped[datetime] = mapped_column(index=True)  # reports read a time range
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))  # the staff member's, for the audit


class WebhookDelivery(Base):
    """The outbox of the hall's webhook: written in the event's own transaction, posted by a
    background sender (queue_server/webhooks) with retries. One row per ticket per event."""

    __tablename__ = "webhook_outbox"
    __table_args__ = (UniqueConstraint("ticket_id", "event"),
                      Index("ix_webhook_outbox_due", "delivered_at", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    event: Mapped[str] = mapped_column(String(20))  # booked, few_ahead, called, expired
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime]
    # When a sender may take it next: a claim moves it forward (a lease), a failure by the
    # backoff; delivered_at ends it, as does giving up (failed_at) after the last attempt.
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))


class ServiceDayEvent(Base):
    """A supervisor's change to a service for one day (closed, quota), with the reason."""

    __tablename__ = "service_day_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

