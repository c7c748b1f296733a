"""The backward pass of the convolution topic, without Qt: gradients and where they come from.

Given the upstream gradient (typed by the student, all ones by default) on the output Y (or on
the pooled grid P, then routed back through the pooling first), this computes

- dL/dY: the upstream gradient, or the pooling's backward pass of dL/dP (max pooling sends
  each gradient to its window's arg-max, the first maximum on ties; average pooling spreads
  it as 1/k² over the window);
- dL/dX: the transposed convolution of dL/dY (each output cell sends ``g * w`` back onto the
  cells its window read), i.e. a full correlation with the flipped kernel;
- dL/dW: the correlation of the padded input with dL/dY (each weight met every window).

and, for a hovered cell, the terms that make its value (which output cells sent it gradient,
through which weights). Every number comes from ``visualizer.compute``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute import conv
from visualizer.compute.conv_channels import conv2d_backward, input_gradient_terms
from visualizer.compute.pool_backward import pool2d_backward, pool_gradient_terms

if TYPE_CHECKING:
    from visualizer.tabs.conv.result import ConvResult
    from visualizer.tabs.conv.settings import ConvSettings

#: Where the student types the upstream gradient.
UPSTREAM_PLACES: tuple[str, ...] = ("output", "pooled")


@dataclass(frozen=True, eq=False)
class BackwardResult:
    """The gradients shown in the backward view (None where they cannot be computed)."""

    upstream: np.ndarray | None = None  # what the student typed (or ones), where it is typed
    grad_pooled: np.ndarray | None = None  # dL/dP (upstream at the pooled grid)
    grad_output: np.ndarray | None = None  # dL/dY
    grad_input: np.ndarray | None = None  # dL/dX, the input's shape (no padding)
    grad_kernel: np.ndarray | None = None  # dL/dW, the kernel's shape
    note: str = ""  # e.g. the typed gradient did not fit the new output and is all ones again
    error: str = ""  # why nothing could be computed

    def grid(self, kind: str) -> np.ndarray | None:
        """The gradient grid of a hover kind: "dx", "dw", "dy" or "dp"."""
        return {
            "dx": self.grad_input,
            "dw": self.grad_kernel,
            "dy": self.grad_output,
            "dp": self.grad_pooled,
        }.get(kind)


def _effective_kernel(settings: ConvSettings, kernel: np.ndarray) -> np.ndarray:
    # True convolution slides the flipped kernel: its gradient is computed for what slides.
    return kernel[::-1, ::-1] if settings.mode == "convolution" else kernel


def compute_backward(settings: ConvSettings, result: ConvResult) -> BackwardResult:
    """The backward pass for ``settings`` (upstream gradient ``settings.upstream``)."""
    s, out = settings, result.output
    if s.channels_used:
        return BackwardResult(
            error="The backward pass is drawn for one channel: set the channel counts to 1 "
            "(the exported Python code computes it with channels too)."
        )
    if s.mode == "transposed":
        return BackwardResult(
            error="The backward pass is shown for the sliding convolutions: a transposed "
            "convolution is itself the backward pass of one (see dL/dX there)."
        )
    if out is None:
        return BackwardResult(error="There is no output, so no gradient flows: " + result.error)
    at_pool = s.upstream_at == "pooled"
    note = ""
    if at_pool and (s.pool_source != "output" or result.pooled is None):
        at_pool = False
        note = "The upstream gradient is typed on the output: the pool is not of the output."
    shape = result.pooled.shape if at_pool and result.pooled is not None else out.shape
    upstream = np.ones(shape)
    if s.upstream is not None:
        typed = np.array(s.upstream, dtype=float)
        if typed.shape == shape:
            upstream = typed
        else:
            note = (
                f"The typed gradient is {typed.shape[0]}x{typed.shape[1]} but the "
                f"{'pooled grid' if at_pool else 'output'} is {shape[0]}x{shape[1]}: "
                "all ones are used instead."
            )
    grad_pooled = None
    grad_y = upstream
    try:
        if at_pool:
            grad_pooled = upstream
            grad_y = pool2d_backward(out, upstream, s.pool_size, s.pool_stride, s.pool_mode)
        kernel = _effective_kernel(s, result.kernel)
        grad_x, grad_w, _ = conv2d_backward(
            result.input[None], kernel[None, None], grad_y[None], s.stride, s.padding, s.dilation
        )
    except ValueError as exc:
        return BackwardResult(upstream=upstream, error=str(exc))
    grad_k = _effective_kernel(s, grad_w[0, 0])  # flipped back onto the kernel as typed
    return BackwardResult(upstream, grad_pooled, grad_y, grad_x[0], grad_k, note)


def _term(value: float) -> str:
    text = conv.format_number(value)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class GradientFocus:
    """The hovered gradient cell in words and the cells its terms come from."""

    heading: str
    formula: str
    notes: tuple[str, ...] = ()
    on_dy: tuple[tuple[int, int], ...] = ()  # dL/dY cells it reads
    on_kernel: tuple[tuple[int, int], ...] = ()  # kernel taps it goes through
    on_input: tuple[tuple[int, int], ...] = ()  # padded-input cells it reads
    on_dp: tuple[tuple[int, int], ...] = ()  # dL/dP cells routed here
    on_output: tuple[tuple[int, int], ...] = ()  # output cells (the max that won)


def gradient_focus(
    settings: ConvSettings, result: ConvResult, back: BackwardResult, kind: str, row: int, col: int
) -> GradientFocus | None:
    """What the explanation line says for backward cell (row, col) of ``kind``."""
    s = settings
    g = back.grad_output
    if g is None or back.grad_input is None or back.grad_kernel is None:
        return None
    if kind == "dx":
        kernel = _effective_kernel(s, result.kernel)
        terms = input_gradient_terms(
            kernel[None, None], g[None], 0, row, col, result.input.shape, s.stride, s.padding,
            s.dilation,
        )  # fmt: skip
        f_r, f_c = kernel.shape
        taps = [
            (f_r - 1 - u, f_c - 1 - v) if s.mode == "convolution" else (u, v)
            for _, _, u, v in (t.kernel_cell for t in terms)
        ]
        if terms:
            body = " + ".join(f"{_term(t.grad)}*{_term(t.weight)}" for t in terms)
            total = float(back.grad_input[row, col])
            formula = f"{body} = {conv.format_number(total)}"
        else:
            formula = "0 (no window reads this cell)"
        notes = (
            ("Circled: the output gradients it gets, and the weights that read this cell.",)
            if terms
            else ()
        )
        return GradientFocus(
            heading=f"dL/dX row {row + 1}, column {col + 1}",
            formula=formula,
            notes=notes,
            on_dy=tuple((i, j) for _, i, j in (t.output_cell for t in terms)),
            on_kernel=tuple(taps),
        )
    if kind == "dw":
        kernel = result.kernel
        u, v = (
            (kernel.shape[0] - 1 - row, kernel.shape[1] - 1 - col)
            if s.mode == "convolution"
            else (row, col)
        )
        padded = result.padded
        cells = [
            (i * s.stride + u * s.dilation, j * s.stride + v * s.dilation)
            for i in range(g.shape[0])
            for j in range(g.shape[1])
        ]
        body = " + ".join(
            f"{_term(g[i, j])}*{_term(padded[r, c])}"
            for (i, j), (r, c) in zip(np.ndindex(*g.shape), cells, strict=True)
        )
        total = float(back.grad_kernel[row, col])
        return GradientFocus(
            heading=f"dL/dW row {row + 1}, column {col + 1}",
            formula=f"{body} = {conv.format_number(total)}",
            notes=("Circled: every output gradient, and the input cells this weight met.",),
            on_dy=tuple(np.ndindex(*g.shape)),
            on_input=tuple(cells),
        )
    if kind == "dy" and back.grad_pooled is not None and result.output is not None:
        terms = pool_gradient_terms(
            result.output, back.grad_pooled, row, col, s.pool_size, s.pool_stride, s.pool_mode
        )
        if terms:
            body = " + ".join(
                _term(t.grad) if s.pool_mode == "max" else f"{_term(t.grad)}/{s.pool_size**2}"
                for t in terms
            )
            formula = f"{body} = {conv.format_number(float(g[row, col]))}"
        else:
            formula = (
                "0 (no max-pool window's maximum is here)"
                if s.pool_mode == "max"
                else "0 (no pooling window covers it)"
            )
        rule = (
            "Max pooling sends each window's gradient to its largest value (the first one on ties)."
            if s.pool_mode == "max"
            else f"Average pooling spreads each window's gradient as 1/{s.pool_size**2}."
        )
        return GradientFocus(
            heading=f"dL/dY row {row + 1}, column {col + 1}",
            formula=formula,
            notes=(rule,),
            on_dp=tuple(t.output_cell for t in terms),
        )
    if kind == "dy":
        return GradientFocus(
            heading=f"dL/dY row {row + 1}, column {col + 1}",
            formula=conv.format_number(float(g[row, col])),
            notes=("The upstream gradient: type a number into the cell to change it.",),
        )
    if kind == "dp" and back.grad_pooled is not None:
        return GradientFocus(
            heading=f"dL/dP row {row + 1}, column {col + 1}",
            formula=conv.format_number(float(back.grad_pooled[row, col])),
            notes=("The upstream gradient: type a number into the cell to change it.",),
        )
    return None
