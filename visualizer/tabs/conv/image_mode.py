"""Image mode of the convolution topic, without Qt: the picture filtered, pooled, explained.

Settings and a picture -> ``visualizer.compute`` -> :class:`ImageResult` (the picture filtered
by the kernel and pooled, or with channels one filtered picture per kernel), and a pixel under
the mouse explained (:class:`PixelFocus`). Kept apart from ``result.py`` (the number grids)
so a lesson on the grids never builds these classes: the model imports this module the
first time image mode is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.conv.settings import OPERATIONS, ConvSettings

if TYPE_CHECKING:
    from visualizer.tabs.conv.channels import ChannelResult

# As in ``result.py``, the channel and transposed maths are imported where they are used.


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
        from visualizer.tabs.conv.channels import compute_channels, picture_channels

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
            from visualizer.tabs.conv.transposed import transposed_values

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
    from visualizer.tabs.conv.channels import channel_focus

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
