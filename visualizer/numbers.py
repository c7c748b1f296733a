"""Reading numbers a person typed: one parser for every field, answer box and saved setting.

Plain Python (no Qt), so models, exercises and lesson checks use the same rules as the
number fields on screen.
"""

from __future__ import annotations

import math


def parse_number(
    text: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
) -> float:
    """Parse what a student typed into a finite number, or raise ``ValueError`` with a sentence.

    Accepts the usual float spellings ("0.1", "1e-3", " -2 "), a Unicode minus ("−0.5") and
    a comma as the decimal mark ("0,5"). "nan", "inf" and numbers too large for a float are
    refused, because the app never shows them as though they were results.
    """
    cleaned = text.strip().replace("\u2212", "-")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        raise ValueError("Type a number here.")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text.strip()[:40]}” is not a number.") from None
    if not math.isfinite(value):
        raise ValueError("The number must be finite (not nan, inf or beyond 1.8e308).")
    if integer and value != int(value):
        raise ValueError("Type a whole number.")
    if minimum is not None and value < minimum:
        raise ValueError(f"The smallest allowed value is {format_limit(minimum)}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"The largest allowed value is {format_limit(maximum)}.")
    return float(int(value)) if integer else value


def format_limit(value: float) -> str:
    """A range limit as a person writes it (``1e-08``, ``0.5``, ``64``)."""
    return f"{value:g}"
