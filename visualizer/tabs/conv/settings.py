"""The convolution topic's settings, without Qt: what the user sets and a lesson saves.

:class:`ConvSettings` is the lesson's ``convolution`` object (the model adds the pinned cell,
the animation step and the preset's name). The limits and choices here are the ones the
controls offer; a lesson is read with the same readers, so it can hold nothing the controls
could not set.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.conv.transposed import TRANSPOSED_VIEWS
from visualizer.tabs.settings import (
    Settings,
    read_bool,
    read_choice,
    read_grid,
    read_int,
    read_list,
    read_optional,
    read_text,
    setting,
)

MAX_INPUT_SIDE = 64
MAX_KERNEL_SIDE = 7
MAX_PADDING = 16
MAX_STRIDE = 16
MAX_POOL = 8
MAX_SOLVER = 999
MAX_DILATION = 4
SHEET_KERNEL = "Sheet's kernel (exercise 4)"
CUSTOM_KERNEL = "Custom (typed)"
KERNEL_CHOICES: tuple[str, ...] = (*conv.KERNEL_PRESETS, CUSTOM_KERNEL)

#: The operation behind each mode this topic shows. A mode compute lists in ``CONV_MODES``
#: but this table does not name is left out of the choices rather than computed wrongly.
OPERATIONS: dict[str, Callable[..., np.ndarray]] = {
    "correlation": conv.correlate2d,
    "convolution": conv.convolve2d,
}
#: The operations the top bar offers: the two sliding ones, then the transposed convolution.
MODES: tuple[str, ...] = (
    *(mode for mode in conv.CONV_MODES if mode in OPERATIONS),
    "transposed",
)
MAX_OUTPUT_PADDING = 3
POOL_MODES: tuple[str, ...] = tuple(conv.POOL_MODES)
VIEWS: tuple[str, ...] = ("grids", "backward", "image")
UPSTREAM_PLACES: tuple[str, ...] = ("output", "pooled")
POOL_SOURCES: tuple[str, ...] = ("output", "input")
SOLVE_FOR: tuple[str, ...] = ("padding", "stride")
FOCUS_KINDS: tuple[str, ...] = ("conv", "pool", "dx", "dw", "dy", "dp")


Grid = tuple[tuple[float, ...], ...]
Focus = tuple[str, int, int]


def as_grid(values: Any) -> Grid:
    """Rows of floats as a tuple of tuples (the hashable form settings keep)."""
    return tuple(tuple(row) for row in np.asarray(values, dtype=float).tolist())


#: The sheet's input F and kernel as settings hold them.
SHEET_INPUT = as_grid(conv.EXERCISE4_INPUT)
SHEET_KERNEL_GRID = as_grid(conv.EXERCISE4_KERNEL)


@dataclass(frozen=True)
class ConvSettings(Settings):
    """Everything the user sets; ``to_state()`` is the lesson's convolution object (with the
    model's ``focus``, ``frame`` and ``preset`` added)."""

    topic_name: ClassVar[str] = "convolution"

    input: tuple[tuple[float, ...], ...] = setting(SHEET_INPUT, read_grid(1, MAX_INPUT_SIDE))
    kernel: tuple[tuple[float, ...], ...] = setting(
        SHEET_KERNEL_GRID, read_grid(1, MAX_KERNEL_SIDE)
    )
    kernel_preset: str = setting(SHEET_KERNEL, read_choice(KERNEL_CHOICES), label="kernel preset")
    padding: int = setting(1, read_int(0, MAX_PADDING))
    stride: int = setting(1, read_int(1, MAX_STRIDE))
    #: The kernel's taps sit this many cells apart (1: next to each other).
    dilation: int = setting(1, read_int(1, MAX_DILATION))
    mode: str = setting("correlation", read_choice(MODES))
    #: Transposed convolution: extra rows/columns at the end, and which view explains it.
    output_padding: int = setting(0, read_int(0, MAX_OUTPUT_PADDING), label="output padding")
    transposed_view: str = setting(
        "scatter", read_choice(TRANSPOSED_VIEWS), label="transposed view"
    )
    pool_mode: str = setting("avg", read_choice(POOL_MODES), label="pool mode")
    pool_size: int = setting(2, read_int(1, MAX_POOL), label="pool size")
    pool_stride: int = setting(2, read_int(1, MAX_POOL), label="pool stride")
    pool_source: str = setting("output", read_choice(POOL_SOURCES), label="pool source")
    pool_as_conv: bool = setting(False, read_bool(), label="pool as conv")
    view: str = setting("grids", read_choice(VIEWS))
    solve_for: str = setting("padding", read_choice(SOLVE_FOR), label="solve for")
    #: The size solver's n, f, the given stride (solving for p) or padding (solving for s), out.
    solver: tuple[int, int, int, int] = setting(
        (4, 3, 1, 4), read_list(read_int(0, MAX_SOLVER), length=4)
    )
    picture_path: str | None = setting(
        None, read_optional(read_text(4096)), label="picture path"
    )  # None: the shipped sample picture
    #: The backward view's upstream gradient as typed (None: all ones), on the output or on
    #: the pooled grid (then routed back through the pooling first).
    upstream: tuple[tuple[float, ...], ...] | None = setting(
        None, read_optional(read_grid(1, MAX_INPUT_SIDE)), label="upstream gradient"
    )
    upstream_at: str = setting(
        "output", read_choice(UPSTREAM_PLACES), label="upstream gradient place"
    )

    #: Settings added after the first lesson format: saved only when they differ from their
    #: default, so a lesson of the sheet's presets keeps exactly the keys it always had.
    EXTENSION_DEFAULTS: ClassVar[dict[str, Any]] = {
        "dilation": 1,
        "upstream": None,
        "upstream_at": "output",
        "output_padding": 0,
        "transposed_view": "scatter",
    }

    def to_state(self) -> dict[str, Any]:
        state = super().to_state()
        for name, default in self.EXTENSION_DEFAULTS.items():
            if state.get(name) == default:
                del state[name]
        return state

    def validate(self) -> None:
        n, f, other, out = self.solver
        if min(n, f, out) < 1:
            raise ValueError("The solver's n, f and output size must be at least 1.")
        if self.solve_for == "padding" and other < 1:
            raise ValueError("The solver's given stride must be at least 1.")


def resized_grid(grid: Grid, rows: int, cols: int) -> np.ndarray:
    """Grow or shrink a grid, keeping the overlapping top-left values; new cells are 0."""
    old = np.array(grid, dtype=float)
    out = np.zeros((rows, cols))
    r, c = min(rows, old.shape[0]), min(cols, old.shape[1])
    out[:r, :c] = old[:r, :c]
    return out


def with_cell(grid: Grid, row: int, col: int, value: float, what: str) -> Grid:
    """``grid`` with cell (row, col) set to ``value``; ValueError outside it or not finite."""
    if not (0 <= row < len(grid) and 0 <= col < len(grid[0])):
        raise ValueError(
            f"Cell ({row + 1}, {col + 1}) is outside the {len(grid)}x{len(grid[0])} {what}."
        )
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"A {what} cell holds a finite number.")
    cells = list(grid[row])
    cells[col] = float(value)
    return (*grid[:row], tuple(cells), *grid[row + 1 :])
