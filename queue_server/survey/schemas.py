"""The survey's API shapes: the answer a visitor sends, what the pages read, and the SKM
report (also the OpenAPI document's)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from queue_server.reports.schemas import RangeQuery
from queue_server.schemas import Request
from queue_server.survey.elements import CODES, PROFILE, SCALE, SUGGESTION_MAX
from queue_server.survey.figures import SkmBy

Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class SurveyAnswerIn(Request):
    """Every element answered from 1 to 4; the profile and the suggestion may be left out.
    An unknown element, a missing one or an answer outside 1–4 is refused (422) with the
    reason."""

    answers: dict[str, int] = Field(
        description="U1 … U9, each 1 (worst) to 4 (best)",
        json_schema_extra={"propertyNames": {"enum": list(CODES)},
                           "additionalProperties": {"type": "integer",
                                                    "minimum": SCALE[0],
                                                    "maximum": SCALE[-1]},
                           "example": {code: 4 for code in CODES}})
    profile: dict[str, str] = Field(
        default_factory=dict,
        description="Optional: " + "; ".join(f"{item.key} ({', '.join(item.codes)})"
                                             for item in PROFILE))
    suggestion: str | None = Field(default=None, max_length=SUGGESTION_MAX)


class ScreenAnswerIn(SurveyAnswerIn):
    ticket_id: Id = Field(description="The ticket the screen shows (its `ticket.id`)")


class SurveyStateOut(BaseModel):
    """open: the visitor may answer; answered; not_served (yet, or never: a no-show, a
    cancellation); closed (a week after the service)."""

    state: Literal["open", "answered", "not_served", "closed"]
    ticket: str
    questionnaire: dict[str, Any] | None = None


class SurveyThanksOut(BaseModel):
    state: Literal["answered"] = "answered"
    ticket: str
    message: str


class ScreenTicketOut(BaseModel):
    id: int
    code: str
    service_name: str
    agency_name: str
    finished_at: str
    until: str
    seconds_left: int


class ScreenOut(BaseModel):
    screen: dict[str, Any]
    counter: dict[str, Any] | None
    ticket: ScreenTicketOut | None
    now: str


class HallIkmOut(BaseModel):
    """This month's hall index so far, for the hall display."""

    month: str = Field(description="YYYY-MM, site time")
    respondents: int
    converted: float | None
    grade: str | None
    performance: str | None


class SkmQuery(RangeQuery):
    by: SkmBy = Field(default=SkmBy.HALL, description="One row per hall, agency, service or "
                                                      "counter")
    format: Literal["json", "csv", "xlsx"] = "json"


class SkmElementOut(BaseModel):
    code: str
    name: str
    total: int = Field(description="The sum of the answers")
    answers: int = Field(description="The number of answers")
    nrr: float | None = Field(description="total / answers, 3 decimals")
    weighted: float | None = Field(description="nrr × 1/9, 3 decimals")


class SkmRowOut(BaseModel):
    key: str
    label: str
    respondents: int
    served: int = Field(description="Visitors served in the period (the population)")
    minimum_sample: int = Field(description="Respondents the Krejcie–Morgan table asks for")
    enough: bool = Field(description="respondents >= minimum_sample (and someone was served)")
    elements: list[SkmElementOut]
    ikm: float | None = Field(description="Mean of the nine NRR (1–4), 3 decimals")
    converted: float | None = Field(description="ikm × 25, rounded half up to 2 decimals")
    grade: str | None = Field(description="A, B, C or D, from the rounded converted index")
    performance: str | None


class SkmChoiceOut(BaseModel):
    value: str
    label: str
    count: int


class SkmProfileOut(BaseModel):
    key: str
    label: str
    choices: list[SkmChoiceOut]
    not_given: int


class SkmSuggestionOut(BaseModel):
    day: date
    agency: str
    service: str
    text: str


class SkmOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first: date = Field(serialization_alias="from")
    last: date = Field(serialization_alias="to")
    by: SkmBy
    rows: list[SkmRowOut]
    total: SkmRowOut
    profile: list[SkmProfileOut]
    suggestions: list[SkmSuggestionOut]
