"""Whether a service issues tickets now, and why not: the read-only twin of issuing's checks,
for screens that show every service at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from queue_server.config import WeeklyHours
from queue_server.models import Service, ServiceDay, Site
from queue_server.queue.catalog import SiteRules
from queue_server.queue.errors import ClosedToday, DomainError, QuotaKeptForRemote, QuotaReached
from queue_server.queue.hours import issue_refusal
from queue_server.queue.remote import kept_for_remote, walk_in_share


@dataclass(frozen=True)
class Availability:
    refusal: DomainError | None  # None: open
    quota: int | None  # today's limit (a supervisor's override, else the configured one)
    issued: int
    # Of the quota, what walk-ins must leave to remote bookings now (0 after their cut-off),
    # and how much of `issued` were remote bookings.
    kept: int = 0
    remote_issued: int = 0

    @property
    def quota_left(self) -> int | None:
        """What a walk-in may still take."""
        if self.quota is None:
            return None
        walk_ins = self.issued - self.remote_issued
        return max(0, min(self.quota - self.issued, self.quota - self.kept - walk_ins))


def availability(site: Site | SiteRules, local: datetime, service: Service,
                 day: ServiceDay | None, hours: WeeklyHours) -> Availability:
    """The same rules in the same order as `issuing.issue_ticket`: hours, then staff's
    closing for the day, then the quota (and the part of it kept for remote bookings).
    `hours`: the service's, as `catalog.service_hours` gives them (parsed once per process)."""
    override = day.quota_override if day is not None else None
    quota = override if override is not None else service.quota
    issued = day.issued if day is not None else 0
    refusal: DomainError | None = issue_refusal(hours, site.holidays, local)
    share = walk_in_share(service, hours.for_weekday(local.weekday()), local.time())
    state = Availability(None, quota, issued, kept_for_remote(quota, share.percent),
                         day.remote_issued if day is not None else 0)
    if refusal is None and day is not None and day.closed_reason:
        refusal = ClosedToday(reason=day.closed_reason)
    if refusal is None and quota is not None and issued >= quota:
        refusal = QuotaReached(quota=quota)
    if refusal is None and state.quota_left == 0:
        refusal = QuotaKeptForRemote(time=share.until)
    return Availability(refusal, quota, issued, state.kept, state.remote_issued)
