"""Posting the webhook outbox to the hall's gateway: retried with backoff, never blocking.

A sender claims due rows by moving their next attempt a lease ahead in one UPDATE that
re-checks that they are due, so two server processes never post the same row at once (on
PostgreSQL the rows are locked as they are chosen and another sender skips them; a row it
still meets is re-read and found no longer due).
A row is delivered on a 2xx answer; otherwise it is tried again after a growing pause, and
given up (logged) after MAX_ATTEMPTS. The phone number a `booked` row carries is erased once
the row is delivered or given up.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from queue_server.models import WebhookDelivery

log = logging.getLogger(__name__)

BATCH = 20
TIMEOUT_S = 5.0
# A claimed row another process may take again after this: longer than a batch posted to a
# gateway that times out on every row, so a row still being posted is never taken twice.
LEASE = timedelta(seconds=BATCH * TIMEOUT_S + 60)
MAX_ATTEMPTS = 10
FIRST_PAUSE_S, LONGEST_PAUSE_S = 5, 15 * 60


@dataclass(frozen=True)
class Claimed:
    id: int
    payload: dict[str, Any]
    attempts: int


def without_phone(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != "phone"}


def pause_after(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … up to 15 minutes between tries."""
    return timedelta(seconds=min(FIRST_PAUSE_S * 2 ** (attempts - 1), LONGEST_PAUSE_S))


def claim(session: Session, now: datetime) -> list[Claimed]:
    """Take up to BATCH due rows for this process (committed at once)."""
    due = (WebhookDelivery.delivered_at.is_(None) & WebhookDelivery.failed_at.is_(None)
           & (WebhookDelivery.next_attempt_at <= now))
    # SKIP LOCKED (PostgreSQL): a process at the same moment takes the next rows instead of
    # waiting for these and then finding them taken.
    first = (select(WebhookDelivery.id).where(due).order_by(WebhookDelivery.id).limit(BATCH)
             .with_for_update(skip_locked=True))
    rows = session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id.in_(first.scalar_subquery()), due)
        .values(next_attempt_at=now + LEASE, attempts=WebhookDelivery.attempts + 1)
        .returning(WebhookDelivery.id, WebhookDelivery.payload, WebhookDelivery.attempts)
        .execution_options(synchronize_session=False)).all()
    session.commit()
    return sorted((Claimed(*row) for row in rows), key=lambda c: c.id)


def post(url: str, payload: dict[str, Any]) -> str | None:
    """POST the payload as JSON; None when the gateway answered 2xx, else what went wrong."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "antre-webhook/1"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            return None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (OSError, ValueError) as error:  # refused, unreachable, timed out, bad URL
        return str(getattr(error, "reason", error))[:200]


def settle(session: Session, now: datetime, claimed: Claimed, problem: str | None) -> None:
    """Record the attempt's outcome (committed by the caller)."""
    row = session.get_one(WebhookDelivery, claimed.id)
    if problem is None:
        row.delivered_at = now
    elif claimed.attempts >= MAX_ATTEMPTS:
        row.failed_at, row.last_error = now, problem
        log.error("webhook %s of ticket %s given up after %d attempts: %s", row.event,
                  row.ticket_id, claimed.attempts, problem)
    else:
        row.next_attempt_at, row.last_error = now + pause_after(claimed.attempts), problem
        log.warning("webhook %s of ticket %s failed (attempt %d, next at %s): %s", row.event,
                    row.ticket_id, claimed.attempts, row.next_attempt_at.isoformat(), problem)
    if row.delivered_at is not None or row.failed_at is not None:
        row.payload = without_phone(row.payload)


def abandon(session: Session, now: datetime, reason: str) -> int:
    """Give up every undelivered row (the hall removed its webhook_url): no phone number is
    kept for a gateway that is no longer there. The number given up."""
    rows = session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.delivered_at.is_(None), WebhookDelivery.failed_at.is_(None))).all()
    for row in rows:
        row.failed_at, row.last_error = now, reason
        row.payload = without_phone(row.payload)
    session.commit()
    if rows:
        log.warning("%d webhook events given up: %s", len(rows), reason)
    return len(rows)


def send_due(session: Session, now: datetime, url: str, public_url: str) -> int:
    """Claim and post what is due; the number delivered."""
    delivered = 0
    for claimed in claim(session, now):
        body = dict(claimed.payload)
        body["ticket"] = {**body["ticket"],
                          "tracking_url": f"{public_url}/t/{body['ticket']['token']}"}
        problem = post(url, body)
        settle(session, now, claimed, problem)
        session.commit()
        delivered += problem is None
    return delivered
