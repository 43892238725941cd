"""display.announce: a call → the words to say."""

from __future__ import annotations

import re

import pytest

from display.announce import (
    CLIP_WORDS,
    LETTER_NAMES,
    Announcement,
    extra_clip_words,
    make_announcement,
    number_words_id,
    parse_code,
)

_UNITS = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def reference_id(n: int) -> str:
    """Indonesian number words written from the grammar, independent of num2words."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    tens, units = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [_UNITS[units], "belas"]
    else:
        if tens:
            words += [_UNITS[tens], "puluh"]
        if units:
            words.append(_UNITS[units])
    return " ".join(words)


def say(code: str, counter: str = "Loket 1", number: int = 1) -> Announcement:
    return make_announcement(code, counter, number)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
    ],
)
def test_numbers_in_indonesian(number: int, words: str) -> None:
    a = say(f"A-{number:03d}", "Loket 3", 3)
    assert a.text_id == f"Nomor antrean A {words}, silakan menuju loket tiga"
    assert a.words == ("nomor-antrean", "a", *words.split(), "silakan-menuju", "loket", "tiga")


def test_every_number_1_to_999_is_said_right_with_clip_words() -> None:
    clips = set(CLIP_WORDS)
    for n in range(1, 1000):
        a = say(f"C-{n}", "Loket 999", 999)
        assert " ".join(number_words_id(n)) == reference_id(n), n
        assert set(a.words) <= clips, (n, a.words)
        assert not re.search(r"\d", a.text_id), a.text_id
        assert not re.search(r"\d", a.speech_id), a.speech_id
        assert not re.search(r"\d", a.text_en), a.text_en


def test_zero_padding_does_not_change_the_words() -> None:
    assert say("A-012").words == say("A-12").words
    assert say("A-012").code == "A-012"  # the code is shown as issued


def test_speech_spells_the_prefix_with_indonesian_letter_names() -> None:
    a = say("B-003", "Loket 2", 2)
    assert a.text_id == "Nomor antrean B tiga, silakan menuju loket dua"
    assert a.speech_id == "Nomor antrean be tiga, silakan menuju loket dua"
    assert "be tiga" in a.speech_id
    assert a.words[:3] == ("nomor-antrean", "be", "tiga")


@pytest.mark.parametrize(
    ("letter", "name"),
    [("A", "a"), ("C", "ce"), ("F", "ef"), ("H", "ha"), ("J", "je"), ("Q", "ki"), ("V", "fe"),
     ("W", "we"), ("X", "eks"), ("Y", "ye"), ("Z", "zet")],
)  # fmt: skip
def test_letter_names(letter: str, name: str) -> None:
    a = say(f"{letter}-1")
    assert a.speech_id.startswith(f"Nomor antrean {name} satu,")
    assert a.words[1] == name


def test_every_letter_has_a_name_and_a_clip() -> None:
    assert sorted(LETTER_NAMES) == [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    assert set(LETTER_NAMES.values()) <= set(CLIP_WORDS)


def test_multi_letter_prefix() -> None:
    a = say("AB-7", "Loket 4", 4)
    assert a.text_id == "Nomor antrean AB tujuh, silakan menuju loket empat"
    assert a.speech_id == "Nomor antrean a be tujuh, silakan menuju loket empat"
    assert a.words[:4] == ("nomor-antrean", "a", "be", "tujuh")
    assert say("PKB-15").speech_id.startswith("Nomor antrean pe ka be lima belas,")


def test_counter_name_with_words_and_numbers() -> None:
    a = make_announcement("A-012", "Loket Imigrasi 2", 12)
    assert a.text_id == "Nomor antrean A dua belas, silakan menuju loket imigrasi dua"
    assert a.speech_id.endswith("silakan menuju loket imigrasi dua")
    assert a.words[-4:] == ("silakan-menuju", "loket", "imigrasi", "dua")
    # English says the counter's number, not its Indonesian name.
    assert a.text_en == "Queue number A twelve, please proceed to counter twelve"


def test_counter_name_numbers_and_letters_are_said() -> None:
    a = make_announcement("A-1", "Loket 21B", 21)
    assert a.text_id.endswith("silakan menuju loket dua puluh satu B")
    assert a.speech_id.endswith("silakan menuju loket dua puluh satu be")
    assert a.words[-6:] == ("silakan-menuju", "loket", "dua", "puluh", "satu", "be")


def test_blank_counter_name_falls_back_to_loket_number() -> None:
    assert make_announcement("A-1", "  ", 7).text_id.endswith("silakan menuju loket tujuh")


def test_extra_clip_words_lists_counter_words_outside_the_set() -> None:
    names = ["Loket 1", "Loket Imigrasi 2", "Loket Samsat 3", "Imigrasi 4"]
    assert extra_clip_words(names) == ("imigrasi", "samsat")
    assert extra_clip_words(["Loket 12", "Loket B"]) == ()


def test_english_variant() -> None:
    assert say("A-012", "Loket 3", 3).text_en == (
        "Queue number A twelve, please proceed to counter three"
    )
    assert say("BC-121", "Loket 3", 21).text_en == (
        "Queue number BC one hundred and twenty-one, please proceed to counter twenty-one"
    )


@pytest.mark.parametrize(
    "code",
    ["", "A012", "A-", "-12", "A-0", "A-000", "A-1000", "ABCD-1", "a-12", "A_12", "1-12",
     "A-12x", "A--12", "Ä-1", "A-1 2"],
)  # fmt: skip
def test_bad_codes_are_rejected(code: str) -> None:
    with pytest.raises(ValueError, match="ticket code"):
        say(code)


def test_parse_code() -> None:
    assert parse_code("A-012") == ("A", 12)
    assert parse_code(" XYZ-999 ") == ("XYZ", 999)


@pytest.mark.parametrize("number", [-1, 1000, True])
def test_bad_counter_number(number: int) -> None:
    with pytest.raises(ValueError, match="counter number"):
        make_announcement("A-1", "Loket 1", number)


def test_unsayable_counter_names() -> None:
    with pytest.raises(ValueError, match="no words"):
        make_announcement("A-1", "--", 1)
    with pytest.raises(ValueError, match="out of range"):
        make_announcement("A-1", "Loket 1000", 1)


def test_announcement_is_frozen() -> None:
    a = say("A-1")
    with pytest.raises(AttributeError):
        a.code = "B-2"  # type: ignore[misc]
