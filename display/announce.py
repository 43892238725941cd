"""A call → the words to say: display text, TTS text and the clip list of a recorded voice.

Pure functions, no I/O: the server calls ``make_announcement`` when a ticket is called and puts
the result in the ``ticket_called`` event; the display and ``display.voice`` turn it into sound.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from num2words import num2words

# Indonesian letter names (ejaan). A TTS engine reading a lone "B" or "C" in an Indonesian
# sentence guesses badly, so the speech text spells the name out. Clip files are named the same
# way: every clip is named by exactly what the speaker says in it.
LETTER_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "A": "a", "B": "be", "C": "ce", "D": "de", "E": "e", "F": "ef", "G": "ge",
        "H": "ha", "I": "i", "J": "je", "K": "ka", "L": "el", "M": "em", "N": "en",
        "O": "o", "P": "pe", "Q": "ki", "R": "er", "S": "es", "T": "te", "U": "u",
        "V": "fe", "W": "we", "X": "eks", "Y": "ye", "Z": "zet",
    }
)  # fmt: skip

# The fixed phrases are recorded whole: said in one breath they sound natural, and joining
# "nomor" + "antrean" from separate takes does not.
PHRASE_CALL = "nomor-antrean"
PHRASE_GO_TO = "silakan-menuju"
WORD_COUNTER = "loket"

# Every word num2words(n, lang="id") uses for 0..999. "se-" forms (sepuluh, sebelas, seratus)
# are whole words in Indonesian, so they are clips of their own rather than "se" + "puluh".
NUMBER_CLIPS: tuple[str, ...] = (
    "nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "sebelas", "belas", "puluh", "seratus", "ratus",
)  # fmt: skip

# The complete set a hall records. Counter names may add words of their own (e.g. "imigrasi"),
# which ``extra_clip_words`` lists.
CLIP_WORDS: tuple[str, ...] = (
    PHRASE_CALL,
    PHRASE_GO_TO,
    WORD_COUNTER,
    *NUMBER_CLIPS,
    *LETTER_NAMES.values(),
)

# A joined clip sequence sounds rushed without a breath where the sentence has its comma.
PAUSE_BEFORE: frozenset[str] = frozenset({PHRASE_GO_TO})

MAX_NUMBER = 999

_CODE_RE = re.compile(r"(?P<prefix>[A-Z]{1,3})-(?P<number>[0-9]{1,3})")
# Runs of digits or of letters; everything else (spaces, dashes, brackets) only separates.
_TOKEN_RE = re.compile(r"[0-9]+|[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Announcement:
    """What to show and say for one call.

    ``text_id``/``text_en`` are for people (display, captions); ``speech_id`` is for a TTS
    engine; ``words`` are clip names (see ``CLIP_WORDS``) for a recorded voice.
    """

    code: str
    text_id: str
    text_en: str
    speech_id: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Part:
    """One spoken piece of a sentence in its three renderings."""

    text: str  # as shown: "A", "dua belas", "imigrasi"
    speech: str  # as a TTS engine should read it: "a", "dua belas", "imigrasi"
    clips: tuple[str, ...]


def parse_code(code: str) -> tuple[str, int]:
    """Split a ticket code such as ``"A-012"`` into its prefix and number (``("A", 12)``)."""
    if not isinstance(code, str):
        raise ValueError(f"ticket code must be a string like 'A-012', got {code!r}")
    match = _CODE_RE.fullmatch(code.strip())
    if match is None:
        raise ValueError(
            f"bad ticket code {code!r}: expected 1-3 uppercase letters, a dash and a number "
            "1-999, e.g. 'A-012' or 'AB-7'"
        )
    number = int(match["number"])
    if number < 1:
        raise ValueError(f"bad ticket code {code!r}: the number must be 1-999, not 0")
    return match["prefix"], number


def number_words_id(n: int) -> tuple[str, ...]:
    """Indonesian words for 0..999 (``12`` → ``("dua", "belas")``), each one a clip name."""
    _check_number(n)
    # num2words takes floats too and would say "koma nol"; _check_number keeps it to ints.
    words = tuple(num2words(n, lang="id").split())
    unknown = [w for w in words if w not in NUMBER_CLIPS]
    if unknown:
        # Only a changed num2words could get here; fail loudly rather than ask for clips that
        # no hall has recorded.
        raise ValueError(
            f"num2words said {n} as {' '.join(words)!r}: {unknown} not in NUMBER_CLIPS"
        )
    return words


def number_words_en(n: int) -> str:
    """English words for 0..999 (``21`` → ``"twenty-one"``)."""
    _check_number(n)
    return str(num2words(n, lang="en"))


def counter_parts(counter_name: str) -> tuple[_Part, ...]:
    """Split a counter name into spoken parts: words lower-cased, numbers and letters said."""
    parts: list[_Part] = []
    for token in _TOKEN_RE.findall(counter_name):
        if token.isdigit():
            words = number_words_id(int(token))
            parts.append(_Part(" ".join(words), " ".join(words), words))
        elif len(token) == 1 and token.upper() in LETTER_NAMES:
            # "Loket B": a lone letter is a letter, said by its name like a ticket prefix.
            name = LETTER_NAMES[token.upper()]
            parts.append(_Part(token.upper(), name, (name,)))
        else:
            word = token.lower()
            parts.append(_Part(word, word, (word,)))
    if not parts:
        raise ValueError(f"counter name {counter_name!r} has no words or numbers to say")
    return tuple(parts)


def extra_clip_words(counter_names: Iterable[str]) -> tuple[str, ...]:
    """Clip words the given counter names need beyond ``CLIP_WORDS`` (e.g. ``("imigrasi",)``)."""
    known = set(CLIP_WORDS)
    extra: dict[str, None] = {}  # ordered set: report words in the order they appear
    for name in counter_names:
        for part in counter_parts(name):
            extra.update((clip, None) for clip in part.clips if clip not in known)
    return tuple(extra)


def make_announcement(code: str, counter_name: str, counter_number: int) -> Announcement:
    """Build the announcement for ticket ``code`` called to a counter.

    ``counter_name`` is said in Indonesian as configured ("Loket Imigrasi 2" → "loket imigrasi
    dua"); a blank name falls back to "Loket <number>". English says "counter <number>".
    Raises ValueError for a bad code, a counter number outside 0..999 or an unsayable name.
    """
    prefix, number = parse_code(code)
    _check_number(counter_number, what="counter number")
    if not counter_name or not counter_name.strip():
        counter_name = f"Loket {counter_number}"

    letters = [LETTER_NAMES[letter] for letter in prefix]
    number_words = number_words_id(number)
    counter = counter_parts(counter_name)

    counter_text = " ".join(part.text for part in counter)
    counter_speech = " ".join(part.speech for part in counter)
    said_number = " ".join(number_words)

    return Announcement(
        code=code.strip(),
        text_id=f"Nomor antrean {prefix} {said_number}, silakan menuju {counter_text}",
        text_en=(
            f"Queue number {prefix} {number_words_en(number)}, "
            f"please proceed to counter {number_words_en(counter_number)}"
        ),
        speech_id=(
            f"Nomor antrean {' '.join(letters)} {said_number}, silakan menuju {counter_speech}"
        ),
        words=(
            PHRASE_CALL,
            *letters,
            *number_words,
            PHRASE_GO_TO,
            *(clip for part in counter for clip in part.clips),
        ),
    )


def _check_number(n: int, *, what: str = "number") -> None:
    # bool is an int subclass; True would quietly be said as "satu".
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"{what} must be a whole number, got {n!r}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(
            f"{what} {n} is out of range: only 0-{MAX_NUMBER} can be said with the clip set"
        )


MAX_NOTICE = 300  # characters of an announcement's text: a few sentences, said in ~20 s


def hall_notice(text: str) -> Announcement:
    """A spoken announcement to the hall: "Pengumuman: <text>" / "Announcement: <text>".

    Said as written by a TTS voice; it has no clip ``words``, since a recorded voice holds
    only the words of a call. Raises ValueError for an empty or too long text.
    """
    said = " ".join(text.split())
    if not said or len(said) > MAX_NOTICE:
        raise ValueError(f"an announcement needs 1-{MAX_NOTICE} characters of text")
    return Announcement(code="", text_id=f"Pengumuman: {said}",
                        text_en=f"Announcement: {said}", speech_id=f"Pengumuman: {said}",
                        words=())
