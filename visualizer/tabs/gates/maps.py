"""The playground's colour maps and the small map of every node, from the model (no Qt).

One diverging colour scale everywhere, as TensorFlow Playground reads it: orange for class 0
(and negative values), white in the middle, blue for class 1 (and positive values). A map's
levels put its neutral value at white: 0.5 for probabilities and sigmoid neurons, 0 for
tanh, ReLU and the input features.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute.datasets import feature_transform

if TYPE_CHECKING:
    from visualizer.tabs.gates.model import GatesModel

CLASS_COLORS = ("#E8710A", "#1967D2")  # class 0 orange, class 1 blue
_ORANGE = np.array([232, 113, 10], dtype=float)
_WHITE = np.array([255, 255, 255], dtype=float)
_BLUE = np.array([25, 103, 210], dtype=float)
#: 256 colours from orange (low) through white (middle) to blue (high).
MAP_LUT = np.vstack([np.linspace(_ORANGE, _WHITE, 128), np.linspace(_WHITE, _BLUE, 128)]).astype(
    np.ubyte
)

Levels = tuple[float, float]
#: The colour table as the words of Qt's Format_RGB32: 0xffRRGGBB.
_RGB32 = (
    (np.uint32(255) << np.uint32(24))
    | (MAP_LUT[:, 0].astype(np.uint32) << np.uint32(16))
    | (MAP_LUT[:, 1].astype(np.uint32) << np.uint32(8))
    | MAP_LUT[:, 2].astype(np.uint32)
)
#: The colour table as RGBA bytes, each colour one 4-byte word (for one-lookup colouring).
_RGBA32 = np.ascontiguousarray(
    np.concatenate([MAP_LUT, np.full((256, 1), 255, dtype=np.ubyte)], axis=1)
).view(np.uint32)[:, 0]


def colour_indices(grids: np.ndarray, levels: list[Levels] | Levels) -> np.ndarray:
    """Each value's row in :data:`MAP_LUT`, as uint8: ``levels`` (one pair, or one per grid
    of a stack) map to 0 and 255, values beyond them to the ends, nan to the white middle."""
    stack = np.asarray(grids, dtype=float)
    pairs = np.asarray(levels, dtype=float).reshape(-1, 2)
    shape = (-1,) + (1,) * (stack.ndim - 1) if len(pairs) > 1 else (1,) * stack.ndim
    lo, hi = pairs[:, 0].reshape(shape), pairs[:, 1].reshape(shape)
    scale = 255.0 / np.where(hi > lo, hi - lo, 1.0)
    # In place after the first result: fresh temporaries of this size cost more than the maths.
    with np.errstate(invalid="ignore", over="ignore"):
        index = np.subtract(stack, lo)
        index *= scale
    np.clip(index, 0.0, 255.0, out=index)
    index[np.isnan(index)] = 127.5  # the middle of the scale: white
    return index.astype(np.uint8)


def colour_rgba(grids: np.ndarray, levels: list[Levels] | Levels) -> np.ndarray:
    """The grids' colours as uint8 RGBA, shape (..., h, w, 4), in one numpy pass.

    An ``ImageItem`` shows such an image as it is (``levels=None``): no levels to apply, no
    colour table to build, so a frame's ``setImage`` costs one table lookup here (of 4-byte
    colours, several times faster than looking up rows of three bytes).
    """
    index = colour_indices(grids, levels)
    return _RGBA32[index].view(np.uint8).reshape(*index.shape, 4)


def colour_words(grids: np.ndarray, levels: list[Levels] | Levels) -> np.ndarray:
    """The grids' colours as 32-bit words 0xffRRGGBB, shape (..., h, w): what a QImage of
    ``Format_RGB32`` holds, which Qt draws without converting it."""
    return _RGB32[colour_indices(grids, levels)]


def colourise(grid: np.ndarray, levels: Levels) -> np.ndarray:
    """The grid's colours as an (h, w, 4) RGBA image (exports, tests)."""
    return colour_rgba(grid, levels)


def symmetric_levels(grid: np.ndarray) -> Levels:
    """Levels centred on 0 that hold the whole grid (never an empty range)."""
    finite = grid[np.isfinite(grid)]
    top = float(np.abs(finite).max()) if finite.size else 1.0
    top = max(top, 1e-9)
    return -top, top


def neuron_levels(activation: str, grid: np.ndarray) -> Levels:
    """Sigmoid values around 0.5; tanh on [−1, 1]; ReLU from −max to max (0 is white)."""
    if activation == "sigmoid":
        return 0.0, 1.0
    if activation == "tanh":
        return -1.0, 1.0
    return symmetric_levels(grid)


def input_maps(model: GatesModel) -> list[tuple[np.ndarray, Levels]]:
    """The input nodes' small maps (each feature over the plane), with their levels: they
    change with the settings, never with a training frame."""
    small = model.play_neuron_maps()
    gx, gy = np.meshgrid(small.xs, small.ys)
    features = feature_transform(np.column_stack([gx.ravel(), gy.ravel()]),
                                 model.playground.features)  # fmt: skip
    maps: list[tuple[np.ndarray, Levels]] = []
    for column in features.T:
        grid = column.reshape(gx.shape)
        maps.append((grid, symmetric_levels(grid)))
    return maps


def neuron_maps(model: GatesModel) -> list[tuple[np.ndarray, Levels]]:
    """Every neuron's small map at the frame (hidden layers, then the output), with levels."""
    small = model.play_neuron_maps()
    activation = model.playground.activation
    maps: list[tuple[np.ndarray, Levels]] = []
    for layer in small.hidden:
        for grid in layer:
            maps.append((grid, neuron_levels(activation, grid)))
    maps.append((small.output, (0.0, 1.0)))
    return maps


def map_images(model: GatesModel) -> list[tuple[np.ndarray, Levels]]:
    """Every node's small map with its levels: inputs (features), hidden neurons, output."""
    return input_maps(model) + neuron_maps(model)


def big_map_levels(model: GatesModel, grid: np.ndarray) -> Levels:
    """Levels of the big map: the output's (0, 1) or the shown neuron's."""
    if model.shown_map is None:
        return 0.0, 1.0
    return neuron_levels(model.playground.activation, grid)
