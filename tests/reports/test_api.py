"""The reports API: figures as JSON, CSV and XLSX, raw tickets, charts; who may read what, and
refusals with their reason."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import select

from queue_server.app import create_app
from queue_server.clock import FixedClock
from queue_server.models import Agency, Role, User
from queue_server.people import issue_user_token
from queue_server.settings import Settings
from tests.reports.days import REPORT_NOW, prepare_days, report_hall_data
from tests.support.halls import write_hall_yaml

READERS = {"admin": (Role.ADMIN, []), "sari": (Role.SUPERVISOR, ["DUKCAPIL"])}


@dataclass
class ReportsApi:
    app: Flask
    tokens: dict[str, str]

    def get(self, who: str | None, path: str) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        return self.app.test_client().get(f"/api/v1{path}", headers=headers)


@pytest.fixture(scope="module")
def reports_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportsApi]:
    """The two hand-built days served by a real app (SQLite), with readers and officers."""
    directory = tmp_path_factory.mktemp("reports-api")
    (directory / "data").mkdir()
    hall = prepare_days(f"sqlite:///{directory / 'data' / 'antre.db'}")
    tokens = {}
    with hall.sessions.begin() as session:
        for username, (role, codes) in READERS.items():
            user = User(username=username, name=username.title(), role=role,
                        password_hash="-", created_at=REPORT_NOW)
            user.agencies = list(session.scalars(select(Agency).where(Agency.code.in_(codes))))
            session.add(user)
        session.flush()
        for username in ("admin", "sari", "ayu"):
            tokens[username] = issue_user_token(session, username)
    hall.engine.dispose()
    settings = Settings(config=write_hall_yaml(directory, report_hall_data()),
                        data_dir=directory / "data", secret_key="test-secret")
    app = create_app(settings, FixedClock(REPORT_NOW))
    app.config["TESTING"] = True
    yield ReportsApi(app, tokens)
    app.extensions["antre"].engine.dispose()


RANGE = "from=2026-11-30&to=2026-12-01"


def test_summary_as_json(reports_api: ReportsApi) -> None:
    answer = reports_api.get("admin", f"/reports/summary?{RANGE}&by=agency")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["from"], body["to"], body["by"]) == ("2026-11-30", "2026-12-01", "agency")
    assert [row["key"] for row in body["rows"]] == ["DUKCAPIL", "POLRES", "IMIGRASI"]
    total = body["total"]
    assert (total["issued"], total["served"], total["wait_median_s"],
            total["wait_service_level"]) == (8, 4, 1230.0, 0.6)


def test_a_supervisor_sees_only_their_agencies(reports_api: ReportsApi) -> None:
    body = reports_api.get("sari", f"/reports/summary?{RANGE}&by=service").get_json()
    assert [row["key"] for row in body["rows"]] == ["KTP", "KK"]
    assert body["total"]["issued"] == 6
    lines = reports_api.get("sari", f"/reports/tickets?{RANGE}").get_data(as_text=True)
    assert {json.loads(line)["agency"] for line in lines.splitlines()} == {"DUKCAPIL"}


def test_one_agency(reports_api: ReportsApi) -> None:
    body = reports_api.get("admin", f"/reports/summary?{RANGE}&agency=POLRES").get_json()
    assert body["total"]["issued"] == 1


@pytest.mark.parametrize(("who", "path", "status", "code", "says"), [
    ("ayu", f"/reports/summary?{RANGE}", 403, "reports_forbidden", "counter console"),
    ("ayu", f"/reports/tickets?{RANGE}", 403, "reports_forbidden", "supervisors"),
    (None, f"/reports/summary?{RANGE}", 401, "unauthorized", "Sign in"),
    ("sari", f"/reports/summary?{RANGE}&agency=POLRES", 403, "forbidden",
     "Polres is not your agency"),
    ("admin", f"/reports/summary?{RANGE}&agency=NOPE", 422, "unknown_agency", "NOPE"),
    ("admin", "/reports/summary?from=2026-12-01&to=2026-11-30", 422, "bad_range",
     "'to' is before 'from'"),
    ("admin", "/reports/summary?from=2025-01-01&to=2026-01-02", 422, "bad_range",
     "at most 366 days"),
    ("admin", "/reports/tickets?from=2025-01-01&to=2026-12-01", 422, "bad_range",
     "at most 366 days"),
    ("admin", "/reports/summary?from=9999-12-31&to=9999-12-31", 422, "bad_range", "2099"),
    ("admin", "/reports/charts?from=0001-01-01&to=0001-01-01", 422, "bad_range", "2000"),
    ("admin", f"/reports/summary?{RANGE}&by=month", 422, "invalid_input", "by"),
    ("admin", "/reports/summary?from=30-11-2026&to=2026-12-01", 422, "invalid_input", "from"),
    ("admin", "/reports/summary?to=2026-12-01", 422, "invalid_input", "from"),
    ("admin", f"/reports/summary?{RANGE}&format=pdf", 422, "invalid_input", "format"),
])
def test_refusals_say_why(reports_api: ReportsApi, who: str | None, path: str, status: int,
                          code: str, says: str) -> None:
    answer = reports_api.get(who, f"{path}&lang=en")
    assert answer.status_code == status
    error = answer.get_json()["error"]
    assert error["code"] == code
    assert says in error["message"]


def test_summary_as_csv(reports_api: ReportsApi) -> None:
    answer = reports_api.get("admin", f"/reports/summary?{RANGE}&by=officer&format=csv")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert "antre-ringkasan-officer-2026-11-30-2026-12-01.csv" in \
        answer.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert [line[0] for line in lines[1:]] == ["ayu", "budi", "dewi", "-", "hall"]


def test_summary_as_xlsx(reports_api: ReportsApi, tmp_path: Path) -> None:
    answer = reports_api.get("admin", f"/reports/summary?{RANGE}&by=day&format=xlsx")
    assert answer.status_code == 200
    path = tmp_path / "report.xlsx"
    path.write_bytes(answer.get_data())
    sheet = load_workbook(path)["Ringkasan"]
    assert [sheet.cell(row, 1).value for row in range(2, 5)] == [
        "2026-11-30", "2026-12-01", "Seluruh aula"]
    assert sheet.cell(4, 2).value == 8


def test_raw_tickets(reports_api: ReportsApi, tmp_path: Path) -> None:
    lines = reports_api.get("admin", f"/reports/tickets?{RANGE}").get_data(as_text=True)
    assert len(lines.splitlines()) == 8
    as_csv = reports_api.get("admin", f"/reports/tickets?{RANGE}&format=csv")
    assert len(as_csv.get_data(as_text=True).splitlines()) == 9
    as_xlsx = reports_api.get("admin", f"/reports/tickets?{RANGE}&format=xlsx&lang=en")
    path = tmp_path / "tickets.xlsx"
    path.write_bytes(as_xlsx.get_data())
    assert load_workbook(path)["Tickets"].max_row == 9


def test_charts(reports_api: ReportsApi) -> None:
    body = reports_api.get("admin", f"/reports/charts?{RANGE}").get_json()
    assert body["arrivals"] == [{"weekday": 1, "hour": 8, "tickets": 4},
                                {"weekday": 1, "hour": 9, "tickets": 3},
                                {"weekday": 2, "hour": 8, "tickets": 1}]
    # waits 240 | 600 | 1230, 1320 | 1680 seconds
    counts = {bucket["from_min"]: bucket["tickets"] for bucket in body["waits"]}
    assert counts == {0: 1, 5: 0, 10: 1, 15: 0, 20: 2, 25: 1, 30: 0, 35: 0, 40: 0, 45: 0,
                      50: 0, 55: 0, 60: 0}
    assert body["waits"][-1]["to_min"] is None


def test_in_the_openapi_document(reports_api: ReportsApi) -> None:
    document = reports_api.get(None, "/openapi.json").get_json()
    summary = document["paths"]["/api/v1/reports/summary"]["get"]
    parameters = {p["name"]: p for p in summary["parameters"]}
    assert {"from", "to", "by", "format", "agency"} <= set(parameters)
    assert parameters["from"]["required"] and parameters["from"]["in"] == "query"
    assert "officer" in parameters["by"]["schema"]["enum"]
    content = summary["responses"]["200"]["content"]
    assert {"application/json", "text/csv; charset=utf-8"} <= set(content)
    assert "403" in summary["responses"] and "422" in summary["responses"]
    assert "/api/v1/reports/tickets" in document["paths"]
    assert "SummaryOut" in document["components"]["schemas"]
