"""The SKM report as CSV and XLSX, in the layout of the regulation's report.

1. Recap per element (the whole selection): sum of answers, number of answers, NRR,
   weighted NRR; then IKM, the converted index, grade and performance; respondents against
   visitors served and the minimum sample.
2. The index per group (agency, service or counter): NRR of U1–U9, IKM, converted, grade.
3. The respondents' profile: each question, each answer, how many and what share.
4. The suggestions (XLSX: a sheet of their own; CSV: the last section).

CSV is UTF-8 with a byte-order mark (Excel then reads the accents) and one section after the
other, each under a title line; numbers are plain numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from queue_server.survey.elements import ELEMENTS, PROFILE
from queue_server.survey.figures import Group, Skm
from queue_server.survey.index import MILLI, WEIGHT, rounded

WORDS = {
    "id": {"recap": "Rekapitulasi per unsur", "element": "Unsur", "name": "Nama unsur",
           "sum": "Jumlah nilai", "count": "Jumlah jawaban", "nrr": "NRR",
           "weighted": "NRR tertimbang", "ikm": "IKM", "converted": "IKM konversi",
           "grade": "Mutu", "performance": "Kinerja", "respondents": "Responden",
           "served": "Pengunjung dilayani", "minimum": "Sampel minimum (Krejcie-Morgan)",
           "enough": "Sampel cukup", "yes": "ya", "no": "tidak", "groups": "IKM per {by}",
           "key": "Kode", "group": "Kelompok", "profile": "Profil responden",
           "question": "Pertanyaan", "answer": "Jawaban", "share": "Persentase",
           "not_given": "Tidak diisi", "suggestions": "Saran dan masukan", "day": "Tanggal",
           "agency": "Instansi", "service": "Layanan", "text": "Saran", "info": "Info",
           "hall": "Unit pelayanan", "period": "Periode", "made": "Dibuat",
           "method": "Metode", "method_text": "PermenPANRB No. 14 Tahun 2017; bobot 1/9 "
                                              "per unsur; IKM konversi dibulatkan 2 desimal",
           "total": "Total"},
    "en": {"recap": "Recap per element", "element": "Element", "name": "Element name",
           "sum": "Sum of answers", "count": "Number of answers", "nrr": "NRR",
           "weighted": "Weighted NRR", "ikm": "IKM", "converted": "Converted IKM",
           "grade": "Grade", "performance": "Performance", "respondents": "Respondents",
           "served": "Visitors served", "minimum": "Minimum sample (Krejcie-Morgan)",
           "enough": "Sample large enough", "yes": "yes", "no": "no",
           "groups": "IKM by {by}", "key": "Key", "group": "Group",
           "profile": "Respondents' profile", "question": "Question", "answer": "Answer",
           "share": "Share", "not_given": "Not given", "suggestions": "Suggestions",
           "day": "Date", "agency": "Agency", "service": "Service", "text": "Suggestion",
           "info": "Info", "hall": "Service unit", "period": "Period", "made": "Made",
           "method": "Method", "method_text": "PermenPANRB No. 14 of 2017; weight 1/9 per "
                                              "element; converted IKM rounded to 2 decimals",
           "total": "Total"},
}
BY_WORDS = {"id": {"hall": "aula", "agency": "instansi", "service": "layanan",
                   "counter": "loket"},
            "en": {"hall": "hall", "agency": "agency", "service": "service",
                   "counter": "counter"}}


@dataclass(frozen=True)
class About:
    hall: str
    made_at: datetime


def _words(language: str) -> dict[str, str]:
    return WORDS["en" if language == "en" else "id"]


def _number(value: Fraction | Decimal | None, step: Decimal = MILLI) -> float | None:
    if value is None:
        return None
    return float(value if isinstance(value, Decimal) else rounded(value, step))


def _recap(total: Group, language: str) -> list[list[Any]]:
    w = _words(language)
    index = total.index
    lines: list[list[Any]] = [[w["element"], w["name"], w["sum"], w["count"], w["nrr"],
                               w["weighted"]]]
    for element, found in zip(ELEMENTS, index.elements, strict=True):
        nrr = found.nrr
        lines.append([element.code, element.name(language), found.total, found.count,
                      _number(nrr), _number(nrr * WEIGHT if nrr is not None else None)])
    grade = index.grade
    lines += [
        [w["ikm"], "", "", "", "", _number(index.ikm)],
        [w["converted"], "", "", "", "", _number(index.converted)],
        [w["grade"], "", "", "", "", grade.letter if grade else None],
        [w["performance"], "", "", "", "", grade.performance(language) if grade else None],
        [w["respondents"], "", "", "", "", total.respondents],
        [w["served"], "", "", "", "", total.served],
        [w["minimum"], "", "", "", "", total.minimum_sample],
        [w["enough"], "", "", "", "", w["yes"] if total.enough else w["no"]],
    ]
    return lines


def _groups(found: Skm, language: str) -> list[list[Any]]:
    w = _words(language)
    lines: list[list[Any]] = [[w["key"], w["group"], w["respondents"], w["served"],
                               w["minimum"], *(e.code for e in ELEMENTS), w["ikm"],
                               w["converted"], w["grade"], w["performance"]]]
    rows = found.rows if found.by == "hall" else [*found.rows, found.total]
    for row in rows:
        index = row.index
        label = w["total"] if row is found.total else row.label
        lines.append([row.key, label, row.respondents, row.served, row.minimum_sample,
                      *(_number(e.nrr) for e in index.elements), _number(index.ikm),
                      _number(index.converted), index.grade.letter if index.grade else None,
                      index.grade.performance(language) if index.grade else None])
    return lines


def _profile(found: Skm, language: str) -> list[list[Any]]:
    w = _words(language)
    lines: list[list[Any]] = [[w["question"], w["answer"], w["respondents"], w["share"]]]
    everyone = found.total.respondents
    for item, counted in zip(PROFILE, found.profile, strict=True):
        for code in (*item.codes, ""):
            n = counted.counts.get(code, 0)
            answer = item.choice(code, language) if code else w["not_given"]
            lines.append([item.label(language), answer, n,
                          round(n / everyone, 4) if everyone else None])
    return lines


def _suggestions(found: Skm, language: str) -> list[list[Any]]:
    w = _words(language)
    return [[w["day"], w["agency"], w["service"], w["text"]],
            *([s.day.isoformat(), s.agency, s.service, s.text] for s in found.suggestions)]


def _sections(found: Skm, language: str) -> list[tuple[str, list[list[Any]]]]:
    w = _words(language)
    by = BY_WORDS["en" if language == "en" else "id"][found.by.value]
    return [(w["recap"], _recap(found.total, language)),
            (w["groups"].format(by=by), _groups(found, language)),
            (w["profile"], _profile(found, language)),
            (w["suggestions"], _suggestions(found, language))]


def skm_csv(found: Skm, language: str) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for number, (title, lines) in enumerate(_sections(found, language)):
        if number:
            writer.writerow([])
        writer.writerow([title])
        for line in lines:
            writer.writerow(["" if value is None else value for value in line])
    return buffer.getvalue()


def _sheet(sheet: Worksheet, lines: list[list[Any]], formats: dict[int, str]) -> None:
    for line in lines:
        sheet.append(line)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(8, width + 2))


def skm_xlsx(found: Skm, about: About, language: str) -> bytes:
    w = _words(language)
    book = Workbook()
    sections = _sections(found, language)
    names = ("Rekap" if language != "en" else "Recap", "IKM", "Profil" if language != "en"
             else "Profile", "Saran" if language != "en" else "Suggestions")
    first = book.active
    assert first is not None
    first.title = names[0]
    _sheet(first, sections[0][1], {5: "0.000", 6: "0.000"})
    ikm_columns = {c: "0.000" for c in range(6, 6 + len(ELEMENTS) + 1)}
    _sheet(book.create_sheet(names[1]), sections[1][1],
           {**ikm_columns, 6 + len(ELEMENTS) + 1: "0.00"})
    _sheet(book.create_sheet(names[2]), sections[2][1], {4: "0.0%"})
    _sheet(book.create_sheet(names[3]), sections[3][1], {})
    info = book.create_sheet(w["info"])
    for line in ([w["hall"], about.hall], [w["period"], f"{found.first} – {found.last}"],
                 [w["groups"].format(by=BY_WORDS["en" if language == "en" else "id"]
                                     [found.by.value]), ""],
                 [w["made"], about.made_at.replace(tzinfo=None)],
                 [w["method"], w["method_text"]]):
        info.append(line)
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 70
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def lines_of(found: Skm, language: str) -> Iterator[tuple[str, list[list[Any]]]]:
    """The report's sections (title, rows), for a page that prints them."""
    yield from _sections(found, language)
