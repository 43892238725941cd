"""The index, as PermenPANRB No. 14 of 2017 computes it, from the sums and counts of answers.

- NRR (nilai rata-rata) of an element = the sum of its answers / the number of its answers;
- weighted NRR = NRR × 1/9 (each of the nine elements weighs the same);
- IKM = the sum of the weighted NRRs, i.e. the mean of the nine NRRs (1.00 to 4.00);
- the converted index (IKM unit pelayanan) = IKM × 25 (25.00 to 100.00);
- the grade (mutu) and performance (kinerja) from the converted index:
  88.31–100.00 A (Sangat Baik), 76.61–88.30 B (Baik), 65.00–76.60 C (Kurang Baik),
  25.00–64.99 D (Tidak Baik).

Rounding, decided once: everything is computed exactly (fractions of whole numbers), the
converted index is rounded half up to 2 decimals, and the grade is read from that rounded
number, so the bands meet without a gap (64.994 is 64.99, D; 64.995 is 65.00, C). The
weight is exactly 1/9, not the 0.111 of the regulation's worked example (which would make
a perfect score 99.9). NRR, weighted NRR and IKM are shown with 3 decimals, rounded half up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from queue_server.survey.elements import CODES

WEIGHT = Fraction(1, len(CODES))
FACTOR = 25
CENT = Decimal("0.01")
MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Grade:
    letter: str  # A, B, C, D
    lowest: Decimal  # the lowest converted index with this grade
    performance_id: str
    performance_en: str

    def performance(self, language: str) -> str:
        return self.performance_en if language == "en" else self.performance_id


GRADES = (
    Grade("A", Decimal("88.31"), "Sangat Baik", "Very good"),
    Grade("B", Decimal("76.61"), "Baik", "Good"),
    Grade("C", Decimal("65.00"), "Kurang Baik", "Poor"),
    Grade("D", Decimal("25.00"), "Tidak Baik", "Very poor"),
)


def rounded(value: Fraction, step: Decimal) -> Decimal:
    """Half up to `step` (0.01 or 0.001), from the exact value."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(step, rounding=ROUND_HALF_UP)


def grade_of(converted: Decimal) -> Grade:
    """The grade of a converted index already rounded to 2 decimals (25.00 to 100.00)."""
    for grade in GRADES:
        if converted >= grade.lowest:
            return grade
    raise ValueError(f"a converted index of {converted} is below 25.00, the lowest possible")


@dataclass(frozen=True)
class ElementTotal:
    """One element's answers in a group: their sum and their number."""

    code: str
    total: int
    count: int

    @property
    def nrr(self) -> Fraction | None:
        return Fraction(self.total, self.count) if self.count else None


@dataclass(frozen=True)
class Index:
    """A group's index. `ikm` and the rest are None while an element has no answer."""

    elements: tuple[ElementTotal, ...]
    ikm: Fraction | None
    converted: Decimal | None
    grade: Grade | None

    def nrr(self, code: str) -> Fraction | None:
        return next(e.nrr for e in self.elements if e.code == code)


def index_of(totals: Mapping[str, tuple[int, int]]) -> Index:
    """The index from each element's (sum, count); elements missing count as unanswered."""
    elements = tuple(ElementTotal(code, *totals.get(code, (0, 0))) for code in CODES)
    nrrs = [element.nrr for element in elements]
    if any(nrr is None for nrr in nrrs):
        return Index(elements, None, None, None)
    ikm = sum((nrr * WEIGHT for nrr in nrrs if nrr is not None), Fraction(0))
    converted = rounded(ikm * FACTOR, CENT)
    return Index(elements, ikm, converted, grade_of(converted))


def index_of_answers(responses: Iterable[Mapping[str, int]]) -> Index:
    """The index of whole responses ({"U1": 4, …}): for tests and the worked example; the
    reports sum in SQL (figures.py) and call `index_of`."""
    totals: dict[str, tuple[int, int]] = {}
    for response in responses:
        for code, value in response.items():
            total, count = totals.get(code, (0, 0))
            totals[code] = (total + value, count + 1)
    return index_of(totals)
