"""The `print_ticket` job: what the server sends a kiosk's print agent, defined once.

The server builds a `PrintJob` and sends `job.model_dump(mode="json")`; the agent reads it back
with `parse_job`. Both sides validate against this one model, so a renamed or missing field
fails in the tests of either side, not at a kiosk at print time. Any change to the fields is
a new `PAYLOAD_VERSION`: an agent refuses a job of a version it does not know, with an error
it sends back as a failed print (the ticket is then shown on the kiosk's screen), rather than
printing half a ticket.

Plain pydantic, like the rest of `printer`: no Flask, no database.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from printer.ticket import TicketPrint

PAYLOAD_VERSION = 2  # 2: wait_note (the wait line when no figure is honest)
# What the server's hub adds to every event it sends (DESIGN.md, Realtime): the delivery's,
# not the job's, so they are set aside before the job is checked.
ENVELOPE = frozenset({"event_id", "room", "seq", "epoch"})


class PayloadError(ValueError):
    """A print job this agent cannot print as sent. `job_id` is set when the job could
    still be answered."""

    def __init__(self, message: str, job_id: str | None = None) -> None:
        super().__init__(message)
        self.job_id = job_id


class UnknownPayloadVersion(PayloadError):
    """The job is of a payload version this agent does not know: update one side."""


class TicketFields(BaseModel):
    """The ticket as printed: plain values, already in the site's words and local time."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_name: str
    site_address: str
    agency_name: str
    service_name: str
    code: str = Field(min_length=1, description="A-012")
    priority_label: str | None = Field(default=None, description="PRIORITAS - Lansia")
    issued_at: AwareDatetime = Field(description="In the site's local time (WITA)")
    ahead: int = Field(ge=0)
    estimated_wait_min: int | None = Field(default=None, ge=0)
    wait_note: str | None = Field(default=None, description="belum ada loket yang buka")
    requirements: tuple[str, ...] = ()
    tracking_url: str = Field(min_length=1)
    footer: tuple[str, ...] = ()

    def to_ticket(self) -> TicketPrint:
        return TicketPrint(**self.model_dump())


class PrintJob(BaseModel):
    """One `print_ticket` event. `job_id` is "<ticket id>.<attempt>"; `width` and `profile`
    are the kiosk's printer settings from the server's config.yaml (the agent's own options
    win)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = PAYLOAD_VERSION
    job_id: str = Field(min_length=1)
    ticket: TicketFields
    width: int | None = Field(default=None, description="Paper width in mm, 80 or 58; none: "
                                                        "the agent's own setting")
    profile: str | None = None


def parse_job(data: Any) -> PrintJob:
    """The job the server sent, checked. Raises UnknownPayloadVersion for a version this
    agent does not know and PayloadError for a job that does not fit its version; each
    carries the job id when there is one, so the job is answered, never dropped."""
    if not isinstance(data, dict):
        raise PayloadError(f"a print job must be an object, not {type(data).__name__}")
    found_id = data.get("job_id")
    job_id = found_id if isinstance(found_id, str) and found_id else None
    version = data.get("version")
    if version != PAYLOAD_VERSION:
        raise UnknownPayloadVersion(
            f"print job version {version!r} is unknown to this agent, which reads version "
            f"{PAYLOAD_VERSION}; update the kiosk agent and the server to the same release",
            job_id)
    try:
        return PrintJob.model_validate({key: value for key, value in data.items()
                                        if key not in ENVELOPE})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors(include_url=False))
        raise PayloadError(f"the print job does not fit version {PAYLOAD_VERSION}: "
                           f"{problems}", job_id) from None
