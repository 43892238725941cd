"""Fold any text to printable ASCII and wrap it to a column width.

Tickets are printed with one code page (see ``render.py``); every byte we send is plain ASCII,
so the same ticket prints alike on any ESC/POS printer whatever code page it booted in.
"""

from __future__ import annotations

import textwrap
import unicodedata

# Characters NFKD does not reduce to ASCII but that have an obvious ASCII spelling.
_SPELLINGS: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2039\u203a\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    **{"\u2026": "...", "\u2022": "*", "\u00b7": ".", "\u00d7": "x", "\u00f7": "/"},
    **{"\u2044": "/", "\u00b0": "o", "\u20ac": "EUR", "\u00a9": "(c)", "\u00ae": "(R)"},
    **{"\u00df": "ss", "\u00c6": "AE", "\u00e6": "ae", "\u0152": "OE", "\u0153": "oe"},
    **{"\u00d8": "O", "\u00f8": "o", "\u0110": "D", "\u0111": "d", "\u0141": "L"},
    **{"\u0142": "l", "\u2122": "TM"},
}


def fold_text(text: str) -> str:
    """Return ``text`` as printable ASCII on one line.

    Accents are stripped, typographic quotes and dashes become their ASCII look-alikes,
    whitespace (including newlines and tabs) becomes a space, invisible format characters are
    dropped, and anything else becomes ``?``. Control bytes never reach the printer this way.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", "".join(_SPELLINGS.get(c, c) for c in text)):
        category = unicodedata.category(char)
        if " " <= char <= "~":
            out.append(char)
        elif char in "\t\n\r\v\f" or category in ("Zs", "Zl", "Zp"):
            out.append(" ")
        elif unicodedata.combining(char) or category == "Cf":
            continue
        else:
            out.append(_SPELLINGS.get(char, "?"))
    return "".join(out)


def wrap(text: str, width: int, *, indent: str = "", hanging: str = "") -> list[str]:
    """Fold ``text`` and wrap it to at most ``width`` characters a line (long words are cut)."""
    return textwrap.wrap(
        fold_text(text),
        width=max(width, 1),
        initial_indent=indent,
        subsequent_indent=hanging,
        break_long_words=True,
    )


def chunks(text: str, width: int) -> list[str]:
    """Cut ``text`` (a URL, say) into lines of ``width`` characters, ignoring word breaks."""
    folded = fold_text(text).strip()
    width = max(width, 1)
    return [folded[i : i + width] for i in range(0, len(folded), width)]
