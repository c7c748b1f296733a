"""The number grids with channels: input channels, kernels of one slice per channel, outputs.

Owned by the grids view, which places these widgets with the other grids. Input channel c
(padded, editable) | kernel o's slices (editable, its bias under the last one) | output
channel o = b[o] + the sum over c of slice c ⋆ channel c. Hovering an output cell outlines its
window on every input channel and its kernel's slices; the sentence under the grids writes
the sum over the channels. Values and words come from the model (``channels``, ``explain``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from visualizer.compute import conv
from visualizer.tabs.conv import explain
from visualizer.tabs.conv.channels import channel_names
from visualizer.tabs.conv.grid_widget import GridWidget
from visualizer.tabs.conv.model import ConvModel
from visualizer.tabs.conv.settings import MAX_CHANNELS


class ChannelGrids(QObject):
    """The channel grids (made once, shown as many as the counts say) and their wiring.

    Signals
    -------
    message(str)
        A short sentence for the status bar (a typed value, a refusal).
    """

    message = Signal(str)

    def __init__(self, model: ConvModel, canvas: QWidget) -> None:
        super().__init__(canvas)
        self._model = model
        self.inputs = [
            GridWidget(f"Input channel {c + 1}", editable=True) for c in range(MAX_CHANNELS)
        ]
        self.kernels = [
            [
                GridWidget(f"Kernel {o + 1} · slice {c + 1}", editable=True)
                for c in range(MAX_CHANNELS)
            ]
            for o in range(MAX_CHANNELS)
        ]
        self.outputs = [GridWidget(f"Output channel {o + 1}") for o in range(MAX_CHANNELS)]
        for grid in self.all_grids():
            grid.setParent(canvas)
            grid.setMinimumSize(0, 0)
            grid.hide()
        for c, grid in enumerate(self.inputs):
            grid.setToolTip("Click a cell and type a number")
            grid.cellEdited.connect(
                lambda row, col, value, c=c: self._on_input_cell_edited(c, row, col, value)
            )
            grid.editRefused.connect(self.message)
        for o, column in enumerate(self.kernels):
            for c, grid in enumerate(column):
                grid.setToolTip("Click a weight and type a number")
                grid.cellEdited.connect(
                    lambda row, col, value, o=o, c=c: self._on_weight_cell_edited(
                        o, c, row, col, value
                    )
                )
                grid.editRefused.connect(self.message)
        for o, grid in enumerate(self.outputs):
            grid.setToolTip("Hover a cell: its bias plus one sum per input channel; click to pin")
            grid.cellHovered.connect(lambda r, c, o=o: model.hover("conv", r, c, channel=o))
            grid.cellClicked.connect(lambda r, c, o=o: model.pin("conv", r, c, channel=o))

    # ----- layout ---------------------------------------------------------------------------
    def all_grids(self) -> list[GridWidget]:
        return [*self.inputs, *(g for column in self.kernels for g in column), *self.outputs]

    def named_grids(self) -> dict[str, GridWidget]:
        """Every grid by a stable name (``channel_input_1``, ``kernel_2_slice_3``...)."""
        names = {f"channel_input_{c + 1}": g for c, g in enumerate(self.inputs)}
        for o, column in enumerate(self.kernels):
            names.update({f"kernel_{o + 1}_slice_{c + 1}": g for c, g in enumerate(column)})
        names.update({f"channel_output_{o + 1}": g for o, g in enumerate(self.outputs)})
        return names

    def block_options(self) -> list[tuple[list[list[GridWidget]], frozenset[int]]]:
        """Ways to group the shown grids into blocks (columns) and rows, in reading order.

        A table (the input channels in the first row, each kernel in a row of its own with
        slice c under input channel c and its output channel at the end of the row) or
        columns side by side (the input channels stacked or not, each kernel's slices, the
        outputs). The grids view keeps the one with the largest cells.
        """
        inputs = [g for g in self.inputs if not g.isHidden()]
        kernels = [[g for g in column if not g.isHidden()] for column in self.kernels]
        kernels = [column for column in kernels if column]
        outputs = [g for g in self.outputs if not g.isHidden()]
        table: list[list[GridWidget]] = [[g] for g in inputs]
        breaks = set()
        for o, column in enumerate(kernels):
            breaks.add(len(table))
            table += [[g] for g in column]
            if o < len(outputs):
                table.append([outputs[o]])
        # The table first: at equal cell sizes the first option is kept.
        options = [(table, frozenset(breaks))]
        for stack_inputs in (True, False):
            blocks = [inputs] if stack_inputs else [[g] for g in inputs]
            blocks += kernels
            blocks += [outputs]
            options.append(([block for block in blocks if block], frozenset()))
        return options

    def hide_all(self) -> None:
        for grid in self.all_grids():
            grid.hide()

    # ----- controls -> model ---------------------------------------------------------------
    def _on_input_cell_edited(self, channel: int, row: int, col: int, value: float) -> None:
        p = self._model.settings.padding  # the grid shows the padded channel
        self._model.set_channel_cell(channel, row - p, col - p, value)
        self.message.emit(
            f"Input channel {channel + 1}, row {row - p + 1}, column {col - p + 1} = {value:g}"
        )

    def _on_weight_cell_edited(
        self, kernel: int, piece: int, row: int, col: int, value: float
    ) -> None:
        self._model.set_weight_cell(kernel, piece, row, col, value)
        self.message.emit(
            f"Kernel {kernel + 1}, slice {piece + 1}, row {row + 1}, column {col + 1} = {value:g}"
        )

    # ----- model -> grids ------------------------------------------------------------------
    def show(self) -> None:
        """Values, titles, the bias, and why the output is the last valid one (if it is)."""
        model = self._model
        found = model.channels
        assert found is not None
        s = model.settings
        p = s.padding
        padded = found.padded(p)
        mask = np.ones(padded.shape[1:], bool)
        n_r, n_c = found.inputs.shape[1:]
        mask[p : p + n_r, p : p + n_c] = False
        labels = (
            [str(i - p + 1) if p <= i < p + n_r else "" for i in range(n_r + 2 * p)],
            [str(j - p + 1) if p <= j < p + n_c else "" for j in range(n_c + 2 * p)],
        )
        names = channel_names(s, len(padded))
        for c, grid in enumerate(self.inputs):
            grid.setVisible(c < len(padded))
            if c < len(padded):
                grid.set_grid(padded[c], fixed=mask, row_labels=labels[0], col_labels=labels[1])
                grid.set_title(f"Input {names[c]}")
        c_out, depth = found.weights.shape[:2]
        for o, column in enumerate(self.kernels):
            for c, grid in enumerate(column):
                grid.setVisible(o < c_out and c < depth)
                if o < c_out and c < depth:
                    grid.set_grid(found.weights[o, c])
                    grid.set_caption(
                        f"bias b{o + 1} = {conv.format_number(float(found.bias[o]))}"
                        if c == depth - 1
                        else ""
                    )
        self._show_outputs()

    def _show_outputs(self) -> None:
        model = self._model
        found = model.channels
        assert found is not None
        out = found.output
        count = found.weights.shape[0] if out is None else out.shape[0]
        hidden = model.output_hidden()
        for o, grid in enumerate(self.outputs):
            grid.setVisible(o < count)
            if o >= count:
                continue
            if out is None:
                grid.set_title(f"Output channel {o + 1}")
                grid.set_message(found.error)
                continue
            shown = np.zeros(out.shape[1:], bool)
            if hidden.shape == shown.shape and not found.stale:
                shown |= hidden
            if model.practice.on and not found.stale:
                for r in range(out.shape[1]):
                    for c in range(out.shape[2]):
                        shown[r, c] |= model.is_hidden(explain.channel_key(o, r, c))
            grid.set_grid(out[o], hidden=shown)
            grid.set_title(f"Output channel {o + 1}" + (" (last valid)" if found.stale else ""))

    def show_focus(self, focus: explain.CellFocus) -> None:
        """Outline the explained cell's window on every input channel and its kernel."""
        for grid in self.inputs:
            grid.set_highlight(focus.input_window)
            grid.set_taps(focus.taps)
        for o, column in enumerate(self.kernels):
            for grid in column:
                rows, cols = grid.values().shape
                grid.set_highlight((0, rows, 0, cols) if focus.channel == o else None)
        for o, grid in enumerate(self.outputs):
            grid.set_highlight(focus.output_window if focus.channel == o else None)
