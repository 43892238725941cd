"""The index by hand: NRR per element, IKM, the converted index and its grade at each
boundary, the Krejcie–Morgan minimum sample, and the checks on an answer."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from queue_server.survey.answering import (
    AnswerOutOfScale,
    MissingAnswers,
    UnknownElement,
    UnknownProfile,
    UnknownProfileChoice,
    checked_answer,
)
from queue_server.survey.elements import CODES, ELEMENTS, PROFILE, questionnaire
from queue_server.survey.index import grade_of, index_of, index_of_answers
from queue_server.survey.sample import TABLE, krejcie_morgan, minimum_sample

ALL = {code: 4 for code in CODES}


def responses_totalling(respondents: int, total: int) -> list[dict[str, int]]:
    """`respondents` complete responses whose answers add up to `total`: every answer starts
    at 1 and the rest is handed out one point at a time, cell after cell."""
    cells = [[1] * len(CODES) for _ in range(respondents)]
    extra = total - respondents * len(CODES)
    assert 0 <= extra <= 3 * respondents * len(CODES)
    position = 0
    while extra:
        row, column = divmod(position % (respondents * len(CODES)), len(CODES))
        if cells[row][column] < 4:
            cells[row][column] += 1
            extra -= 1
        position += 1
    return [dict(zip(CODES, row, strict=True)) for row in cells]


def test_the_worked_example_of_docs_skm() -> None:
    """docs/skm.md: ten visitors of one day."""
    table = [
        [4, 3, 3, 4, 3, 4, 4, 3, 3],
        [3, 3, 2, 4, 3, 3, 4, 2, 3],
        [4, 4, 3, 4, 4, 4, 4, 3, 4],
        [3, 3, 3, 4, 3, 3, 3, 3, 3],
        [4, 3, 2, 4, 3, 4, 4, 2, 3],
        [3, 2, 2, 4, 3, 3, 3, 2, 2],
        [4, 4, 4, 4, 4, 4, 4, 4, 4],
        [3, 3, 3, 4, 3, 3, 4, 3, 3],
        [4, 3, 3, 4, 3, 3, 4, 3, 4],
        [3, 3, 2, 4, 3, 3, 3, 2, 3],
    ]
    index = index_of_answers(dict(zip(CODES, row, strict=True)) for row in table)
    assert [(e.total, e.count) for e in index.elements] == [
        (35, 10), (31, 10), (27, 10), (40, 10), (32, 10), (34, 10), (37, 10), (27, 10),
        (32, 10)]
    assert index.nrr("U1") == Fraction(35, 10)
    assert index.nrr("U3") == Fraction(27, 10)
    assert index.ikm == Fraction(295, 90)  # (35+31+…+32)/10 / 9
    assert index.converted == Decimal("81.94")  # 81.9444… rounded half up
    assert index.grade is not None
    assert (index.grade.letter, index.grade.performance("id")) == ("B", "Baik")


@pytest.mark.parametrize(("respondents", "total", "converted", "grade"), [
    (38, 889, "64.99", "D"),  # 64.9853…: still D
    (5, 117, "65.00", "C"),  # exactly 65
    (26, 717, "76.60", "C"),  # 76.6025…
    (19, 524, "76.61", "B"),  # 76.6081… rounds up into B
    (33, 1049, "88.30", "B"),  # 88.2996…
    (24, 763, "88.31", "A"),  # 88.3101…
])
def test_grade_boundaries_from_hand_made_responses(respondents: int, total: int,
                                                   converted: str, grade: str) -> None:
    index = index_of_answers(responses_totalling(respondents, total))
    assert index.converted == Decimal(converted)
    assert index.grade is not None and index.grade.letter == grade


@pytest.mark.parametrize(("converted", "grade", "performance"), [
    ("100.00", "A", "Sangat Baik"), ("88.31", "A", "Sangat Baik"), ("88.30", "B", "Baik"),
    ("76.61", "B", "Baik"), ("76.60", "C", "Kurang Baik"), ("65.00", "C", "Kurang Baik"),
    ("64.99", "D", "Tidak Baik"), ("25.00", "D", "Tidak Baik"),
])
def test_grade_bands(converted: str, grade: str, performance: str) -> None:
    found = grade_of(Decimal(converted))
    assert (found.letter, found.performance("id")) == (grade, performance)


def test_rounding_is_half_up_to_two_decimals_before_grading() -> None:
    # Every NRR 2.5998: the converted index is exactly 64.995, which is 65.00, C.
    exact = index_of({code: (25998, 10000) for code in CODES})
    assert exact.converted == Decimal("65.00")
    assert exact.grade is not None and exact.grade.letter == "C"
    # Exactly 64.985 is 64.99 (half up; a banker's rounding would give 64.98).
    below = index_of({code: (25994, 10000) for code in CODES})
    assert below.converted == Decimal("64.99")
    assert below.grade is not None and below.grade.letter == "D"


def test_extremes_and_the_weight_of_one_ninth() -> None:
    best = index_of_answers([ALL])
    assert (best.ikm, best.converted) == (4, Decimal("100.00"))  # not 99.9 as with 0.111
    worst = index_of_answers([{code: 1 for code in CODES}])
    assert worst.converted == Decimal("25.00")
    assert worst.grade is not None and worst.grade.letter == "D"


def test_nrr_counts_only_the_answers_given() -> None:
    index = index_of({"U1": (7, 2), **{code: (3, 1) for code in CODES[1:]}})
    assert index.nrr("U1") == Fraction(7, 2)
    assert index.ikm == (Fraction(7, 2) + 8 * 3) / 9


def test_an_element_without_answers_leaves_the_index_open() -> None:
    index = index_of({code: (4, 1) for code in CODES[:-1]})
    assert index.nrr("U9") is None
    assert (index.ikm, index.converted, index.grade) == (None, None, None)


def test_the_minimum_sample_follows_the_krejcie_morgan_table() -> None:
    assert minimum_sample(0) == 0
    assert minimum_sample(7) == 7  # fewer than the table's first row: everyone
    assert minimum_sample(100) == 80
    assert minimum_sample(101) == 86  # between rows: the larger population's row
    assert minimum_sample(1000) == 278
    assert minimum_sample(60_000) == 382
    assert minimum_sample(5_000_000) == 384
    for population, sample in TABLE:
        assert minimum_sample(population) == sample
        assert abs(krejcie_morgan(population) - sample) <= 1  # the table is the formula


def test_the_questionnaire_has_nine_elements_and_four_words_each() -> None:
    assert [e.code for e in ELEMENTS] == [f"U{n}" for n in range(1, 10)]
    assert ELEMENTS[7].name_id == "Penanganan pengaduan, saran dan masukan"
    assert ELEMENTS[8].name_id == "Sarana dan prasarana"
    for language in ("id", "en"):
        form = questionnaire(language)
        assert len(form["elements"]) == 9
        assert all([a["value"] for a in e["answers"]] == [1, 2, 3, 4]
                   for e in form["elements"])
        assert [p["key"] for p in form["profile"]] == [item.key for item in PROFILE]
    assert questionnaire("id")["elements"][3]["answers"][3]["label"] == "Gratis"


def test_an_answer_is_checked_with_the_reason() -> None:
    with pytest.raises(UnknownElement) as unknown:
        checked_answer({**ALL, "U10": 3})
    assert "U10" in unknown.value.message("id")
    with pytest.raises(AnswerOutOfScale) as outside:
        checked_answer({**ALL, "U3": 5})
    assert outside.value.message("en") == ("The answer to U3 is 5; choose a value from 1 "
                                           "to 4.")
    with pytest.raises(AnswerOutOfScale):
        checked_answer({**ALL, "U1": 0})
    with pytest.raises(MissingAnswers) as missing:
        checked_answer({code: 3 for code in CODES[:7]})
    assert "U8, U9" in missing.value.message("id")
    with pytest.raises(UnknownProfile):
        checked_answer(ALL, {"name": "Budi"})
    with pytest.raises(UnknownProfileChoice) as choice:
        checked_answer(ALL, {"gender": "X"})
    assert "L, P" in choice.value.message("id")
    answer = checked_answer(ALL, {"gender": "P", "age": ""}, "  Antrean cepat  ")
    assert (answer.profile, answer.suggestion) == ({"gender": "P"}, "Antrean cepat")
