"""Channels in the convolution topic, without Qt: the stacked grids, the result and its sums.

With channels the input is C_in grids (in image mode: the picture's red, green and blue), each
of the C_out kernels has one slice per input channel and a bias, and output channel o is

    y[o, i, j] = b[o] + sum over c of (the sum of products of slice c with input channel c)

computed by ``visualizer.compute.conv_channels.conv2d``. A channel count that does not match
the kernels (or a window that does not fit) keeps the last valid output on screen and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from visualizer.compute import conv
from visualizer.compute.conv_channels import (
    conv2d,
    conv2d_parameter_count,
    conv2d_shape_text,
    conv2d_terms,
)
from visualizer.tabs.conv.settings import ConvSettings, Grid, as_grid

#: What image mode calls the picture's channels.
COLOUR_NAMES: tuple[str, ...] = ("red", "green", "blue")


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
    old = np.array(grid, dtype=float)
    out = np.zeros(shape)
    r, c = min(shape[0], old.shape[0]), min(shape[1], old.shape[1])
    out[:r, :c] = old[:r, :c]
    return as_grid(out)


@dataclass(frozen=True, eq=False)
class ChannelResult:
    """What the channel grids show: inputs, kernels, biases, outputs and the shape line."""

    inputs: np.ndarray  # (C_in, H, W) as set (the picture's channels in image mode)
    weights: np.ndarray  # (C_out, slices, kh, kw) as typed (not flipped)
    bias: np.ndarray  # (C_out,)
    output: np.ndarray | None  # (C_out, H', W'); the last valid one when ``stale``
    shape_text: str  # C_in×H×W ⋆ C_out×C_in×k×k → C_out×H'×W' (with "?" when it does not fit)
    parameters: int  # C_out * slices * kh * kw + C_out
    parameters_text: str  # "2×3×3×3 weights + 2 biases = 56"
    error: str = ""  # why the output is not of these settings
    stale: bool = False  # the output is the last valid one, kept while the settings do not fit

    def padded(self, padding: int) -> np.ndarray:
        """The input channels with ``padding`` rings of zeros, (C_in, H + 2p, W + 2p)."""
        return np.pad(self.inputs, ((0, 0), (padding, padding), (padding, padding)))

    def sliding_weights(self, mode: str) -> np.ndarray:
        """The weights as they slide: flipped in both axes for a true convolution."""
        return self.weights[..., ::-1, ::-1] if mode == "convolution" else self.weights


def _dims(shape: tuple[int, ...]) -> str:
    return "×".join(str(n) for n in shape)


def compute_channels(
    settings: ConvSettings,
    inputs: np.ndarray,
    previous: ChannelResult | None = None,
    refusal: str = "",
) -> ChannelResult:
    """The channel output for ``inputs`` (C_in, H, W) and the kernels of ``settings``.

    When the settings do not fit (a slice count that is not the input's channel count, no
    window, a transposed convolution, or the ``refusal`` given) the output is ``previous``'s
    (the last valid one) and ``error`` says why.
    """
    s = settings
    weights = s.weight_stack()
    bias = s.bias_vector()
    count = conv2d_parameter_count(weights.shape)
    c_out, depth = weights.shape[:2]
    params_text = (
        f"{_dims(weights.shape)} weights + {c_out} bias{'es' if c_out > 1 else ''} = {count}"
    )
    error = ""
    output = None
    shape = f"{_dims(inputs.shape)} ⋆ {_dims(weights.shape)} → ?"
    try:
        if refusal:
            raise ValueError(refusal)
        if s.mode == "transposed":
            raise ValueError(
                "Channels are shown for the sliding convolutions: choose cross-correlation or "
                "true convolution."
            )
        sliding = weights[..., ::-1, ::-1] if s.mode == "convolution" else weights
        output = conv2d(inputs, sliding, bias, s.stride, s.padding, s.dilation)
        shape = conv2d_shape_text(inputs.shape, weights.shape, s.stride, s.padding, s.dilation)
    except ValueError as exc:
        error = str(exc)
        if depth != inputs.shape[0] and not refusal:
            error += f" Set the kernel slices to {inputs.shape[0]}."
        output = previous.output if previous is not None else None
    return ChannelResult(
        inputs, weights, bias, output, shape, count, params_text, error,
        stale=bool(error) and output is not None,
    )  # fmt: skip


def picture_channels(settings: ConvSettings, gray: np.ndarray, colour: np.ndarray) -> np.ndarray:
    """Image mode's input: the gray levels (1 channel) or the red, green and blue (3).

    Raises ``ValueError`` for another channel count (a picture has no 2 or 4 channels here).
    """
    if settings.in_channels == 1:
        return gray[None]
    if settings.in_channels == 3:
        return np.moveaxis(colour, -1, 0)
    raise ValueError(
        f"A picture has 1 channel (gray) or 3 (red, green, blue), not {settings.in_channels}: "
        "set the input channels to 1 or 3."
    )


@dataclass(frozen=True)
class ChannelFocus:
    """Output cell (channel, row, col) explained: the sum over the input channels."""

    heading: str
    formula: str  # bias + the channels' sums = the total
    per_channel: tuple[str, ...]  # each channel's sum of products
    window: tuple[int, int, int, int]  # on every padded input channel
    taps: tuple[tuple[int, int], ...]  # with dilation: the cells under the kernel's taps


def _signed(value: float) -> str:
    text = conv.format_number(value)
    return f"({text})" if text.startswith("-") else text


def channel_focus(
    settings: ConvSettings, channels: ChannelResult, channel: int, row: int, col: int
) -> ChannelFocus:
    """Output cell (channel, row, col): its bias plus one sum of products per input channel."""
    s = settings
    terms = conv2d_terms(
        channels.inputs, channels.sliding_weights(s.mode), channel, row, col, channels.bias,
        s.stride, s.padding, s.dilation,
    )  # fmt: skip
    sums = [t.total for t in terms.per_channel]
    names = channel_names(s, channels.inputs.shape[0])
    formula = (
        f"b{channel + 1} + "
        + " + ".join(f"Σ {name}" for name in names)
        + f" = {_signed(terms.bias)} + "
        + " + ".join(_signed(v) for v in sums)
        + f" = {conv.format_number(terms.total)}"
    )
    per_channel = tuple(
        f"Σ {name} = {conv.format_sum_of_products(t)}"
        for name, t in zip(names, terms.per_channel, strict=True)
    )
    first = terms.per_channel[0]
    return ChannelFocus(
        heading=f"Output channel {channel + 1}, row {row + 1}, column {col + 1}",
        formula=formula,
        per_channel=per_channel,
        window=first.window,
        taps=tuple(first.cells()) if s.dilation > 1 else (),
    )


def channel_names(settings: ConvSettings, count: int) -> list[str]:
    """How the input channels are called: "red", "green", "blue" for a picture's colours."""
    if settings.view == "image" and count == 3:
        return list(COLOUR_NAMES)
    return [f"channel {c + 1}" for c in range(count)]
