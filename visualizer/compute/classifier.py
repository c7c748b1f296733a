"""A small classifier on points in the plane, trained by plain gradient descent.

The network is the perceptron of :mod:`visualizer.compute.mlp` (same forward and backward
code) with hidden activation φ and ONE output neuron read through a sigmoid::

    p = σ(fL),   loss J = mean_b [−y_b ln p_b − (1 − y_b) ln(1 − p_b)] + (λ/2) Σ_l ‖W_l‖²

(the L2 term on weights only, never on biases). Each step: W ← W − lr (∂J/∂W), where
∂J/∂W_l = (backprop of the mean cross-entropy) + λ W_l and ∂J/∂b_l has no λ term.

A run keeps the network after every epoch, so the tab can show any epoch again without
retraining, and stops when the weights blow up (see :data:`DIVERGENCE_LIMIT`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.activations import sigmoid
from visualizer.compute.datasets import feature_transform
from visualizer.compute.mlp import (
    HIDDEN_ACTIVATIONS,
    backward_pass,
    check_network,
    forward_pass,
    loss_head,
)

__all__ = [
    "DIVERGENCE_LIMIT",
    "MAX_EPOCHS",
    "ClassifierRun",
    "GridEvaluation",
    "classifier_loss",
    "evaluate_grid",
    "init_layers",
    "predict",
    "train_mlp",
]

Array = NDArray[np.float64]
Layer = tuple[Array, Array]

#: A run has diverged when a parameter is not finite or its size passes this many times
#: max(1, the largest initial |parameter|): no 2-D classifier needs weights of a million.
DIVERGENCE_LIMIT = 1e6
#: Longest run one call trains (the run keeps every epoch's parameters).
MAX_EPOCHS = 100_000


def init_layers(sizes: Sequence[int], seed: int = 0, scale: float | None = None) -> list[Layer]:
    r"""Reproducible initial layers ``[(W1, b1), …]``, W_l of shape (n_in, n_out), biases 0.

    .. math::
        W_l \sim \mathcal N(0, s_l^2), \qquad
        s_l = \text{scale} \text{ or, by default, } \sqrt{2 / (n_{in} + n_{out})}
        \text{ (Glorot/Xavier)}

    Drawn layer by layer from ``numpy.random.default_rng(seed)``, so the same arguments give
    the same numbers (``scale=1`` reproduces the gate trainer's start).

    Parameters
    ----------
    sizes : sequence of int
        (n_inputs, hidden widths…, n_outputs), at least two entries, each >= 1.
    seed : int
    scale : float, optional
        A finite positive standard deviation for every layer.
    """
    widths = list(sizes)
    if len(widths) < 2:
        raise ValueError("A network needs at least two sizes: its inputs and its outputs.")
    for w in widths:
        if isinstance(w, bool) or not isinstance(w, int | np.integer) or w < 1:
            raise ValueError(f"Every layer size must be a whole number of at least 1, not {w!r}.")
    if scale is not None:
        s = float(scale)
        if not (np.isfinite(s) and s > 0):
            raise ValueError(
                f"The initial weight scale must be a finite positive number, not {scale!r}."
            )
    rng = np.random.default_rng(int(seed))
    layers = []
    for n_in, n_out in itertools.pairwise(int(w) for w in widths):
        std = float(scale) if scale is not None else np.sqrt(2.0 / (n_in + n_out))
        layers.append((rng.normal(0.0, std, size=(n_in, n_out)), np.zeros(n_out)))
    return layers


def _split_layers(layers: Sequence[tuple[ArrayLike, ArrayLike]]) -> tuple[list, list]:
    if len(layers) == 0:
        raise ValueError("A network needs at least one layer.")
    try:
        Ws, bs = zip(*((W, b) for W, b in layers), strict=True)
    except (TypeError, ValueError):
        raise ValueError("Each layer must be a pair (W, b).") from None
    return list(Ws), list(bs)


def _check_classifier(
    X: ArrayLike, layers: Sequence[tuple[ArrayLike, ArrayLike]], activation: str
) -> tuple[Array, list[Array], list[Array]]:
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"Unknown activation {activation!r}; choose one of {', '.join(HIDDEN_ACTIVATIONS)}."
        )
    X_, Ws, bs = check_network(X, *_split_layers(layers))
    if Ws[-1].shape[1] != 1:
        raise ValueError(
            f"The output layer must have one neuron (read through a sigmoid); it has "
            f"{Ws[-1].shape[1]}."
        )
    return X_, Ws, bs


def _objective(
    X: Array, Y: Array, Ws: Sequence[Array], bs: Sequence[Array], activation: str, l2: float
) -> float:
    pre, _ = forward_pass(X, Ws, bs, activation)
    losses = loss_head(pre[-1], Y, "binary_cross_entropy")[0]
    penalty = 0.5 * l2 * sum(float(np.sum(W * W)) for W in Ws) if l2 else 0.0
    return float(np.mean(losses)) + penalty


def classifier_loss(
    layers: Sequence[tuple[ArrayLike, ArrayLike]],
    X: ArrayLike,
    y: ArrayLike,
    activation: str = "tanh",
    l2: float = 0.0,
) -> float:
    r"""J = mean binary cross-entropy of σ(fL) + (λ/2) Σ‖W‖² (the objective :func:`train_mlp`
    descends; ``l2=0`` gives the plain cross-entropy, e.g. a test loss)."""
    X_, Ws, bs = _check_classifier(X, layers, activation)
    Y = _check_labels(y, X_.shape[0])
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        return _objective(X_, Y, Ws, bs, activation, float(l2))


def predict(
    layers: Sequence[tuple[ArrayLike, ArrayLike]], X: ArrayLike, activation: str = "tanh"
) -> Array:
    """The output probability p = σ(fL) for every row of X, shape (n,)."""
    X_, Ws, bs = _check_classifier(X, layers, activation)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        pre, _ = forward_pass(X_, Ws, bs, activation)
    return np.asarray(sigmoid(pre[-1][:, 0]), dtype=float)


def _check_labels(y: ArrayLike, n: int) -> Array:
    Y = np.asarray(y, dtype=float).reshape(-1, 1) if np.ndim(y) == 1 else np.asarray(y, float)
    if Y.shape != (n, 1):
        raise ValueError(f"y must hold one label per point ({n}); it has shape {np.shape(y)}.")
    if not (np.all(np.isfinite(Y)) and np.all((Y >= 0) & (Y <= 1))):
        raise ValueError("Every label must be a number from 0 to 1 (0 and 1 for two classes).")
    return Y


@dataclass(frozen=True)
class ClassifierRun:
    """A training run: the objective and the network after every epoch.

    ``losses[t]`` is J on the whole training set after t epochs (t = 0: the initial layers);
    from ``diverged_at`` on (if the run diverged) the run stopped and ``losses`` holds nan.
    ``parameters[t]`` is every W and b of epoch t flattened, for t up to :attr:`last_epoch`.
    """

    sizes: tuple[int, ...]
    activation: str
    lr: float
    l2: float
    batch_size: int | None
    seed: int
    start_epoch: int
    losses: Array
    parameters: Array
    diverged_at: int | None

    @property
    def epochs(self) -> int:
        """Epochs asked for (``losses`` has one more entry)."""
        return int(self.losses.size - 1)

    @property
    def last_epoch(self) -> int:
        """The last epoch whose network is kept: ``epochs``, or the one before divergence."""
        return self.epochs if self.diverged_at is None else self.diverged_at - 1

    @property
    def message(self) -> str | None:
        """``"diverged at epoch t"`` (None for a run that stayed finite)."""
        return None if self.diverged_at is None else f"diverged at epoch {self.diverged_at}"

    def layers_at(self, epoch: int) -> list[Layer]:
        """The network after ``epoch`` epochs (clipped to 0…last_epoch), as fresh arrays."""
        flat = self.parameters[int(np.clip(epoch, 0, self.last_epoch))]
        layers, at = [], 0
        for n_in, n_out in itertools.pairwise(self.sizes):
            W = flat[at : at + n_in * n_out].reshape(n_in, n_out).copy()
            at += n_in * n_out
            layers.append((W, flat[at : at + n_out].copy()))
            at += n_out
        return layers

    def losses_on(self, X: ArrayLike, y: ArrayLike) -> Array:
        """Mean cross-entropy (no L2 term) of every kept epoch on other data, e.g. a test set;
        nan after divergence, like ``losses``."""
        out = np.full(self.losses.shape, np.nan)
        for t in range(self.last_epoch + 1):
            out[t] = classifier_loss(self.layers_at(t), X, y, self.activation)
        return out


def train_mlp(
    X: ArrayLike,
    y: ArrayLike,
    layers: Sequence[tuple[ArrayLike, ArrayLike]],
    activation: str = "tanh",
    lr: float = 0.1,
    epochs: int = 100,
    l2: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    *,
    start_epoch: int = 0,
) -> ClassifierRun:
    r"""Train a one-output sigmoid classifier by plain gradient descent.

    .. math::
        J = \frac1n \sum_b \left[\mathrm{softplus}(f_{L,b}) - y_b f_{L,b}\right]
            + \frac{\lambda}{2}\sum_l \lVert W_l\rVert^2,\qquad
        W_l \leftarrow W_l - \mathrm{lr}\left(\frac{\partial \mathrm{CE}}{\partial W_l}
            + \lambda W_l\right),\quad b_l \leftarrow b_l - \mathrm{lr}\,
            \frac{\partial \mathrm{CE}}{\partial b_l}

    with the backward pass of :func:`visualizer.compute.mlp.backward_pass` and
    ∂CE/∂f_L = (σ(f_L) − y)/n for a batch of n points.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The network's inputs (points, or their :func:`feature_transform`).
    y : array_like, shape (n,)
        Labels 0/1 (any number in [0, 1] is a soft label).
    layers : sequence of (W, b)
        The initial network, W_l of shape (n_in, n_out); the last layer has one output.
    activation : {"sigmoid", "tanh", "relu", "gelu"}
        Hidden layers; the output neuron is always a sigmoid.
    lr : float > 0
    epochs : int, 0 to MAX_EPOCHS
    l2 : float >= 0
        λ of the weight penalty.
    batch_size : int, optional
        None: each epoch is one full-batch step. Otherwise each epoch shuffles the points
        with ``numpy.random.default_rng([seed, start_epoch + t])`` and takes one step per
        batch of that many (the last batch may be smaller).
    seed : int >= 0
    start_epoch : int >= 0
        Numbering of the first epoch, for the shuffles only: training 10 epochs and then 10
        more from the result with ``start_epoch=10`` equals one run of 20.

    Returns
    -------
    ClassifierRun
        ``diverged_at`` is the first epoch whose parameters are not finite or exceed
        :data:`DIVERGENCE_LIMIT` · max(1, max |initial parameter|); the run stops there.
    """
    X_, Ws0, bs0 = _check_classifier(X, layers, activation)
    Y = _check_labels(y, X_.shape[0])
    lr, l2 = float(lr), float(l2)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"The learning rate must be a finite positive number, not {lr!r}.")
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"The L2 strength must be a finite number of at least 0, not {l2!r}.")
    for value, what, lo, hi in (
        (epochs, "The number of epochs", 0, MAX_EPOCHS),
        (seed, "The seed", 0, None),
        (start_epoch, "The start epoch", 0, None),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
            raise ValueError(f"{what} must be a whole number of at least {lo}, not {value!r}.")
        if hi is not None and value > hi:
            raise ValueError(f"{what} must be at most {hi}, not {value!r}.")
    n = X_.shape[0]
    if batch_size is not None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
            raise ValueError(f"The batch size must be None or a whole number, not {batch_size!r}.")
        if batch_size < 1:
            raise ValueError(f"The batch size must be at least 1, not {batch_size}.")
        batch_size = min(int(batch_size), n)

    # One flat vector holds every parameter; Ws and bs are views into it, so the in-place
    # updates below change it and recording an epoch is one copy.
    sizes = (X_.shape[1], *(W.shape[1] for W in Ws0))
    theta = np.concatenate([p.ravel() for W, b in zip(Ws0, bs0, strict=True) for p in (W, b)])
    Ws, bs, at = [], [], 0
    for W0, b0 in zip(Ws0, bs0, strict=True):
        Ws.append(theta[at : at + W0.size].reshape(W0.shape))
        at += W0.size
        bs.append(theta[at : at + b0.size])
        at += b0.size
    limit = DIVERGENCE_LIMIT * max(1.0, float(np.max(np.abs(theta))))
    history = np.empty((epochs + 1, theta.size))
    history[0] = theta
    losses = np.full(epochs + 1, np.nan)
    diverged_at: int | None = None

    def step(Xb: Array, Yb: Array) -> float:
        pre, post = forward_pass(Xb, Ws, bs, activation)
        ce, dl_dz, _ = loss_head(pre[-1], Yb, "binary_cross_entropy")
        _, _, gW, gb, _ = backward_pass(Xb, pre, post, Ws, dl_dz / Xb.shape[0], activation)
        penalty = 0.0
        for W, g in zip(Ws, gW, strict=True):
            if l2:
                penalty += 0.5 * l2 * float(np.sum(W * W))
                g += l2 * W  # the penalty's gradient at W before this step
            W -= lr * g
        for b, g in zip(bs, gb, strict=True):
            b -= lr * g
        return float(ce.sum()) / Xb.shape[0] + penalty  # J before the step

    # Exploding weights overflow on the way to being caught; that is the point of the check.
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for t in range(epochs):
            if batch_size is None:
                losses[t] = step(X_, Y)
            else:
                rng = np.random.default_rng([int(seed), int(start_epoch) + t])
                order = rng.permutation(n)
                for first in range(0, n, batch_size):
                    idx = order[first : first + batch_size]
                    step(X_[idx], Y[idx])
            # One reduction: nan and inf both fail "<= limit".
            if not np.abs(theta).max() <= limit:
                diverged_at = t + 1
                losses[t + 1 :] = np.nan
                break
            history[t + 1] = theta
            if batch_size is not None:
                losses[t + 1] = _objective(X_, Y, Ws, bs, activation, l2)
        if batch_size is not None:
            losses[0] = _objective(X_, Y, Ws0, bs0, activation, l2)
        elif diverged_at is None:
            losses[epochs] = _objective(X_, Y, Ws, bs, activation, l2)
    kept = epochs if diverged_at is None else diverged_at - 1
    return ClassifierRun(
        sizes=tuple(int(s) for s in sizes),
        activation=activation,
        lr=lr,
        l2=l2,
        batch_size=batch_size,
        seed=int(seed),
        start_epoch=int(start_epoch),
        losses=losses,
        parameters=history[: kept + 1].copy(),
        diverged_at=diverged_at,
    )


@dataclass(frozen=True)
class GridEvaluation:
    """The network over a grid: ``output[i, j]`` and ``hidden[l][k, i, j]`` at x = xs[j],
    y = ys[i] (row = y, so a row-major image shows y upwards)."""

    xs: Array
    ys: Array
    #: σ(fL), the probability of class 1, shape (resolution, resolution).
    output: Array
    #: Per hidden layer: each neuron's activation, shape (width, resolution, resolution).
    hidden: tuple[Array, ...]


def evaluate_grid(
    layers: Sequence[tuple[ArrayLike, ArrayLike]],
    extent: Sequence[float],
    resolution: int = 100,
    activation: str = "tanh",
    features: Sequence[str] = ("x", "y"),
) -> GridEvaluation:
    """The output probability and every hidden neuron's activation over a square grid.

    Parameters
    ----------
    extent : (lo, hi) or (x_lo, x_hi, y_lo, y_hi)
    resolution : int, 2 to 1000
        Samples along each axis.
    features : sequence of str
        How points become network inputs (see :func:`feature_transform`).
    """
    bounds = [float(v) for v in extent]
    if len(bounds) == 2:
        bounds = bounds * 2
    if len(bounds) != 4 or not all(np.isfinite(bounds)):
        raise ValueError("The extent must be (lo, hi) or (x_lo, x_hi, y_lo, y_hi), all finite.")
    if not (bounds[0] < bounds[1] and bounds[2] < bounds[3]):
        raise ValueError("Each extent must run from a smaller to a larger number.")
    if isinstance(resolution, bool) or not isinstance(resolution, int | np.integer):
        raise ValueError(f"The resolution must be a whole number, not {resolution!r}.")
    if not 2 <= resolution <= 1000:
        raise ValueError(f"The resolution must be from 2 to 1000, not {resolution}.")
    xs = np.linspace(bounds[0], bounds[1], int(resolution))
    ys = np.linspace(bounds[2], bounds[3], int(resolution))
    gx, gy = np.meshgrid(xs, ys)
    inputs = feature_transform(np.column_stack([gx.ravel(), gy.ravel()]), features)
    X_, Ws, bs = _check_classifier(inputs, layers, activation)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        pre, post = forward_pass(X_, Ws, bs, activation)
    shape = gx.shape
    output = np.asarray(sigmoid(pre[-1][:, 0]), dtype=float).reshape(shape)
    hidden = tuple(a.T.reshape(a.shape[1], *shape) for a in post[:-1])
    return GridEvaluation(xs, ys, output, hidden)
