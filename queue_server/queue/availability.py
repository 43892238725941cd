"""Whether a service issues tickets now, and why not: the read-only twin of issuing's checks,
for screens that show every service at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from queue_server.config import WeeklyHours
from queue_server.models import Service, ServiceDay, Site
from queue_server.queue.errors import ClosedToday, DomainError, QuotaReached
from queue_server.queue.hours import issue_refusal


@dataclass(frozen=True)
class Availability:
    refusal: DomainError | None  # None: open
    quota: int | None  # today's limit (a supervisor's override, else the configured one)
    issued: int

    @property
    def quota_left(self) -> int | None:
        return max(0, self.quota - self.issued) if self.quota is not None else None


def availability(site: Site, local: datetime, service: Service,
                 day: ServiceDay | None) -> Availability:
    """The same rules in the same order as `issuing.issue_ticket`: hours, then staff's
    closing for the day, then the quota."""
    override = day.quota_override if day is not None else None
    quota = override if override is not None else service.quota
    issued = day.issued if day is not None else 0
    refusal: DomainError | None = issue_refusal(
        WeeklyHours.model_validate(service.hours), site.holidays, local)
    if refusal is None and day is not None and day.closed_reason:
        refusal = ClosedToday(reason=day.closed_reason)
    if refusal is None and quota is not None and issued >= quota:
        refusal = QuotaReached(quota=quota)
    return Availability(refusal, quota, issued)
