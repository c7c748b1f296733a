"""The convolution topic's settings, without Qt: what the user sets and a lesson saves.

:class:`ConvSettings` is the lesson's ``convolution`` object (the model adds the pinned cell,
the animation step and the preset's name). The limits and choices here are the ones the
controls offer; a lesson is read with the same readers, so it can hold nothing the controls
could not set.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.settings import (
    Settings,
    read_bool,
    read_choice,
    read_grid,
    read_int,
    read_list,
    read_optional,
    read_text,
    read_vector,
    setting,
)

MAX_INPUT_SIDE = 64
MAX_KERNEL_SIDE = 7
MAX_PADDING = 16
MAX_STRIDE = 16
MAX_POOL = 8
MAX_SOLVER = 999
MAX_DILATION = 4
#: Channels: an input of 1 to 4 channels, 1 to 4 kernels (output channels).
MAX_CHANNELS = 4
MAX_BIAS = 999.0
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
#: How a transposed convolution is explained (``transposed.py`` draws both); kept here so
#: reading settings never loads the transposed maths.
TRANSPOSED_VIEWS: tuple[str, ...] = ("scatter", "equivalent")
VIEWS: tuple[str, ...] = ("grids", "backward", "image")
UPSTREAM_PLACES: tuple[str, ...] = ("output", "pooled")
POOL_SOURCES: tuple[str, ...] = ("output", "input")
SOLVE_FOR: tuple[str, ...] = ("padding", "stride")
#: Hover kinds of the backward grids: dL/dX, dL/dW, dL/dY, dL/dP.
BACKWARD_KINDS: tuple[str, ...] = ("dx", "dw", "dy", "dp")
FOCUS_KINDS: tuple[str, ...] = ("conv", "pool", *BACKWARD_KINDS)


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
    #: Channels: the input's channel count, each kernel's slice count (one per input channel
    #: when they match) and the number of kernels (output channels). ``input`` is channel 1
    #: and ``kernel`` kernel 1's slice 1; the other channels and slices follow them.
    in_channels: int = setting(1, read_int(1, MAX_CHANNELS), label="input channels")
    kernel_channels: int = setting(1, read_int(1, MAX_CHANNELS), label="kernel slices")
    out_channels: int = setting(1, read_int(1, MAX_CHANNELS), label="output channels")
    more_inputs: tuple[Grid, ...] = setting(
        (),
        read_list(read_grid(1, MAX_INPUT_SIDE), max_length=MAX_CHANNELS - 1),
        label="input channels 2 and on",
    )
    #: Kernel o's slice c for every (o, c) but (1, 1), in reading order.
    more_kernels: tuple[Grid, ...] = setting(
        (),
        read_list(read_grid(1, MAX_KERNEL_SIDE), max_length=MAX_CHANNELS**2 - 1),
        label="kernel slices 2 and on",
    )
    #: One bias per kernel (empty: all 0).
    bias: tuple[float, ...] = setting((), read_vector(max_length=MAX_CHANNELS))

    #: Settings added after the first lesson format: saved only when they differ from their
    #: default, so a lesson of the sheet's presets keeps exactly the keys it always had.
    EXTENSION_DEFAULTS: ClassVar[dict[str, Any]] = {
        "dilation": 1,
        "upstream": None,
        "upstream_at": "output",
        "output_padding": 0,
        "transposed_view": "scatter",
        "in_channels": 1,
        "kernel_channels": 1,
        "out_channels": 1,
        "more_inputs": [],
        "more_kernels": [],
        "bias": [],
    }

    def to_state(self) -> dict[str, Any]:
        state = super().to_state()
        for name, default in self.EXTENSION_DEFAULTS.items():
            if state.get(name) == default:
                del state[name]
        return state

    @property
    def channels_used(self) -> bool:
        """More than one channel somewhere: the grids show channels, kernels and biases."""
        return max(self.in_channels, self.kernel_channels, self.out_channels) > 1

    def input_stack(self) -> np.ndarray:
        """The input's channels as one (C_in, H, W) array."""
        return np.array((self.input, *self.more_inputs), dtype=float)

    def weight_stack(self) -> np.ndarray:
        """The kernels as one (C_out, slices, kh, kw) array (kernel, slice, row, column)."""
        slices = np.array((self.kernel, *self.more_kernels), dtype=float)
        return slices.reshape(self.out_channels, self.kernel_channels, *slices.shape[1:])

    def bias_vector(self) -> np.ndarray:
        """One bias per kernel (zeros when none is set)."""
        return np.array(self.bias) if self.bias else np.zeros(self.out_channels)

    def validate(self) -> None:
        n, f, other, out = self.solver
        if min(n, f, out) < 1:
            raise ValueError("The solver's n, f and output size must be at least 1.")
        if self.solve_for == "padding" and other < 1:
            raise ValueError("The solver's given stride must be at least 1.")
        self._validate_channels()

    def _validate_channels(self) -> None:
        shape = (len(self.input), len(self.input[0]))
        if len(self.more_inputs) != self.in_channels - 1:
            raise ValueError(
                f"The input has {self.in_channels} channel(s), so it needs "
                f"{self.in_channels - 1} more grid(s), not {len(self.more_inputs)}."
            )
        if any((len(g), len(g[0])) != shape for g in self.more_inputs):
            raise ValueError("Every input channel must have the first channel's size.")
        slices = self.out_channels * self.kernel_channels
        if len(self.more_kernels) != slices - 1:
            raise ValueError(
                f"{self.out_channels} kernel(s) of {self.kernel_channels} slice(s) need "
                f"{slices - 1} more kernel grid(s), not {len(self.more_kernels)}."
            )
        size = (len(self.kernel), len(self.kernel[0]))
        if any((len(g), len(g[0])) != size for g in self.more_kernels):
            raise ValueError("Every kernel slice must have the first slice's size.")
        if self.bias and len(self.bias) != self.out_channels:
            raise ValueError(
                f"There are {self.out_channels} kernel(s), so the bias needs "
                f"{self.out_channels} value(s), not {len(self.bias)}."
            )
        if any(abs(b) > MAX_BIAS for b in self.bias):
            raise ValueError(f"A bias must be between {-MAX_BIAS:g} and {MAX_BIAS:g}.")


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


def read_focus(focus: Any, channel: Any = 0) -> tuple[Focus, int]:
    """A saved pinned cell ``[kind, row, column]`` and its output channel, checked."""
    if (
        not isinstance(focus, list | tuple)
        or len(focus) != 3
        or focus[0] not in FOCUS_KINDS
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in focus[1:])
    ):
        raise ValueError(
            "The saved focused cell must be [kind ('conv', 'pool', 'dx', 'dw', 'dy' or "
            "'dp'), row, column]."
        )
    if isinstance(channel, bool) or not isinstance(channel, int) or not 0 <= channel < MAX_CHANNELS:
        raise ValueError(
            f"The saved focused channel must be a whole number 0 to {MAX_CHANNELS - 1}."
        )
    return (focus[0], focus[1], focus[2]), channel


def read_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Setting values by name, each read (and checked) as a lesson's is; arrays become lists."""
    known = {f.name: f for f in fields(ConvSettings)}
    read: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in known:
            raise ValueError(f"Unknown convolution setting {name!r}.")
        if isinstance(value, np.ndarray):
            value = value.tolist()
        label = known[name].metadata.get("label") or name
        read[name] = known[name].metadata["reader"](value, label)
    return read


# ----- channel counts: the extra grids the settings hold --------------------------------
def _pattern(seed: int, shape: tuple[int, int], low: int, high: int) -> Grid:
    # New channels and slices get small whole numbers, the same every time for a lesson.
    rng = np.random.default_rng(seed)
    return as_grid(rng.integers(low, high + 1, size=shape).astype(float))


def _slices(settings: ConvSettings) -> dict[tuple[int, int], Grid]:
    """The kernel slices the settings hold, by (kernel, slice), in their own layout."""
    s = settings
    grids = [s.kernel, *s.more_kernels]
    return {divmod(i, s.kernel_channels): grid for i, grid in enumerate(grids)}


def _build(
    settings: ConvSettings, slices: dict[tuple[int, int], Grid], inputs: tuple[Grid, ...]
) -> ConvSettings:
    s = settings
    shape = (len(s.input), len(s.input[0]))
    more_inputs = tuple(
        _resized(inputs[k], shape) if k < len(inputs) else _pattern(k + 1, shape, 0, 9)
        for k in range(s.in_channels - 1)
    )
    size = (len(s.kernel), len(s.kernel[0]))
    more_kernels = []
    for o in range(s.out_channels):
        for c in range(s.kernel_channels):
            if (o, c) == (0, 0):
                continue
            grid = slices.get((o, c))
            more_kernels.append(
                _resized(grid, size) if grid is not None else _pattern(100 + 4 * o + c, size, -1, 1)
            )
    bias = tuple(s.bias[o] if o < len(s.bias) else 0.0 for o in range(s.out_channels))
    fitted = replace(s, more_inputs=more_inputs, more_kernels=tuple(more_kernels), bias=bias)
    return s if fitted == s else fitted


def fit_channels(settings: ConvSettings) -> ConvSettings:
    """``settings`` with as many extra input grids and kernel slices as the counts say.

    Channels and slices that exist keep their values (resized to the first channel's and the
    first slice's size, new cells 0); missing ones get small whole numbers; the bias gets one
    value per kernel. Without channels (every count 1) nothing extra is kept.
    """
    s = settings
    if not s.channels_used:
        if s.more_inputs or s.more_kernels or s.bias:
            s = replace(s, more_inputs=(), more_kernels=(), bias=())
        return s
    return _build(s, _slices(s), s.more_inputs)


def with_channel_counts(
    settings: ConvSettings,
    in_channels: int | None = None,
    kernel_channels: int | None = None,
    out_channels: int | None = None,
) -> ConvSettings:
    """New channel counts: every kernel keeps its slices where they still exist (read in the
    old layout), new channels and slices get small whole numbers."""
    s = settings
    slices = _slices(s)
    counts = replace(
        s,
        in_channels=s.in_channels if in_channels is None else in_channels,
        kernel_channels=s.kernel_channels if kernel_channels is None else kernel_channels,
        out_channels=s.out_channels if out_channels is None else out_channels,
    )
    if not counts.channels_used:
        return replace(counts, more_inputs=(), more_kernels=(), bias=())
    return _build(counts, slices, s.more_inputs)


def _resized(grid: Grid, shape: tuple[int, int]) -> Grid:
    return as_grid(resized_grid(grid, *shape))
