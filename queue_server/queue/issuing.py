"""Issuing tickets: the rules at the kiosk, the number, the quota; and a visitor's walkout."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import NoReturn, TypedDict, Unpack

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    bindparam,
    exists,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from queue_server.models import (
    Agency,
    Channel,
    Device,
    NumberSequence,
    PrintStatus,
    Service,
    ServiceDay,
    Ticket,
    TicketStatus,
)
from queue_server.queue.catalog import attach, catalog, service_hours
from queue_server.queue.common import new_event, record, site_rules, site_time, upsert_for
from queue_server.queue.errors import (
    ClosedToday,
    InvalidPriorityReason,
    InvalidTransition,
    QuotaKeptForRemote,
    QuotaReached,
    RemoteQuotaReached,
    UnknownService,
    UnknownTicket,
)
from queue_server.queue.estimates import PlaceAndPace
from queue_server.queue.hours import issue_refusal
from queue_server.queue.newticket import write_new_ticket
from queue_server.queue.printjobs import first_print, print_failure
from queue_server.queue.remote import Share, kept_for_remote, walk_in_share


class PriorityReason(enum.StrEnum):
    ELDERLY = "lansia"
    DISABILITY = "disabilitas"
    PREGNANT = "ibu_hamil"
    CHILD = "anak"


def format_code(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


def find_service(session: Session, code: str) -> Service:
    cached = catalog(session)
    if cached is not None:
        found = cached.issuable.get(code)
        if found is None:
            raise UnknownService(service=code)
        return attach(session, found)
    service = session.scalar(
        select(Service).join(Agency)
        .where(Service.code == code, Service.active, Agency.active))
    if service is None:
        raise UnknownService(service=code)
    return service


class IssueOptions(TypedDict, total=False):
    priority: bool
    priority_reason: str | None
    channel: Channel
    kiosk_id: str | None
    user_id: int | None
    kiosk: Device | None
    queued_at: Callable[[], datetime] | None


def issue_ticket(session: Session, now: datetime, service_code: str,
                 **options: Unpack[IssueOptions]) -> Ticket:
    """`issue_placed`'s ticket."""
    return issue_placed(session, now, service_code, **options)[0]


def issue_placed(session: Session, now: datetime, service_code: str, *,
                 priority: bool = False, priority_reason: str | None = None,
                 channel: Channel = Channel.KIOSK, kiosk_id: str | None = None,
                 user_id: int | None = None, kiosk: Device | None = None,
                 queued_at: Callable[[], datetime] | None = None
                 ) -> tuple[Ticket, PlaceAndPace | None]:
    """Give the next number of the service's prefix, if hours, holidays and quota allow;
    the new ticket, with its place and pace when they were read as it was written (on
    PostgreSQL: see `write_new_ticket`).

    With `kiosk`, the first print attempt is settled on the new ticket before it is written
    (pending when the kiosk's agent is connected, failed otherwise), so the ticket is one
    INSERT and its events another.

    `queued_at` (a clock) is read once the number is taken, while its row stays locked until
    the commit: the line then follows the numbers' order even when another process held the
    row first, where `now` (read when the request came in) would queue the later number
    ahead of the earlier one. Without it, the ticket joins its line at `now`."""
    service = find_service(session, service_code)
    reason = _priority_reason(priority, priority_reason)
    rules = site_rules(session)
    local = site_time(rules, now)
    hours = service_hours(session, service)
    refusal = issue_refusal(hours, rules.holidays, local)
    if refusal is not None:
        raise refusal
    day = local.date()
    number = take_quota_and_number(
        session, service, day,
        walk_in_share(service, hours.for_weekday(local.weekday()), local.time()))
    joined = max(now, queued_at()) if queued_at is not None else now
    ticket = Ticket(
        service_id=service.id, issued_service_id=service.id, service_day=day,
        prefix=service.prefix, number=number, code=format_code(service.prefix, number),
        priority=priority, priority_reason=reason, channel=channel,
        status=TicketStatus.WAITING, token=secrets.token_urlsafe(32),
        print_status=PrintStatus.PENDING if channel is Channel.KIOSK else PrintStatus.NONE,
        kiosk_id=kiosk_id, queue_key=joined, issued_at=joined)
    ticket.service = service
    printing = kiosk is not None and first_print(ticket, kiosk, joined)
    events = [new_event(session, ticket, "issued", joined, from_status=TicketStatus.WAITING,
                        user_id=user_id, channel=channel.value, priority=priority)]
    if kiosk is not None and not printing:
        events.append(print_failure(session, joined, ticket))
    return ticket, write_new_ticket(session, ticket, events)


def _priority_reason(priority: bool, reason: str | None) -> str | None:
    if not priority or reason is None:
        return None
    try:
        return PriorityReason(reason).value
    except ValueError:
        raise InvalidPriorityReason(
            reason=reason, choices=", ".join(r.value for r in PriorityReason)) from None


def take_quota_unit(session: Session, service: Service, day: date, share: Share) -> None:
    """Count one ticket against the day's quota, atomically, or refuse.

    One upsert: the day's first ticket makes the row with one issued (when the quota allows
    one), any later one adds one where the day is not closed and the quota not reached. With
    a share kept for remote bookings, a remote booking must also fit in that share and a
    walk-in must leave it whole. On PostgreSQL the upsert locks the day's row until the
    transaction ends, so bookings of one service and day follow each other (slots count on it).
    """
    statement = _take_quota_unit(session.get_bind().dialect.name, share.percent > 0,
                                 share.remote)
    taken = session.connection().execute(statement, _quota_values(service, day, share)).scalar()
    if taken is None or taken < 1:
        _refuse(session, service, day, share)


def take_quota_and_number(session: Session, service: Service, day: date, share: Share) -> int:
    """`take_quota_unit`, then `next_number` for the service's prefix. On PostgreSQL both are
    one statement, the number's upsert running only when the quota's gave a unit back: one
    round trip less while the service's day row is locked (every issue of the service waits
    on it, in any process)."""
    if session.get_bind().dialect.name != "postgresql":
        take_quota_unit(session, service, day, share)
        return next_number(session, day, service.prefix)
    number: int | None = session.connection().execute(
        _quota_and_number(share.percent > 0, share.remote),
        {**_quota_values(service, day, share), "prefix": service.prefix}).scalar()
    if number is None:
        _refuse(session, service, day, share)
    return number


def _quota_values(service: Service, day: date, share: Share) -> dict[str, object]:
    first_limit = (kept_for_remote(service.quota, share.percent) if share.remote
                   else (service.quota or 0) - kept_for_remote(service.quota, share.percent))
    first = 1 if service.quota is None or first_limit >= 1 else 0
    return {"service_id": service.id, "day": day, "quota": service.quota,
            "percent": share.percent, "first": first,
            "remote_first": first if share.remote else 0}


def _refuse(session: Session, service: Service, day: date, share: Share) -> NoReturn:
    """Why the quota's upsert gave no unit: the day is closed, or a quota is reached."""
    row = session.scalars(
        select(ServiceDay).where(ServiceDay.service_id == service.id, ServiceDay.day == day)
        .execution_options(populate_existing=True)).one()
    if row.closed_reason is not None:
        raise ClosedToday(reason=row.closed_reason)
    override = row.quota_override
    limit_today = override if override is not None else service.quota
    kept = kept_for_remote(limit_today, share.percent)
    if share.remote and limit_today is not None and row.remote_issued >= kept:
        raise RemoteQuotaReached(service=service.name, kept=kept)
    if limit_today is not None and row.issued >= limit_today:
        raise QuotaReached(quota=limit_today)
    raise QuotaKeptForRemote(time=share.until)


@lru_cache(maxsize=8)
def _take_quota_unit(dialect: str, shared: bool, remote: bool) -> ReturningInsert[int]:
    """The upsert of `take_quota_unit` for a dialect and a kind of share, built once with
    bound values and run on the connection, not through the ORM: building it and its cache
    key, and the ORM's bulk-insert path, were a sixth of an issue's CPU."""
    no_limit = 2**31 - 1
    service_quota = bindparam("quota", type_=Integer)
    quota = func.coalesce(ServiceDay.quota_override, service_quota, no_limit)
    allowed = ServiceDay.closed_reason.is_(None) & (ServiceDay.issued < quota)
    if shared:
        limit = func.coalesce(ServiceDay.quota_override, service_quota)
        kept_part: ColumnElement[int] = limit * bindparam("percent", type_=Integer) // 100
        allowed &= (ServiceDay.remote_issued < func.coalesce(kept_part, no_limit)) \
            if remote else \
            (ServiceDay.issued - ServiceDay.remote_issued < quota - func.coalesce(kept_part, 0))
    changes = {"issued": ServiceDay.issued + 1}
    if remote:
        changes["remote_issued"] = ServiceDay.remote_issued + 1
    return (upsert_for(dialect, ServiceDay)
            .values(service_id=bindparam("service_id"), day=bindparam("day"),
                    issued=bindparam("first"), remote_issued=bindparam("remote_first"))
            .on_conflict_do_update(index_elements=["service_id", "day"], set_=changes,
                                   where=allowed)
            .returning(ServiceDay.issued))


@lru_cache(maxsize=4)
def _quota_and_number(shared: bool, remote: bool) -> Select[int]:
    """PostgreSQL: the quota's upsert and the number's as one statement of two data-modifying
    CTEs. The number's reads the quota's RETURNING, so it runs after it and inserts (or
    bumps) nothing when the quota refused: the numbers stay gapless."""
    quota = _take_quota_unit("postgresql", shared, remote).cte("quota")
    number = (upsert_for("postgresql", NumberSequence)
              .from_select(["day", "prefix", "last_number"],
                           select(bindparam("day", type_=Date), bindparam("prefix", type_=String),
                                  literal(1)).where(exists().where(quota.c.issued >= 1)))
              .on_conflict_do_update(index_elements=["day", "prefix"],
                                     set_={"last_number": NumberSequence.last_number + 1})
              .returning(NumberSequence.last_number)
              .cte("number"))
    return select(number.c.last_number)


def return_quota_unit(session: Session, ticket: Ticket) -> None:
    """Give back the quota unit of a booking that will never be served (cancelled before
    its check-in, or expired): the number is anyone's again."""
    remote = 1 if ticket.channel is Channel.ONLINE else 0
    session.execute(
        update(ServiceDay)
        .where(ServiceDay.service_id == ticket.issued_service_id,
               ServiceDay.day == ticket.service_day, ServiceDay.issued > 0)
        .values(issued=ServiceDay.issued - 1, remote_issued=ServiceDay.remote_issued - remote)
        .execution_options(synchronize_session=False))


def next_number(session: Session, day: date, prefix: str) -> int:
    """The next number of a prefix on a day: gapless and unique under any concurrency,
    because the increment and the read are one statement on one row."""
    number: int = session.connection().execute(  # Core: the ORM's insert path costs more
        _next_number(session.get_bind().dialect.name),
        {"day": day, "prefix": prefix}).scalar_one()
    return number


@lru_cache(maxsize=2)
def _next_number(dialect: str) -> ReturningInsert[int]:
    """The upsert of `next_number` for a dialect, built once with bound values (building it
    and its cache key for every ticket cost more Python than running it)."""
    return (upsert_for(dialect, NumberSequence)
            .values(day=bindparam("day"), prefix=bindparam("prefix"), last_number=1)
            .on_conflict_do_update(index_elements=["day", "prefix"],
                                   set_={"last_number": NumberSequence.last_number + 1})
            .returning(NumberSequence.last_number))


def find_ticket_by_token(session: Session, token: str) -> Ticket:
    ticket = session.scalar(select(Ticket).where(Ticket.token == token))
    if ticket is None:
        raise UnknownTicket()
    return ticket


def cancel_ticket(session: Session, now: datetime, ticket: Ticket, *,
                  user_id: int | None = None, reason: str = "visitor_left") -> Ticket:
    """A waiting visitor leaves (or staff remove them): counted apart from no-shows. A
    booking cancelled before its check-in gives its quota unit back."""
    left = ticket.status
    if left not in (TicketStatus.WAITING, TicketStatus.BOOKED):
        raise InvalidTransition(ticket=ticket.code, status=left.value, action="cancel")
    ticket.status = TicketStatus.CANCELLED
    ticket.finished_at = now
    if left is TicketStatus.BOOKED:
        return_quota_unit(session, ticket)
    record(session, ticket, "cancelled", now, from_status=left, user_id=user_id, reason=reason)
    return ticket
