"""Small pieces every read model uses: site-time strings, minutes waited, an officer, a day's
bounds, a row that must still be there."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from queue_server.models import Site, User
from queue_server.queue.common import zone
from queue_server.schemas import OfficerOut


def local_iso(moment: datetime, timezone: str) -> str:
    return moment.astimezone(zone(timezone)).isoformat()


def day_bounds(site: Site, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=zone(site.timezone))
    return start, start + timedelta(days=1)


def minutes_since(since: datetime | None, now: datetime) -> int:
    return max(0, math.floor((now - since).total_seconds() / 60)) if since else 0


def officer_out(user: User | None) -> OfficerOut | None:
    return OfficerOut(id=user.id, username=user.username, name=user.name) if user else None


def find_active(session: Session, model: type[Any], key: Any) -> Any:
    found = session.get(model, key)
    if found is None or not getattr(found, "active", True):
        raise LookupError(f"{model.__name__} {key!r} is gone")
    return found
