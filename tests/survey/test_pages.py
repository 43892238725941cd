"""The survey's pages in Debian's Chromium against a real `antre serve`: the visitor's phone
turns into the survey when the ticket is served, an answer is stored once and a second is
refused kindly; the rating screen beside Loket 2 shows only the ticket just served there and
starts over; the SKM report page shows the index."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import screenshot_dir, touch_pages
from tests.support.people import PASSWORD
from tests.support.servers import ServedHall
from tests.support.servers import call_api as api

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1280, "height": 800}
DESKTOP = {"width": 1440, "height": 1000}
WAIT_MS = 20_000
SKM_TODAY = "/reports/skm?from=2026-11-30&to=2026-11-30"

Opener = Callable[..., Any]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Opener]:
    with touch_pages(browser, WAIT_MS) as opener:
        yield opener


def issue(hall: ServedHall, service: str = "KTP") -> dict[str, Any]:
    status, ticket = api(hall, "POST", "/tickets", "kiosk-1", {"service": service})
    assert status == 201, ticket
    return dict(ticket)


def act(hall: ServedHall, counter: str, action: str, who: str = "dewi") -> Any:
    status, answer = api(hall, "POST", f"/counters/{counter}/{action}", who, {})
    assert status == 200, answer
    return answer


def serve(hall: ServedHall, service: str = "KTP", counter: str = "L2",
          who: str = "dewi") -> dict[str, Any]:
    ticket = issue(hall, service)
    act(hall, counter, "open", who)
    assert act(hall, counter, "call-next", who)["ticket"]["code"] == ticket["code"]
    act(hall, counter, "finish", who)
    return ticket


def respondents(hall: ServedHall) -> int:
    status, report = api(hall, "GET", SKM_TODAY, "admin")
    assert status == 200, report
    return int(report["total"]["respondents"])


def answer_all(page: Any, value: int = 4, stop_at: int = 9) -> None:
    for n in range(1, stop_at + 1):
        page.wait_for_selector(f"[data-step=U{n}]")
        page.locator(f"[data-element=U{n}][data-value='{value}']").tap()
    if stop_at == 9:
        page.wait_for_selector("[data-step=about]")


def test_the_phone_turns_into_the_survey_and_answers_once(
        survey_hall: ServedHall, open_page: Opener, tmp_path: Path) -> None:
    before = respondents(survey_hall)
    ticket = issue(survey_hall)
    url = f"{survey_hall.url}/t/{ticket['token']}"
    page = open_page(url, PHONE)
    other = open_page(url, PHONE)  # the same ticket in a second tab
    for tab in (page, other):
        tab.wait_for_function("() => document.querySelector('#offline').hidden")
    assert page.locator("#survey").is_hidden()

    act(survey_hall, "L2", "open")
    act(survey_hall, "L2", "call-next")
    act(survey_hall, "L2", "finish")
    page.wait_for_selector("body[data-survey=open]")  # live, by the ticket's own event
    assert page.locator(".card").is_hidden()  # the page is the survey now
    assert "Survei Kepuasan Masyarakat" in page.inner_text("#survey")
    assert "kesesuaian persyaratan" in page.inner_text("[data-step=U1]")
    answers = page.locator("[data-element=U1].survey-answer")
    assert answers.count() == 4
    box = answers.first.bounding_box()
    assert box is not None and box["height"] >= 48  # a large touch target
    page.screenshot(path=screenshot_dir(tmp_path) / "survey-phone-question.png")

    answer_all(page)
    page.locator("[data-profile=gender][data-value=P]").tap()
    page.locator("[data-profile=age][data-value='30-39']").tap()
    page.fill("#survey-suggestion", "Petugas ramah, antrean tertib.")
    page.screenshot(path=screenshot_dir(tmp_path) / "survey-phone-about.png")
    page.locator("#survey-send").tap()
    page.wait_for_selector("body[data-survey=thanks]")
    assert "Terima kasih" in page.inner_text("#survey")
    page.screenshot(path=screenshot_dir(tmp_path) / "survey-phone-thanks.png")
    assert respondents(survey_hall) == before + 1

    # The second tab still shows the survey; its answer is refused, kindly.
    other.wait_for_selector("body[data-survey=open]")
    answer_all(other, value=1)
    other.locator("#survey-send").tap()
    other.wait_for_selector("body[data-survey=answered]")
    assert "sudah diisi" in other.inner_text("#survey")
    assert "Terima kasih" in other.inner_text("#survey")
    assert respondents(survey_hall) == before + 1
    status, refused = api(survey_hall, "POST", f"/tickets/{ticket['token']}/survey", None,
                          {"answers": {f"U{n}": 4 for n in range(1, 10)}})
    assert (status, refused["error"]["code"]) == (409, "survey_answered")

    # Opened again later: thanked, not asked again.
    again = open_page(url, PHONE)
    again.wait_for_selector("body[data-survey=answered]")
    assert again.locator(".survey-question").count() == 0


def test_the_visitor_may_skip_and_come_back(survey_hall: ServedHall,
                                            open_page: Opener) -> None:
    ticket = serve(survey_hall)
    page = open_page(f"{survey_hall.url}/t/{ticket['token']}?lang=en", PHONE)
    page.wait_for_selector("body[data-survey=open]")
    assert "Public Satisfaction Survey" in page.inner_text("#survey")
    assert "requirements" in page.inner_text("[data-step=U1]")
    page.locator("#survey-skip").tap()
    page.wait_for_selector("body[data-survey=skipped]")
    assert page.locator(".card").is_visible()
    page.locator("#survey-offer").tap()
    page.wait_for_selector("body[data-survey=open] [data-step=U1]")


def test_a_waiting_ticket_shows_no_survey(survey_hall: ServedHall, open_page: Opener) -> None:
    ticket = issue(survey_hall, "KK")
    page = open_page(f"{survey_hall.url}/t/{ticket['token']}", PHONE)
    page.wait_for_function("() => document.querySelector('#offline').hidden")
    page.wait_for_timeout(500)
    assert page.locator("#survey").is_hidden()
    assert page.get_attribute("body", "data-survey") is None


def screen_page(hall: ServedHall, open_page: Opener, screen: str = "rating-L2") -> Any:
    page = open_page(f"{hall.url}/survey/{screen}?token={hall.tokens[screen]}", TABLET)
    page.wait_for_selector("body[data-state=idle][data-online=true]")  # in its hub room
    assert "token" not in page.url  # taken out of the address bar
    return page


def test_the_counter_screen_rates_the_ticket_just_served_there(
        survey_hall: ServedHall, open_page: Opener, tmp_path: Path) -> None:
    page = screen_page(survey_hall, open_page)
    assert "Loket 2" in page.inner_text("#idle")
    page.screenshot(path=screenshot_dir(tmp_path) / "survey-screen-idle.png")
    before = respondents(survey_hall)

    polres = serve(survey_hall, "SKCK", "L3", "budi")  # another counter's visitor
    page.wait_for_timeout(4000)  # longer than a poll
    assert page.get_attribute("body", "data-state") == "idle"
    assert polres["code"] not in page.inner_text("body")

    ticket = serve(survey_hall)
    page.wait_for_selector("body[data-state=rating]")
    assert ticket["code"] in page.inner_text("#rating-ticket")
    assert "KTP-el" in page.inner_text("#rating-ticket")
    page.screenshot(path=screenshot_dir(tmp_path) / "survey-screen-rating.png")
    answer_all(page, value=3)
    page.locator("[data-profile=education][data-value=sma]").tap()
    page.locator("#survey-send").tap()
    page.wait_for_selector("body[data-state=thanks]")
    assert "Terima kasih" in page.inner_text("#thanks")
    assert respondents(survey_hall) == before + 1
    page.wait_for_selector("body[data-state=idle]", timeout=15_000)  # starts over
    assert ticket["code"] not in page.inner_text("body")
    status, refused = api(survey_hall, "POST", f"/tickets/{ticket['token']}/survey", None,
                          {"answers": {f"U{n}": 4 for n in range(1, 10)}})
    assert (status, refused["error"]["code"]) == (409, "survey_answered")


def test_the_next_visitor_never_sees_the_last_ones_answers(
        survey_hall: ServedHall, open_page: Opener) -> None:
    page = screen_page(survey_hall, open_page)
    first = serve(survey_hall)
    page.wait_for_selector("body[data-state=rating]")
    assert first["code"] in page.inner_text("#rating-ticket")
    answer_all(page, value=2, stop_at=3)  # the first visitor walks away mid-way
    second = serve(survey_hall)
    page.wait_for_function(
        f"() => document.querySelector('#rating-ticket').textContent.includes('{second['code']}')")
    assert first["code"] not in page.inner_text("body")
    page.wait_for_selector("[data-step=U1]")  # from the start
    assert page.locator("[aria-pressed=true]").count() == 0
    page.locator("#survey-skip").tap()
    page.wait_for_selector("body[data-state=idle]")


def test_the_screen_starts_over_when_left_untouched(survey_hall: ServedHall,
                                                   open_page: Opener) -> None:
    page = screen_page(survey_hall, open_page, "rating-L4")  # timeout_seconds: 15
    ticket = serve(survey_hall, "PASPOR", "L4", "admin")
    page.wait_for_selector("body[data-state=rating]")
    assert ticket["code"] in page.inner_text("#rating-ticket")
    assert re.search(r"dalam 1[0-5] detik", page.inner_text("#rating-left"))
    page.wait_for_selector("body[data-state=idle]", timeout=25_000)
    assert ticket["code"] not in page.inner_text("body")
    page.wait_for_timeout(4000)  # and it does not come back
    assert page.get_attribute("body", "data-state") == "idle"


def test_a_screen_without_its_token_says_so(survey_hall: ServedHall,
                                            open_page: Opener) -> None:
    page = open_page(f"{survey_hall.url}/survey/rating-L3", TABLET)
    page.wait_for_selector("#problem:not([hidden])")
    assert "token" in page.inner_text("#problem")
    wrong = open_page(f"{survey_hall.url}/survey/rating-L3?token="
                      f"{survey_hall.tokens['rating-L2']}", TABLET)
    wrong.wait_for_selector("#problem:not([hidden])")
    serve(survey_hall, "SKCK", "L3", "budi")
    wrong.wait_for_timeout(4000)
    assert wrong.get_attribute("body", "data-state") == "idle"


def test_the_skm_report_page(survey_hall: ServedHall, open_page: Opener,
                             tmp_path: Path) -> None:
    answers = [  # (counter, officer, U1..U9, profile, suggestion)
        ("L1", "ayu", [3, 3, 3, 4, 3, 3, 3, 3, 3], {"gender": "L", "occupation": "wirausaha"},
         "Tambah kursi di ruang tunggu."),
        ("L1", "ayu", [4, 4, 2, 4, 3, 4, 4, 3, 3], {"gender": "P", "age": "30-39"}, None),
        ("L2", "dewi", [4, 3, 3, 4, 4, 4, 4, 2, 3], {"gender": "P", "education": "d4s1"},
         "Antrean tertib, petugas ramah."),
        ("L2", "dewi", [3, 3, 2, 4, 3, 3, 3, 2, 3], {}, None),
    ]
    for counter, officer, scores, profile, suggestion in answers:
        ticket = serve(survey_hall, "KTP", counter, officer)
        status, _ = api(survey_hall, "POST", f"/tickets/{ticket['token']}/survey", None,
                        {"answers": {f"U{n}": v for n, v in enumerate(scores, 1)},
                         "profile": profile, "suggestion": suggestion})
        assert status == 201
    issue(survey_hall)  # waiting: not counted as served
    page = open_page(f"{survey_hall.url}/console/reports/skm?from=2026-11-30&to=2026-11-30"
                     "&by=service", DESKTOP)
    page.wait_for_selector("body[data-view=signin]")
    page.fill("#signin-username", "sari")
    page.fill("#signin-password", PASSWORD)
    page.locator("#signin-form button[type=submit]").click()
    page.wait_for_selector("body[data-ready=true]")
    status, report = api(survey_hall, "GET", SKM_TODAY + "&by=service", "sari")
    assert status == 200
    kpis = page.inner_text("#skm-kpis")
    assert f"{report['total']['respondents']}" in kpis
    assert report["total"]["grade"] in kpis
    keys = page.eval_on_selector_all("#skm-groups tbody tr", "rows => rows.map(r => r.dataset.key)")
    assert keys == [row["key"] for row in report["rows"]]
    assert "SKCK" not in keys  # a Disdukcapil supervisor sees Disdukcapil only
    assert "Tambah kursi" in page.inner_text("#skm-suggestions")
    assert page.locator("#skm-csv").get_attribute("href").endswith("format=csv&lang=id")
    page.wait_for_timeout(300)
    page.screenshot(path=screenshot_dir(tmp_path) / "skm-report.png", full_page=True)
    page.locator("#lang").click()
    page.wait_for_function(
        "() => document.querySelector('#skm-recap').textContent.includes('Element')")


def test_the_hall_display_shows_the_months_index(survey_hall: ServedHall, open_page: Opener,
                                                 tmp_path: Path) -> None:
    for value in (4, 3):
        ticket = serve(survey_hall)
        status, _ = api(survey_hall, "POST", f"/tickets/{ticket['token']}/survey", None,
                        {"answers": {f"U{n}": value for n in range(1, 10)}})
        assert status == 201
    page = open_page(f"{survey_hall.url}/display/aula?token={survey_hall.tokens['aula']}",
                     {"width": 1920, "height": 1080})
    page.wait_for_selector("#ikm:not([hidden])")
    assert page.inner_text("#ikm") == "IKM bulan ini 87,50 B · Baik"
    page.screenshot(path=screenshot_dir(tmp_path) / "display-ikm.png")
    other = open_page(f"{survey_hall.url}/display/zona-a?token={survey_hall.tokens['zona-a']}",
                      {"width": 1920, "height": 1080})
    other.wait_for_selector("body[data-online=true]")
    assert other.locator("#ikm").count() == 0  # not switched on there
