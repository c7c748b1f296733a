"""How exercises write numbers, shapes and grids: the sheet's hand style, with a true minus sign.

A worked line must read like the sheet (``x_1 = x_0 − η·f'(x_0) = 0 − 0.1·0.5 = −0.05``), so
exact values are written exactly (``2.4``, ``17.75``, ``4/3``) and the rest with a few
significant digits. Plain Python: no numpy, no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

MINUS = "\u2212"
TIMES = "\u00d7"

#: An exact decimal is written in full up to this many decimals (beyond: significant digits).
_MAX_EXACT_DECIMALS = 8


def exact_decimal(value: Fraction) -> str | None:
    """``value`` as a finite decimal string (``-2.375``), or None if it has no short one."""
    for decimals in range(_MAX_EXACT_DECIMALS + 1):
        scaled = value * 10**decimals
        if scaled.denominator == 1:
            digits = str(abs(scaled.numerator)).rjust(decimals + 1, "0")
            text = digits if decimals == 0 else f"{digits[:-decimals]}.{digits[-decimals:]}"
            return f"-{text}" if scaled.numerator < 0 else text
    return None


def is_terminating(value: Fraction) -> bool:
    """True when ``value`` has a finite decimal expansion (its denominator is 2^a 5^b)."""
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def as_fraction(value: object) -> Fraction:
    """The exact value of an int, a Fraction or a float as its shortest decimal (0.1 -> 1/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    # repr gives the shortest decimal that reads back as the same float, which is the
    # decimal the exercise meant (0.1 rather than 0.1000000000000000055...).
    return Fraction(repr(float(value)))


def plain(value: Fraction) -> int | float | Fraction:
    """An exact result as answers store it: an int when whole, a float when its decimal ends
    (``17.75``), else the Fraction itself (``37/9``)."""
    if value.denominator == 1:
        return int(value)
    return float(value) + 0.0 if is_terminating(value) else value


def num(value: object, digits: int = 6) -> str:
    """A number as a worked line writes it: exact when short, else ``digits`` significant digits.

    ``num(2.4)`` -> ``2.4``, ``num(-0.5)`` -> ``−0.5``, ``num(Fraction(4, 3))`` -> ``4/3``,
    ``num(0.09575013)`` -> ``0.0957501``.
    """
    if isinstance(value, Fraction):
        text = exact_decimal(value)
        if text is None:
            sign = "-" if value < 0 else ""
            text = f"{sign}{abs(value.numerator)}/{value.denominator}"
    else:
        as_float = float(value)  # type: ignore[arg-type]
        text = exact_decimal(as_fraction(as_float)) if len(repr(as_float)) <= 10 else None
        if text is None:
            text = f"{as_float:.{digits}g}"
    if text in ("-0", "0.0", "-0.0"):
        text = "0"
    return text.replace("-", MINUS)


def approx(value: object, digits: int = 6) -> str:
    """``value`` to ``digits`` significant digits, for results that are not hand-exact."""
    text = f"{float(value):.{digits}g}"  # type: ignore[arg-type]
    return ("0" if text == "-0" else text).replace("-", MINUS)


def significant(value: object, digits: int = 3) -> str:
    """``value`` rounded to ``digits`` significant digits, trailing zeros kept (``−1.40``)."""
    text = f"{float(value):#.{digits}g}".rstrip(".")  # type: ignore[arg-type]
    return text.replace("-", MINUS)


def term(value: object, digits: int = 6) -> str:
    """A number inside an expression: bracketed when negative, ``0.5·(−2)``."""
    text = num(value, digits)
    return f"({text})" if text.startswith(MINUS) else text


def shape_text(shape: Sequence[int]) -> str:
    """``(1, 3)`` -> ``1×3``."""
    return TIMES.join(str(int(s)) for s in shape)


def vector_text(values: Sequence[object]) -> str:
    """``[0.2, −0.5, 0.3]``."""
    return "[" + ", ".join(num(v) for v in values) + "]"


def grid_table(grid: Sequence[Sequence[object]]) -> str:
    """A grid as a Markdown table, rows and columns numbered from 1 as the questions count."""
    n_cols = len(grid[0])
    header = "|   | " + " | ".join(str(c + 1) for c in range(n_cols)) + " |"
    rule = "|---" * (n_cols + 1) + "|"
    rows = [
        f"| **{r + 1}** | " + " | ".join(num(v) for v in row) + " |" for r, row in enumerate(grid)
    ]
    return "\n".join([header, rule, *rows])
