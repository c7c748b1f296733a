"""The classification playground of the Logic gates tab, without Qt: data, network, live run.

After the sheet's four points comes a cloud of them: "a neuron draws a line, a hidden layer
bends it". :class:`PlaygroundSettings` holds the data set (or the student's own points), the
network (extra input features, 0 to 2 hidden layers of 1 to 8 neurons, their activation) and
the training (learning rate, L2 strength, batch size, seed, epochs). :class:`PlaygroundRun`
turns them into the train/test split and the initial network, then trains lazily: frame f is
the network after ``f · EPOCHS_PER_FRAME`` epochs of ``visualizer.compute.train_mlp``, each
chunk continuing the last (``start_epoch``), so playing trains live while stepping back,
scrubbing and Reset replay exactly what was computed from the same seed. A run that blows
up stops with "diverged at epoch t".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from visualizer.compute.activations import sigmoid
from visualizer.compute.classifier import (
    GridEvaluation,
    classifier_loss,
    evaluate_grid,
    init_layers,
    predict,
    train_mlp,
)
from visualizer.compute.datasets import (
    DATASET_EXTENTS,
    DATASETS,
    FEATURES,
    feature_transform,
    make_dataset,
    split_dataset,
)
from visualizer.compute.mlp import activate
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


#: Ready-made playgrounds: the data set and a network that learns it.
PLAYGROUND_PRESETS: dict[str, PlaygroundSettings] = {
    "Playground: XOR cloud": PlaygroundSettings(dataset="xor", hidden=(4,), lr=0.3),
    "Playground: circle": PlaygroundSettings(dataset="circle", hidden=(4,), lr=0.3),
    "Playground: two Gaussians": PlaygroundSettings(
        dataset="gaussians", hidden=(), lr=0.1, epochs=300
    ),
    "Playground: spiral": PlaygroundSettings(
        dataset="spiral",
        n=300,
        test_ratio=0.3,
        hidden=(8, 8),
        lr=0.1,
        epochs=2000,
        features=("x", "y", "sin_x", "sin_y"),
    ),
}


class PlaygroundRun:
    """The data, split, initial network and the frames trained so far for one settings.

    Frame f holds the network after ``f * EPOCHS_PER_FRAME`` epochs. ``ensure(f)`` trains the
    missing chunks (each continues the last, with ``start_epoch``), so any frame is the same
    whether it is reached by playing, stepping or scrubbing.
    """

    def __init__(self, settings: PlaygroundSettings) -> None:
        self.settings = settings
        if settings.points is not None:
            pts = np.array(settings.points, dtype=float).reshape(-1, 3)
            X, y = pts[:, :2], pts[:, 2].astype(np.int64)
        else:
            X, y = make_dataset(settings.dataset, settings.n, settings.noise, settings.data_seed)
        self.X, self.y = X, y
        self.split = split_dataset(X, y, settings.test_ratio, seed=settings.data_seed)
        self.inputs_train = feature_transform(self.split.X_train, settings.features)
        self.inputs_test = feature_transform(self.split.X_test, settings.features)
        self.extent = _extent(settings.dataset, X)
        self._frames: list[list[tuple[np.ndarray, np.ndarray]]] = [
            init_layers(settings.sizes, settings.seed, settings.init_scale)
        ]
        self._train_losses = [self._loss(self._frames[0], train=True)]
        self._test_losses = [self._loss(self._frames[0], train=False)]
        #: The first epoch whose weights blew up (None while the run stays finite).
        self.diverged_at: int | None = None
        self._grid_points: tuple[tuple, list, np.ndarray] | None = None

    # ----- frames -------------------------------------------------------------------------
    @property
    def last_frame(self) -> int:
        """The last frame the run can reach (fewer after a divergence)."""
        if self.diverged_at is not None:
            return len(self._frames) - 1
        return self.settings.epochs // EPOCHS_PER_FRAME

    @property
    def computed(self) -> int:
        """Frames trained so far (frame 0, the initial network, always is)."""
        return len(self._frames)

    def ensure(self, frame: int) -> None:
        """Train until ``frame`` exists (or the run diverges first)."""
        s = self.settings
        batch = s.batch_size or None
        while len(self._frames) <= min(frame, self.last_frame) and self.diverged_at is None:
            start = (len(self._frames) - 1) * EPOCHS_PER_FRAME
            run = train_mlp(
                self.inputs_train, self.split.y_train, self._frames[-1], s.activation,
                lr=s.lr, epochs=EPOCHS_PER_FRAME, l2=s.l2, batch_size=batch, seed=s.seed,
                start_epoch=start,
            )  # fmt: skip
            if run.diverged_at is not None:
                self.diverged_at = start + run.diverged_at
                break
            layers = run.layers_at(EPOCHS_PER_FRAME)
            self._frames.append(layers)
            # Without L2 the run's last objective IS the training cross-entropy (the same
            # arithmetic on the same weights): no second pass over the points.
            train_loss = float(run.losses[-1]) if not s.l2 and batch is None else None
            self._train_losses.append(
                train_loss if train_loss is not None else self._loss(layers, train=True)
            )
            self._test_losses.append(self._loss(layers, train=False))

    def layers_at(self, frame: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The network of ``frame`` (trained on demand), as copies."""
        self.ensure(frame)
        f = min(max(int(frame), 0), len(self._frames) - 1)
        return [(W.copy(), b.copy()) for W, b in self._frames[f]]

    def epoch_of(self, frame: int) -> int:
        return int(frame) * EPOCHS_PER_FRAME

    def losses(self, upto: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(epochs, train cross-entropy, test cross-entropy) of the frames 0..upto trained."""
        n = min(int(upto), len(self._frames) - 1) + 1
        epochs = np.arange(n, dtype=float) * EPOCHS_PER_FRAME
        return epochs, np.array(self._train_losses[:n]), np.array(self._test_losses[:n])

    def _loss(self, layers: list, *, train: bool) -> float:
        inputs = self.inputs_train if train else self.inputs_test
        labels = self.split.y_train if train else self.split.y_test
        if len(labels) == 0:
            return float("nan")
        return classifier_loss(layers, inputs, labels, self.settings.activation)

    # ----- what the pictures show ---------------------------------------------------------
    def grid(self, frame: int, resolution: int = MAP_RESOLUTION) -> GridEvaluation:
        """The output probability and every hidden neuron over the plot's square."""
        s = self.settings
        return evaluate_grid(self.layers_at(frame), self.extent, resolution, s.activation,
                             s.features)  # fmt: skip

    def map_axes(self, window: Window | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The big map's x and y samples: the data square's MAP_RESOLUTION samples (as
        :func:`evaluate_grid` places them), continued at the same spacing on each side as far
        as ``window`` (x0, x1, y0, y1), the rectangle the map's view shows, reaches."""
        lo, hi = self.extent
        core = np.linspace(lo, hi, MAP_RESOLUTION)
        if window is None:
            return core, core
        step = (hi - lo) / (MAP_RESOLUTION - 1)

        def more(distance: float) -> int:
            # Samples beyond the square until their cells (half a step wide) cover the window.
            return int(min(max(math.ceil(distance / step - 0.5), 0), 2 * MAP_RESOLUTION))

        x0, x1, y0, y1 = window
        axes = []
        for a, b in ((x0, x1), (y0, y1)):
            before, after = more(lo - a), more(b - hi)
            axes.append(np.concatenate([lo - step * np.arange(before, 0, -1), core,
                                        hi + step * np.arange(1, after + 1)]))  # fmt: skip
        return axes[0], axes[1]

    def grids(
        self, frame: int, window: Window | None = None
    ) -> tuple[GridEvaluation, GridEvaluation]:
        """The big map's grid (over ``map_axes(window)``: the data square's MAP_RESOLUTION²
        and beyond it as far as the view shows) and the small maps' (NEURON_MAP_RESOLUTION²
        over the square), each point as :func:`evaluate_grid` computes it, from ONE forward
        pass over both grids' points: a frame evaluates the network once."""
        self.ensure(frame)
        f = min(max(int(frame), 0), len(self._frames) - 1)
        xs, ys = self.map_axes(window)
        key = (xs[0], xs.size, ys[0], ys.size)
        if self._grid_points is None or self._grid_points[0] != key:  # same for every frame
            small, small_points = _grid_points(self.extent, NEURON_MAP_RESOLUTION)
            gx, gy = np.meshgrid(xs, ys)
            points = np.vstack([np.column_stack([gx.ravel(), gy.ravel()]), small_points])
            inputs = feature_transform(points, self.settings.features)
            self._grid_points = (key, [(xs, ys), (small, small)], inputs)
        _key, axes, inputs = self._grid_points
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            post = _forward(inputs, self._frames[f], self.settings.activation)
            p = sigmoid(post[-1][:, 0])
        out: list[GridEvaluation] = []
        start = 0
        for gxs, gys in axes:
            shape = (gys.size, gxs.size)
            rows = slice(start, start + gys.size * gxs.size)
            start = rows.stop
            hidden = tuple(a[rows].T.reshape(a.shape[1], *shape) for a in post[:-1])
            out.append(GridEvaluation(gxs, gys, p[rows].reshape(shape), hidden))
        return out[0], out[1]

    def accuracy(self, frame: int, *, train: bool) -> float:
        """Share of the train (or test) points on the right side of p = 0.5."""
        X = self.split.X_train if train else self.split.X_test
        y = self.split.y_train if train else self.split.y_test
        if len(y) == 0:
            return float("nan")
        p = predict(self.layers_at(frame), feature_transform(X, self.settings.features),
                    self.settings.activation)  # fmt: skip
        return float(np.mean((p >= 0.5) == (y == 1)))


def _forward(
    inputs: np.ndarray, layers: list[tuple[np.ndarray, np.ndarray]], activation: str
) -> list[np.ndarray]:
    """Every layer's output a_l = φ(a_{l−1} W_l + b_l) (the last one linear), as
    ``forward_pass`` computes it, but in place: on a grid of 11,600 points fresh temporaries
    cost more than the arithmetic."""
    out: list[np.ndarray] = []
    a = inputs
    last = len(layers) - 1
    for li, (W, b) in enumerate(layers):
        z = a @ W
        z += b
        if li != last:
            z = np.tanh(z, out=z) if activation == "tanh" else activate(z, activation)
        out.append(z)
        a = z
    return out


def _grid_points(extent: tuple[float, float], resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """The axis samples of a square grid over ``extent`` and its points row by row (y, then
    x), in ``evaluate_grid``'s order."""
    xs = np.linspace(extent[0], extent[1], resolution)
    gx, gy = np.meshgrid(xs, xs)
    return xs, np.column_stack([gx.ravel(), gy.ravel()])


def _extent(dataset: str, X: np.ndarray) -> tuple[float, float]:
    """The data set's square, grown (symmetrically) to hold every point with a margin."""
    lo, hi = DATASET_EXTENTS.get(dataset, (-6.0, 6.0))
    if X.size:
        span = max(hi - lo, 1e-9)
        lo = min(lo, float(X.min()) - 0.05 * span)
        hi = max(hi, float(X.max()) + 0.05 * span)
    return lo, hi


def with_points(settings: PlaygroundSettings, points: list[Point]) -> PlaygroundSettings:
    """The same playground on the student's own points."""
    return replace(settings, points=tuple(points))


def current_points(settings: PlaygroundSettings, run: PlaygroundRun) -> list[Point]:
    """Every point shown, as [x, y, class] (the generated ones until the student edits)."""
    if settings.points is not None:
        return list(settings.points)
    return [(float(x), float(y), int(c)) for (x, y), c in zip(run.X, run.y, strict=True)]
