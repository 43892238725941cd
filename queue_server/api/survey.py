"""The survey (SKM): the visitor answers for their ticket (phone) or at the rating screen
beside the counter, and supervisors read the index (`GET /reports/skm`)."""

from __future__ import annotations

import logging
from decimal import Decimal
from fractions import Fraction

from flask import Blueprint, Response, jsonify

from queue_server.api.auth import limit_public, require_device
from queue_server.api.displays import display_for_caller
from queue_server.api.errors import language
from queue_server.api.reports import reader, scope_of
from queue_server.api.spec import endpoint
from queue_server.context import commit, db, now, runtime
from queue_server.hub.publication import survey_messages
from queue_server.hub.publisher import hub
from queue_server.models import DeviceKind, Ticket
from queue_server.queue.common import get_site, service_day, site_time
from queue_server.queue.issuing import find_ticket_by_token
from queue_server.reports.period import Period
from queue_server.survey.answering import (
    checked_answer,
    phone_state,
    record_answer,
    record_screen_answer,
    screen_counter,
    screen_view,
)
from queue_server.survey.elements import ELEMENTS, PROFILE, questionnaire
from queue_server.survey.export import About, skm_csv, skm_xlsx
from queue_server.survey.figures import Group, Skm, hall_month, skm
from queue_server.survey.index import MILLI, WEIGHT, rounded
from queue_server.survey.schemas import (
    HallIkmOut,
    ScreenAnswerIn,
    ScreenOut,
    SkmChoiceOut,
    SkmElementOut,
    SkmOut,
    SkmProfileOut,
    SkmQuery,
    SkmRowOut,
    SkmSuggestionOut,
    SurveyAnswerIn,
    SurveyStateOut,
    SurveyThanksOut,
)

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
THANKS = {"id": "Terima kasih! Penilaian Anda membantu kami memperbaiki layanan.",
          "en": "Thank you! Your rating helps us improve the service."}


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/tickets/<token>/survey", tag="survey",
              answers={200: SurveyStateOut}, errors=(404, 429),
              summary="Whether this ticket's visitor may answer the survey (SKM), with the "
                      "questions in the asked language when they may")
    def survey_state(token: str) -> SurveyStateOut:
        limit_public("survey", 60)
        ticket = find_ticket_by_token(db(), token)
        state = phone_state(db(), now(), ticket)
        return SurveyStateOut(state=state, ticket=ticket.code, questionnaire=(
            questionnaire(language()) if state == "open" else None))

    @endpoint(bp, "POST", "/tickets/<token>/survey", tag="survey", body=SurveyAnswerIn,
              answers={201: SurveyThanksOut}, errors=(404, 409, 422, 429),
              summary="The visitor's answer to the survey (SKM), once per ticket and only "
                      "after it was served (409 otherwise); 422 names an unknown element, "
                      "a missing one or an answer outside 1-4")
    def answer_survey(token: str, body: SurveyAnswerIn) -> tuple[SurveyThanksOut, int]:
        limit_public("survey-answer", 20)
        ticket = find_ticket_by_token(db(), token)
        answer = checked_answer(body.answers, body.profile, body.suggestion)
        record_answer(db(), now(), ticket, answer, "phone")
        code, counter_id = ticket.code, ticket.counter_id
        commit()
        _tell_screens(counter_id)  # a screen still offering this ticket starts over
        return SurveyThanksOut(ticket=code, message=THANKS[language()]), 201

    @endpoint(bp, "GET", "/survey-screens/<screen_id>", tag="survey",
              answers={200: ScreenOut}, auth=("bearer",), errors=(401,),
              summary="What a counter's rating screen shows now: the ticket just served "
                      "there, while it waits for a rating (its device token only)")
    def screen(screen_id: str) -> ScreenOut:
        device = require_device(DeviceKind.SURVEY, screen_id)
        return ScreenOut.model_validate(
            screen_view(db(), now(), device, runtime().hall.site.timezone))

    @endpoint(bp, "POST", "/survey-screens/<screen_id>/answers", tag="survey",
              body=ScreenAnswerIn, answers={201: SurveyThanksOut}, auth=("bearer",),
              errors=(401, 409, 422),
              summary="The answer given at a counter's rating screen, for the ticket it "
                      "shows (409 once the screen moved on, timed out or it was answered)")
    def screen_answer(screen_id: str, body: ScreenAnswerIn) -> tuple[SurveyThanksOut, int]:
        device = require_device(DeviceKind.SURVEY, screen_id)
        answer = checked_answer(body.answers, body.profile, body.suggestion)
        record_screen_answer(db(), now(), device, body.ticket_id, answer)
        ticket_code = _code_of(body.ticket_id)
        commit()
        _tell_screens(screen_counter(device))
        return SurveyThanksOut(ticket=ticket_code, message=THANKS[language()]), 201

    @endpoint(bp, "GET", "/displays/<display_id>/ikm", tag="survey",
              answers={200: HallIkmOut}, auth=("bearer", "session"), errors=(401, 404),
              summary="This month's hall satisfaction index and grade, for a display set "
                      "to show it (its device token, or staff)")
    def display_ikm(display_id: str) -> HallIkmOut:
        display_for_caller(display_id)
        today = service_day(get_site(db()), now())
        month = hall_month(db(), today, runtime().hall.site.name)
        index = month.index
        return HallIkmOut(month=today.strftime("%Y-%m"), respondents=month.respondents,
                          converted=_number(index.converted),
                          grade=index.grade.letter if index.grade else None,
                          performance=(index.grade.performance(language()) if index.grade
                                       else None))

    @endpoint(bp, "GET", "/reports/skm", tag="reports", query=SkmQuery,
              answers={200: SkmOut}, produces=(CSV, XLSX), auth=("session", "bearer"),
              errors=(401, 403, 422),
              summary="The satisfaction index (SKM/IKM, PermenPANRB 14/2017) of a range of "
                      "site-local days per hall, agency, service or counter: NRR per "
                      "element, IKM, converted index, grade, respondents against visitors "
                      "served and the minimum sample, profile, suggestions "
                      "(format=csv|xlsx: the SKM report layout)")
    def report_skm(query: SkmQuery) -> Response:
        user = reader()
        period = Period.checked(query.first, query.last)
        scope = scope_of(user, query.agency)
        hall = runtime().hall.site.name
        lang = language()
        agency_ids = None if scope.agency_ids is None else list(scope.agency_ids)
        name = f"antre-skm-{query.by.value}-{period.first}-{period.last}"
        if query.format == "csv":
            found = skm(db(), period.first, period.last, query.by, agency_ids, hall,
                        suggestions=None)
            return _download(skm_csv(found, lang).encode(), CSV, f"{name}.csv")
        if query.format == "xlsx":
            found = skm(db(), period.first, period.last, query.by, agency_ids, hall,
                        suggestions=None)
            made = site_time(get_site(db()), now())
            return _download(skm_xlsx(found, About(hall, made), lang), XLSX, f"{name}.xlsx")
        found = skm(db(), period.first, period.last, query.by, agency_ids, hall)
        return jsonify(skm_out(found, lang).model_dump(mode="json", by_alias=True))


def _tell_screens(counter_id: str | None) -> None:
    """Send the rating screens beside this counter what they show now (after an answer)."""
    if counter_id is None:
        return
    try:
        made = hub()
        screens = made.layout(db()).surveys.get(counter_id, ())
        if screens:
            made.send(survey_messages(db(), now(), runtime().hall.site.timezone, screens))
    except Exception:
        # The answer is stored; a screen that was not told starts over by its own timer.
        log.exception("could not tell the rating screens of %s", counter_id)


def _code_of(ticket_id: int) -> str:
    ticket = db().get(Ticket, ticket_id)
    return ticket.code if ticket is not None else ""


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _number(value: object) -> float | None:
    if isinstance(value, Fraction):
        return float(rounded(value, MILLI))
    if isinstance(value, Decimal):
        return float(value)
    return None


def row_out(row: Group, language_code: str, label: str | None = None) -> SkmRowOut:
    index = row.index
    return SkmRowOut(
        key=row.key, label=label or row.label, respondents=row.respondents, served=row.served,
        minimum_sample=row.minimum_sample, enough=row.enough,
        elements=[SkmElementOut(code=e.code, name=element.name(language_code), total=e.total,
                                answers=e.count, nrr=_number(e.nrr),
                                weighted=_number(e.nrr * WEIGHT if e.nrr is not None
                                                 else None))
                  for element, e in zip(ELEMENTS, index.elements, strict=True)],
        ikm=_number(index.ikm), converted=_number(index.converted),
        grade=index.grade.letter if index.grade else None,
        performance=index.grade.performance(language_code) if index.grade else None)


def skm_out(found: Skm, language_code: str) -> SkmOut:
    profile = []
    for item, counted in zip(PROFILE, found.profile, strict=True):
        profile.append(SkmProfileOut(
            key=item.key, label=item.label(language_code),
            choices=[SkmChoiceOut(value=code, label=item.choice(code, language_code),
                                  count=counted.counts.get(code, 0)) for code in item.codes],
            not_given=counted.counts.get("", 0)))
    total_label = "Total" if language_code == "en" else "Jumlah"
    return SkmOut(first=found.first, last=found.last, by=found.by,
                  rows=[row_out(r, language_code) for r in found.rows],
                  total=row_out(found.total, language_code,
                                found.total.label if found.by == "hall" else total_label),
                  profile=profile,
                  suggestions=[SkmSuggestionOut(day=s.day, agency=s.agency, service=s.service,
                                                text=s.text) for s in found.suggestions])

