"""Exports: the raw tickets recompute to the summary's figures; CSV and XLSX are what a
spreadsheet expects (typed cells, a header, frozen panes)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from queue_server.reports.export import (
    About,
    summary_csv,
    summary_xlsx,
    tickets_csv,
    tickets_json_lines,
    tickets_xlsx,
)
from queue_server.reports.figures import summary
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.rows import COLUMNS
from queue_server.reports.tickets import TICKET_COLUMNS, TicketRow, ticket_rows
from tests.reports.days import REPORT_NOW
from tests.support.halls import Hall

BOTH_DAYS = Period(date(2026, 11, 30), date(2026, 12, 1))
ABOUT = About("MPP Buleleng", "2026-11-30 – 2026-12-01", "layanan", datetime(2026, 12, 2, 10))


def raw(hall: Hall) -> list[TicketRow]:
    with hall.session() as session:
        return list(ticket_rows(session, BOTH_DAYS, Scope()))


def nearest_rank(values: list[float], fraction: float) -> float | None:
    ordered = sorted(values)
    return ordered[math.ceil(fraction * len(ordered)) - 1] if ordered else None


def recompute(rows: list[TicketRow]) -> dict[str, Any]:
    """The summary's ticket figures, from the export's rows alone."""
    waits = [r.wait_s for r in rows if r.wait_s is not None]
    services = [r.service_s for r in rows if r.service_s is not None]
    served = [r for r in rows if r.status == "done"]
    return {
        "issued": len(rows),
        **{f"issued_{channel}": sum(r.channel == channel for r in rows)
           for channel in ("kiosk", "online", "appointment", "counter")},
        "served": len(served),
        "no_show": sum(r.status == "no_show" for r in rows),
        "cancelled_visitor": sum(r.status == "cancelled" and r.cancel_reason != "staff"
                                 for r in rows),
        "removed_staff": sum(r.cancel_reason == "staff" for r in rows),
        "expired": sum(r.status == "expired" for r in rows),
        "not_arrived": sum(r.status == "booked" for r in rows),
        "recalls": sum(r.recalls for r in rows),
        "wait_mean_s": sum(waits) / len(waits) if waits else None,
        "wait_median_s": nearest_rank(waits, 0.5),
        "wait_p90_s": nearest_rank(waits, 0.9),
        "wait_max_s": max(waits, default=None),
        "service_mean_s": sum(services) / len(services) if services else None,
        "service_median_s": nearest_rank(services, 0.5),
        "service_p90_s": nearest_rank(services, 0.9),
        "wait_service_level": (sum(w <= r.wait_target_min * 60 for r in rows
                                   if (w := r.wait_s) is not None) / len(waits)
                               if waits else None),
        "service_service_level": (sum(s <= r.service_target_min * 60 for r in rows
                                      if (s := r.service_s) is not None) / len(services)
                                  if services else None),
    }


@pytest.mark.parametrize(("by", "field"), [(By.HALL, None), (By.SERVICE, "service"),
                                            (By.AGENCY, "agency"), (By.COUNTER, "counter"),
                                            (By.OFFICER, "officer"), (By.DAY, "day")])
def test_the_summary_agrees_with_the_raw_tickets(days: Hall, by: By, field: str | None) -> None:
    rows = raw(days)
    groups: dict[str, list[TicketRow]] = defaultdict(list)
    for row in rows:
        value = "hall" if field is None else row.value(field)
        groups["-" if value is None else str(value)].append(row)
    with days.session() as session:
        found = summary(session, BOTH_DAYS, by, Scope(), REPORT_NOW)
    tickets_seen = {row.key: row for row in found.rows if row.issued}
    assert set(tickets_seen) == set(groups)
    for key, members in groups.items():
        expected = recompute(members)
        figures = {name: getattr(tickets_seen[key], name) for name in expected}
        assert figures == pytest.approx(expected), key


def test_raw_tickets_csv(days: Hall) -> None:
    text = "".join(tickets_csv(raw(days), "en"))
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert lines[0] == [c.label("en") for c in TICKET_COLUMNS]
    assert len(lines) == 1 + 8
    first = dict(zip([c.name for c in TICKET_COLUMNS], lines[1], strict=True))
    assert (first["code"], first["status"], first["issued"], first["called"],
            first["wait_s"], first["service_s"]) == (
        "A-001", "no_show", "2026-11-30 08:00:00", "2026-11-30 08:20:30", "1230.0", "")


def test_raw_tickets_json_lines(days: Hall) -> None:
    lines = [json.loads(line) for line in tickets_json_lines(raw(days))]
    assert [line["code"] for line in lines] == ["A-001", "A-002", "B-001", "C-001", "A-003",
                                                "A-004", "P-001", "A-001"]
    assert lines[2]["final_service"] == "SKCK" and lines[2]["transfers"] == 1
    assert lines[1]["started"] == "2026-11-30T08:06:00"


def test_summary_csv(days: Hall) -> None:
    with days.session() as session:
        found = summary(session, BOTH_DAYS, By.AGENCY, Scope(), REPORT_NOW)
    lines = list(csv.reader(io.StringIO("".join(summary_csv(found, "id")).lstrip("\ufeff"))))
    assert lines[0][:3] == ["key", "Kelompok", "Tiket terbit"]
    assert "Tunggu rata-rata (detik)" in lines[0]
    assert [line[0] for line in lines[1:]] == ["DUKCAPIL", "POLRES", "IMIGRASI", "hall"]
    assert lines[-1][2] == "8"


def test_summary_xlsx_has_typed_cells(days: Hall, tmp_path: Any) -> None:
    with days.session() as session:
        found = summary(session, BOTH_DAYS, By.SERVICE, Scope(), REPORT_NOW)
    path = tmp_path / "summary.xlsx"
    path.write_bytes(summary_xlsx(found, ABOUT, "id"))
    book = load_workbook(path)
    sheet = book["Ringkasan"]
    assert sheet.freeze_panes == "B2"
    header = [cell.value for cell in sheet[1]]
    assert header == [c.label("id") for c in COLUMNS]
    assert all(cell.font.bold for cell in sheet[1])
    column = {c.name: index for index, c in enumerate(COLUMNS)}
    ktp = [cell for cell in sheet[2]]
    assert ktp[0].value == "KTP-el (Disdukcapil)"
    issued = ktp[column["issued"]]
    assert (issued.value, issued.data_type, issued.number_format) == (5, "n", "0")
    wait = ktp[column["wait_mean_s"]]
    # A real duration cell: openpyxl reads it back as a timedelta.
    assert wait.number_format == "[h]:mm:ss" and wait.value == timedelta(seconds=690)
    share = ktp[column["wait_service_level"]]
    assert (share.value, share.number_format) == (pytest.approx(2 / 3), "0.0%")
    total = [cell.value for cell in sheet[sheet.max_row]]
    assert total[0] == "Seluruh aula" and total[column["issued"]] == 8
    info = {row[0].value: row[1].value for row in book["Info"].iter_rows()}
    assert info["Aula"] == "MPP Buleleng" and isinstance(info["Dibuat"], datetime)


def test_raw_tickets_xlsx_has_typed_cells(days: Hall, tmp_path: Any) -> None:
    path = tmp_path / "tickets.xlsx"
    path.write_bytes(tickets_xlsx(raw(days), ABOUT, "en"))
    sheet = load_workbook(path)["Tickets"]
    assert sheet.freeze_panes == "B2"
    assert [cell.value for cell in sheet[1]] == [c.label("en") for c in TICKET_COLUMNS]
    assert sheet.max_row == 1 + 8
    column = {c.name: index for index, c in enumerate(TICKET_COLUMNS)}
    b001 = sheet[4]
    assert b001[column["code"]].value == "B-001"
    issued = b001[column["issued"]]
    assert issued.is_date and issued.value == datetime(2026, 11, 30, 8, 2)
    day = b001[column["day"]]
    assert day.is_date and day.value == datetime(2026, 11, 30)
    wait = b001[column["wait_s"]]
    assert (wait.value, wait.data_type) == (1680.0, "n")
    assert b001[column["started"]].value == datetime(2026, 11, 30, 8, 46)
