"""Channels in the convolution topic, without Qt: the stacked grids, the result and its sums.

With channels the input is C_in grids (in image mode: the picture's red, green and blue), each
of the C_out kernels has one slice per input channel and a bias, and output channel o is

    y[o, i, j] = b[o] + sum over c of (the sum of products of slice c with input channel c)

computed by ``visualizer.compute.conv_channels.conv2d``. A channel count that does not match
the kernels (or a window that does not fit) keeps the last valid output on screen and says why.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.compute import conv
from visualizer.compute.conv_channels import (
    conv2d,
    conv2d_parameter_count,
    conv2d_shape_text,
    conv2d_terms,
)
from visualizer.tabs.conv.settings import ConvSettings

# (fit_channels and with_channel_counts only lay out settings, so they live in settings.py:
# settings without channels never load the channel maths)
__all__ = [
    "COLOUR_NAMES",
    "ChannelFocus",
    "ChannelResult",
    "channel_focus",
    "channel_names",
    "compute_channels",
    "picture_channels",
]

#: What image mode calls the picture's channels.
COLOUR_NAMES: tuple[str, ...] = ("red", "green", "blue")


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
