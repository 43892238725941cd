"""The survey through the API: the visitor's answer (once, only after service, refusals with
the reason), the counter's rating screen (its own counter's ticket only), and the SKM report
(supervisors kept to their agencies, officers refused, CSV and XLSX)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import inspect, select

from queue_server.survey.store import SurveyReceipt, SurveyResponse
from tests.api.conftest import Api
from tests.survey.conftest import ALL_FOUR, served

SURVEY = "/api/v1/tickets/{token}/survey"
SCREEN = "/api/v1/survey-screens/{screen}"
SKM = "/api/v1/reports/skm?from=2026-11-30&to=2026-11-30"


def answer(api: Api, token: str, lang: str = "id", **body: Any) -> Any:
    body.setdefault("answers", ALL_FOUR)
    return api.client().post(SURVEY.format(token=token) + f"?lang={lang}", json=body)


def error_of(response: Any) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_a_served_visitor_answers_once(api: Api) -> None:
    ticket = served(api)
    state = api.client().get(SURVEY.format(token=ticket["token"])).get_json()
    assert state["state"] == "open"
    assert [e["code"] for e in state["questionnaire"]["elements"]] == [
        f"U{n}" for n in range(1, 10)]

    first = answer(api, ticket["token"], profile={"gender": "P", "age": "30-39"},
                   suggestion="Ruang tunggu nyaman")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["state"] == "answered"

    again = answer(api, ticket["token"], answers={**ALL_FOUR, "U1": 1})
    assert error_of(again) == (409, "survey_answered")
    assert "sudah diisi" in again.get_json()["error"]["message"]
    assert "Terima kasih" in again.get_json()["error"]["message"]  # refused kindly
    english = answer(api, ticket["token"], lang="en")
    assert english.get_json()["error"]["message"].startswith("The survey for ticket")
    state = api.client().get(SURVEY.format(token=ticket["token"])).get_json()
    assert (state["state"], state["questionnaire"]) == ("answered", None)

    with api.app.extensions["antre"].sessions() as session:
        rows = session.scalars(select(SurveyResponse)).all()
        assert len(rows) == 1
        assert (rows[0].u1, rows[0].gender, rows[0].age, rows[0].suggestion) == (
            4, "P", "30-39", "Ruang tunggu nyaman")
        assert session.scalars(select(SurveyReceipt.ticket_id)).all() == [ticket["id"]]


def test_only_a_served_ticket_may_answer(api: Api) -> None:
    waiting = api.issue("KK")
    assert error_of(answer(api, waiting["token"])) == (409, "survey_not_served")
    state = api.client().get(SURVEY.format(token=waiting["token"])).get_json()
    assert state == {"state": "not_served", "ticket": waiting["code"], "questionnaire": None}

    cancelled = api.issue("SKCK")
    assert api.client().post(f"/api/v1/tickets/{cancelled['token']}/cancel").status_code == 200
    refused = answer(api, cancelled["token"])
    assert error_of(refused) == (409, "survey_not_served")
    assert "cancelled" in refused.get_json()["error"]["message"]

    missed = api.issue("PASPOR")
    api.act("admin", "L4", "open")
    api.act("admin", "L4", "call-next")
    for _ in range(2):
        api.clock.advance(minutes=1)  # a recall waits until the last call was announced
        assert api.act("admin", "L4", "recall").status_code == 200
    assert api.act("admin", "L4", "no-show").status_code == 200
    assert error_of(answer(api, missed["token"])) == (409, "survey_not_served")

    unknown = answer(api, "x" * 43)
    assert unknown.status_code == 404


def test_a_bad_answer_is_refused_with_the_reason_and_changes_nothing(api: Api) -> None:
    ticket = served(api)
    token = ticket["token"]
    unknown = answer(api, token, answers={**ALL_FOUR, "U10": 4})
    assert error_of(unknown) == (422, "unknown_element")
    assert "U10" in unknown.get_json()["error"]["message"]
    outside = answer(api, token, lang="en", answers={**ALL_FOUR, "U3": 5})
    assert error_of(outside) == (422, "answer_out_of_scale")
    assert outside.get_json()["error"]["message"] == (
        "The answer to U3 is 5; choose a value from 1 to 4.")
    assert error_of(answer(api, token, answers={**ALL_FOUR, "U2": 0}))[1] == (
        "answer_out_of_scale")
    missing = answer(api, token, answers={"U1": 4})
    assert error_of(missing) == (422, "missing_answers")
    as_text = answer(api, token, answers={**ALL_FOUR, "U4": "4"})
    assert error_of(as_text) == (422, "invalid_input")
    assert "answers.U4" in as_text.get_json()["error"]["message"]
    assert error_of(answer(api, token, profile={"gender": "X"})) == (
        422, "unknown_profile_choice")
    assert error_of(answer(api, token, profile={"nik": "5108"})) == (422, "unknown_profile")
    assert error_of(answer(api, token, suggestion="x" * 501)) == (422, "invalid_input")
    assert error_of(answer(api, token, extra=1)) == (422, "invalid_input")

    with api.app.extensions["antre"].sessions() as session:
        assert session.scalars(select(SurveyResponse)).all() == []
    assert answer(api, token).status_code == 201  # still open after the refusals


def test_the_phone_survey_closes_a_week_after_service(api: Api) -> None:
    ticket = served(api)
    api.clock.advance(days=7, minutes=1)
    refused = answer(api, ticket["token"])
    assert error_of(refused) == (409, "survey_closed")
    assert api.client().get(SURVEY.format(token=ticket["token"])).get_json()["state"] == (
        "closed")


def test_responses_keep_nothing_that_names_the_visitor(api: Api) -> None:
    with api.app.extensions["antre"].engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("survey_responses")}
        receipt = {c["name"] for c in inspect(connection).get_columns("survey_receipts")}
    assert columns == {"id", "day", "service_id", "agency_id", "counter_id", "channel",
                       *(f"u{n}" for n in range(1, 10)), "gender", "age", "education",
                       "occupation", "suggestion"}
    assert receipt == {"ticket_id"}  # that it answered, not what


# --- The rating screen beside the counter -------------------------------------------------

def screen(api: Api, screen_id: str, who: str | None = None) -> Any:
    return api.client().get(SCREEN.format(screen=screen_id),
                            headers=api.bearer(who or screen_id))


def screen_answer(api: Api, screen_id: str, ticket_id: int, who: str | None = None,
                  **body: Any) -> Any:
    body.setdefault("answers", ALL_FOUR)
    return api.client().post(SCREEN.format(screen=screen_id) + "/answers",
                             headers=api.bearer(who or screen_id),
                             json={"ticket_id": ticket_id, **body})


def test_the_screen_offers_the_ticket_just_served_at_its_counter(api: Api) -> None:
    assert screen(api, "rating-L2").get_json()["ticket"] is None
    ticket = served(api, counter="L2")
    shown = screen(api, "rating-L2").get_json()
    assert shown["counter"] == {"id": "L2", "name": "Loket 2"}
    assert shown["screen"]["timeout_s"] == 60
    assert shown["ticket"]["code"] == ticket["code"]
    assert shown["ticket"]["service_name"] == "KTP-el"
    assert shown["ticket"]["seconds_left"] == 60
    assert ticket["token"] not in str(shown)  # never the visitor's key to their ticket

    assert screen(api, "rating-L3").get_json()["ticket"] is None  # another counter's screen
    done = screen_answer(api, "rating-L2", shown["ticket"]["id"])
    assert done.status_code == 201, done.get_json()
    assert screen(api, "rating-L2").get_json()["ticket"] is None  # reset after answering
    again = screen_answer(api, "rating-L2", shown["ticket"]["id"])
    assert error_of(again) == (409, "survey_answered")
    assert error_of(answer(api, ticket["token"])) == (409, "survey_answered")  # the phone too


def test_the_screen_resets_after_its_timeout_and_when_the_next_is_served(api: Api) -> None:
    first = served(api, counter="L2")
    first_id = screen(api, "rating-L2").get_json()["ticket"]["id"]
    api.clock.advance(seconds=61)
    assert screen(api, "rating-L2").get_json()["ticket"] is None
    # A visitor still answering when the time is up may send, for a few minutes.
    api.clock.advance(minutes=5)
    assert error_of(screen_answer(api, "rating-L2", first_id)) == (
        409, "survey_not_on_screen")
    assert answer(api, first["token"]).status_code == 201  # the phone may still answer
    late = served(api, counter="L2")
    late_id = screen(api, "rating-L2").get_json()["ticket"]["id"]
    api.clock.advance(seconds=61 + 4 * 60)
    assert screen(api, "rating-L2").get_json()["ticket"] is None
    assert screen_answer(api, "rating-L2", late_id).status_code == 201
    assert error_of(answer(api, late["token"])) == (409, "survey_answered")

    served(api, counter="L2")
    second_id = screen(api, "rating-L2").get_json()["ticket"]["id"]
    third = served(api, counter="L2")
    shown = screen(api, "rating-L2").get_json()["ticket"]
    assert shown["code"] == third["code"]  # the next visitor's, never both
    assert error_of(screen_answer(api, "rating-L2", second_id)) == (
        409, "survey_not_on_screen")


def test_a_screen_cannot_read_or_answer_for_another_screen_or_counter(api: Api) -> None:
    served(api, counter="L2")
    polres = served(api, service="SKCK", counter="L3", officer="budi")
    ticket_id = screen(api, "rating-L2").get_json()["ticket"]["id"]
    assert screen(api, "rating-L2", who="rating-L3").status_code == 401
    assert screen(api, "rating-L2", who="aula").status_code == 401  # a display's token
    assert screen(api, "rating-L2", who="admin").status_code == 401  # staff: not a screen
    assert api.client().get(SCREEN.format(screen="rating-L2")).status_code == 401
    assert screen_answer(api, "rating-L2", ticket_id, who="rating-L3").status_code == 401
    # L3's screen may not rate L2's ticket, nor L2's screen L3's.
    assert error_of(screen_answer(api, "rating-L3", ticket_id)) == (
        409, "survey_not_on_screen")
    polres_id = screen(api, "rating-L3").get_json()["ticket"]["id"]
    assert polres_id != ticket_id
    assert error_of(screen_answer(api, "rating-L2", polres_id)) == (
        409, "survey_not_on_screen")
    assert screen_answer(api, "rating-L3", polres_id).status_code == 201
    assert error_of(answer(api, polres["token"])) == (409, "survey_answered")


# --- The SKM report -------------------------------------------------------------------------

def answered(api: Api, scores: dict[str, int], **where: Any) -> dict[str, Any]:
    ticket = served(api, **where)
    assert answer(api, ticket["token"], answers=scores).status_code == 201
    return ticket


def test_the_skm_report_by_agency_counts_respondents_against_visitors_served(api: Api) -> None:
    answered(api, {**ALL_FOUR, "U3": 2})
    answered(api, {f"U{n}": 3 for n in range(1, 10)})
    served(api)  # served, did not answer
    answered(api, {f"U{n}": 1 for n in range(1, 10)}, service="SKCK", counter="L3",
             officer="budi")
    report = api.client().get(SKM + "&by=agency", headers=api.bearer("admin")).get_json()
    assert (report["from"], report["to"], report["by"]) == ("2026-11-30", "2026-11-30",
                                                            "agency")
    rows = {row["key"]: row for row in report["rows"]}
    assert set(rows) == {"DUKCAPIL", "POLRES"}
    dukcapil = rows["DUKCAPIL"]
    assert (dukcapil["respondents"], dukcapil["served"], dukcapil["minimum_sample"]) == (2, 3, 3)
    assert dukcapil["enough"] is False
    assert [e["nrr"] for e in dukcapil["elements"]] == [3.5, 3.5, 2.5, 3.5, 3.5, 3.5, 3.5,
                                                        3.5, 3.5]
    assert dukcapil["ikm"] == 3.389  # 30.5 / 9
    assert (dukcapil["converted"], dukcapil["grade"], dukcapil["performance"]) == (
        84.72, "B", "Baik")
    assert (rows["POLRES"]["converted"], rows["POLRES"]["grade"]) == (25.0, "D")
    total = report["total"]
    assert (total["respondents"], total["served"], total["label"]) == (3, 4, "Jumlah")
    assert total["elements"][0]["total"] == 4 + 3 + 1


def test_supervisors_see_their_agencies_and_officers_none(api: Api) -> None:
    answered(api, ALL_FOUR)
    answered(api, ALL_FOUR, service="SKCK", counter="L3", officer="budi")
    client, _ = api.signed_in("sari")  # supervisor of DUKCAPIL
    mine = client.get(SKM + "&by=service").get_json()
    assert [row["key"] for row in mine["rows"]] == ["KTP"]
    assert mine["total"]["respondents"] == 1
    assert error_of(client.get(SKM + "&agency=POLRES")) == (403, "forbidden")
    refused = api.client().get(SKM, headers=api.bearer("dewi"))
    assert error_of(refused) == (403, "reports_forbidden")
    assert api.client().get(SKM).status_code == 401
    by_counter = api.client().get(SKM + "&by=counter", headers=api.bearer("admin")).get_json()
    assert [row["key"] for row in by_counter["rows"]] == ["L2", "L3"]


def test_bad_report_questions_are_refused_with_the_reason(api: Api) -> None:
    admin = api.bearer("admin")
    backwards = api.client().get("/api/v1/reports/skm?from=2026-12-01&to=2026-11-30",
                                 headers=admin)
    assert error_of(backwards) == (422, "bad_range")
    assert error_of(api.client().get(SKM + "&by=officer", headers=admin))[0] == 422
    assert error_of(api.client().get("/api/v1/reports/skm?from=2026-11-30",
                                     headers=admin))[0] == 422


def test_the_skm_report_downloads_in_the_report_layout(api: Api) -> None:
    answered(api, {**ALL_FOUR, "U9": 3})
    admin = api.bearer("admin")
    answer_csv = api.client().get(SKM + "&by=service&format=csv", headers=admin)
    assert answer_csv.status_code == 200
    assert answer_csv.mimetype == "text/csv"
    assert "antre-skm-service-2026-11-30-2026-11-30.csv" in answer_csv.headers[
        "Content-Disposition"]
    lines = list(csv.reader(io.StringIO(answer_csv.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0] == ["Rekapitulasi per unsur"]
    assert lines[1][:4] == ["Unsur", "Nama unsur", "Jumlah nilai", "Jumlah jawaban"]
    assert lines[2] == ["U1", "Persyaratan", "4", "1", "4.0", "0.444"]
    assert ["IKM konversi", "", "", "", "", "97.22"] in lines
    assert ["Mutu", "", "", "", "", "A"] in lines
    assert ["IKM per layanan"] in lines

    workbook = load_workbook(io.BytesIO(api.client().get(
        SKM + "&by=agency&format=xlsx&lang=en", headers=admin).get_data()))
    assert workbook.sheetnames == ["Recap", "IKM", "Profile", "Suggestions", "Info"]
    recap = [[cell.value for cell in row] for row in workbook["Recap"].iter_rows()]
    assert recap[9] == ["U9", "Facilities", 3, 1, 3.0, 0.333]
    assert ["Grade", None, None, None, None, "A"] in recap
    ikm = [[cell.value for cell in row] for row in workbook["IKM"].iter_rows()]
    assert ikm[1][:5] == ["DUKCAPIL", "Disdukcapil", 1, 1, 1]


def test_a_display_reads_the_months_hall_index(api: Api) -> None:
    empty = api.client().get("/api/v1/displays/aula/ikm", headers=api.bearer("aula"))
    assert empty.get_json() == {"month": "2026-11", "respondents": 0, "converted": None,
                                "grade": None, "performance": None}
    answered(api, {**ALL_FOUR, "U3": 2})
    answered(api, {f"U{n}": 3 for n in range(1, 10)}, service="SKCK", counter="L3",
             officer="budi")
    month = api.client().get("/api/v1/displays/aula/ikm?lang=en",
                             headers=api.bearer("aula")).get_json()
    assert month == {"month": "2026-11", "respondents": 2, "converted": 84.72, "grade": "B",
                     "performance": "Good"}
    assert api.client().get("/api/v1/displays/aula/ikm",
                            headers=api.bearer("zona-a")).status_code == 401
    assert api.client().get("/api/v1/displays/aula/ikm").status_code == 401
    assert api.client().get("/api/v1/displays/aula/ikm",
                            headers=api.bearer("admin")).status_code == 200


def test_the_survey_is_in_the_openapi_document(api: Api) -> None:
    document = api.client().get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    post = paths["/api/v1/tickets/{token}/survey"]["post"]
    assert {"201", "409", "422"} <= set(post["responses"])
    report = paths["/api/v1/reports/skm"]["get"]
    assert {p["name"] for p in report["parameters"]} >= {"from", "to", "by", "format"}
    assert "text/csv; charset=utf-8" in report["responses"]["200"]["content"]
    assert "/api/v1/survey-screens/{screen_id}/answers" in paths
    answers = document["components"]["schemas"]["SurveyAnswerIn"]["properties"]["answers"]
    assert answers["propertyNames"]["enum"][-1] == "U9"
