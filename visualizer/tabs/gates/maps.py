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
#: The colour table as RGBA, for colouring a grid in numpy (one lookup, no Qt colour table).
_RGBA = np.concatenate([MAP_LUT, np.full((256, 1), 255, dtype=np.ubyte)], axis=1)


def colourise(grid: np.ndarray, levels: Levels) -> np.ndarray:
    """The grid's colours as an (h, w, 4) RGBA image: ``levels`` map to the ends of the
    scale, values beyond them to its end colours, nan to white."""
    lo, hi = levels
    span = hi - lo if hi > lo else 1.0
    with np.errstate(invalid="ignore"):
        index = np.clip((np.asarray(grid, dtype=float) - lo) * (255.0 / span), 0, 255)
    index = np.where(np.isfinite(index), index, 127.5)
    return _RGBA[index.astype(np.intp)]


def colourise_all(grids: list[np.ndarray], levels: list[Levels]) -> np.ndarray:
    """``colourise`` for grids of one shape in one pass: an (n, h, w, 4) RGBA array."""
    stack = np.asarray(grids, dtype=float)
    lo = np.array([lv[0] for lv in levels], dtype=float)[:, None, None]
    hi = np.array([lv[1] for lv in levels], dtype=float)[:, None, None]
    span = np.where(hi > lo, hi - lo, 1.0)
    with np.errstate(invalid="ignore"):
        index = np.clip((stack - lo) * (255.0 / span), 0, 255)
    index = np.where(np.isfinite(index), index, 127.5)
    return _RGBA[index.astype(np.intp)]


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


def map_images(model: GatesModel) -> list[tuple[np.ndarray, Levels]]:
    """Every node's small map with its levels: inputs (features), hidden neurons, output."""
    small = model.play_neuron_maps()
    gx, gy = np.meshgrid(small.xs, small.ys)
    features = feature_transform(np.column_stack([gx.ravel(), gy.ravel()]),
                                 model.playground.features)  # fmt: skip
    maps: list[tuple[np.ndarray, Levels]] = []
    for column in features.T:
        grid = column.reshape(gx.shape)
        maps.append((grid, symmetric_levels(grid)))
    activation = model.playground.activation
    for layer in small.hidden:
        for grid in layer:
            maps.append((grid, neuron_levels(activation, grid)))
    maps.append((small.output, (0.0, 1.0)))
    return maps


def big_map_levels(model: GatesModel, grid: np.ndarray) -> Levels:
    """Levels of the big map: the output's (0, 1) or the shown neuron's."""
    if model.shown_map is None:
        return 0.0, 1.0
    return neuron_levels(model.playground.activation, grid)
