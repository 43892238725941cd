"""A recall counts only once the previous call had time to be heard.

Ten presses of "Panggil ulang" in two seconds would otherwise count as recalls while the
display voiced one, and "Tidak hadir" would be allowed at once. The hall sets the interval
(`rules.recall_interval_seconds`): about the chime, the sentence and its repeat.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from queue_server.models import Ticket
from queue_server.queue.common import get_site, site_time
from queue_server.queue.errors import RecallTooSoon


def next_recall_at(ticket: Ticket, interval: timedelta) -> datetime | None:
    """When the ticket may be recalled again; None when it has never been called."""
    return ticket.last_called_at + interval if ticket.last_called_at else None


def require_heard(session: Session, ticket: Ticket, now: datetime,
                  interval: timedelta) -> None:
    """Refuse a recall while the previous call of `ticket` may still be being announced."""
    possible = next_recall_at(ticket, interval)
    if possible is None or now >= possible:
        return
    local = site_time(get_site(session), possible)
    raise RecallTooSoon(at=local.strftime("%H.%M.%S"),
                        seconds=math.ceil((possible - now).total_seconds()))
