"""The convolution topic without Qt: settings, the computed grids, the frame, the pinned cell.

Settings -> ``visualizer.compute.conv`` -> :class:`ConvResult`, computed once per settings
change. The frame is the sliding-window animation: frame ``k`` shows the first ``k`` output
cells, the last frame the whole output (saved as ``-1``). The model also holds the cell the
user pinned (saved), the cell under the mouse (not saved) and, in image mode, the picture
and its filtered and pooled versions (:class:`ImageResult`).

Listener words (besides ``"settings"`` and ``"frame"`` of :class:`TopicModel`):

``"lesson"``
    a preset or a saved state replaced everything (views redraw as for ``"settings"``; the
    tab also stops a running animation).
``"focus"``
    the pinned cell changed (it is saved in the lesson).
``"hover"``
    the cell or pixel under the mouse changed (not saved).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from visualizer.compute import conv
from visualizer.compute.conv_transpose import TransposedEquivalent
from visualizer.tabs.conv.backward import BackwardResult, compute_backward
from visualizer.tabs.conv.grid_text import parse_grid_text
from visualizer.tabs.conv.transposed import TRANSPOSED_VIEWS, transposed_values
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
from visualizer.tabs.topic_model import TopicModel

if TYPE_CHECKING:
    from visualizer.exercises import Exercise
    from visualizer.practice import Question

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

PRESET_4A = "Exercise 4a: cross-correlation, padding 1"
PRESET_4A_TRUE = "Exercise 4a: true convolution (flipped kernel)"
PRESET_4B = "Exercise 4b: a stride for a 2x2 filter? (4/3: none)"
PRESET_4C = "Exercise 4c: 2x2 average pooling of F'"
PRESET_4D = "Exercise 4d: average pooling as a convolution"
PRESET_FLOOR = "Floor in the size formula: 5x5 input, stride 2"
PRESET_MAX = "Max pooling of F' (arg-max marked)"
PRESET_IMAGE = "Image mode: Sobel x edges on the sample picture"
PRESET_DILATION = "Dilation 2: a 3x3 kernel spread over 5x5 cells"
PRESET_TRANSPOSED = "Transposed convolution: a 2x2 input stamps the kernel at stride 2"
PRESET_BACKWARD = "Backward pass: dL/dX and dL/dW of exercise 4a"
PRESETS: tuple[str, ...] = (
    PRESET_4A,
    PRESET_4A_TRUE,
    PRESET_4B,
    PRESET_4C,
    PRESET_4D,
    PRESET_FLOOR,
    PRESET_MAX,
    PRESET_IMAGE,
    PRESET_DILATION,
    PRESET_TRANSPOSED,
    PRESET_BACKWARD,
)

Grid = tuple[tuple[float, ...], ...]
Focus = tuple[str, int, int]
PictureLoader = Callable[[str | None], np.ndarray]


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


@dataclass(frozen=True, eq=False)
class ConvResult:
    """What compute returned for some settings (``None`` plus the reason where nothing fits)."""

    input: np.ndarray
    kernel: np.ndarray
    padded: np.ndarray
    padding_mask: np.ndarray  # True on the zero ring
    output: np.ndarray | None = None
    error: str = ""
    rows_reached: np.ndarray | None = None  # per padded row: does some window reach it?
    cols_reached: np.ndarray | None = None
    trailing_rows: int = 0  # padded rows at the end no window reaches (the formula floors)
    trailing_cols: int = 0
    formula_rows: str = ""  # the size formula with the numbers put in
    formula_cols: str = ""
    pool_source: np.ndarray | None = None  # the grid that is pooled (input or output)
    pooled: np.ndarray | None = None
    pool_error: str = ""
    argmax: np.ndarray | None = None  # max pooling: (rows, cols, 2) positions on pool_source
    as_conv: np.ndarray | None = None  # average pooling computed as a convolution
    as_conv_kernel: np.ndarray | None = None
    as_conv_matches: bool = False  # the convolution gives the pooled grid (up to rounding)
    equivalent: TransposedEquivalent | None = None  # transposed, equivalent view


@dataclass(frozen=True)
class PixelFocus:
    """The filtered picture's pixel under the mouse: its sum of products and its window."""

    row: int
    col: int
    text: str
    window: tuple[int, int, int, int]  # (x, y, width, height) on the picture, in pixels


@dataclass(frozen=True, eq=False)
class ImageResult:
    """Image mode: the picture in gray levels, filtered by the kernel, then pooled."""

    picture: np.ndarray | None
    filtered: np.ndarray | None = None
    pooled: np.ndarray | None = None
    #: Why something is missing, or that the sample picture stands in for a missing one.
    note: str = ""


def compute_result(settings: ConvSettings) -> ConvResult:
    """Every grid and sentence the number-grid view shows, for ``settings``."""
    s = settings
    x = np.array(s.input, dtype=float)
    kernel = np.array(s.kernel, dtype=float)
    padded = conv.pad2d(x, s.padding)
    mask = np.ones(padded.shape, bool)
    n_r, n_c = x.shape
    mask[s.padding : s.padding + n_r, s.padding : s.padding + n_c] = False
    values: dict[str, Any] = {}
    f_r, f_c = kernel.shape
    p, st, d = s.padding, s.stride, s.dilation
    try:
        if s.mode == "transposed":
            found = transposed_values(s, x, kernel)
            padded, mask = found.pop("padded"), found.pop("padding_mask")
            values.update(found)
        else:
            values["output"] = OPERATIONS[s.mode](x, kernel, p, st, d)
            values["rows_reached"] = conv.coverage(n_r, f_r, p, st, d)
            values["cols_reached"] = conv.coverage(n_c, f_c, p, st, d)
            values["trailing_rows"] = conv.unreached_trailing(n_r, f_r, p, st, d)
            values["trailing_cols"] = conv.unreached_trailing(n_c, f_c, p, st, d)
            values["formula_rows"] = conv.output_size_steps(n_r, f_r, p, st, d)
            values["formula_cols"] = conv.output_size_steps(n_c, f_c, p, st, d)
    except ValueError as exc:
        values = {"error": str(exc)}
    source = x if s.pool_source == "input" else values.get("output")
    values["pool_source"] = source
    if source is None:
        values["pool_error"] = "There is no output to pool: " + values["error"]
    else:
        try:
            values["pooled"] = conv.pool2d(source, s.pool_size, s.pool_stride, s.pool_mode)
            if s.pool_mode == "max":
                values["argmax"] = conv.pool_argmax(source, s.pool_size, s.pool_stride)
            if s.pool_as_conv and s.pool_mode == "avg":
                weights = conv.avg_pool_kernel(s.pool_size)
                values["as_conv_kernel"] = weights
                values["as_conv"] = conv.correlate2d(source, weights, 0, s.pool_stride)
                values["as_conv_matches"] = bool(np.allclose(values["as_conv"], values["pooled"]))
        except ValueError as exc:
            values["pool_error"] = str(exc)
    return ConvResult(input=x, kernel=kernel, padded=padded, padding_mask=mask, **values)


def preset_settings(name: str) -> tuple[ConvSettings, Focus]:
    """The settings and pinned cell of a preset; ``KeyError`` for an unknown name.

    Every preset starts from exercise 4: F, the sheet's kernel, padding 1, a 2x2 average pool.
    """
    if name not in PRESETS:
        raise KeyError(name)
    s = ConvSettings()
    focus: Focus = ("conv", 0, 0)
    diagonal = ((1.0, 0.0), (0.0, 1.0))
    if name == PRESET_4A_TRUE:
        s = replace(s, mode="convolution")
    elif name == PRESET_4B:
        s = replace(
            s, kernel=diagonal, kernel_preset=CUSTOM_KERNEL, stride=2, solve_for="stride",
            solver=(4, 2, 1, 4),
        )  # fmt: skip
    elif name == PRESET_4C:
        focus = ("pool", 0, 0)
    elif name == PRESET_4D:
        s = replace(s, pool_as_conv=True)
        focus = ("pool", 0, 0)
    elif name == PRESET_FLOOR:
        s = replace(
            s, input=as_grid(np.arange(1.0, 26.0).reshape(5, 5)), kernel=diagonal,
            kernel_preset=CUSTOM_KERNEL, padding=0, stride=2, solve_for="stride",
            solver=(5, 2, 0, 2),
        )  # fmt: skip
    elif name == PRESET_MAX:
        s = replace(s, pool_mode="max")
        focus = ("pool", 0, 0)
    elif name == PRESET_DILATION:
        grid = (np.arange(49.0).reshape(7, 7) * 3) % 10  # small whole numbers, no pattern
        s = replace(s, input=as_grid(grid), padding=0, dilation=2)
    elif name == PRESET_TRANSPOSED:
        s = replace(s, input=((1.0, 2.0), (3.0, 4.0)), padding=0, stride=2, mode="transposed")
    elif name == PRESET_BACKWARD:
        s = replace(s, view="backward")
    elif name == PRESET_IMAGE:
        sobel = "Sobel x (vertical edges)"
        kernel = as_grid(conv.KERNEL_PRESETS[sobel])
        s = replace(s, view="image", kernel=kernel, kernel_preset=sobel)
    return s, focus


def load_picture(path: str | None) -> np.ndarray:
    """Gray levels (0..255) of the picture at ``path`` (``None``: the shipped sample).

    Qt decodes picture files, so its image readers are imported here, the first time image
    mode needs a picture, and never when this module is imported.
    """
    from visualizer.tabs.conv import picture

    return picture.load_picture(path if path is not None else picture.sample_picture_path())


def _resized(grid: Grid, rows: int, cols: int) -> np.ndarray:
    """Grow or shrink a grid, keeping the overlapping top-left values; new cells are 0."""
    old = np.array(grid, dtype=float)
    out = np.zeros((rows, cols))
    r, c = min(rows, old.shape[0]), min(cols, old.shape[1])
    out[:r, :c] = old[:r, :c]
    return out


def _with_cell(grid: Grid, row: int, col: int, value: float, what: str) -> Grid:
    if not (0 <= row < len(grid) and 0 <= col < len(grid[0])):
        raise ValueError(
            f"Cell ({row + 1}, {col + 1}) is outside the {len(grid)}x{len(grid[0])} {what}."
        )
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"A {what} cell holds a finite number.")
    cells = list(grid[row])
    cells[col] = float(value)
    return (*grid[:row], tuple(cells), *grid[row + 1 :])


class ConvModel(TopicModel):
    """Settings -> grids (computed once) -> the frame shown; the pinned and hovered cells.

    Parameters
    ----------
    picture_loader
        Turns a picture path (``None``: the sample picture) into gray levels, raising
        ``ValueError`` (or ``FileNotFoundError``) when it cannot. Called only when image
        mode needs a picture; the default decodes files with Qt (:func:`load_picture`).
    """

    key: ClassVar[str] = "conv"

    def __init__(self, picture_loader: PictureLoader | None = None) -> None:
        super().__init__()
        self._load_picture = picture_loader or load_picture
        # Pictures by path (None: the sample), with the note shown beside them.
        self._pictures: dict[str | None, tuple[np.ndarray | None, str]] = {}
        self._settings, self._focus = preset_settings(PRESET_4A)
        self._preset = PRESET_4A
        self._result = compute_result(self._settings)
        self._backward: BackwardResult | None = None
        self._image: ImageResult | None = None
        self._hover: Focus | None = None
        self._pixel: PixelFocus | None = None
        self._frame = self.frame_count() - 1  # the whole output, not the empty first step
        self._questions: tuple[Any, list[Question], frozenset[str]] | None = None

    # ----- what the views read -------------------------------------------------------------
    @property
    def settings(self) -> ConvSettings:
        return self._settings

    @property
    def result(self) -> ConvResult:
        return self._result

    @property
    def backward(self) -> BackwardResult | None:
        """The backward view's gradients (``None`` outside the backward view)."""
        return self._backward

    @staticmethod
    def _backward_result(settings: ConvSettings, result: ConvResult) -> BackwardResult | None:
        return compute_backward(settings, result) if settings.view == "backward" else None

    def backward_grid(self, kind: str) -> np.ndarray | None:
        """The gradient grid of a backward hover kind ("dx", "dw", "dy", "dp")."""
        back = self._backward
        if back is None:
            return None
        return {
            "dx": back.grad_input,
            "dw": back.grad_kernel,
            "dy": back.grad_output,
            "dp": back.grad_pooled,
        }.get(kind)

    def set_upstream_cell(self, row: int, col: int, value: float) -> None:
        """Type ``value`` into cell (row, col) of the upstream gradient (dL/dY or dL/dP)."""
        back = self._backward
        if back is None or back.upstream is None:
            raise ValueError("The upstream gradient is typed in the backward view.")
        grid = _with_cell(as_grid(back.upstream), row, col, value, "upstream gradient")
        self.change(upstream=grid)

    def upstream_ones(self) -> None:
        """The upstream gradient back to all ones (the gradient of the plain sum of the grid)."""
        self.change(upstream=None)

    def randomize_upstream(self, rng: np.random.Generator | None = None) -> None:
        """Random whole numbers -3 to 3 in the upstream gradient (same shape)."""
        back = self._backward
        if back is None or back.upstream is None:
            return
        rng = rng if rng is not None else np.random.default_rng()
        self.change(upstream=rng.integers(-3, 4, size=back.upstream.shape).astype(float))

    @property
    def image(self) -> ImageResult | None:
        """Image mode's pictures (``None`` while the view shows number grids)."""
        return self._image

    @property
    def preset(self) -> str:
        """The name of the preset last loaded (shown in the exercise box and exports)."""
        return self._preset

    @property
    def focus(self) -> Focus:
        """The pinned cell: ``("conv" | "pool", row, col)`` of the output or pooled grid."""
        return self._focus

    @property
    def hovered(self) -> Focus | None:
        return self._hover

    @property
    def hovered_pixel(self) -> PixelFocus | None:
        """The filtered picture's pixel under the mouse in image mode, explained."""
        return self._pixel

    def frame_count(self) -> int:
        out = self._result.output
        return 1 if out is None else out.size + 1

    def animation_complete(self) -> bool:
        return self._frame >= self.frame_count() - 1

    def output_hidden(self) -> np.ndarray:
        """Which output cells the animation has not reached yet."""
        out = self._result.output
        if out is None:
            return np.zeros((0, 0), bool)
        hidden = np.zeros(out.shape, bool)
        if not self.animation_complete():
            hidden.ravel()[self._frame :] = True
        return hidden

    def pool_hidden(self) -> bool:
        """The pool of the output waits until the animation has filled the whole output."""
        return self._settings.pool_source == "output" and not self.animation_complete()

    def current_focus(self) -> Focus | None:
        """The cell explained now: the hovered one, else the animation's, else the pinned one."""
        if self._hover is not None:
            return self._hover
        if not self.animation_complete():
            out = self._result.output
            if self._frame == 0 or out is None:
                return None
            index = self._frame - 1
            return ("conv", index // out.shape[1], index % out.shape[1])
        return self._focus

    # ----- settings ------------------------------------------------------------------------
    def set_settings(self, settings: ConvSettings) -> None:
        """Compute ``settings`` (raising ``ValueError`` before anything changes), then show them.

        A settings change keeps the animation where it was (on the whole output if it was
        there) and drops a pinned cell the new grids no longer have.
        """
        settings.validate()
        result = compute_result(settings)
        image = self._image_result(settings, result.kernel) if settings.view == "image" else None
        at_end = self.animation_complete()
        self._settings, self._result, self._image = settings, result, image
        self._backward = self._backward_result(settings, result)
        self._questions = None
        last = self.frame_count() - 1
        self._frame = last if at_end else min(self._frame, last)
        self._drop_missing_focus()
        self._hover = self._pixel = None
        self.notify("settings")

    def change(self, **changes: Any) -> None:
        """Change some settings by name; each value is read (and checked) as a lesson's is."""
        known = {f.name: f for f in fields(ConvSettings)}
        read: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in known:
                raise ValueError(f"Unknown convolution setting {name!r}.")
            if isinstance(value, np.ndarray):
                value = value.tolist()
            label = known[name].metadata.get("label") or name
            read[name] = known[name].metadata["reader"](value, label)
        self.set_settings(replace(self._settings, **read))

    def set_input_cell(self, row: int, col: int, value: float) -> None:
        """Set input cell (row, col) (0-based, without the padding) to a finite number."""
        grid = _with_cell(self._settings.input, row, col, value, "input")
        self.set_settings(replace(self._settings, input=grid))

    def set_kernel_cell(self, row: int, col: int, value: float) -> None:
        """Set kernel cell (row, col); the kernel is then a typed (custom) one."""
        grid = _with_cell(self._settings.kernel, row, col, value, "kernel")
        self.set_settings(replace(self._settings, kernel=grid, kernel_preset=CUSTOM_KERNEL))

    def resize_input(self, rows: int, cols: int) -> None:
        """New input size; the top-left values stay, new cells are 0."""
        self.change(input=_resized(self._settings.input, rows, cols))

    def resize_kernel(self, rows: int, cols: int) -> None:
        self.change(kernel=_resized(self._settings.kernel, rows, cols), kernel_preset=CUSTOM_KERNEL)

    def randomize_input(self, rng: np.random.Generator | None = None) -> None:
        """Random whole numbers 0 to 9 in every input cell (same size)."""
        rng = rng if rng is not None else np.random.default_rng()
        shape = self._result.input.shape
        self.change(input=rng.integers(0, 10, size=shape).astype(float))

    def clear_input(self) -> None:
        self.change(input=np.zeros(self._result.input.shape))

    def paste_input(self, text: str) -> None:
        """Rows of numbers (e.g. from a spreadsheet) become the input; ``ValueError`` says why
        not, and nothing changes."""
        grid = parse_grid_text(text)
        if grid.shape[0] > MAX_INPUT_SIDE or grid.shape[1] > MAX_INPUT_SIDE:
            raise ValueError(
                f"The pasted grid is {grid.shape[0]}x{grid.shape[1]}; the input holds at most "
                f"{MAX_INPUT_SIDE}x{MAX_INPUT_SIDE}."
            )
        self.change(input=grid)

    def paste_kernel(self, text: str) -> None:
        grid = parse_grid_text(text)
        if grid.shape[0] > MAX_KERNEL_SIDE or grid.shape[1] > MAX_KERNEL_SIDE:
            raise ValueError(f"A kernel holds at most {MAX_KERNEL_SIDE}x{MAX_KERNEL_SIDE}.")
        self.change(kernel=grid, kernel_preset=CUSTOM_KERNEL)

    def choose_kernel(self, name: str) -> None:
        """Load a named kernel of ``conv.KERNEL_PRESETS`` (the custom entry loads nothing)."""
        if name == CUSTOM_KERNEL:
            return
        self.change(kernel=conv.KERNEL_PRESETS[name], kernel_preset=name)

    def set_solver(
        self,
        *,
        solve_for: str | None = None,
        n: int | None = None,
        f: int | None = None,
        other: int | None = None,
        out: int | None = None,
    ) -> None:
        """Change the size solver's question; entries left out keep their values.

        ``other`` is the given stride when solving for the padding (at least 1, so switching
        to "padding" with a given padding of 0 makes it 1) and the given padding otherwise.
        """
        solve_for = self._settings.solve_for if solve_for is None else solve_for
        values = [
            old if new is None else new
            for old, new in zip(self._settings.solver, (n, f, other, out), strict=True)
        ]
        if solve_for == "padding":
            values[2] = max(values[2], 1)
        self.change(solve_for=solve_for, solver=values)

    def solver_from_grids(self) -> None:
        """Copy n, f, the given stride or padding and the output size from the grids."""
        s = self._settings
        out = self._result.output
        self.set_solver(
            n=len(s.input),
            f=len(s.kernel),
            other=s.stride if s.solve_for == "padding" else s.padding,
            out=len(s.input) if out is None else out.shape[0],
        )

    # ----- image mode ----------------------------------------------------------------------
    def open_picture(self, path: str) -> None:
        """Show the picture at ``path`` in image mode; ``ValueError`` (nothing changes) when it
        cannot be read as a picture."""
        picture = self._load_picture(str(path))
        self._pictures[str(path)] = (picture, "")
        self.change(picture_path=str(path), view="image")

    def use_sample_picture(self) -> None:
        self.change(picture_path=None, view="image")

    def hover_pixel(self, row: int, col: int) -> PixelFocus | None:
        """The mouse is over pixel (row, col) of the filtered picture: its sum of products and
        its window on the picture (``None`` outside the filtered picture)."""
        image = self._image
        if image is None or image.picture is None or image.filtered is None:
            return None
        if not self._inside(image.filtered, row, col):
            return None
        if self._pixel is None or (self._pixel.row, self._pixel.col) != (row, col):
            s = self._settings
            terms = conv.conv_terms(
                image.picture, self._result.kernel, row, col, s.padding, s.stride,
                flip=s.mode == "convolution", dilation=s.dilation,
            )  # fmt: skip
            r0, r1, c0, c1 = terms.window
            text = (
                f"Filtered pixel row {row + 1}, column {col + 1} = "
                f"{conv.format_sum_of_products(terms)}"
            )
            # The window is on the padded picture; the picture itself starts at (0, 0).
            window = (c0 - s.padding, r0 - s.padding, c1 - c0, r1 - r0)
            self._pixel = PixelFocus(row, col, text, window)
            self.notify("hover")
        return self._pixel

    def _picture_for(self, path: str | None) -> tuple[np.ndarray | None, str]:
        if path in self._pictures:
            return self._pictures[path]
        try:
            entry: tuple[np.ndarray | None, str] = (self._load_picture(path), "")
        except (ValueError, FileNotFoundError) as exc:
            entry = (None, str(exc))
            if path is not None:  # fall back to the sample so the mode still works, and say so
                sample, _ = self._picture_for(None)
                if sample is not None:
                    entry = (sample, f"{exc} Showing the sample picture instead.")
        # Keep the sample and this picture only: a 512x512 picture is 2 MB of floats.
        self._pictures = {k: v for k, v in self._pictures.items() if k is None}
        self._pictures[path] = entry
        return entry

    def _image_result(self, settings: ConvSettings, kernel: np.ndarray) -> ImageResult:
        picture, note = self._picture_for(settings.picture_path)
        if picture is None:
            return ImageResult(None, note=note)
        filtered = pooled = None
        try:
            if settings.mode == "transposed":
                filtered = transposed_values(settings, picture, kernel)["output"]
            else:
                filtered = OPERATIONS[settings.mode](
                    picture, kernel, settings.padding, settings.stride, settings.dilation
                )
            pooled = conv.pool2d(
                filtered, settings.pool_size, settings.pool_stride, settings.pool_mode
            )
        except ValueError as exc:
            note = str(exc)
        return ImageResult(picture, filtered, pooled, note)

    # ----- the explained cell --------------------------------------------------------------
    def hover(self, kind: str, row: int, col: int) -> None:
        """The mouse is over output (``"conv"``) or pooled (``"pool"``) cell (row, col); a
        negative row means it left the grid. Cells the animation hides explain nothing."""
        res = self._result
        if kind == "pool" and res.pooled is None:
            return
        cell: Focus | None = (kind, row, col) if row >= 0 else None
        if cell is not None and kind in ("dx", "dw", "dy", "dp"):
            grid = self.backward_grid(kind)
            if grid is None or not self._inside(grid, row, col):
                cell = None
        elif cell is not None and kind == "conv":
            out = res.output
            if out is None or not self._inside(out, row, col) or self.output_hidden()[row, col]:
                cell = None
        elif cell is not None:
            assert res.pooled is not None
            if not self._inside(res.pooled, row, col) or self.pool_hidden():
                cell = None
        if cell != self._hover:
            self._hover = cell
            self.notify("hover")

    def pin(self, kind: str, row: int, col: int) -> None:
        """Pin output (``"conv"``) or pooled (``"pool"``) cell (row, col): it is explained
        whenever nothing is hovered, and saved in the lesson."""
        grid = self._focus_grid(kind)
        if grid is None or not self._inside(grid, row, col):
            return
        self._focus = (kind, row, col)
        self._hover = None
        self.notify("focus")

    @staticmethod
    def _inside(grid: np.ndarray, row: int, col: int) -> bool:
        return 0 <= row < grid.shape[0] and 0 <= col < grid.shape[1]

    def _drop_missing_focus(self) -> None:
        # A pinned cell that the new settings no longer have falls back to the first cell.
        kind, r, c = self._focus
        grid = self._focus_grid(kind)
        if grid is None or not self._inside(grid, r, c):
            self._focus = ("conv", 0, 0)

    def _focus_grid(self, kind: str) -> np.ndarray | None:
        if kind == "conv":
            return self._result.output
        if kind == "pool":
            return self._result.pooled
        return self.backward_grid(kind)

    # ----- code export ---------------------------------------------------------------------
    def python_code(self) -> str:
        """A standalone numpy script recomputing the output and pooled grids shown."""
        from visualizer.tabs.conv import code_export

        return code_export.python_code(self)

    def torch_code(self) -> str:
        """The same with ``torch.nn.functional.conv2d`` and the pooling functions."""
        from visualizer.tabs.conv import code_export

        return code_export.torch_code(self)

    # ----- practice ------------------------------------------------------------------------
    def practice_questions(self) -> list[Question]:
        """The output size, then the clicked output cell and the others, then pooled cells."""
        from visualizer.tabs.conv import practice_questions

        # Built once per result, pinned cell and exercise: views ask for every cell.
        # (Reset to None whenever the result changes.)
        stamp = (self._focus, self.practice.code)
        if self._questions is None or self._questions[0] != stamp:
            questions = practice_questions.practice_questions(self)
            self._questions = (stamp, questions, frozenset(q.key for q in questions))
        return self._questions[1]

    def is_hidden(self, key: str) -> bool:
        """Practice hides this value (``"size"``, ``"out:r,c"``, ``"pool:r,c"``, ``"solve"``):
        it is asked and not answered or revealed yet."""
        if not self.practice.on or not self.practice.is_hidden(key):
            return False
        self.practice_questions()
        assert self._questions is not None
        return key in self._questions[2]

    def load_exercise(self, exercise: Exercise) -> None:
        """Show a generated conv exercise: its grids (or solver question) and its cell pinned."""
        from visualizer.tabs.conv import practice_questions

        changes, focus = practice_questions.exercise_settings(exercise)
        known = {f.name: f for f in fields(ConvSettings)}
        read = {
            name: known[name].metadata["reader"](value, known[name].metadata.get("label") or name)
            for name, value in changes.items()
        }
        if "kernel" in read:
            read["kernel_preset"] = CUSTOM_KERNEL
        settings = replace(self._settings, **read)
        self._apply(settings, focus, -1, self._preset)

    # ----- frames --------------------------------------------------------------------------
    def set_frame(self, frame: int) -> None:
        frame = min(max(int(frame), 0), self.frame_count() - 1)
        if frame != self._frame:
            self._frame = frame
            self._hover = None
            self.notify("frame")

    # ----- presets and lessons -------------------------------------------------------------
    def presets(self) -> list[str]:
        return list(PRESETS)

    def load_preset(self, name: str) -> None:
        settings, focus = preset_settings(name)  # KeyError before anything changes
        self._apply(settings, focus, -1, name)

    def state(self) -> dict[str, Any]:
        state = self._settings.to_state()
        state["focus"] = list(self._focus)
        state["frame"] = -1 if self.animation_complete() else self._frame
        state["preset"] = self._preset
        return state

    def restore_state(self, state: dict[str, Any]) -> None:
        if not isinstance(state, dict):
            raise ValueError("The saved convolution settings must be a mapping of names to values.")
        values = dict(state)
        focus = values.pop("focus", ["conv", 0, 0])
        frame = values.pop("frame", -1)
        name = values.pop("preset", None)
        if "kernel_preset" in values and values["kernel_preset"] not in KERNEL_CHOICES:
            values["kernel_preset"] = CUSTOM_KERNEL  # a kernel name this version does not have
        settings = ConvSettings.from_state(values)
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
        if isinstance(frame, bool) or not isinstance(frame, int) or frame < -1:
            raise ValueError("The saved animation step must be a whole number (-1 for the end).")
        name = name if isinstance(name, str) and name in PRESETS else self._preset
        self._apply(settings, (focus[0], focus[1], focus[2]), frame, name)

    def _apply(self, settings: ConvSettings, focus: Focus, frame: int, name: str) -> None:
        settings.validate()
        result = compute_result(settings)
        image = self._image_result(settings, result.kernel) if settings.view == "image" else None
        self._settings, self._result, self._image = settings, result, image
        self._backward = self._backward_result(settings, result)
        self._questions = None
        last = self.frame_count() - 1
        self._frame = last if frame < 0 else min(frame, last)
        self._focus = focus
        self._drop_missing_focus()
        self._preset = name
        self._hover = self._pixel = None
        self.notify("lesson")
