"""Casualty count expressions → integers."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d+(?:[,.\u00a0\u202f ]\d{3})*")


def stated_value(text: str, lang: str) -> int | None:
    """The integer a casualty span states (guidelines section 3), or None for a vague quantity.

    Reads digits in any script with any thousands grouping (`1,234`, `1.234`, `١٢٣٤`); approximators around
    them do not change the stated integer (`at least 24` → 24).
    """
    match = _DIGITS.search(text)
    if not match:
        return None
    return int("".join(ch for ch in match.group() if ch.isdigit()))
