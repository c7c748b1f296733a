"""Compute costs of the batched perceptron (issue 16) and of the classifier (issue 17).

1. ``mlp_backprop`` plus ``mlp_gradient_check`` (every gradient: every W and b of every layer,
   dE/dx and every dE/df, dE/da) at B = 64, N = 64, widths 64-64-64-64-10, against the
   textbook check measured in the same run: a loop over every parameter entry that moves it
   by ±h and re-runs the whole network's loss (a lean numpy forward, no input checks).
   Target <= 0.05x. The literal per-parameter method of the check is reported too
   (informational: it re-runs every sample for every parameter, so it cannot be much
   cheaper than the loop; see ``mlp_numerical_gradients``).
2. One training frame of the classification playground, compute only: 10 full-batch epochs
   of ``train_mlp`` on 200 spiral points, 2-8-8-1, tanh, against the same 10 epochs written
   as a bare numpy loop (no checks, no recording); plus ``evaluate_grid`` for a 100x100
   output map and 40x40 maps of the eight+eight hidden neurons (informational ms; the Qt
   frame benchmark belongs to the tab).

Run: ``python benchmarks/bench_mlp.py``
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import median_time, report

from visualizer.compute import (
    evaluate_grid,
    init_layers,
    make_dataset,
    mlp_backprop,
    mlp_gradient_check,
    sigmoid,
    stable_log_softmax,
    train_mlp,
)

B, N, WIDTHS = 64, 64, (64, 64, 64, 64, 10)


def network(seed: int = 0):
    rng = np.random.default_rng(seed)
    sizes = (N, *WIDTHS)
    Ws = [rng.normal(0, 1 / np.sqrt(a), size=(a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [rng.normal(0, 0.1, size=b) for b in WIDTHS]
    x = rng.normal(size=(B, N))
    y = np.eye(WIDTHS[-1])[rng.integers(WIDTHS[-1], size=B)]
    return x, y, Ws, bs


def plain_loss(x, y, Ws, bs, phi) -> float:
    a = x
    for W, b in zip(Ws[:-1], bs[:-1], strict=True):
        a = phi(a @ W + b)
    log_o = stable_log_softmax(a @ Ws[-1] + bs[-1])
    return float(-np.sum(y * log_o) / x.shape[0])


def loop_check(x, y, Ws, bs, phi) -> list[np.ndarray]:
    """The textbook check: every parameter entry moved by ±h, the whole loss re-run each time."""
    params = [p.copy() for pair in zip(Ws, bs, strict=True) for p in pair]
    grads = []
    for value in params:
        grad = np.empty_like(value)
        for idx in np.ndindex(value.shape):
            h = 1e-5 * max(1.0, abs(value[idx]))
            old = value[idx]
            value[idx] = old + h
            e_plus = plain_loss(x, y, params[0::2], params[1::2], phi)
            value[idx] = old - h
            e_minus = plain_loss(x, y, params[0::2], params[1::2], phi)
            value[idx] = old
            grad[idx] = (e_plus - e_minus) / (2 * h)
        grads.append(grad)
    return grads


def bench_gradient_check() -> None:
    x, y, Ws, bs = network()
    n_params = sum(W.size + b.size for W, b in zip(Ws, bs, strict=True))
    for activation, phi in (("sigmoid", sigmoid), ("tanh", np.tanh)):

        def ours(method: str = "layerwise", activation=activation):
            r = mlp_backprop(x, y, Ws, bs, activation)
            return mlp_gradient_check(x, y, Ws, bs, result=r, method=method)

        checks = ours()
        assert all(c.passed for c in checks), [(c.name, c.max_rel_error) for c in checks]
        t_ours = median_time(ours, repeat=7)
        start = time.perf_counter()
        loop = loop_check(x, y, Ws, bs, phi)  # seconds of work: timed once
        t_loop = time.perf_counter() - start
        numeric = {c.name: c.numeric for c in checks}
        for li in range(len(Ws)):  # the same numbers either way
            np.testing.assert_allclose(
                numeric[f"dE/dW{li + 1}"], loop[2 * li], rtol=1e-5, atol=1e-9
            )
            np.testing.assert_allclose(
                numeric[f"dE/db{li + 1}"], loop[2 * li + 1], rtol=1e-5, atol=1e-9
            )
        report(
            f"backprop + gradient check, B={B}, {N}-{'-'.join(map(str, WIDTHS))}, {activation} "
            f"({n_params} parameters) vs per-entry loop",
            t_ours,
            t_loop,
            "<= 0.05",
        )
        start = time.perf_counter()
        ours("per_parameter")
        report(
            f"  (informational) check with method='per_parameter', {activation}",
            time.perf_counter() - start,
            t_loop,
            "none: 2·B rows per parameter",
        )


def bare_training(X, Y, layers, lr, epochs):
    Ws = [W.copy() for W, _ in layers]
    bs = [b.copy() for _, b in layers]
    n = X.shape[0]
    for _ in range(epochs):
        acts = [X]
        for W, b in zip(Ws[:-1], bs[:-1], strict=True):
            acts.append(np.tanh(acts[-1] @ W + b))
        z = acts[-1] @ Ws[-1] + bs[-1]
        delta = (1 / (1 + np.exp(-z)) - Y) / n
        for li in range(len(Ws) - 1, -1, -1):
            gW, gb = acts[li].T @ delta, delta.sum(axis=0)
            if li:
                delta = (delta @ Ws[li].T) * (1 - acts[li] ** 2)
            Ws[li] -= lr * gW
            bs[li] -= lr * gb
    return Ws


def bench_training_frame() -> None:
    X, y = make_dataset("spiral", 200, noise=0.05, seed=0)
    layers = init_layers((2, 8, 8, 1), seed=0)
    frame = median_time(lambda: train_mlp(X, y, layers, "tanh", lr=0.03, epochs=10), repeat=21)
    bare = median_time(lambda: bare_training(X, y[:, None], layers, 0.03, 10), repeat=21)
    ours = train_mlp(X, y, layers, "tanh", lr=0.03, epochs=10).layers_at(10)
    for W, W_bare in zip(
        (W for W, _ in ours), bare_training(X, y[:, None], layers, 0.03, 10), strict=True
    ):
        np.testing.assert_allclose(W, W_bare, rtol=1e-12)
    report(
        "training frame: 10 full-batch epochs, 200 points, 2-8-8-1 tanh vs bare loop",
        frame,
        bare,
        "ms",
    )
    extent = (-6.0, 6.0)
    grid = median_time(lambda: evaluate_grid(layers, extent, 100, "tanh"), repeat=21)
    maps = median_time(lambda: evaluate_grid(layers, extent, 40, "tanh"), repeat=21)
    print(
        f"heat maps (compute only): 100x100 output {grid * 1e3:.2f} ms, "
        f"40x40 maps of all 16 hidden neurons {maps * 1e3:.2f} ms"
    )


if __name__ == "__main__":
    bench_training_frame()
    bench_gradient_check()
