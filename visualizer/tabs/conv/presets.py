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
    elif name == PRESET_IMAGE:
        sobel = "Sobel x (vertical edges)"
        kernel = as_grid(conv.KERNEL_PRESETS[sobel])
        s = replace(s, view="image", kernel=kernel, kernel_preset=sobel)
    return s, focus
