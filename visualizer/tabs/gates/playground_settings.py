"""The classification playground's settings, without Qt and without its training code.

:class:`PlaygroundSettings` holds the data set (or the student's own points), the network
(extra input features, 0 to 2 hidden layers of 1 to 8 neurons, their activation) and the
training (learning rate, L2 strength, batch size, seed, epochs); ``PLAYGROUND_PRESETS`` are
the ready-made ones. A lesson's playground is read and checked here; the run that trains it
(:mod:`visualizer.tabs.gates.playground`, which loads the classifier and the MLP maths) is
imported only when a playground is shown, so a lesson on the four gates never loads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from visualizer.compute.datasets import DATASETS, FEATURES, make_dataset
from visualizer.tabs.gates.model import PLAYGROUND_NAMES
from visualizer.tabs.settings import (
    Settings,
    read_choice,
    read_float,
    read_int,
    read_list,
    read_optional,
    setting,
)

#: Data sets offered, the clouds first (keys of ``visualizer.compute.DATASETS``).
PLAY_DATASETS: tuple[str, ...] = ("xor", "circle", "gaussians", "spiral", *(
    key for key in DATASETS if key.startswith("gates_")
))  # fmt: skip
#: Hidden activations offered (the output neuron is always a sigmoid).
PLAY_ACTIVATIONS: tuple[str, ...] = ("tanh", "sigmoid", "relu")
EPOCHS_PER_FRAME = 10
MAX_PLAY_EPOCHS = 20_000
MAX_POINTS = 500
MAX_HIDDEN_LAYERS = 2
MAX_WIDTH = 8
#: Samples per side of the output heat map and of each neuron's small map.
MAP_RESOLUTION = 100
NEURON_MAP_RESOLUTION = 40
#: The initial-weight scale a student may choose (finite and positive; 100 already blows up).
MIN_INIT_SCALE = 1e-6
MAX_INIT_SCALE = 100.0
#: Where a point may be put by hand (a margin around the largest data set's square).
POINT_LIMIT = 50.0

Point = tuple[float, float, int]
#: A rectangle of the plane, (x0, x1, y0, y1).
Window = tuple[float, float, float, float]


def _read_point(value: Any, label: str) -> Point:
    if not (isinstance(value, list | tuple) and len(value) == 3):
        raise ValueError(f"Each point of {label!r} must be [x, y, class].")
    x, y, c = value
    for v in (x, y):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ValueError(f"The coordinates in {label!r} must be finite numbers.")
        if abs(v) > POINT_LIMIT:
            raise ValueError(f"The coordinates in {label!r} must lie within ±{POINT_LIMIT:g}.")
    if isinstance(c, bool) or c not in (0, 1):
        raise ValueError(f"The class of each point in {label!r} must be 0 or 1.")
    return float(x), float(y), int(c)


def _read_points(value: Any, label: str) -> tuple[Point, ...]:
    points = read_list(_read_point, max_length=MAX_POINTS)(value, label)
    if len(points) < 2:
        raise ValueError(f"The setting {label!r} needs at least two points.")
    return points


@dataclass(frozen=True)
class PlaygroundSettings(Settings):
    """Data, network and training of the playground (a lesson saves them all)."""

    topic_name: ClassVar[str] = "Logic gates playground"
    dataset: str = setting("xor", read_choice(PLAY_DATASETS))
    n: int = setting(200, read_int(4, MAX_POINTS))
    noise: float = setting(0.0, read_float(0.0, 0.5))
    data_seed: int = setting(0, read_int(0, 2**31 - 1))
    test_ratio: float = setting(0.5, read_float(0.0, 0.9))
    #: The student's own points [x, y, class]; None: the data set's generated points.
    points: tuple[Point, ...] | None = setting(None, read_optional(_read_points))
    hidden: tuple[int, ...] = setting(
        (4, 4), read_list(read_int(1, MAX_WIDTH), max_length=MAX_HIDDEN_LAYERS)
    )
    activation: str = setting("tanh", read_choice(PLAY_ACTIVATIONS))
    features: tuple[str, ...] = setting(("x", "y"), read_list(read_choice(tuple(FEATURES))))
    lr: float = setting(0.1, read_float(1e-6, 1e6))
    l2: float = setting(0.0, read_float(0.0, 10.0))
    #: Points per gradient step; 0 = the whole training set (full batch).
    batch_size: int = setting(0, read_int(0, MAX_POINTS))
    seed: int = setting(0, read_int(0, 2**31 - 1))
    #: The standard deviation of every initial weight; None: Glorot's √(2 / (n_in + n_out)).
    init_scale: float | None = setting(
        None, read_optional(read_float(MIN_INIT_SCALE, MAX_INIT_SCALE))
    )
    epochs: int = setting(1000, read_int(EPOCHS_PER_FRAME, MAX_PLAY_EPOCHS))

    def validate(self) -> None:
        if not self.features or len(set(self.features)) != len(self.features):
            raise ValueError("Choose each input feature at most once, and at least one.")
        if self.points is None:
            make_dataset(self.dataset, self.n, self.noise, self.data_seed)  # checks n

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer widths from the inputs to the one output, e.g. (2, 4, 4, 1)."""
        return (len(self.features), *self.hidden, 1)

    def architecture_text(self) -> str:
        return "-".join(str(n) for n in self.sizes)


#: Ready-made playgrounds: the data set and a network that learns it, under the names the
#: model lists (it offers them without loading this module).
PLAYGROUND_PRESETS: dict[str, PlaygroundSettings] = dict(
    zip(
        PLAYGROUND_NAMES,
        (
            PlaygroundSettings(dataset="xor", hidden=(4,), lr=0.3),  # XOR cloud
            PlaygroundSettings(dataset="circle", hidden=(4,), lr=0.3),  # circle
            PlaygroundSettings(dataset="gaussians", hidden=(), lr=0.1, epochs=300),
            PlaygroundSettings(  # spiral
                dataset="spiral",
                n=300,
                test_ratio=0.3,
                hidden=(8, 8),
                lr=0.1,
                epochs=2000,
                features=("x", "y", "sin_x", "sin_y"),
            ),
        ),
        strict=True,
    )
)


def with_points(settings: PlaygroundSettings, points: list[Point]) -> PlaygroundSettings:
    """The same playground on the student's own points."""
    return replace(settings, points=tuple(points))
