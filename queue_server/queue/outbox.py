"""The webhook outbox: an event of a remote ticket written in the transaction that made it,
for the background sender (queue_server/webhooks) to post to the hall's gateway.

Only when the hall configured a webhook URL. One row per ticket per event (the database
keeps it so, whichever process notices first). The `booked` row carries the normalised phone
number, the one time it leaves Antre, so the gateway can text the visitor; the sender erases
it once the row is delivered or given up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.config import Remote
from queue_server.models import Channel, Ticket, TicketStatus, WebhookDelivery
from queue_server.queue.common import get_site, service_day, upsert
from queue_server.queue.order import waiting_order
from queue_server.queue.remote import remote_rules

EVENTS = ("booked", "few_ahead", "called", "expired")


def ticket_payload(ticket: Ticket, event: str, now: datetime) -> dict[str, Any]:
    """What the gateway is told; the sender adds the tracking URL (the hall's public URL)."""
    def stamp(value: datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "event": event, "at": now.isoformat(),
        "ticket": {
            "code": ticket.code, "booking_code": ticket.booking_code,
            "token": ticket.token, "service": ticket.service.code,
            "service_name": ticket.service.name, "day": ticket.service_day.isoformat(),
            "slot_start": stamp(ticket.slot_start), "arrive_from": stamp(ticket.arrive_from),
            "arrive_until": stamp(ticket.arrive_until), "expires_at": stamp(ticket.expires_at),
            "status": ticket.status.value, "phone_last4": ticket.phone_last4,
        },
    }


def enqueue(session: Session, now: datetime, rules: Remote, ticket: Ticket, event: str,
            **extra: Any) -> None:
    """Write the event for the sender, if the hall has a webhook (once per ticket and event)."""
    if not rules.webhook_url:
        return
    payload = {**ticket_payload(ticket, event, now), **extra}
    session.execute(
        upsert(session, WebhookDelivery)
        .values(ticket_id=ticket.id, event=event, payload=payload, created_at=now,
                next_attempt_at=now, attempts=0)
        .on_conflict_do_nothing(index_elements=["ticket_id", "event"]))


def note_progress(session: Session, now: datetime) -> int:
    """Write `called` and `few_ahead` for today's remote tickets that reached them (read
    from their state, so calling need not know of webhooks); the number written. Every few
    seconds, by each server process: the unique (ticket, event) keeps it once."""
    site = get_site(session)
    rules = remote_rules(site)
    if not rules.webhook_url:
        return 0
    today = service_day(site, now)

    def unsent(event: str, *statuses: TicketStatus) -> list[Ticket]:
        told = select(WebhookDelivery.ticket_id).where(WebhookDelivery.event == event)
        return list(session.scalars(
            select(Ticket).where(Ticket.channel == Channel.ONLINE, Ticket.service_day == today,
                                 Ticket.status.in_(statuses), Ticket.id.not_in(told))))

    called = unsent("called", TicketStatus.CALLED, TicketStatus.SERVING)
    for ticket in called:
        enqueue(session, now, rules, ticket, "called",
                counter=ticket.counter.name if ticket.counter else None)
    near = 0
    waiting = unsent("few_ahead", TicketStatus.WAITING)
    for service_id in {ticket.service_id for ticket in waiting}:
        front = list(session.scalars(
            select(Ticket.id).where(Ticket.status == TicketStatus.WAITING,
                                    Ticket.service_id == service_id,
                                    Ticket.service_day == today)
            .order_by(*waiting_order()).limit(rules.few_ahead + 1)))
        for ticket in waiting:
            if ticket.service_id == service_id and ticket.id in front:
                enqueue(session, now, rules, ticket, "few_ahead", ahead=front.index(ticket.id))
                near += 1
    return len(called) + near
