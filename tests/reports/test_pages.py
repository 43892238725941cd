"""The report page and the printable monthly report in Debian's Chromium, against a real
`antre serve` holding a month of demo history; the pictures for the docs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from queue_server.reports.demo import fill_history
from tests.support.browser import screenshot_dir
from tests.support.halls import hall_data, prepare_hall, write_hall_yaml
from tests.support.people import PASSWORD, add_people
from tests.support.servers import ServedHall, antre_env, call_api, start_server

pytestmark = pytest.mark.browser
WAIT_MS = 20_000
TODAY = date(2026, 11, 30)  # the served clock's Monday


def history_hall() -> dict[str, Any]:
    data = hall_data()
    for agency in data["agencies"]:
        for service in agency["services"]:
            service.pop("quota", None)
    return data


@pytest.fixture(scope="module")
def reports_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedHall]:
    """The small hall with 25 open days of history (26 October to 27 November) and its
    people, served with the clock at Monday 30 November 09:00 WITA."""
    directory = tmp_path_factory.mktemp("reports-pages")
    data = history_hall()
    data_dir = directory / "data"
    data_dir.mkdir()
    hall = prepare_hall(f"sqlite:///{data_dir / 'antre.db'}", data)
    tokens = add_people(hall, ["kiosk-1"])
    fill_history(hall.sessions, TODAY, days=25, per_day=70, seed=30)
    hall.engine.dispose()
    env = antre_env(data_dir, write_hall_yaml(directory, data),
                    ANTRE_CLOCK_START="2026-11-30T09:00:00")
    served = ServedHall(start_server(env, directory / "server.log"), tokens, data_dir)
    yield served
    served.server.stop()


def open_reports(browser: Any, served: ServedHall, username: str, path: str = "/console/reports",
                 viewport: dict[str, int] | None = None) -> Any:
    page = browser.new_page(viewport=viewport or {"width": 1366, "height": 900},
                            locale="id-ID")
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{served.url}{path}")
    page.wait_for_selector("#signin-username:focus")
    page.fill("#signin-username", username)
    page.fill("#signin-password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("#report-view:not([hidden])")
    return page


def wait_drawn(page: Any) -> None:
    page.wait_for_selector("body[data-ready='true']")
    page.wait_for_function("() => document.body.dataset.loading !== 'true'")


def row_keys(page: Any, table: str = "#figures-table") -> list[str]:
    keys: list[str] = page.locator(f"{table} tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.key)")
    return keys


def test_an_administrator_reads_the_month(browser: Any, reports_server: ServedHall,
                                          tmp_path: Path) -> None:
    page = open_reports(browser, reports_server, "admin")
    wait_drawn(page)
    # This month by agency: 1 to 30 November
    assert (page.input_value("#range-from"), page.input_value("#range-to")) == (
        "2026-11-01", "2026-11-30")
    assert row_keys(page) == ["DUKCAPIL", "POLRES", "IMIGRASI"]
    status, expected = call_api(reports_server, "GET",
                                "/reports/summary?from=2026-11-01&to=2026-11-30&by=agency",
                                "admin")
    assert status == 200
    issued = page.inner_text("#figures-table tfoot td >> nth=0")
    assert issued.replace(".", "") == str(expected["total"]["issued"])
    assert page.inner_text("[data-kpi='kpi.issued'] strong").replace(".", "") == \
        str(expected["total"]["issued"])
    for chart in ("arrivals", "waits", "daily", "level"):
        assert page.locator(f"#chart-{chart}").evaluate("c => c.width > 0")
    # Channels apart: a column (kiosk / online / appointment / counter) and the daily bars
    total = expected["total"]
    channels = page.locator("#figures-table tfoot td >> nth=1").inner_text().replace(".", "")
    assert channels == " / ".join(str(total[f"issued_{c}"]) for c in (
        "kiosk", "online", "appointment", "counter"))
    assert page.evaluate("() => Chart.getChart('chart-daily').data.datasets.map(d => d.stack)"
                         ) == ["issued"] * 4 + ["served", None]
    assert page.evaluate("() => Chart.getChart('chart-arrivals').config.type") == "matrix"
    assert "format=xlsx" in page.get_attribute("#dl-xlsx", "href")
    page.screenshot(path=str(screenshot_dir(tmp_path) / "reports.png"), full_page=True)

    page.click("[data-preset='last_month']")
    page.wait_for_function("() => document.querySelector('#range-from').value === '2026-10-01'")
    wait_drawn(page)
    assert page.input_value("#range-to") == "2026-10-31"
    status, october = call_api(reports_server, "GET",
                               "/reports/summary?from=2026-10-01&to=2026-10-31", "admin")
    assert page.inner_text("[data-kpi='kpi.issued'] strong").replace(".", "") == \
        str(october["total"]["issued"])

    page.select_option("#range-by", "officer")
    page.wait_for_function(
        "() => document.querySelector('#table-title').textContent.includes('Petugas')")
    wait_drawn(page)
    assert "demo-l1" in row_keys(page)

    page.click("#lang")
    page.wait_for_function("() => document.querySelector('#range-show').textContent === 'Show'")
    assert page.text_content("#table-title") == "Table: Officer"
    page.click("#lang")  # back to Indonesian for the next pages of this browser

    link = page.get_attribute("#dl-tickets-csv", "href")
    download = page.request.get(f"{reports_server.url}{link}")
    assert download.status == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert len(download.text().splitlines()) == october["total"]["issued"] + 1
    page.close()


def test_a_supervisor_sees_only_their_agency(browser: Any, reports_server: ServedHall) -> None:
    page = open_reports(browser, reports_server, "sari")
    wait_drawn(page)
    assert row_keys(page) == ["DUKCAPIL"]
    page.close()


def test_an_officer_is_sent_to_the_console(browser: Any, reports_server: ServedHall) -> None:
    page = open_reports(browser, reports_server, "ayu")
    page.wait_for_selector("#report-error:not([hidden])")
    assert "supervisor" in page.inner_text("#report-error")
    page.close()


def test_the_printable_monthly_report(browser: Any, reports_server: ServedHall,
                                      tmp_path: Path) -> None:
    page = open_reports(browser, reports_server, "admin",
                        "/console/reports/print?from=2026-11-01&to=2026-11-30",
                        viewport={"width": 794, "height": 1123})
    wait_drawn(page)
    assert page.inner_text("#print-hall") == "Mal Pelayanan Publik Kabupaten Buleleng"
    assert page.inner_text("#print-period") == "1 November 2026 – 30 November 2026"
    assert row_keys(page, "#table-agency") == ["DUKCAPIL", "POLRES", "IMIGRASI"]
    assert row_keys(page, "#table-service") == ["KTP", "KK", "SKCK", "PASPOR"]
    assert len(row_keys(page, "#table-day")) == 20  # the open days of November to the 27th
    page.emulate_media(media="print")
    assert page.locator("header.bar").is_hidden()
    folder = screenshot_dir(tmp_path)
    page.screenshot(path=str(folder / "reports-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(pdf)
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 4, pages
    page.close()
