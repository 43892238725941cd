from __future__ import annotations

import pytest

from printer.text import chunks, fold_text, wrap


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Perekaman KTP-el", "Perekaman KTP-el"),
        ("Café “Naïve” – ‘ok’ — done…", "Cafe \"Naive\" - 'ok' - done..."),
        ("Straße ½ ² °", "Strasse 1/2 2 o"),
        ("Ñoño İlham", "Nono Ilham"),
        ("a\u00a0b\tc\nd", "a b c d"),  # every kind of space is a space
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),  # invisible characters are dropped
        ("✓ 日本", "? ??"),  # nothing close in ASCII
        ("\x1b@\x1dV\x00\x10\x04", "?@?V???"),  # control bytes can never make a command
    ],
)
def test_fold_text(text, folded):
    assert fold_text(text) == folded
    assert all(" " <= c <= "~" for c in fold_text(text))


def test_wrap_and_chunks():
    assert wrap("Surat pengantar dari desa/kelurahan", 20, indent="- ", hanging="  ") == [
        "- Surat pengantar",
        "  dari",
        "  desa/kelurahan",
    ]
    assert wrap("", 10) == []
    assert chunks("http://a.b/t/XYZ", 6) == ["http:/", "/a.b/t", "/XYZ"]
