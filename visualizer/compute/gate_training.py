"""Learning a logic gate: full-batch gradient descent on a sigmoid network with cross-entropy.

The whole run is computed at once and returned as a history (weights, outputs and loss at a
set of recorded epochs), so the Logic gates tab can animate it frame by frame without
recomputing. A single neuron can only draw one line through the unit square, so it cannot
learn XOR (its loss stalls near ln 2); the 2-2-1 network learns XOR from a fixed seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.compute.classifier import init_layers, predict, train_mlp
from visualizer.compute.gates import GATE_ARCHITECTURES, GATE_TARGETS, TRUTH_INPUTS
from visualizer.compute.mlp import loss_head

__all__ = [
    "GATE_ARCHITECTURES",
    "NOT_LINEARLY_SEPARABLE",
    "GateTrainingRun",
    "gate_cross_entropy",
    "train_gate",
]

#: Gates whose 1-corners no single line can split from their 0-corners: one neuron cannot
#: learn them, and its best cross-entropy is ln 2 (output 0.5 on every row).
NOT_LINEARLY_SEPARABLE: tuple[str, ...] = ("XOR", "XNOR")


def gate_cross_entropy(z_out: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy of sigmoid outputs, from the output sums ``z`` (logits).

    L = mean( -y ln sigma(z) - (1 - y) ln(1 - sigma(z)) ) = mean( softplus(z) - y z ),
    with softplus(z) = max(z, 0) + ln(1 + exp(-|z|)), which never takes log(0) or overflows.
    """
    z = np.asarray(z_out, dtype=float).reshape(-1, 1)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    return float(np.mean(loss_head(z, y, "binary_cross_entropy")[0]))


@dataclass(frozen=True)
class GateTrainingRun:
    """A whole training run, recorded at ``epochs`` (frame f shows the net after epochs[f]).

    ``weights[l]`` is an (n_frames, n_in, n_out) array and ``biases[l]`` (n_frames, n_out)
    for layer ``l``; ``loss`` and ``outputs`` (n_frames, 4: sigmoid outputs for rows 00, 01,
    10, 11) belong to the same frames. ``diverged_at`` is the first frame at or after the
    epoch where the weights stopped being finite or blew past ``DIVERGENCE_LIMIT`` (None if
    the run stayed bounded); frames from there on repeat the last frame before it.
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
    The training is :func:`visualizer.compute.classifier.train_mlp` with sigmoid hidden
    neurons (its output neuron is a sigmoid too); this keeps the recorded frames.

    Parameters
    ----------
    target : one of ``GATE_TARGETS``
    architecture : ``"single"`` (one neuron) or ``"2-2-1"`` (two hidden neurons)
    lr : learning rate (> 0)
    seed : seed of the random start: weights ~ Normal(0, init_scale^2), biases 0
    epochs : number of gradient steps
    frames : how many evenly spaced epochs (including 0 and the last) to record
    init_scale : a finite positive standard deviation of the initial weights

    The run diverges when ``train_mlp`` says so (weights not finite, or past
    ``DIVERGENCE_LIMIT``); ``diverged_at`` is then the first recorded frame at or after that
    epoch, and the frames from there on repeat the last frame before it.
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
    layers = init_layers(GATE_ARCHITECTURES[architecture], int(seed), scale=init_scale)
    x = np.asarray(TRUTH_INPUTS, dtype=float)
    y = np.asarray(GATE_TARGETS[target], dtype=float)
    run = train_mlp(x, y, layers, activation="sigmoid", lr=float(lr), epochs=epochs)
    record = np.unique(np.round(np.linspace(0, epochs, max(2, int(frames)))).astype(int))

    n_frames = record.size
    W_hist = [np.empty((n_frames, *W.shape)) for W, _ in layers]
    b_hist = [np.empty((n_frames, *b.shape)) for _, b in layers]
    loss = np.empty(n_frames)
    outputs = np.empty((n_frames, 4))
    diverged_at: int | None = None
    for frame, epoch in enumerate(record):
        if run.diverged_at is not None and epoch >= run.diverged_at:
            diverged_at = frame
            break
        net = run.layers_at(int(epoch))
        for li, (W, b) in enumerate(net):
            W_hist[li][frame] = W
            b_hist[li][frame] = b
        loss[frame] = run.losses[epoch]
        outputs[frame] = predict(net, x, activation="sigmoid")
    if diverged_at is not None:  # repeat the last kept frame to the end
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
