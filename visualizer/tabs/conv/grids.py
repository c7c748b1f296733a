"""The number-grid view: the padded input, the kernel, the output and the pooled grid.

Renders the :class:`ConvModel` (values, what the animation hides, unreached rows, arg-max
marks, the explained cell's windows) and sends typing, pasting, hovering and clicking back
to it. No maths here: every number and window comes from the model and ``explain``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QRect, Qt, Signal, SignalInstance
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from visualizer.tabs.conv import explain
from visualizer.tabs.conv.grid_layout import Arrangement, Metrics, arrange
from visualizer.tabs.conv.grid_paint import max_cell_size, readable_cell_size, title_font
from visualizer.tabs.conv.grid_text import cell_text
from visualizer.tabs.conv.grid_widget import GridWidget
from visualizer.tabs.conv.model import CUSTOM_KERNEL, ConvModel
from visualizer.tabs.lazy_view import BuiltOnFirstUse, made

if TYPE_CHECKING:
    from visualizer.tabs.conv.channel_grids import ChannelGrids


def kernel_title(model: ConvModel) -> str:
    s = model.settings
    if s.view == "backward":  # named as its gradient dL/dW is
        return f"W: kernel {len(s.kernel)}x{len(s.kernel[0])}"
    name = "" if s.kernel_preset == CUSTOM_KERNEL else f": {s.kernel_preset.split(' (')[0]}"
    return f"Kernel {len(s.kernel)}x{len(s.kernel[0])}{name}"


def practice_hidden(model: ConvModel, prefix: str, shape: tuple[int, ...]) -> np.ndarray:
    """Which cells practice hides (asked, not answered yet): ``prefix`` "out" or "pool"."""
    hidden = np.zeros(shape[:2], bool)
    if model.practice.on:
        for r in range(shape[0]):
            for c in range(shape[1]):
                hidden[r, c] = model.is_hidden(f"{prefix}:{r},{c}")
    return hidden


def input_offset(model: ConvModel) -> int:
    """Rings of padding the input grid shows around the input (none for a transposed one)."""
    return 0 if model.settings.mode == "transposed" else model.settings.padding


def input_labels(model: ConvModel) -> tuple[list[str], list[str]]:
    """Row and column numbers of the input's own cells on the grid shown ("" elsewhere)."""
    res = model.result
    n_r, n_c = res.input.shape
    if res.equivalent is not None:
        cells = res.equivalent.input_cells
        rows, cols = res.padded.shape
        row_labels, col_labels = [""] * rows, [""] * cols
        for i in range(n_r):
            if cells[i, 0, 0] >= 0:
                row_labels[cells[i, 0, 0]] = str(i + 1)
        for j in range(n_c):
            if cells[0, j, 1] >= 0:
                col_labels[cells[0, j, 1]] = str(j + 1)
        return row_labels, col_labels
    p = input_offset(model)
    return (
        [str(i - p + 1) if p <= i < p + n_r else "" for i in range(n_r + 2 * p)],
        [str(j - p + 1) if p <= j < p + n_c else "" for j in range(n_c + 2 * p)],
    )


def input_title(model: ConvModel) -> str:
    s, res = model.settings, model.result
    n_r, n_c = res.input.shape
    if s.view == "backward" and s.mode != "transposed":  # named as its gradient dL/dX is
        return f"X: input {n_r}x{n_c}" + (", padded" if s.padding else "")
    if res.equivalent is not None:
        q_r, _ = res.equivalent.padding
        return (
            f"Input {n_r}x{n_c} with {s.stride - 1} zero(s) between cells, padded by "
            f"d(f - 1) - p = {q_r} (grey)"
        )
    if s.mode == "transposed":
        return f"Input {n_r}x{n_c} (each cell stamps the kernel)"
    p = s.padding
    return f"Input {n_r}x{n_c}" + (f", padded by {p} (grey zeros)" if p else "")


class KernelEditing:
    """Binds an editable kernel grid to the model: typed cells, pasted rows, refusals."""

    def __init__(self, grid: GridWidget, model: ConvModel, message: SignalInstance) -> None:
        self._grid = grid
        self._model = model
        self._message = message
        grid.cellEdited.connect(lambda row, col, value: model.set_kernel_cell(row, col, value))
        grid.editRefused.connect(message)
        grid.pasteRequested.connect(self.paste)

    def paste(self, text: str) -> bool:
        """Rows of numbers become the kernel; a refusal is shown under the grid."""
        try:
            self._model.paste_kernel(text)
        except ValueError as exc:
            refusal = f"Nothing pasted: {exc}"
            self._grid.set_error(refusal)
            self._message.emit(refusal)
            return False
        return True


class GridCanvas(QWidget):
    """The widget the grids sit on (placed by :class:`GridsView`, not by a Qt layout)."""


def _build_channel_grids(view: GridsView) -> ChannelGrids:
    # With channels these take the place of the single input, kernel and output: 34 grids
    # a one-channel lesson never shows, made (and their module loaded) when channels are on.
    from visualizer.tabs.conv.channel_grids import ChannelGrids

    grids = ChannelGrids(view._model, view.canvas)
    grids.message.connect(view.message)
    return grids


class GridsView(QScrollArea):
    """Input (with its zero padding), kernel (and flipped kernel), output, pooled grids.

    Every grid shows the same cell size, the largest at which all of them fit (they wrap
    onto a second row when that gives larger cells); when even the smallest cell that still
    shows the numbers does not fit, the grids keep that size and this view scrolls.

    Signals
    -------
    message(str)
        A short sentence for the status bar (a typed value, a refusal).
    """

    message = Signal(str)
    channel_grids = BuiltOnFirstUse(_build_channel_grids)

    def __init__(self, model: ConvModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.canvas = GridCanvas()
        self.setWidget(self.canvas)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setBackgroundRole(QPalette.ColorRole.Base)  # white around the grids, as in them
        self.canvas.setAutoFillBackground(True)
        self.canvas.setBackgroundRole(QPalette.ColorRole.Base)
        self.arrangement: Arrangement | None = None
        self.input_grid = GridWidget("Input", editable=True)
        self.input_grid.setToolTip("Click a cell and type a number; Ctrl+V pastes rows")
        self.kernel_grid = GridWidget("Kernel", editable=True)
        self.kernel_grid.setToolTip("Click a cell and type a weight")
        self.flipped_grid = GridWidget("Flipped kernel (what slides)")
        self.output_grid = GridWidget("Output")
        self.output_grid.setToolTip("Hover a cell to see its window and sum; click to pin it")
        self.pool_grid = GridWidget("Pooled")
        self.pool_grid.setToolTip("Hover a pooled cell to see its window")
        self.as_conv_grid = GridWidget("As a convolution")
        # The backward view: one gradient under each grid of the forward pass.
        self.dx_grid = GridWidget("dL/dX")
        self.dx_grid.setToolTip(
            "Hover a cell: which output cells sent it gradient, through which weights"
        )
        self.dw_grid = GridWidget("dL/dW")
        self.dw_grid.setToolTip(
            "Hover a weight: the sum of output gradients times the inputs it met"
        )
        self.dy_grid = GridWidget("dL/dY", editable=True)
        self.dy_grid.setToolTip("The upstream gradient: click a cell and type a number")
        self.dp_grid = GridWidget("dL/dP", editable=True)
        self.dp_grid.setToolTip("The upstream gradient at the pool: click a cell and type a number")
        for grid in self.all_grids():
            grid.setParent(self.canvas)
            grid.setMinimumSize(0, 0)

        self.input_grid.cellEdited.connect(self._on_input_grid_cell_edited)
        self.input_grid.editRefused.connect(self.message)
        self.input_grid.pasteRequested.connect(self.paste_input)
        self.kernel_editing = KernelEditing(self.kernel_grid, model, self.message)
        self.output_grid.cellHovered.connect(lambda r, c: model.hover("conv", r, c))
        self.output_grid.cellClicked.connect(lambda r, c: model.pin("conv", r, c))
        for grid in (self.pool_grid, self.as_conv_grid):
            grid.cellHovered.connect(lambda r, c: model.hover("pool", r, c))
            grid.cellClicked.connect(lambda r, c: model.pin("pool", r, c))
        for kind, grid in zip(("dx", "dw", "dy", "dp"), self.backward_grids(), strict=True):
            grid.cellHovered.connect(lambda r, c, k=kind: model.hover(k, r, c))
            grid.cellClicked.connect(lambda r, c, k=kind: model.pin(k, r, c))
        for grid in (self.dy_grid, self.dp_grid):
            grid.cellEdited.connect(self._on_upstream_cell_edited)
            grid.editRefused.connect(self.message)

    # ----- layout ---------------------------------------------------------------------------
    def all_grids(self) -> list[GridWidget]:
        return [
            self.input_grid,
            self.kernel_grid,
            self.flipped_grid,
            self.output_grid,
            self.pool_grid,
            self.as_conv_grid,
            *self.backward_grids(),
        ]

    def backward_grids(self) -> list[GridWidget]:
        return [self.dx_grid, self.dw_grid, self.dy_grid, self.dp_grid]

    def blocks(self) -> list[list[GridWidget]]:
        """The grids shown, as columns in reading order (a column shares one place)."""
        return self.block_options()[0][0]

    def block_options(self) -> list[tuple[list[list[GridWidget]], frozenset[int]]]:
        """Ways to group the shown grids into columns, with the blocks that start a new row
        (the layout keeps the one with the largest cells)."""
        if self._model.channels is not None:
            return self.channel_grids.block_options()
        columns = [
            [self.input_grid],
            [self.kernel_grid, self.flipped_grid],
            [self.output_grid],
            [self.pool_grid, self.as_conv_grid],
            *([grid] for grid in self.backward_grids()),
        ]
        shown = [[g for g in column if not g.isHidden()] for column in columns]
        blocks = [column for column in shown if column]
        breaks = self._breaks(blocks)
        # The backward pass under the forward pass, or (on a wide, low screen, when that
        # gives larger cells) after it on the same row.
        return [(blocks, breaks), (blocks, frozenset())] if breaks else [(blocks, breaks)]

    def _breaks(self, blocks: list[list[GridWidget]]) -> frozenset[int]:
        # The backward pass starts its own row, under the forward pass.
        backward = set(map(id, self.backward_grids()))
        for index, block in enumerate(blocks):
            if id(block[0]) in backward:
                return frozenset({index})
        return frozenset()

    def relayout(self) -> None:
        """Place every grid at the common cell size that fits the visible area."""
        font = self.font()
        line = QFontMetrics(font).height()
        bold = QFontMetrics(title_font(font)).height()
        metrics = Metrics(line=line, title=bold * 2 + line * 0.5, title_line=bold)
        viewport = self.viewport().size()
        best: tuple[Arrangement, list[list[GridWidget]]] | None = None
        for blocks, breaks in self.block_options():
            boxes = [tuple(grid.layout_box() for grid in block) for block in blocks]
            readable = max(
                (readable_cell_size(grid.look(), font) for block in blocks for grid in block),
                default=1.0,
            )
            found = arrange(
                boxes, viewport.width(), viewport.height(), metrics,
                max_cell=max_cell_size(font), min_cell=readable, breaks=breaks,
            )  # fmt: skip
            # The largest cells win; at equal cells, the one that needs the least scrolling.
            key = (found.cell, -found.width * found.height)
            if best is None or key > (best[0].cell, -best[0].width * best[0].height):
                best = (found, blocks)
        assert best is not None
        arrangement, blocks = best
        self.arrangement = arrangement
        self.canvas.resize(arrangement.width, arrangement.height)
        for block, rects in zip(blocks, arrangement.rects, strict=True):
            for grid, (x, y, w, h) in zip(block, rects, strict=True):
                grid.setGeometry(QRect(x, y, w, h))

    def grid_rects(self) -> dict[str, QRect]:
        """Each shown grid's rectangle on the canvas, by its attribute name (for tests)."""
        named = {name: g for name, g in vars(self).items() if isinstance(g, GridWidget)}
        channel_grids = made(self, "channel_grids")
        if channel_grids is not None:
            named.update(channel_grids.named_grids())
        names = {id(grid): name for name, grid in named.items()}
        return {names[id(grid)]: grid.geometry() for block in self.blocks() for grid in block}

    def cell_size(self) -> float:
        """The common cell size of the last layout, in pixels."""
        return 0.0 if self.arrangement is None else self.arrangement.cell

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.relayout()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.relayout()

    # ----- controls -> model ---------------------------------------------------------------
    def _on_input_grid_cell_edited(self, row: int, col: int, value: float) -> None:
        p = input_offset(self._model)  # the grid shows the padded input
        self._model.set_input_cell(row - p, col - p, value)
        self.message.emit(f"Input row {row - p + 1}, column {col - p + 1} = {value:g}")

    def _on_upstream_cell_edited(self, row: int, col: int, value: float) -> None:
        self._model.set_upstream_cell(row, col, value)
        self.message.emit(f"Upstream gradient row {row + 1}, column {col + 1} = {value:g}")

    def paste_input(self, text: str) -> bool:
        """Rows of numbers become the input; a refusal is shown under the input grid."""
        try:
            self._model.paste_input(text)
        except ValueError as exc:
            refusal = f"Nothing pasted: {exc}"
            self.input_grid.set_error(refusal)
            self.message.emit(refusal)
            return False
        self.input_grid.set_error("")
        return True

    # ----- model -> grids ------------------------------------------------------------------
    def show_grids(self) -> None:
        """Values, titles, what the animation hides and the unreached rows and columns."""
        model = self._model
        channels = model.channels is not None
        if channels:
            for grid in self.all_grids():
                grid.hide()
            self.channel_grids.show()
            self.relayout()
            return
        channel_grids = made(self, "channel_grids")
        if channel_grids is not None:
            channel_grids.hide_all()
        for grid in (self.input_grid, self.kernel_grid, self.output_grid):
            grid.show()
        s, res = model.settings, model.result
        row_labels, col_labels = input_labels(model)
        self.input_grid.set_grid(
            res.padded, fixed=res.padding_mask, row_labels=row_labels, col_labels=col_labels
        )
        self.input_grid.set_editable(res.equivalent is None)
        self.input_grid.set_title(input_title(model))
        self.kernel_grid.set_grid(res.kernel)
        self.kernel_grid.set_title(kernel_title(model))
        flipped = s.mode == "convolution" or res.equivalent is not None
        self.flipped_grid.setVisible(flipped)
        if flipped:
            self.flipped_grid.set_grid(res.kernel[::-1, ::-1])
            equivalent = res.equivalent is not None
            # The equivalent view has the tallest column of grids: a one-line title there.
            self.flipped_grid.set_caption("" if equivalent else "rows and columns reversed")
            self.flipped_grid.set_title(
                "Flipped kernel" if equivalent else "Flipped kernel (what slides)"
            )
        self._show_output()
        self._show_pool()
        self._show_backward()
        self.relayout()

    def _show_backward(self) -> None:
        """The gradients under the forward grids (backward view only)."""
        model = self._model
        back = model.backward
        # The pool takes part in the backward pass only when the gradient is typed there.
        pool_shown = back is None or back.grad_pooled is not None
        self.pool_grid.setVisible(pool_shown)
        self.as_conv_grid.setVisible(pool_shown and model.settings.pool_as_conv)
        for grid in self.backward_grids():
            grid.setVisible(back is not None)
        if back is None:
            return
        at_pool = back.grad_pooled is not None
        self.dp_grid.setVisible(at_pool)
        if back.error:
            for grid in (self.dx_grid, self.dw_grid, self.dy_grid):
                grid.set_title(grid.title().split(" ")[0])
                grid.set_message(back.error)
            return
        assert back.grad_input is not None and back.grad_kernel is not None
        assert back.grad_output is not None
        self.dy_grid.set_editable(not at_pool)  # typed at the pool: computed here
        self.dy_grid.set_grid(back.grad_output)
        self.dy_grid.set_title("dL/dY, from dL/dP" if at_pool else "dL/dY, typed")
        self.dy_grid.set_caption(back.note)
        self.dx_grid.set_grid(back.grad_input)
        self.dx_grid.set_title("dL/dX")
        self.dw_grid.set_grid(back.grad_kernel)
        self.dw_grid.set_title("dL/dW")
        if at_pool:
            assert back.grad_pooled is not None
            s = model.settings
            self.dp_grid.set_grid(back.grad_pooled)
            self.dp_grid.set_title(
                f"dL/dP (upstream of the {explain.pool_words(s.pool_mode)} pool)"
            )

    def _show_output(self) -> None:
        model = self._model
        res = model.result
        if res.output is None:
            self.output_grid.set_title("Output")
            self.output_grid.set_message("No window fits. " + res.error)
            self.input_grid.set_shaded([], [])
            self.input_grid.set_caption("")
            return
        out = res.output
        hidden = model.output_hidden() | practice_hidden(model, "out", out.shape)
        self.output_grid.set_grid(out, hidden=hidden)
        # (short: a title on three lines would take the room of the output's own cells)
        kind = (
            "transposed"
            if model.settings.mode == "transposed"
            else explain.mode_words(model.settings.mode)
        )
        size = (
            "?x?"
            if model.is_hidden("size") or model.is_hidden("size:rows")
            else (f"{out.shape[0]}x{out.shape[1]}")
        )
        title = f"Output {size} ({kind})"
        if model.settings.view == "backward":  # named as its gradient dL/dY is
            title = f"Y: output {size}"
        self.output_grid.set_title(title)
        rows, cols = explain.unreached(res)
        self.input_grid.set_shaded(rows, cols)
        self.input_grid.set_caption("Hatched: never reached" if rows or cols else "")

    def _show_pool(self) -> None:
        model = self._model
        s, res = model.settings, model.result
        k = s.pool_size
        if res.pooled is None:
            self.pool_grid.set_title("Pooled")
            self.pool_grid.set_message(res.pool_error)
        else:
            # The pool of the output waits until the animation has filled the whole output.
            hidden = np.full(res.pooled.shape, model.pool_hidden())
            hidden |= practice_hidden(model, "pool", res.pooled.shape)
            self.pool_grid.set_grid(res.pooled, hidden=hidden)
            self.pool_grid.set_title(
                f"{k}x{k} {explain.pool_words(s.pool_mode)} pool, stride {s.pool_stride}"
            )
            self.pool_grid.set_caption(f"of the {s.pool_source}")
        self.as_conv_grid.setVisible(s.pool_as_conv)
        if not s.pool_as_conv:
            return
        if s.pool_mode != "avg":
            self.as_conv_grid.set_title("Pooling as a convolution")
            self.as_conv_grid.set_message(
                "Only average pooling is a convolution: a max is not a weighted sum."
            )
        elif res.as_conv is None or res.as_conv_kernel is None:
            self.as_conv_grid.set_title("Pooling as a convolution")
            self.as_conv_grid.set_message(res.pool_error)
        else:
            weight = cell_text(float(res.as_conv_kernel[0, 0]))
            # The same numbers as the pool: practice hides them alike.
            self.as_conv_grid.set_grid(
                res.as_conv, hidden=practice_hidden(model, "pool", res.as_conv.shape)
            )
            self.as_conv_grid.set_title(f"As a {k}x{k} conv of {weight}s, stride {s.pool_stride}")
            self.as_conv_grid.set_caption(
                "= the average pool" if res.as_conv_matches else "differs from the pool"
            )

    def show_focus(self, focus: explain.CellFocus) -> None:
        """Outline the explained cell's windows and circle max pooling's arg-max cells."""
        if self._model.channels is not None:
            self.channel_grids.show_focus(focus)
            return
        if focus.backward is not None:
            self._show_gradient_focus(focus)
            return
        for grid in (self.kernel_grid, *self.backward_grids()):
            grid.set_marks([])
            grid.set_highlight(None)
        marks_on_input, marks_on_output = explain.argmax_marks(
            self._model.settings, self._model.result
        )
        strong = focus.strong_mark
        if focus.input_marks:
            marks_on_input = list(focus.input_marks)
        self.kernel_grid.set_marks(list(focus.kernel_marks))
        self.input_grid.set_marks(marks_on_input, strong if marks_on_input else None)
        self.output_grid.set_marks(marks_on_output, strong if marks_on_output else None)
        self.input_grid.set_highlight(focus.input_window)
        self.input_grid.set_taps(focus.taps)
        self.output_grid.set_highlight(focus.output_window)
        self.pool_grid.set_highlight(focus.pooled_window)
        self.as_conv_grid.set_highlight(focus.pooled_window)

    def _show_gradient_focus(self, focus: explain.CellFocus) -> None:
        """A gradient cell is explained: circle the cells its terms come from."""
        grad = focus.backward
        assert grad is not None
        kind = focus.backward_kind
        self.input_grid.set_highlight(None)
        self.input_grid.set_taps([])
        self.output_grid.set_highlight(None)
        self.pool_grid.set_highlight(None)
        self.as_conv_grid.set_highlight(None)
        self.input_grid.set_marks(list(grad.on_input))
        self.output_grid.set_marks(list(grad.on_output))
        self.kernel_grid.set_marks(list(grad.on_kernel))
        self.dy_grid.set_marks(list(grad.on_dy))
        self.dp_grid.set_marks(list(grad.on_dp))
        self.dx_grid.set_marks([])
        self.dw_grid.set_marks([])
        focus_model = self._model.current_focus()
        for name, grid in zip(("dx", "dw", "dy", "dp"), self.backward_grids(), strict=True):
            if name == kind and focus_model is not None:
                _, r, c = focus_model
                grid.set_highlight((r, r + 1, c, c + 1))
            else:
                grid.set_highlight(None)
