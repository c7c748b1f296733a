"""What the convolution topic computes for some settings, without Qt.

Settings -> ``visualizer.compute`` -> :class:`ConvResult` (the number grids) and, in image
mode, :class:`ImageResult` (the picture filtered and pooled). Computed once per settings
change by the model; the views only read these.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from visualizer.compute import conv
from visualizer.compute.conv_transpose import TransposedEquivalent
from visualizer.tabs.conv.channels import (
    ChannelResult,
    channel_focus,
    compute_channels,
    picture_channels,
)
from visualizer.tabs.conv.settings import OPERATIONS, ConvSettings
from visualizer.tabs.conv.transposed import transposed_values


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
    channel: int = 0  # with channels: the output channel (filtered picture) hovered
    notes: tuple[str, ...] = ()  # with channels: each input channel's sum of products


@dataclass(frozen=True, eq=False)
class ImageResult:
    """Image mode: the picture in gray levels, filtered by the kernel, then pooled."""

    picture: np.ndarray | None
    filtered: np.ndarray | None = None
    pooled: np.ndarray | None = None
    #: Why something is missing, or that the sample picture stands in for a missing one.
    note: str = ""
    #: With channels: the picture's red, green and blue (height, width, 3) and the filtered
    #: pictures, one per kernel (``filtered`` and ``pooled`` are then None).
    colour: np.ndarray | None = None
    channels: ChannelResult | None = None


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


def image_result(
    settings: ConvSettings,
    kernel: np.ndarray,
    picture: np.ndarray | None,
    note: str = "",
    colour: np.ndarray | None = None,
    previous: ChannelResult | None = None,
) -> ImageResult:
    """Image mode: ``picture`` filtered by ``kernel`` as ``settings`` say, then pooled
    (``note``: why the picture is missing, or that the sample stands in for it).

    With channels the input is the gray ``picture`` (1 channel) or ``colour``'s red, green and
    blue (3), filtered by every kernel; ``previous`` holds the last valid filtered pictures.
    """
    if picture is None:
        return ImageResult(None, note=note)
    if settings.channels_used:
        if colour is None:
            colour = np.repeat(picture[:, :, None], 3, axis=2)
        try:
            inputs = picture_channels(settings, picture, colour)
            refusal = ""
        except ValueError as exc:
            inputs, refusal = np.moveaxis(colour, -1, 0), str(exc)
        channels = compute_channels(settings, inputs, previous, refusal)
        return ImageResult(picture, note=note, colour=colour, channels=channels)
    filtered = pooled = None
    try:
        if settings.mode == "transposed":
            filtered = transposed_values(settings, picture, kernel)["output"]
        else:
            filtered = OPERATIONS[settings.mode](
                picture, kernel, settings.padding, settings.stride, settings.dilation
            )
        pooled = conv.pool2d(filtered, settings.pool_size, settings.pool_stride, settings.pool_mode)
    except ValueError as exc:
        note = str(exc)
    return ImageResult(picture, filtered, pooled, note)


def pixel_focus(
    settings: ConvSettings, picture: np.ndarray, kernel: np.ndarray, row: int, col: int
) -> PixelFocus:
    """Filtered pixel (row, col) explained: its sum of products and its window on ``picture``."""
    s = settings
    if s.channels_used:
        raise ValueError("With channels a filtered pixel is explained by channel_pixel_focus.")
    terms = conv.conv_terms(
        picture, kernel, row, col, s.padding, s.stride,
        flip=s.mode == "convolution", dilation=s.dilation,
    )  # fmt: skip
    r0, r1, c0, c1 = terms.window
    text = f"Filtered pixel row {row + 1}, column {col + 1} = {conv.format_sum_of_products(terms)}"
    # The window is on the padded picture; the picture itself starts at (0, 0).
    window = (c0 - s.padding, r0 - s.padding, c1 - c0, r1 - r0)
    return PixelFocus(row, col, text, window)


def channel_pixel_focus(
    settings: ConvSettings, channels: ChannelResult, channel: int, row: int, col: int
) -> PixelFocus:
    """Pixel (row, col) of filtered picture ``channel``: its bias plus one sum per colour."""
    found = channel_focus(settings, channels, channel, row, col)
    r0, r1, c0, c1 = found.window
    p = settings.padding
    return PixelFocus(
        row, col, f"{found.heading} = {found.formula}", (c0 - p, r0 - p, c1 - c0, r1 - r0),
        channel, found.per_channel,
    )  # fmt: skip


def filtered_at(image: ImageResult, row: int, col: int, channel: int = 0) -> np.ndarray | None:
    """The filtered picture (of output ``channel``) when (row, col) lies on it, else None
    (also while channels show the last valid result: its sums are not of these settings)."""
    if image.picture is None:
        return None
    filtered = image.filtered
    found = image.channels
    if found is not None:
        if found.output is None or found.stale or not 0 <= channel < len(found.output):
            return None
        filtered = found.output[channel]
    if filtered is None or not (0 <= row < filtered.shape[0] and 0 <= col < filtered.shape[1]):
        return None
    return filtered


def explain_pixel(
    settings: ConvSettings, image: ImageResult, kernel: np.ndarray, row: int, col: int, channel: int
) -> PixelFocus:
    """Filtered pixel (row, col) of output ``channel`` explained (one channel or several)."""
    if image.channels is not None:
        return channel_pixel_focus(settings, image.channels, channel, row, col)
    assert image.picture is not None
    return pixel_focus(settings, image.picture, kernel, row, col)
