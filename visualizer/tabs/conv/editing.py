"""The convolution model's editing commands, without Qt: typed cells, sizes, pastes, the solver.

:class:`GridEditing` is mixed into :class:`~visualizer.tabs.conv.model.ConvModel`: every
command turns into new settings through ``change`` / ``set_settings``, which check them and
compute the result, so a refused edit changes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.conv.grid_text import parse_grid_text
from visualizer.tabs.conv.settings import (
    CUSTOM_KERNEL,
    MAX_INPUT_SIDE,
    MAX_KERNEL_SIDE,
    ConvSettings,
    as_grid,
    resized_grid,
    with_cell,
)

if TYPE_CHECKING:
    from visualizer.tabs.conv.backward import BackwardResult
    from visualizer.tabs.conv.result import ConvResult


class GridEditing:
    """What the user types or clicks into the grids and the solver (mixed into ConvModel)."""

    _settings: ConvSettings
    _result: ConvResult
    _backward: BackwardResult | None

    if TYPE_CHECKING:  # ConvModel's: each checks the new settings and computes them

        def change(self, **changes: Any) -> None: ...

        def set_settings(self, settings: ConvSettings) -> None: ...

    def set_input_cell(self, row: int, col: int, value: float) -> None:
        """Set input cell (row, col) (0-based, without the padding) to a finite number."""
        grid = with_cell(self._settings.input, row, col, value, "input")
        self.set_settings(replace(self._settings, input=grid))

    def set_kernel_cell(self, row: int, col: int, value: float) -> None:
        """Set kernel cell (row, col); the kernel is then a typed (custom) one."""
        grid = with_cell(self._settings.kernel, row, col, value, "kernel")
        self.set_settings(replace(self._settings, kernel=grid, kernel_preset=CUSTOM_KERNEL))

    def resize_input(self, rows: int, cols: int) -> None:
        """New input size; the top-left values stay, new cells are 0."""
        self.change(input=resized_grid(self._settings.input, rows, cols))

    def resize_kernel(self, rows: int, cols: int) -> None:
        kernel = resized_grid(self._settings.kernel, rows, cols)
        self.change(kernel=kernel, kernel_preset=CUSTOM_KERNEL)

    def randomize_input(self, rng: np.random.Generator | None = None) -> None:
        """Random whole numbers 0 to 9 in every input cell of every channel (same size)."""
        rng = rng if rng is not None else np.random.default_rng()
        shape = (self._settings.in_channels, *self._result.input.shape)
        grids = rng.integers(0, 10, size=shape).astype(float)
        self.change(input=grids[0], more_inputs=grids[1:])

    def clear_input(self) -> None:
        """Every input cell of every channel 0."""
        shape = (self._settings.in_channels, *self._result.input.shape)
        grids = np.zeros(shape)
        self.change(input=grids[0], more_inputs=grids[1:])

    # ----- channels ------------------------------------------------------------------------
    def set_channel_cell(self, channel: int, row: int, col: int, value: float) -> None:
        """Set cell (row, col) of input channel ``channel`` (0-based; 0 is ``input``)."""
        s = self._settings
        if channel == 0:
            self.set_input_cell(row, col, value)
            return
        if not 0 < channel < s.in_channels:
            raise ValueError(
                f"Input channel {channel + 1} does not exist; there are {s.in_channels}."
            )
        grids = list(s.more_inputs)
        grids[channel - 1] = with_cell(grids[channel - 1], row, col, value, "input channel")
        self.set_settings(replace(s, more_inputs=tuple(grids)))

    def set_weight_cell(self, kernel: int, piece: int, row: int, col: int, value: float) -> None:
        """Set cell (row, col) of slice ``piece`` of kernel ``kernel`` (0-based)."""
        s = self._settings
        if not (0 <= kernel < s.out_channels and 0 <= piece < s.kernel_channels):
            raise ValueError(
                f"Kernel {kernel + 1}, slice {piece + 1} does not exist: there are "
                f"{s.out_channels} kernel(s) of {s.kernel_channels} slice(s)."
            )
        index = kernel * s.kernel_channels + piece
        if index == 0:
            self.set_kernel_cell(row, col, value)
            return
        grids = list(s.more_kernels)
        grids[index - 1] = with_cell(grids[index - 1], row, col, value, "kernel slice")
        self.set_settings(replace(s, more_kernels=tuple(grids)))

    def set_bias(self, kernel: int, value: float) -> None:
        """Set the bias of kernel ``kernel`` (0-based), added to its whole output channel."""
        s = self._settings
        if not 0 <= kernel < s.out_channels or not s.channels_used:
            raise ValueError("A bias belongs to a kernel: there is one per output channel.")
        bias = list(s.bias_vector().tolist())
        bias[kernel] = value
        self.change(bias=bias)

    def randomize_kernels(self, rng: np.random.Generator | None = None) -> None:
        """Random whole numbers -1 to 1 in every kernel slice, and biases -2 to 2."""
        rng = rng if rng is not None else np.random.default_rng()
        s = self._settings
        slices = rng.integers(-1, 2, size=(s.out_channels * s.kernel_channels, *np.shape(s.kernel)))
        changes: dict[str, Any] = {
            "kernel": slices[0].astype(float),
            "more_kernels": slices[1:].astype(float),
            "kernel_preset": CUSTOM_KERNEL,
        }
        if s.channels_used:
            changes["bias"] = rng.integers(-2, 3, size=s.out_channels).astype(float)
        self.change(**changes)

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

    def set_upstream_cell(self, row: int, col: int, value: float) -> None:
        """Type ``value`` into cell (row, col) of the upstream gradient (dL/dY or dL/dP)."""
        back = self._backward
        if back is None or back.upstream is None:
            raise ValueError("The upstream gradient is typed in the backward view.")
        grid = with_cell(as_grid(back.upstream), row, col, value, "upstream gradient")
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
