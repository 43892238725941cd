"""A report's table, or the raw tickets, as CSV, XLSX or JSON lines.

CSV is UTF-8 with a byte-order mark (so Excel reads the accents), one header row, numbers
as plain numbers. XLSX has real number, percentage, duration and date cells, the header in
bold, frozen panes under the header (and beside the first column), and an "Info" sheet with
the hall, the period and the grouping. Both are written row by row, so a year of tickets
never sits in memory as one table.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from queue_server.reports.rows import COLUMNS, Column, FigureRow, Summary
from queue_server.reports.tickets import TICKET_COLUMNS, TicketRow

SECONDS_PER_DAY = 86400
FORMATS = {"count": "0", "share": "0.0%", "seconds": "[h]:mm:ss", "hour": "00",
           "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm:ss"}
TICKET_FORMATS = {**FORMATS, "seconds": "0"}  # raw tickets keep seconds, for analysis


@dataclass(frozen=True)
class About:
    """What the export is: printed on the Info sheet."""

    hall: str
    period: str
    grouping: str
    made_at: datetime


def _summary_rows(summary: Summary) -> list[FigureRow]:
    return summary.rows if summary.by == "hall" else [*summary.rows, summary.total]


def _figure(row: FigureRow, column: Column) -> Any:
    return getattr(row, column.name)


def _plain(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return "" if value is None else value


def _csv(lines: Iterable[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for line in lines:
        writer.writerow([_plain(value) for value in line])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _header(columns: tuple[Column, ...], language: str, seconds_unit: bool) -> list[str]:
    unit = " (detik)" if language != "en" else " (s)"
    return [column.label(language) + (unit if seconds_unit and column.kind == "seconds"
                                      else "") for column in columns]


def summary_csv(summary: Summary, language: str) -> Iterator[str]:
    """Seconds and fractions (0.75 for 75 %), as a program would want them."""
    header = ["key", *_header(COLUMNS, language, seconds_unit=True)]
    body = ([row.key, *(_figure(row, column) for column in COLUMNS)]
            for row in _summary_rows(summary))
    return _csv([header, *body])


def tickets_csv(rows: Iterable[TicketRow], language: str) -> Iterator[str]:
    header = _header(TICKET_COLUMNS, language, seconds_unit=False)
    return _csv(_chain([header], ([row.value(c.name) for c in TICKET_COLUMNS] for row in rows)))


def _chain(first: list[list[Any]], rest: Iterable[list[Any]]) -> Iterator[list[Any]]:
    yield from first
    yield from rest


def tickets_json_lines(rows: Iterable[TicketRow]) -> Iterator[str]:
    for row in rows:
        yield json.dumps({c.name: _json(row.value(c.name)) for c in TICKET_COLUMNS},
                         ensure_ascii=False) + "\n"


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def _cell(sheet: WriteOnlyWorksheet, value: Any, kind: str,
          formats: dict[str, str]) -> WriteOnlyCell:
    if kind == "seconds" and value is not None and formats is FORMATS:
        value = value / SECONDS_PER_DAY  # a spreadsheet duration is a fraction of a day
    cell = WriteOnlyCell(sheet, value=value)
    if kind in formats and value is not None:
        cell.number_format = formats[kind]
    return cell


def _header_cells(sheet: WriteOnlyWorksheet, labels: list[str]) -> list[WriteOnlyCell]:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _info(book: Workbook, about: About, language: str) -> None:
    sheet = book.create_sheet("Info")
    english = language == "en"
    for label, value in ((("Hall" if english else "Aula"), about.hall),
                         (("Period" if english else "Periode"), about.period),
                         (("Grouped by" if english else "Dikelompokkan per"), about.grouping),
                         (("Made at" if english else "Dibuat"), about.made_at)):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, datetime):
            cell.number_format = FORMATS["datetime"]
        sheet.append([label, cell])


def _book_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def summary_xlsx(summary: Summary, about: About, language: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Ringkasan" if language != "en" else "Summary")
    sheet.freeze_panes = "B2"
    sheet.append(_header_cells(sheet, [c.label(language) for c in COLUMNS]))
    for row in _summary_rows(summary):
        sheet.append([_cell(sheet, _figure(row, c), c.kind, FORMATS) for c in COLUMNS])
    _info(book, about, language)
    return _book_bytes(book)


def tickets_xlsx(rows: Iterable[TicketRow], about: About, language: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Tiket" if language != "en" else "Tickets")
    sheet.freeze_panes = "B2"
    sheet.append(_header_cells(sheet, _header(TICKET_COLUMNS, language, seconds_unit=False)))
    for row in rows:
        sheet.append([_cell(sheet, row.value(c.name), c.kind, TICKET_FORMATS)
                      for c in TICKET_COLUMNS])
    _info(book, about, language)
    return _book_bytes(book)
