"""The convolution topic's presets, without Qt: the exercise sheet's cases and demonstrations.

Each preset is a :class:`ConvSettings` and the cell pinned first. Every preset starts from
exercise 4 (F, the sheet's kernel, padding 1, a 2x2 average pool) and changes what it shows.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.conv.settings import CUSTOM_KERNEL, ConvSettings, Focus, as_grid

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
PRESET_CHANNELS = "Channels: 3 input channels, 2 kernels of 3 slices and a bias"
PRESET_RGB = "Image mode in colour: R, G, B through 2 kernels of 3 slices"
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
    PRESET_CHANNELS,
    PRESET_RGB,
)


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
    elif name == PRESET_CHANNELS:
        s = _channels_preset(s)
    elif name == PRESET_RGB:
        s = _rgb_preset(s)
    elif name == PRESET_IMAGE:
        sobel = "Sobel x (vertical edges)"
        kernel = as_grid(conv.KERNEL_PRESETS[sobel])
        s = replace(s, view="image", kernel=kernel, kernel_preset=sobel)
    return s, focus


def _channels_preset(s: ConvSettings) -> ConvSettings:
    """F and two more 4x4 channels through 2 kernels of 3 slices (3x3), no padding: 2x2x2."""
    more_inputs = (
        as_grid([[1, 0, 2, 1], [0, 3, 1, 0], [2, 1, 0, 2], [1, 0, 1, 3]]),
        as_grid([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]),
    )
    identity = as_grid([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    ones = as_grid(np.ones((3, 3)))
    cross = as_grid([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
    zeros = as_grid(np.zeros((3, 3)))
    # Kernel 1: the sheet's kernel on channel 1, the centre of channel 2, nothing of channel 3.
    # Kernel 2: channel 3's window summed, minus channel 2's Laplacian.
    more_kernels = (identity, zeros, zeros, cross, ones)
    return replace(
        s, padding=0, in_channels=3, kernel_channels=3, out_channels=2,
        more_inputs=more_inputs, more_kernels=more_kernels, bias=(0.5, -1.0),
    )  # fmt: skip


def _rgb_preset(s: ConvSettings) -> ConvSettings:
    """The colour sample's red, green and blue through two 3x3 kernels of 3 slices.

    Kernel 1 finds vertical edges of the red channel only (its green and blue slices are 0):
    the red square's edges light up, the green disc and blue triangle do not. Kernel 2 adds up
    all three channels over the window: a blurred brightness picture.
    """
    sobel = as_grid(conv.KERNEL_PRESETS["Sobel x (vertical edges)"])
    zeros = as_grid(np.zeros((3, 3)))
    ones = as_grid(np.ones((3, 3)))
    return replace(
        s, view="image", kernel=sobel, kernel_preset=CUSTOM_KERNEL, padding=1,
        in_channels=3, kernel_channels=3, out_channels=2, more_inputs=(zeros, zeros),
        more_kernels=(zeros, zeros, ones, ones, ones), bias=(0.0, 0.0),
    )  # fmt: skip
