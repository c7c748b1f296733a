"""Two-class data sets in the plane for the classification playground, and their features.

The four gate data sets are the truth table's corners (0,0), (0,1), (1,0), (1,1) labelled by
the gate; the clouds ("xor", "circle", "gaussians", "spiral") follow TensorFlow Playground's
shapes and live in the square [−5, 5]². Every generator is reproducible: the same arguments
give bit-for-bit the same arrays, from a ``numpy.random.default_rng(seed)`` of their own.

Noise moves every point by Gaussian noise of standard deviation ``noise × R``, where R is the
data set's scale (1 for the unit square of the gates, 5 for the clouds), so ``noise`` reads
like TF Playground's 0–50 % slider as 0–0.5. Labels are those of the clean points: with
enough noise the classes overlap, as real data does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.gates import GATE_TARGETS, TRUTH_INPUTS

__all__ = [
    "CLOUD_SIZE_RANGE",
    "DATASETS",
    "DATASET_EXTENTS",
    "FEATURES",
    "DatasetSplit",
    "feature_transform",
    "make_dataset",
    "split_dataset",
]

#: Data set key -> what the app calls it.
DATASETS: dict[str, str] = {
    "gates_and": "AND gate (four corners)",
    "gates_or": "OR gate (four corners)",
    "gates_xor": "XOR gate (four corners)",
    "xor": "XOR cloud",
    "circle": "circle",
    "gaussians": "two Gaussians",
    "spiral": "spiral",
}

#: The square (lo, hi) in both coordinates that shows a data set with a margin.
DATASET_EXTENTS: dict[str, tuple[float, float]] = {
    "gates_and": (-0.25, 1.25),
    "gates_or": (-0.25, 1.25),
    "gates_xor": (-0.25, 1.25),
    "xor": (-6.0, 6.0),
    "circle": (-6.0, 6.0),
    "gaussians": (-6.0, 6.0),
    "spiral": (-6.0, 6.0),
}

#: Points allowed in a cloud data set; the gate data sets take a multiple of 4 up to the same max.
CLOUD_SIZE_RANGE: tuple[int, int] = (20, 500)

#: Extra inputs, as in TF Playground: key -> formula.
FEATURES: dict[str, str] = {
    "x": "x",
    "y": "y",
    "x_sq": "x²",
    "y_sq": "y²",
    "x_times_y": "x·y",
    "sin_x": "sin x",
    "sin_y": "sin y",
}

_GATES = {"gates_and": "AND", "gates_or": "OR", "gates_xor": "XOR"}
_CLOUD_RADIUS = 5.0
#: Spread of each of the two Gaussians before any noise.
_GAUSSIAN_STD = 1.0
_GAUSSIAN_CENTRE = 2.0
#: XOR points keep this far from the axes, so the quadrant (the label) is never ambiguous.
_XOR_PADDING = 0.3


def _check_size(name: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ValueError(f"The number of points must be a whole number, not {n!r}.")
    n = int(n)
    lo, hi = CLOUD_SIZE_RANGE
    if name in _GATES:
        if not (4 <= n <= hi and n % 4 == 0):
            raise ValueError(f"A gate data set takes 4, 8, … up to {hi} points, not {n}.")
    elif not lo <= n <= hi:
        raise ValueError(f"A cloud takes from {lo} to {hi} points, not {n}.")
    return n


def make_dataset(
    name: str, n: int, noise: float = 0.0, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    r"""A two-class data set in the plane.

    - ``"gates_and"``, ``"gates_or"``, ``"gates_xor"``: the corners (0,0), (0,1), (1,0), (1,1)
      with the gate's output as label. ``n`` must be a multiple of 4 (4 to 500): the four
      rows repeated n/4 times in truth-table order, so ``n = 4`` with ``noise = 0`` is the
      truth table itself, and larger n with noise gives a cloud around each corner.
    - ``"xor"``: n points uniform in [−5, 5]² (kept 0.3 from the axes); label 1 where
      x·y < 0, i.e. exactly one coordinate is positive, like XOR's exactly one input on.
    - ``"circle"``: class 0 uniform in the disc r < 2.5, class 1 in the ring 3.5 < r < 5.
    - ``"gaussians"``: class 0 ~ N((−2, −2), I), class 1 ~ N((2, 2), I).
    - ``"spiral"``: two arms, point i of n_c: r = 5 i / n_c, θ = 3.5π i / n_c (+ π for
      class 1), (x, y) = (r sin θ, r cos θ); the arms are each other rotated by 180°.

    Clouds take 20 to 500 points: ⌊n/2⌋ of class 0 then the rest of class 1 (the xor cloud:
    the same counts, each point in a random quadrant of its class). Every point then moves
    by N(0, (noise·R)²) in each coordinate, R = 1 for the gates and 5 for the clouds.

    Parameters
    ----------
    name : a key of :data:`DATASETS`
    n : int
    noise : float, finite and >= 0
    seed : int

    Returns
    -------
    (X, y)
        X (n, 2) floats, y (n,) int64 labels 0/1. The same arguments always give identical
        arrays.
    """
    if name not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose one of {', '.join(DATASETS)}.")
    n = _check_size(name, n)
    noise = float(noise)
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"The noise must be a finite number of at least 0, not {noise!r}.")
    rng = np.random.default_rng(int(seed))
    n0 = n // 2
    labels = np.r_[np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)]
    scale = _CLOUD_RADIUS
    if name in _GATES:
        X = np.tile(np.asarray(TRUTH_INPUTS, dtype=float), (n // 4, 1))
        labels = np.tile(np.asarray(GATE_TARGETS[_GATES[name]], dtype=np.int64), n // 4)
        scale = 1.0
    elif name == "xor":
        X = _xor_cloud(rng, n0, n - n0)
    elif name == "circle":
        X = _circle(rng, n0, n - n0)
    elif name == "gaussians":
        centres = np.where(labels[:, None] == 1, _GAUSSIAN_CENTRE, -_GAUSSIAN_CENTRE)
        X = centres + rng.normal(0.0, _GAUSSIAN_STD, size=(n, 2))
    else:
        X = np.vstack([_spiral_arm(n0, 0.0), _spiral_arm(n - n0, np.pi)])
    if noise > 0:
        X = X + rng.normal(0.0, noise * scale, size=X.shape)
    return X, labels


def _xor_cloud(rng: np.random.Generator, n0: int, n1: int) -> NDArray[np.float64]:
    # |coordinate| uniform in [0.3, 5]; class 0 gets equal signs (quadrants I, III), class 1
    # opposite signs (II, IV).
    size = rng.uniform(_XOR_PADDING, _CLOUD_RADIUS, size=(n0 + n1, 2))
    first = rng.choice([-1.0, 1.0], size=n0 + n1)
    second = np.r_[first[:n0], -first[n0:]]
    return size * np.column_stack([first, second])


def _circle(rng: np.random.Generator, n0: int, n1: int) -> NDArray[np.float64]:
    # Radius drawn uniformly (as in TF Playground), so the centre is denser than the edge.
    r = np.r_[
        rng.uniform(0.0, 0.5 * _CLOUD_RADIUS, size=n0),
        rng.uniform(0.7 * _CLOUD_RADIUS, _CLOUD_RADIUS, size=n1),
    ]
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n0 + n1)
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


def _spiral_arm(count: int, turn: float) -> NDArray[np.float64]:
    t = np.arange(count) / count
    r = _CLOUD_RADIUS * t
    angle = 1.75 * 2.0 * np.pi * t + turn
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)])


@dataclass(frozen=True)
class DatasetSplit:
    """A shuffled train/test split; ``train_index``/``test_index`` point into the original X."""

    X_train: NDArray[np.float64]
    y_train: NDArray[np.int64]
    X_test: NDArray[np.float64]
    y_test: NDArray[np.int64]
    train_index: NDArray[np.int64]
    test_index: NDArray[np.int64]


def split_dataset(X: ArrayLike, y: ArrayLike, test_ratio: float, seed: int = 0) -> DatasetSplit:
    """Shuffle with ``seed`` and hold out round(test_ratio · n) points for testing.

    ``test_ratio`` is in [0, 1); at least one point always stays for training. The same
    arguments give the same split; both index arrays are sorted, so points keep their order.
    """
    X_ = np.asarray(X, dtype=float)
    y_ = np.asarray(y)
    if X_.ndim != 2 or y_.shape != (X_.shape[0],):
        raise ValueError(f"X must be (n, d) and y (n,); they are {X_.shape} and {y_.shape}.")
    ratio = float(test_ratio)
    if not (np.isfinite(ratio) and 0.0 <= ratio < 1.0):
        raise ValueError(f"The test ratio must be at least 0 and below 1, not {test_ratio!r}.")
    n = X_.shape[0]
    if n < 1:
        raise ValueError("A data set needs at least one point to split.")
    n_test = min(round(ratio * n), n - 1)
    order = np.random.default_rng(int(seed)).permutation(n)
    test_index, train_index = np.sort(order[:n_test]), np.sort(order[n_test:])
    return DatasetSplit(
        X_[train_index], y_[train_index], X_[test_index], y_[test_index], train_index, test_index
    )


def feature_transform(X: ArrayLike, features: Sequence[str] = ("x", "y")) -> NDArray[np.float64]:
    """The network's inputs from points (x, y): one column per feature, in the order given.

    Features (TF Playground's): ``"x"``, ``"y"``, ``"x_sq"`` = x², ``"y_sq"`` = y²,
    ``"x_times_y"`` = x·y, ``"sin_x"`` = sin x, ``"sin_y"`` = sin y.

    Returns
    -------
    ndarray, shape (n, len(features))
    """
    P = np.asarray(X, dtype=float)
    if P.ndim != 2 or P.shape[1] != 2:
        raise ValueError(f"The points must be an (n, 2) array; it has shape {P.shape}.")
    chosen = list(features)
    if not chosen:
        raise ValueError("Choose at least one input feature.")
    unknown = [f for f in chosen if f not in FEATURES]
    if unknown:
        raise ValueError(f"Unknown feature {unknown[0]!r}; choose from {', '.join(FEATURES)}.")
    if len(set(chosen)) != len(chosen):
        raise ValueError("Each feature can be chosen only once.")
    x, y = P[:, 0], P[:, 1]
    columns = {
        "x": lambda: x,
        "y": lambda: y,
        "x_sq": lambda: x * x,
        "y_sq": lambda: y * y,
        "x_times_y": lambda: x * y,
        "sin_x": lambda: np.sin(x),
        "sin_y": lambda: np.sin(y),
    }
    return np.column_stack([columns[f]() for f in chosen]).astype(float)
