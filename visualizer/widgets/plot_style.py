"""One place for how plots look: pyqtgraph options, colours, and projector-friendly sizes."""

from __future__ import annotations

import pyqtgraph as pg

#: Okabe-Ito colours: distinguishable with colour-blindness and on a washed-out projector.
RUN_COLORS: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermilion
    "#009E73",  # green
    "#CC79A7",  # purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)
POSITIVE_COLOR = "#0072B2"  # positive weights / values
NEGATIVE_COLOR = "#D55E00"  # negative weights / values
HIGHLIGHT_COLOR = "#E69F00"
ERROR_COLOR = "#c62828"
OK_COLOR = "#2e7d32"


def configure_pyqtgraph() -> None:
    """Global pyqtgraph options; call once before any plot is created.

    Row-major image order makes ``ImageItem.setImage(grid)`` show ``grid[row, col]`` at row
    ``row`` like a printed matrix, not transposed.
    """
    pg.setConfigOptions(
        imageAxisOrder="row-major",
        antialias=True,
        background="w",
        foreground="k",
    )


def line_width(presentation: bool) -> float:
    """Pen width for curves: thicker in presentation mode."""
    return 4.0 if presentation else 2.0


def marker_size(presentation: bool) -> float:
    """Scatter symbol size: bigger in presentation mode."""
    return 16.0 if presentation else 10.0
