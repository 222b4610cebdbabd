"""Casualty values for formats that have no place to store one (doccano, CoNLL): read off the span's text."""

from __future__ import annotations

import re

# Digits alone, or digits grouped by threes with one separator used throughout ("1,200", "1.200", "1 200",
# French "1 200" with a no-break or narrow no-break space). Mixed separators ("1,234.5") are no plain integer.
_PLAIN_INTEGER = re.compile(r"\d+|\d{1,3}([,. \u00a0\u202f])\d{3}(?:\1\d{3})*")


def stated_integer(surface: str) -> int | None:
    """The integer `surface` is when it is nothing but one ("24", "1,200", "٢٤"), else None.

    Anything more than a plain integer gives None, though the guidelines (section 3) give `at least 24` the
    value 24 and `two` the value 2: such values have to be set by hand where they matter.
    """
    if not _PLAIN_INTEGER.fullmatch(surface):
        return None
    return int("".join(ch for ch in surface if ch.isdigit()))  # int() reads every script's decimal digits
