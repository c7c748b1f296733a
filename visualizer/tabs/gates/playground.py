"""The classification playground of the Logic gates tab, without Qt: the live run.

After the sheet's four points comes a cloud of them: "a neuron draws a line, a hidden layer
bends it". Its settings live in :mod:`visualizer.tabs.gates.playground_settings`;
:class:`PlaygroundRun` turns them into the train/test split and the initial network,
then trains lazily: frame f is the network after ``f · EPOCHS_PER_FRAME`` epochs of
``visualizer.compute.train_mlp``, each chunk continuing the last (``start_epoch``), so playing
trains live while stepping back, scrubbing and Reset replay exactly what was computed from the
same seed. A run that blows up stops with "diverged at epoch t". This module loads the
classifier and MLP maths, so the gates model imports it only when a playground is shown.
"""

from __future__ import annotations

import math

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
    feature_transform,
    make_dataset,
    split_dataset,
)
from visualizer.compute.mlp import activate
from visualizer.tabs.gates.playground_settings import (
    EPOCHS_PER_FRAME,
    MAP_RESOLUTION,
    NEURON_MAP_RESOLUTION,
    PlaygroundSettings,
    Point,
    Window,
)

__all__ = ["PlaygroundRun", "current_points"]


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


def current_points(settings: PlaygroundSettings, run: PlaygroundRun) -> list[Point]:
    """Every point shown, as [x, y, class] (the generated ones until the student edits)."""
    if settings.points is not None:
        return list(settings.points)
    return [(float(x), float(y), int(c)) for (x, y), c in zip(run.X, run.y, strict=True)]
