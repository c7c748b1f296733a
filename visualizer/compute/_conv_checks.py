"""Argument checks shared by the convolution modules, each failing with one clear sentence."""

from __future__ import annotations

import math

import numpy as np


def as_array(values: object, what: str, ndim: int, axes: str) -> np.ndarray:
    """``values`` as a finite, non-empty float array with ``ndim`` dimensions named by ``axes``."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"The {what} must be a grid of numbers.") from None
    if array.ndim != ndim:
        raise ValueError(
            f"The {what} must have {ndim} dimensions ({axes}); it has {array.ndim}."
            if ndim != 2
            else f"The {what} must be a 2-D grid (rows and columns); "
            f"it has {array.ndim} dimension(s)."
        )
    if array.size == 0:
        raise ValueError(f"The {what} is empty; it needs at least one row and one column.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"The {what} contains a value that is not a finite number (nan or inf).")
    return array


def as_grid(values: object, what: str) -> np.ndarray:
    """A finite, non-empty 2-D float grid."""
    return as_array(values, what, 2, "rows and columns")


def as_int(value: object, what: str, minimum: int) -> int:
    """A whole number at least ``minimum`` (floats that are whole are accepted)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise ValueError(f"The {what} must be a whole number.")
    if not math.isfinite(float(value)) or float(value) != int(value):
        raise ValueError(f"The {what} must be a whole number, not {value}.")
    number = int(value)
    if number < minimum:
        if minimum == 0:
            raise ValueError(f"The {what} cannot be negative (got {number}).")
        raise ValueError(f"The {what} must be at least {minimum} (got {number}).")
    return number


def dilated_extent(f: int, dilation: int) -> int:
    """Cells a kernel of ``f`` taps spans at dilation ``d``: ``d (f - 1) + 1``."""
    return dilation * (f - 1) + 1


def check_finite_result(out: np.ndarray) -> None:
    """Refuse a result that overflowed, instead of showing inf as a number."""
    if not np.all(np.isfinite(out)):
        raise ValueError(
            "The values are too large: a result overflowed beyond 1.8e308. Use smaller numbers."
        )
