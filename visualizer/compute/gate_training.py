"""Learning a logic gate: full-batch gradient descent on a sigmoid network with cross-entropy.

The whole run is computed at once and returned as a history (weights, outputs and loss at a
set of recorded epochs), so the Logic gates tab can animate it frame by frame without
recomputing. A single neuron can only draw one line through the unit square, so it cannot
learn XOR (its loss stalls near ln 2); the 2-2-1 network learns XOR from a fixed seed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from visualizer.compute.gates import GATE_TARGETS, TRUTH_INPUTS

__all__ = [
    "GATE_ARCHITECTURES",
    "NOT_LINEARLY_SEPARABLE",
    "GateTrainingRun",
    "gate_cross_entropy",
    "train_gate",
]

#: Layer sizes of the networks the tab can train, from the two inputs to the one output.
GATE_ARCHITECTURES: dict[str, tuple[int, ...]] = {
    "single": (2, 1),
    "2-2-1": (2, 2, 1),
}

#: Gates whose 1-corners no single line can split from their 0-corners: one neuron cannot
#: learn them, and its best cross-entropy is ln 2 (output 0.5 on every row).
NOT_LINEARLY_SEPARABLE: tuple[str, ...] = ("XOR", "XNOR")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gate_cross_entropy(z_out: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy of sigmoid outputs, from the output sums ``z`` (logits).

    L = mean( -y ln sigma(z) - (1 - y) ln(1 - sigma(z)) ) = mean( softplus(z) - y z ),
    with softplus(z) = max(z, 0) + ln(1 + exp(-|z|)), which never takes log(0) or overflows.
    """
    z = np.asarray(z_out, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    softplus = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(softplus - y * z))


@dataclass(frozen=True)
class GateTrainingRun:
    """A whole training run, recorded at ``epochs`` (frame f shows the net after epochs[f]).

    ``weights[l]`` is an (n_frames, n_in, n_out) array and ``biases[l]`` (n_frames, n_out)
    for layer ``l``; ``loss`` and ``outputs`` (n_frames, 4: sigmoid outputs for rows 00, 01,
    10, 11) belong to the same frames. ``diverged_at`` is the first frame whose numbers are
    not finite (None if the run stayed finite); frames from there on repeat the last finite
    network.
    """

    target: str
    architecture: str
    lr: float
    seed: int
    epochs: np.ndarray
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    loss: np.ndarray
    outputs: np.ndarray
    diverged_at: int | None

    @property
    def n_frames(self) -> int:
        return int(self.epochs.size)

    def layers_at(self, frame: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """The network at a frame, as ``gate_forward`` takes it (copies)."""
        f = int(np.clip(frame, 0, self.n_frames - 1))
        return [(W[f].copy(), b[f].copy()) for W, b in zip(self.weights, self.biases, strict=True)]

    def bits_at(self, frame: int) -> np.ndarray:
        """Outputs read as 0/1 (sigmoid >= 0.5) at a frame."""
        f = int(np.clip(frame, 0, self.n_frames - 1))
        return (self.outputs[f] >= 0.5).astype(int)

    def learned(self) -> bool:
        """True when the final network reproduces the target on all four rows."""
        return bool(np.array_equal(self.bits_at(self.n_frames - 1), GATE_TARGETS[self.target]))


def _forward(
    params: Sequence[tuple[np.ndarray, np.ndarray]], x: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    activations = [x]
    z = x
    for W, b in params:
        z = activations[-1] @ W + b
        activations.append(_sigmoid(z))
    return activations, z


def train_gate(
    target: str,
    architecture: str = "2-2-1",
    lr: float = 2.0,
    seed: int = 0,
    epochs: int = 2000,
    frames: int = 201,
    init_scale: float = 1.0,
) -> GateTrainingRun:
    """Learn ``target`` with full-batch gradient descent on the four truth-table rows.

    Every neuron is sigmoid; the loss is the mean binary cross-entropy L (see
    ``gate_cross_entropy``). Backpropagation: at the output dL/dz = (sigma(z) - y) / 4; for a
    layer with input x, dL/dW = x^T dL/dz and dL/db = sum over rows of dL/dz; into the layer
    below dL/dx = dL/dz W^T, times sigma'(z) = a (1 - a). Each epoch: W <- W - lr * dL/dW.

    Parameters
    ----------
    target : one of ``GATE_TARGETS``
    architecture : ``"single"`` (one neuron) or ``"2-2-1"`` (two hidden neurons)
    lr : learning rate (> 0)
    seed : seed of the random start: weights ~ Normal(0, init_scale^2), biases 0
    epochs : number of gradient steps
    frames : how many evenly spaced epochs (including 0 and the last) to record
    """
    if target not in GATE_TARGETS:
        raise ValueError(
            f"Unknown target gate {target!r}; choose one of {', '.join(GATE_TARGETS)}."
        )
    if architecture not in GATE_ARCHITECTURES:
        raise ValueError(
            f"Unknown architecture {architecture!r}; choose one of {', '.join(GATE_ARCHITECTURES)}."
        )
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError("The learning rate must be a positive number.")
    epochs = int(epochs)
    if epochs < 1:
        raise ValueError("Train for at least one epoch.")
    sizes = GATE_ARCHITECTURES[architecture]
    rng = np.random.default_rng(int(seed))
    params = [
        (rng.normal(0.0, init_scale, size=(n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in itertools.pairwise(sizes)
    ]
    x = np.asarray(TRUTH_INPUTS, dtype=float)
    y = np.asarray(GATE_TARGETS[target], dtype=float)[:, None]
    record = np.unique(np.round(np.linspace(0, epochs, max(2, int(frames)))).astype(int))

    n_frames = record.size
    W_hist = [np.empty((n_frames, *W.shape)) for W, _ in params]
    b_hist = [np.empty((n_frames, *b.shape)) for _, b in params]
    loss = np.empty(n_frames)
    outputs = np.empty((n_frames, 4))
    diverged_at: int | None = None
    scale = 1.0 / x.shape[0]
    # np.dot and np.add.reduce: the cheapest calls for 4-row arrays (a third of ``@``'s cost).
    dot, add_reduce = np.dot, np.add.reduce
    n_layers = len(params)

    def record_frame(frame: int) -> bool:
        """Store the network at ``frame``; False (nothing stored) if it is not finite."""
        if not all(np.isfinite(W).all() and np.isfinite(b).all() for W, b in params):
            return False
        acts, z_out = _forward(params, x)
        for li, (W, b) in enumerate(params):
            W_hist[li][frame] = W
            b_hist[li][frame] = b
        loss[frame] = gate_cross_entropy(z_out, y)
        outputs[frame] = acts[-1][:, 0]
        return True

    # Huge learning rates may overflow; the run is then marked diverged, never warned about.
    # The arrays are tiny (4 rows), so the loop keeps numpy calls few and updates in place:
    # per-call overhead, not arithmetic, is the cost here.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        frame = 0
        epoch = 0
        for frame, record_epoch in enumerate(record):
            while epoch < record_epoch:
                acts = [x]
                for W, b in params:
                    acts.append(1.0 / (1.0 + np.exp(-(dot(acts[-1], W) + b))))
                delta = (acts[-1] - y) * scale
                for li in range(n_layers - 1, -1, -1):
                    W, b = params[li]
                    a_in = acts[li]
                    grad_W = dot(a_in.T, delta)
                    grad_b = add_reduce(delta, 0)
                    if li > 0:  # uses W before its update, as backprop requires
                        delta = dot(delta, W.T) * (a_in * (1.0 - a_in))
                    W -= lr * grad_W
                    b -= lr * grad_b
                epoch += 1
            if not record_frame(frame):
                diverged_at = frame
                break
        if diverged_at is not None:  # repeat the last finite network to the end
            last = max(diverged_at - 1, 0)
            for arr in (*W_hist, *b_hist, loss, outputs):
                arr[diverged_at:] = arr[last]
    return GateTrainingRun(
        target=target,
        architecture=architecture,
        lr=float(lr),
        seed=int(seed),
        epochs=record,
        weights=tuple(W_hist),
        biases=tuple(b_hist),
        loss=loss,
        outputs=outputs,
        diverged_at=diverged_at,
    )
