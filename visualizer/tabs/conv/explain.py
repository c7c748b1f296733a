"""The convolution topic in words: the explained cell, the size formula, the solver's answer.

Plain Python (no Qt): what the views show as text and which cells they outline, read from a
:class:`~visualizer.tabs.conv.model.ConvModel`. Every number comes from the model's result
or from ``visualizer.compute.conv``; the views only add bold, colour and layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.conv.model import (
    PRESET_4B,
    SHEET_INPUT,
    SHEET_KERNEL_GRID,
    ConvModel,
    ConvResult,
    ConvSettings,
)
from visualizer.tabs.conv.settings import BACKWARD_KINDS

if TYPE_CHECKING:
    from visualizer.tabs.conv.backward import GradientFocus
    from visualizer.tabs.conv.channels import ChannelResult
    from visualizer.tabs.conv.image_mode import ImageResult

# (the backward pass, channels and transposed words are imported where those features are
# explained: a lesson on the plain grids never loads them)

Window = tuple[int, int, int, int]  # rows r0..r1-1, columns c0..c1-1 (stop exclusive)

#: Words for the operations and pooling modes (a mode without words shows its own name).
MODE_WORDS: dict[str, str] = {
    "correlation": "cross-correlation",
    "convolution": "true convolution",
    "transposed": "transposed convolution",
}
POOL_WORDS: dict[str, str] = {"avg": "average", "max": "max"}

HOVER_HINT = "Hover or click an output cell to see its window and its sum of products."
BACKWARD_HINT = (
    "Hover a cell of dL/dX or dL/dW to see which output cells sent it gradient, through "
    "which weights; type into the upstream gradient to change it."
)
IMAGE_HINT = "Hover the filtered picture to see one pixel's sum of products."
CHANNEL_IMAGE_HINT = (
    "Hover a filtered picture: each pixel is its kernel's bias plus one sum of products per "
    "colour channel."
)
IMAGE_DESCRIPTION = (
    "Each pixel of the filtered picture is one sum of products of the kernel with the gray "
    "levels (0 to 255) under it; black = smallest, white = largest value."
)


def mode_words(mode: str) -> str:
    return MODE_WORDS.get(mode, mode)


def pool_words(pool_mode: str) -> str:
    return POOL_WORDS.get(pool_mode, pool_mode)


@dataclass(frozen=True)
class CellFocus:
    """The explained cell: its sum in words and the cells to outline on each grid."""

    heading: str = ""  # "Output row 1, column 1" (shown bold)
    qualifier: str = ""  # "average" / "max" for a pooled cell
    formula: str = ""  # the sum of products (or the pooled values) and the result
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # where the exercise sheet's printed numbers slip
    hint: str = ""  # said when no cell is explained
    input_window: Window | None = None  # on the padded input
    taps: tuple[tuple[int, int], ...] = ()  # with dilation: the input cells under the kernel
    output_window: Window | None = None
    pooled_window: Window | None = None  # on the pooled grid and its as-a-convolution twin
    strong_mark: tuple[int, int] | None = None  # the focused max-pool window's arg-max
    input_marks: tuple[tuple[int, int], ...] = ()  # transposed scatter: the input cells used
    kernel_marks: tuple[tuple[int, int], ...] = ()  # ... and the kernel taps
    backward_kind: str = ""  # "dx", "dw", "dy" or "dp" for a gradient cell
    backward: GradientFocus | None = None  # where that gradient comes from
    channel: int | None = None  # with channels: the output channel (its kernel is outlined)

    @property
    def text(self) -> str:
        """The explanation as one plain sentence ("" when no cell is explained)."""
        if not self.heading:
            return ""
        qualifier = f" ({self.qualifier})" if self.qualifier else ""
        return f"{self.heading}{qualifier} = {self.formula}"


def is_sheet_exercise(settings: ConvSettings) -> bool:
    """Exercise 4a exactly as printed: F, the sheet's kernel, padding 1, stride 1."""
    return (
        settings.padding == 1
        and settings.stride == 1
        and settings.mode == "correlation"
        and settings.input == SHEET_INPUT
        and settings.kernel == SHEET_KERNEL_GRID
    )


def sheet_note_conv(settings: ConvSettings, row: int, col: int) -> str:
    if is_sheet_exercise(settings) and (row, col) == (3, 2):
        return (
            "The sheet's table shows -2.5 here; -12.5 is right (its own pooling line uses -12.5)."
        )
    return ""


def sheet_note_pool(settings: ConvSettings, row: int, col: int) -> str:
    s = settings
    if (
        is_sheet_exercise(s)
        and (row, col) == (0, 0)
        and s.pool_mode == "avg"
        and s.pool_size == 2
        and s.pool_stride == 2
        and s.pool_source == "output"
    ):
        return (
            "The sheet writes 11.75 for this cell; its own sum (15.5 + 21 + 4.5 + 30)/4 is 17.75."
        )
    return ""


def conv_terms(settings: ConvSettings, result: ConvResult, row: int, col: int) -> conv.ConvTerms:
    """The products behind output cell (row, col) of these settings."""
    return conv.conv_terms(
        result.input, result.kernel, row, col, settings.padding, settings.stride,
        flip=settings.mode == "convolution", dilation=settings.dilation,
    )  # fmt: skip


def pool_terms(settings: ConvSettings, result: ConvResult, row: int, col: int) -> conv.PoolTerms:
    assert result.pool_source is not None
    s = settings
    return conv.pool_terms(result.pool_source, row, col, s.pool_size, s.pool_stride, s.pool_mode)


def cell_focus(model: ConvModel) -> CellFocus:
    """What the explanation line says and outlines now (hovered, animated or pinned cell)."""
    s, res = model.settings, model.result
    focus = model.current_focus()
    if focus is not None and focus[0] in BACKWARD_KINDS and model.backward is not None:
        from visualizer.tabs.conv.backward import gradient_focus

        kind, r, c = focus
        grad = gradient_focus(s, res, model.backward, kind, r, c)
        if grad is not None:
            return CellFocus(
                heading=grad.heading, formula=grad.formula, notes=grad.notes,
                backward_kind=kind, backward=grad,
            )  # fmt: skip
    if focus is not None and focus[0] in BACKWARD_KINDS:
        focus = None
    if model.channels is not None:
        return _channel_cell_focus(model, model.channels, focus)
    if (
        focus is not None
        and focus[0] == "conv"
        and res.output is not None
        and s.mode == "transposed"
    ):
        from visualizer.tabs.conv.transposed import transposed_focus

        _, r, c = focus
        found = transposed_focus(s, res, r, c)
        formula = found.formula
        if model.is_hidden(f"out:{r},{c}"):
            formula = formula.rsplit(" = ", 1)[0] + " = ?"
        return CellFocus(
            heading=f"Output row {r + 1}, column {c + 1}",
            formula=formula,
            input_window=found.input_window,
            taps=found.taps,
            output_window=(r, r + 1, c, c + 1),
            input_marks=found.input_cells,
            kernel_marks=found.kernel_cells,
        )
    if focus is not None and focus[0] == "conv" and res.output is not None:
        _, r, c = focus
        terms = conv_terms(s, res, r, c)
        note = sheet_note_conv(s, r, c)
        formula = conv.format_sum_of_products(terms)
        if model.is_hidden(f"out:{r},{c}"):
            # Practice: the products are the question's working, the total is the answer.
            formula = formula.rsplit(" = ", 1)[0] + " = ?"
            note = ""
        return CellFocus(
            heading=f"Output row {r + 1}, column {c + 1}",
            formula=formula,
            warnings=(note,) if note else (),
            input_window=terms.window,
            taps=tuple(terms.cells()) if s.dilation > 1 else (),
            output_window=(r, r + 1, c, c + 1),
        )
    if focus is not None and focus[0] == "pool" and res.pooled is not None:
        _, r, c = focus
        terms = pool_terms(s, res, r, c)
        r0, r1, c0, c1 = terms.window
        p = s.padding
        on_input = s.pool_source == "input"
        notes: tuple[str, ...] = ()
        strong = None
        if s.pool_mode == "max":
            ar, ac = terms.argmax
            strong = (ar + p, ac + p) if on_input else (ar, ac)
            notes = (
                f"The largest value sits at row {ar + 1}, column {ac + 1} of the "
                f"{s.pool_source} (circled in bold).",
            )
        note = sheet_note_pool(s, r, c)
        formula = terms.text()
        if not on_input and any(
            model.is_hidden(f"out:{i},{j}") for i in range(r0, r1) for j in range(c0, c1)
        ):
            formula = "? (work out the output cells in its window first)"
            notes, strong, note = (), None, ""
        elif model.is_hidden(f"pool:{r},{c}"):
            formula = formula.rsplit(" = ", 1)[0] + " = ?"
            notes, strong, note = (), None, ""
        return CellFocus(
            heading=f"Pooled row {r + 1}, column {c + 1}",
            qualifier=pool_words(s.pool_mode),
            formula=formula,
            notes=notes,
            warnings=(note,) if note else (),
            input_window=(r0 + p, r1 + p, c0 + p, c1 + p) if on_input else None,
            output_window=None if on_input else terms.window,
            pooled_window=(r, r + 1, c, c + 1),
            strong_mark=strong,
        )
    if s.view == "backward":
        return CellFocus(hint=BACKWARD_HINT if res.output is not None else "")
    return CellFocus(hint=HOVER_HINT if res.output is not None else "")


CHANNEL_HINT = (
    "Hover or click an output cell: its value is its kernel's bias plus one sum of products "
    "per input channel."
)


def _channel_cell_focus(
    model: ConvModel, channels: ChannelResult, focus: tuple[str, int, int] | None
) -> CellFocus:
    """An output cell with channels: the bias plus the sum over the input channels."""
    if focus is None or focus[0] != "conv" or channels.output is None or channels.stale:
        return CellFocus(hint=CHANNEL_HINT if channels.output is not None else "")
    _, r, c = focus
    o = model.current_channel()
    from visualizer.tabs.conv.channels import channel_focus

    found = channel_focus(model.settings, channels, o, r, c)
    formula = found.formula
    notes = found.per_channel
    if model.is_hidden(channel_key(o, r, c)):
        formula = formula.rsplit(" = ", 1)[0] + " = ?"
        notes = tuple(note.rsplit(" = ", 1)[0] + " = ?" for note in notes)
    return CellFocus(
        heading=found.heading,
        formula=formula,
        notes=notes,
        input_window=found.window,
        taps=found.taps,
        output_window=(r, r + 1, c, c + 1),
        channel=o,
    )


def channel_key(channel: int, row: int, col: int) -> str:
    """Practice's key of output cell (row, col) of output ``channel``."""
    return f"ch{channel + 1}:{row},{col}"


def argmax_marks(
    settings: ConvSettings, result: ConvResult
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Max pooling's arg-max cells: (on the padded input, on the output); one list is empty."""
    if result.argmax is None:
        return [], []
    cells = [(int(r), int(c)) for r, c in result.argmax.reshape(-1, 2).tolist()]
    if settings.pool_source == "input":
        p = settings.padding
        return [(r + p, c + p) for r, c in cells], []
    return [], cells


def unreached(result: ConvResult) -> tuple[list[int], list[int]]:
    """Padded rows and columns that no window reaches (hatched on the input)."""
    if result.rows_reached is None or result.cols_reached is None:
        return [], []
    rows = np.flatnonzero(~result.rows_reached).tolist()
    cols = np.flatnonzero(~result.cols_reached).tolist()
    return rows, cols


@dataclass(frozen=True)
class SizeFormula:
    """The output-size line: the formula with numbers, or why no window fits."""

    error: str = ""  # no window fits (then nothing else is set)
    rows: str = ""
    cols: str = ""
    notes: tuple[str, ...] = ()  # the floor, or a stride larger than the kernel
    exercise_answer: str = ""  # exercise 4b: the solver's answer, repeated large
    hidden: bool = False  # practice asks for the size: only the formula without numbers
    info: tuple[str, ...] = ()  # what dilation does (not a warning)
    shape: str = ""  # with channels: C_in×H×W ⋆ C_out×C_in×k×k → C_out×H'×W'
    parameters: str = ""  # with channels: the learnable numbers
    channel_error: str = ""  # with channels: why the output shown is the last valid one

    @property
    def same(self) -> bool:
        return self.rows == self.cols


def size_formula(model: ConvModel) -> SizeFormula:
    s, res = model.settings, model.result
    found = model.channel_result()
    if found is not None:
        return _channel_formula(model, found)
    if res.output is None:
        return SizeFormula(error=res.error)
    notes = []
    if res.trailing_rows or res.trailing_cols:
        pieces = []
        for count, word in ((res.trailing_rows, "row"), (res.trailing_cols, "column")):
            if count == 1:
                pieces.append(f"the last {word}")
            elif count > 1:
                pieces.append(f"the last {count} {word}s")
        notes.append(
            "The division is not exact, so the formula floors: "
            f"{' and '.join(pieces)} of the {'padded ' if s.padding else ''}input "
            "are never reached (hatched)."
        )
    f_r, f_c = res.kernel.shape
    d = s.dilation
    info = []
    if s.mode == "transposed":
        from visualizer.tabs.conv.transposed import TRANSPOSED_VIEW_WORDS

        info.append(
            f"Transposed convolution ({s.transposed_view} view: "
            f"{TRANSPOSED_VIEW_WORDS[s.transposed_view]}): out = (n - 1)*s - 2p + d(f - 1) "
            "+ output padding + 1."
        )
        return SizeFormula(rows=res.formula_rows, cols=res.formula_cols, info=tuple(info))
    if d > 1:
        span_r, span_c = d * (f_r - 1) + 1, d * (f_c - 1) + 1
        info.append(
            f"Dilation {d}: the kernel's taps sit {d} cells apart, so the {f_r}x{f_c} kernel "
            f"spans {span_r}x{span_c} cells of the input (its taps are marked)."
        )
    if s.stride > d * (min(f_r, f_c) - 1) + 1:
        notes.append(
            f"The stride {s.stride} is larger than the kernel, so the windows skip cells "
            "between them (hatched)."
        )
    if model.is_hidden("size") or model.is_hidden("size:rows"):
        return SizeFormula(hidden=True)
    answer = ""
    if model.preset == PRESET_4B and s.solve_for == "stride" and not model.is_hidden("solve"):
        # Exercise 4b is about the solver: its answer is repeated large, under the grids.
        answer = solver_answer(s)[1]
    return SizeFormula(
        rows=res.formula_rows, cols=res.formula_cols, notes=tuple(notes),
        exercise_answer=answer, info=tuple(info),
    )  # fmt: skip


def _channel_formula(model: ConvModel, found: ChannelResult) -> SizeFormula:
    """With channels: the shape line, the parameter count, and the size formula."""
    res = model.result
    shape = "? (work it out)" if model.is_hidden("shape") else found.shape_text
    parameters = "?" if model.is_hidden("params") else found.parameters_text
    error = ""
    if found.error:
        kept = " The last valid output is shown." if found.stale else ""
        error = found.error + kept
    elif model.backward is not None and model.backward.error:
        error = model.backward.error
    # The formula's numbers are the grids' (a picture's sizes are in the shape line).
    hidden = model.is_hidden("shape") or model.settings.view == "image"
    return SizeFormula(
        rows="" if hidden else res.formula_rows,
        cols="" if hidden else res.formula_cols,
        shape=shape,
        parameters=parameters,
        channel_error=error,
    )


def solver_answer(settings: ConvSettings) -> tuple[bool, str]:
    """(works, text): the size solver's answer for the question in ``settings``."""
    explain = (
        conv.explain_solve_padding if settings.solve_for == "padding" else conv.explain_solve_stride
    )
    try:
        _, works, text = explain(*settings.solver, dilation=settings.dilation)
    except ValueError as exc:
        return False, str(exc)
    return bool(works), text


def image_titles(settings: ConvSettings, image: ImageResult) -> list[str]:
    """Titles of the picture, the filtered picture and the pooled one, with their sizes."""
    k = settings.pool_size
    titles = [
        "Picture",
        "Filtered by the kernel",
        f"{k}x{k} {pool_words(settings.pool_mode)} pool, stride {settings.pool_stride}",
    ]
    arrays = (image.picture, image.filtered, image.pooled)
    return [
        title if array is None else f"{title} ({array.shape[1]}x{array.shape[0]})"
        for title, array in zip(titles, arrays, strict=True)
    ]


def gray_levels(array: np.ndarray) -> np.ndarray:
    """Display scaling: smallest value black, largest white, as 0..255 bytes.

    Done here rather than by pyqtgraph's level mapping, which divides by the value range and
    overflows (with a warning) for ranges near the smallest float, e.g. a 1e-320 kernel.
    """
    low, high = float(array.min()), float(array.max())
    with np.errstate(over="ignore"):
        span = high - low
    if span <= 0:
        return np.full(array.shape, 128, dtype=np.uint8)  # flat: mid-grey, not an error
    if not np.isfinite(span):  # values spread wider than the largest float: halve first
        array, low, span = array * 0.5, low * 0.5, high * 0.5 - low * 0.5
    # (x - low) <= span, so dividing first never overflows, even for a denormal span.
    scaled = np.subtract(array, low)
    np.divide(scaled, span, out=scaled)
    scaled *= 255.0
    np.clip(scaled, 0.0, 255.0, out=scaled)
    return scaled.astype(np.uint8)
