"""Grids of numbers as text: the short spelling in a cell and rows pasted from a spreadsheet.

Plain Python (no Qt), shared by the model (pasting) and the grid editor (what a cell shows).
"""

from __future__ import annotations

import numpy as np

from visualizer.numbers import parse_number


def cell_text(value: float) -> str:
    """The short spelling shown inside a cell: ``3``, ``-12.5``, ``0.1111``."""
    if value == 0:
        return "0"
    return f"{value:.4g}"


def parse_grid_text(text: str) -> np.ndarray:
    """Rows of numbers separated by tabs, spaces, commas or semicolons -> a 2-D float array.

    Raises ``ValueError`` with a sentence when a piece is not a number or rows differ in length.
    """
    rows: list[list[float]] = []
    for line_number, line in enumerate(text.strip().splitlines(), start=1):
        pieces = line.replace(";", " ").replace(",", " ").replace("\t", " ").split()
        if not pieces:
            continue
        row = []
        for piece in pieces:
            try:
                row.append(parse_number(piece))
            except ValueError as exc:
                raise ValueError(f"Row {line_number}: {exc}") from None
        rows.append(row)
    if not rows:
        raise ValueError("The clipboard holds no numbers to paste.")
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ValueError(
            "The pasted rows have different lengths "
            f"({', '.join(str(len(r)) for r in rows)}); every row needs the same number of values."
        )
    return np.array(rows, dtype=float)
