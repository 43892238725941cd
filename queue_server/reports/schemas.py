"""The reports' API shapes: query parameters and answers (also the OpenAPI document's)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from queue_server.reports.period import By


class RangeQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True, frozen=True)

    first: date = Field(alias="from", description="First site-local day (WITA), YYYY-MM-DD")
    last: date = Field(alias="to", description="Last site-local day, included; at most "
                                               "366 days after `from`")
    agency: str | None = Field(default=None, description="Only this agency (its code); a "
                                                         "supervisor may name only theirs")


class SummaryQuery(RangeQuery):
    by: By = Field(default=By.HALL, description="One row per hall, agency, service, "
                                                "counter, officer, day, weekday or hour")
    format: Literal["json", "csv", "xlsx"] = "json"


class TicketsQuery(RangeQuery):
    format: Literal["json", "csv", "xlsx"] = Field(
        default="json", description="json: JSON lines, one ticket a line")


class ChartsQuery(RangeQuery):
    pass


class FigureRowOut(BaseModel):
    """Times in seconds, shares as fractions (0.75 = 75 %); null where nothing was measured.
    See docs/reports.md for each figure."""

    key: str
    label: str
    issued: int
    issued_kiosk: int
    issued_online: int = Field(description="Online, for today's queue")
    issued_appointment: int = Field(description="Online, for a time slot")
    issued_counter: int
    priority: int
    called: int
    served: int
    no_show: int
    cancelled_visitor: int
    removed_staff: int
    expired: int
    not_arrived: int = Field(description="Remote bookings never checked in (today: not yet)")
    transferred_out: int
    transferred_in: int
    recalls: int
    wait_mean_s: float | None
    wait_median_s: float | None
    wait_p90_s: float | None
    wait_max_s: float | None
    service_mean_s: float | None
    service_median_s: float | None
    service_p90_s: float | None
    service_max_s: float | None
    waited_within_target: int
    served_within_target: int
    wait_service_level: float | None
    service_service_level: float | None
    priority_share: float | None
    busiest_hour: int | None
    open_s: float | None
    break_s: float | None


class SummaryOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first: date = Field(serialization_alias="from")
    last: date = Field(serialization_alias="to")
    by: By
    rows: list[FigureRowOut]
    total: FigureRowOut


class ArrivalCellOut(BaseModel):
    weekday: int = Field(description="1 Monday .. 7 Sunday")
    hour: int = Field(description="Site-local hour of issue, 0-23")
    tickets: int


class WaitBucketOut(BaseModel):
    from_min: int
    to_min: int | None = Field(description="null: this long and longer")
    tickets: int


class ChartsOut(BaseModel):
    arrivals: list[ArrivalCellOut]
    waits: list[WaitBucketOut]
