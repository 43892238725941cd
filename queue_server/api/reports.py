"""Reports for supervisors (their agencies) and administrators (everything): the figures of
a range of days as JSON, CSV or XLSX, the raw tickets, and what the report page charts.
Officers are refused: their own figures for today are in the console."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify
from sqlalchemy import select

from queue_server.api.auth import require_user
from queue_server.api.errors import ApiError, language
from queue_server.api.spec import endpoint
from queue_server.context import db, now, runtime
from queue_server.models import Agency, Role, User
from queue_server.queue.common import get_site, service_day, site_time
from queue_server.reports.charts import charts
from queue_server.reports.export import (
    About,
    summary_csv,
    summary_xlsx,
    tickets_csv,
    tickets_json_lines,
    tickets_xlsx,
)
from queue_server.reports.figures import report_dialect, summary
from queue_server.reports.period import Period, Scope
from queue_server.reports.remember import remember_closed_days
from queue_server.reports.rows import FigureRow
from queue_server.reports.schemas import (
    ArrivalCellOut,
    ChartsOut,
    ChartsQuery,
    FigureRowOut,
    RangeQuery,
    SummaryOut,
    SummaryQuery,
    TicketsQuery,
    WaitBucketOut,
)
from queue_server.reports.tickets import ticket_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON_LINES = "application/x-ndjson"
ERRORS = (401, 403, 422)
GROUPING = {"id": {"hall": "aula", "agency": "instansi", "service": "layanan",
                   "counter": "loket", "officer": "petugas", "day": "hari",
                   "weekday": "hari dalam pekan", "hour": "jam"}}


def reader() -> User:
    """A supervisor or administrator; an officer is told where their figures are."""
    user = require_user()
    if user.role is Role.OFFICER:
        raise ApiError("reports_forbidden", 403,
                       "Laporan hanya untuk supervisor dan administrator; angka Anda hari ini "
                       "ada di konsol loket.",
                       "Reports are for supervisors and administrators; your own figures for "
                       "today are in the counter console.")
    return user


def scope_of(user: User, agency_code: str | None) -> Scope:
    """Administrators see every agency, supervisors theirs; `agency` narrows it to one."""
    mine = None if user.role is Role.ADMIN else [a.id for a in user.agencies]
    if agency_code is None:
        return Scope(mine)
    agency = db().scalar(select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise ApiError("unknown_agency", 422, f"Instansi '{agency_code}' tidak dikenal.",
                       f"Unknown agency '{agency_code}'.")
    if mine is not None and agency.id not in mine:
        raise ApiError("forbidden", 403, f"{agency.short_name} bukan instansi Anda.",
                       f"{agency.short_name} is not your agency.")
    return Scope([agency.id])


def _period(query: RangeQuery) -> Period:
    """The asked range; its closed days not yet in the reports' store are stored first (once
    per day: a year's first report takes a second or two, later ones read stored facts)."""
    period = Period.checked(query.first, query.last)
    session = db()
    sql, _ = report_dialect(session, period)
    if remember_closed_days(session, period, service_day(get_site(session), now()), now(),
                            sql):
        session.commit()
    return period


def _row_out(row: FigureRow) -> FigureRowOut:
    values = asdict(row)
    values.pop("extra")
    return FigureRowOut(**values)


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _about(period: Period, grouping: str) -> About:
    local = site_time(get_site(db()), now()).replace(tzinfo=None)
    return About(runtime().hall.site.name, f"{period.first} – {period.last}", grouping, local)


def register(bp: Blueprint) -> None:
    @endpoint(bp, "GET", "/reports/summary", tag="reports", query=SummaryQuery,
              answers={200: SummaryOut}, produces=(CSV, XLSX), auth=("session", "bearer"),
              errors=ERRORS,
              summary="Waiting and service times, service level, counts and counters' time "
                      "for a range of site-local days, one row per group (format=csv|xlsx "
                      "for a spreadsheet)")
    def report_summary(query: SummaryQuery) -> Response:
        user = reader()
        period = _period(query)
        found = summary(db(), period, query.by, scope_of(user, query.agency), now(),
                        language())
        name = f"antre-ringkasan-{query.by.value}-{period.first}-{period.last}"
        grouping = GROUPING.get(language(), {}).get(query.by.value, query.by.value)
        if query.format == "csv":
            return _download("".join(summary_csv(found, language())).encode(), CSV,
                             f"{name}.csv")
        if query.format == "xlsx":
            return _download(summary_xlsx(found, _about(period, grouping), language()), XLSX,
                             f"{name}.xlsx")
        out = SummaryOut(first=found.first, last=found.last, by=query.by,
                         rows=[_row_out(r) for r in found.rows], total=_row_out(found.total))
        return jsonify(out.model_dump(mode="json", by_alias=True))

    @endpoint(bp, "GET", "/reports/tickets", tag="reports", query=TicketsQuery,
              answers={200: None}, produces=(JSON_LINES, CSV, XLSX),
              auth=("session", "bearer"), errors=ERRORS,
              summary="The raw tickets of a range of days, one per line or row: code, "
                      "agency, service, counter, officer, channel, priority, status, times, "
                      "wait and service seconds, outcome")
    def report_tickets(query: TicketsQuery) -> Response:
        user = reader()
        period = _period(query)
        rows = ticket_rows(db(), period, scope_of(user, query.agency))
        name = f"antre-tiket-{period.first}-{period.last}"
        if query.format == "xlsx":
            return _download(tickets_xlsx(rows, _about(period, "tiket"), language()), XLSX,
                             f"{name}.xlsx")
        # Written out whole before answering: a slow download must not hold the database
        # connection (the embedded server has one, shared by the whole hall).
        if query.format == "csv":
            return _download("".join(tickets_csv(rows, language())).encode(), CSV,
                             f"{name}.csv")
        return Response("".join(tickets_json_lines(rows)), mimetype=JSON_LINES)

    @endpoint(bp, "GET", "/reports/charts", tag="reports", query=ChartsQuery,
              answers={200: ChartsOut}, auth=("session", "bearer"), errors=ERRORS,
              summary="Arrivals by weekday and hour, and the waiting-time distribution "
                      "(5-minute buckets), for the report page's charts")
    def report_charts(query: ChartsQuery) -> ChartsOut:
        user = reader()
        found = charts(db(), _period(query), scope_of(user, query.agency))
        return ChartsOut(arrivals=[ArrivalCellOut(**asdict(c)) for c in found.arrivals],
                         waits=[WaitBucketOut(**asdict(b)) for b in found.waits])
