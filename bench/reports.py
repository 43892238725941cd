"""Reports on a year of history: the summary for a month and for the whole year, on SQLite.

    .venv/bin/python -m bench.reports [--out docs/benchmarks.md] [--weeks 4] [--copies 12]

A year is made the way a hall would get one, only faster: `--weeks` of open days are played
through the queue engine by the demo history (arrivals with a morning peak, service around
the targets, no-shows, transfers, walkouts, counters' breaks), then copied forward in blocks
of whole weeks (weekdays, hours and every relation kept) until about 250 open days. Each
figure is the median of several runs of `summary()` in-process (the database's work plus
building the rows; the HTTP layer adds little). The section it writes in the benchmarks file
sits between markers, so `make bench` can keep it beside its own.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import Connection, Date, DateTime, Engine, TypeDecorator, func, select, text

from queue_server.config import load_config
from queue_server.db import make_engine, session_factory, upgrade_schema
from queue_server.models import CounterEvent, Ticket, TicketEvent
from queue_server.provision import apply_config
from queue_server.reports.charts import charts
from queue_server.reports.demo import fill_history
from queue_server.reports.figures import report_dialect, summary
from queue_server.reports.period import By, Period, Scope
from queue_server.reports.remember import remember_closed_days

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- reports:start -->", "<!-- reports:end -->"
MONTH_BUDGET_MS, YEAR_BUDGET_MS = 300, 1000
RUNS = 5


@dataclass
class Timing:
    what: str
    by: str
    ms: float  # wall clock, the median run
    cpu_ms: float = 0.0  # this process's CPU time in that run (the others' load left out)


def _shifted(column: str, days: int, kind: object) -> str:
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, Date):
        return f"date({column}, '+{days} days')"
    if isinstance(kind, DateTime):
        # Keep the stored text form, fraction included, so comparisons stay textual-exact.
        return (f"CASE WHEN {column} IS NULL THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%S', "
                f"{column}, '+{days} days') || substr({column}, 20) END")
    return column


def _copy(connection: Connection, table: str, columns: Sequence[tuple[str, object]], days: int,
          shift: dict[str, int], original_last: int, suffix: str | None = None) -> None:
    """Insert a copy of the original rows (ids up to `original_last`), `days` later, with
    `shift` added to the id columns named in it."""
    names = ", ".join(name for name, _ in columns)
    values = []
    for name, kind in columns:
        if name in shift:
            values.append(f"{name} + {shift[name]}")
        elif name == "token" and suffix is not None:
            values.append(f"{name} || '{suffix}'")
        else:
            values.append(_shifted(name, days, kind))
    connection.execute(text(f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} "
                            f"FROM {table} WHERE id <= :last"), {"last": original_last})


def copy_forward(engine: Engine, copies: int, block_days: int) -> None:
    """Append `copies` copies of the history, each `block_days` later than the last."""
    tables = {model.__tablename__: [(c.name, c.type) for c in model.__table__.columns]
              for model in (Ticket, TicketEvent, CounterEvent)}
    with engine.begin() as connection:
        last = {name: connection.execute(text(f"SELECT max(id) FROM {name}")).scalar_one()
                for name in tables}
        for copy in range(1, copies + 1):
            days = copy * block_days
            _copy(connection, "tickets", tables["tickets"], days,
                  {"id": last["tickets"] * copy}, last["tickets"], suffix=f"~{copy}")
            _copy(connection, "ticket_events", tables["ticket_events"], days,
                  {"id": last["ticket_events"] * copy, "ticket_id": last["tickets"] * copy},
                  last["ticket_events"])
            _copy(connection, "counter_events", tables["counter_events"], days,
                  {"id": last["counter_events"] * copy}, last["counter_events"])
        connection.execute(text("ANALYZE"))


def build_year(directory: Path, weeks: int, copies: int, per_day: int) -> tuple[Engine, Period]:
    engine = make_engine(f"sqlite:///{directory / 'year.db'}")
    upgrade_schema(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        apply_config(session, load_config(ROOT / "config.yaml"))
    # Start on a Monday so the played block is whole weeks.
    first = date(2025, 12, 1)
    today = first + timedelta(weeks=weeks)
    result = fill_history(sessions, today, days=weeks * 5, per_day=per_day, seed=2026)
    if result.days[0] < first:
        raise RuntimeError("holidays pushed the played days before the first week")
    copy_forward(engine, copies, weeks * 7)
    last = today + timedelta(weeks=weeks * copies) - timedelta(days=1)
    return engine, Period(first, last)


def _median(what: str, by: str, work: Callable[[], object]) -> Timing:
    """The run with the median wall time of RUNS."""
    runs = []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        runs.append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    wall_ms, cpu_ms = sorted(runs)[len(runs) // 2]
    return Timing(what, by, wall_ms, cpu_ms)


def measure(engine: Engine, year: Period) -> tuple[list[Timing], dict[str, float]]:
    sessions = session_factory(engine)
    month = Period(date(year.first.year + 1, 3, 1), date(year.first.year + 1, 3, 31))
    now = datetime.combine(year.last + timedelta(days=1), datetime.min.time(), UTC)
    timings = []
    with sessions() as session:
        facts: dict[str, float] = {
            "tickets": session.scalar(select(func.count(Ticket.id))) or 0,
            "ticket events": session.scalar(select(func.count(TicketEvent.id))) or 0,
            "counter events": session.scalar(select(func.count(CounterEvent.id))) or 0,
            "open days": session.scalar(select(func.count(Ticket.service_day.distinct()))) or 0,
            "month tickets": session.scalar(select(func.count(Ticket.id)).where(
                Ticket.service_day.between(month.first, month.last))) or 0,
        }
        # Read live from the tickets once, before the closed days are stored.
        for label, period in (("month live", month), ("year live", year)):
            for by in (By.HALL, By.AGENCY):
                started = time.perf_counter()
                summary(session, period, by, Scope(), now, stored=False)
                timings.append(Timing(label, by.value, (time.perf_counter() - started) * 1000))
        sql, _ = report_dialect(session, year)
        started = time.perf_counter()
        remember_closed_days(session, year, year.last + timedelta(days=1), now, sql)
        session.commit()
        facts["store ms"] = (time.perf_counter() - started) * 1000
        facts["load"], facts["cores"] = os.getloadavg()[0], float(os.cpu_count() or 1)
        for label, period in (("month", month), ("year", year)):
            for by in By:
                timings.append(_median(label, by.value, partial(
                    summary, session, period, by, Scope(), now)))
            timings.append(_median(label, "charts", partial(charts, session, period, Scope())))
    return timings, facts


def section(timings: list[Timing], facts: dict[str, float], year: Period,
            seconds: float) -> str:
    def ms(what: str, by: str) -> float:
        return next(t.ms for t in timings if t.what == what and t.by == by)

    def cpu(what: str, by: str) -> float:
        return next(t.cpu_ms for t in timings if t.what == what and t.by == by)

    budgets = (("month", MONTH_BUDGET_MS), ("year", YEAR_BUDGET_MS))
    worst = {what: max(t.ms for t in timings if t.what == what and t.by != "charts")
             for what in ("month", "year")}
    verdict = {what: "within" if worst[what] <= budget else "OVER" for what, budget in budgets}
    worst_cpu = {what: max(t.cpu_ms for t in timings if t.what == what and t.by != "charts")
                 for what in ("month", "year")}
    verdict_cpu = {what: "within" if worst_cpu[what] <= budget else "OVER"
                   for what, budget in budgets}
    lines = [
        START,
        "## Reports: a year of history on SQLite",
        "",
        f"{facts['tickets']:,.0f} tickets, {facts['ticket events']:,.0f} ticket events and "
        f"{facts['counter events']:,.0f} counter state changes over {facts['open days']:.0f} "
        f"open days ({year.first} to {year.last}) of the shipped config.yaml; a month "
        f"(March) is {facts['month tickets']:,.0f} tickets. Median of {RUNS} runs of "
        "`summary()` in-process, closed days read from the reports' store "
        "(`python -m bench.reports`).",
        "",
        f"Budget: a month < {MONTH_BUDGET_MS} ms, the year < {YEAR_BUDGET_MS} ms "
        f"(slowest grouping). Month: {worst['month']:.0f} ms, {verdict['month']} budget; "
        f"year: {worst['year']:.0f} ms, {verdict['year']} budget. In this process's own "
        f"CPU time: month {worst_cpu['month']:.0f} ms ({verdict_cpu['month']}), year "
        f"{worst_cpu['year']:.0f} ms ({verdict_cpu['year']}).",
        "",
        f"Load average while measuring: {facts['load']:.1f} on {facts['cores']:.0f} cores "
        "(other work shares the machine; the CPU column is this process's own time).",
        "",
        "| grouping | month (ms) | month CPU (ms) | year (ms) | year CPU (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for by in [b.value for b in By] + ["charts"]:
        lines.append(f"| {by} | {ms('month', by):.0f} | {cpu('month', by):.0f} | "
                     f"{ms('year', by):.0f} | {cpu('year', by):.0f} |")
    lines += [
        "",
        f"Storing the year's {facts['open days']:.0f} closed days (done once, by the first "
        f"report that covers them): {facts['store ms']:.0f} ms. The same summaries computed "
        f"live from tickets and events, one run each: month {ms('month live', 'hall'):.0f} "
        f"ms (hall) and {ms('month live', 'agency'):.0f} ms (agency); year "
        f"{ms('year live', 'hall'):.0f} ms and {ms('year live', 'agency'):.0f} ms.",
        "",
        f"Made in {seconds:.0f} s (most of it playing the history through the engine).",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_section(out: Path, text_block: str) -> None:
    """Replace the reports section of `out` (or append it), leaving the rest as it is."""
    current = out.read_text(encoding="utf-8") if out.exists() else "# Benchmarks\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        updated = before + text_block + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + text_block
    out.write_text(updated, encoding="utf-8")


def run(out: Path, weeks: int = 4, copies: int = 12, per_day: int = 250) -> str:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="antre-bench-reports-") as temporary:
        engine, year = build_year(Path(temporary), weeks, copies, per_day)
        try:
            timings, facts = measure(engine, year)
        finally:
            engine.dispose()
    block = section(timings, facts, year, time.monotonic() - started)
    write_section(out, block)
    return block


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reports",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--weeks", type=int, default=4, help="weeks played through the engine")
    parser.add_argument("--copies", type=int, default=12, help="copies of those weeks after")
    parser.add_argument("--per-day", type=int, default=250)
    args = parser.parse_args(argv)
    print(run(args.out, args.weeks, args.copies, args.per_day))
    return 0


if __name__ == "__main__":
    sys.exit(main())
