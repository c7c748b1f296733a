"""Backprop tab speed, as ratios against baselines measured in the same run.

1. The finite-difference gradient check (every entry of every gradient, central differences)
   at N = M = K = 32 and 64: ``numerical_gradients`` (perturbed copies evaluated in batches)
   vs the textbook loop that perturbs one entry and re-runs the network each time.
2. One animation step of the backward chain at N = M = K = 64 (move the frame, repaint the
   strip) vs matplotlib redrawing the same six heatmaps on an Agg canvas.
3. Issue 16: what the tab computes for B = 64 and widths 64-64-64-64-10 (``mlp_backprop``
   plus the finite-difference check of every gradient of every layer, the summary, the
   per-sample gradients and the sample's chain: the model's whole settings change) vs the
   textbook per-entry loop that moves every parameter by ±h and re-runs the whole batch.
   Target <= 0.05x.

Run: ``python benchmarks/bench_backprop.py`` (needs the ``bench`` extra for matplotlib).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import matplotlib

matplotlib.use("Agg")
import numpy as np
from _common import median_time, report
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from visualizer.compute import (
    chain_product,
    mlp_gradients,
    mlp_loss,
    numerical_gradients,
    random_problem,
)


def naive_numerical_gradients(x, y, W1, b1, W2, b2) -> dict[str, np.ndarray]:
    """One entry at a time, the whole network re-run for each +h and -h."""
    params = {"x": x.copy(), "W1": W1.copy(), "b1": b1.copy(), "W2": W2.copy(), "b2": b2.copy()}
    out = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            h = 1e-5 * max(1.0, abs(value[idx]))
            old = value[idx]
            value[idx] = old + h
            e_plus = mlp_loss(
                params["x"], y, params["W1"], params["b1"], params["W2"], params["b2"]
            )
            value[idx] = old - h
            e_minus = mlp_loss(
                params["x"], y, params["W1"], params["b1"], params["W2"], params["b2"]
            )
            value[idx] = old
            grad[idx] = (e_plus - e_minus) / (2 * h)
        out[f"dE_d{name}"] = grad
    return out


def bench_gradient_check() -> None:
    for size in (32, 64):
        p = random_problem(size, size, size, 3, seed=1)
        ours = median_time(lambda p=p: numerical_gradients(*p.args()), repeat=5)
        naive = median_time(lambda p=p: naive_numerical_gradients(*p.args()), repeat=3)
        # Same numbers either way (the naive loop covers the parameters).
        a, b = numerical_gradients(*p.args()), naive_numerical_gradients(*p.args())
        assert all(np.allclose(a[k], b[k], rtol=1e-6, atol=1e-9) for k in b)
        report(
            f"gradient check, N=M=K={size} (all 8 gradients vs naive loop over 5)",
            ours,
            naive,
            "<= 0.2",
        )


def bench_chain_step() -> None:
    from PySide6.QtWidgets import QApplication

    from visualizer.tabs.backprop.tab import BackpropTab

    app = QApplication.instance() or QApplication([])
    tab = BackpropTab()
    tab.resize(1280, 730)
    tab.show()
    tab.load_preset("Large: N = M = K = 32")
    tab.model.set_sizes(64, 64, 64)
    app.processEvents()
    state = {"frame": 0}

    def tab_step() -> None:
        state["frame"] = (state["frame"] + 1) % tab.play_controls.n_frames()
        tab.play_controls.set_frame(state["frame"])
        tab.chain.strip.repaint()

    t = tab.model.result.tensors
    g = mlp_gradients(*(t[name] for name in ("x", "y", "W1", "b1", "W2", "b2")))
    chain = chain_product(g)
    mats = [f.matrix for f in chain.factors] + [chain.result]
    fig = Figure(figsize=(7, 2.3), dpi=100)
    canvas = FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(mats))
    images = [
        ax.imshow(m, cmap="RdBu", vmin=-abs(m).max(), vmax=abs(m).max())
        for ax, m in zip(axes, mats, strict=True)
    ]

    def mpl_step() -> None:
        for im, m in zip(images, mats, strict=True):
            im.set_data(m)
        canvas.draw()

    ours = median_time(tab_step, repeat=7, number=10)
    baseline = median_time(mpl_step, repeat=7, number=10)
    report("backward chain step at 64 (tab repaint vs matplotlib redraw)", ours, baseline, "<= 0.5")
    tab.close()


def naive_parameter_loop(x, y, Ws, bs) -> list[np.ndarray]:
    """Every W and b entry moved by ±h, the whole batch's mean cross-entropy re-run each time."""

    def loss() -> float:
        h = x
        for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            h = h @ W + b
            if k < len(Ws) - 1:
                h = 1.0 / (1.0 + np.exp(-h))
        z = h - h.max(axis=1, keepdims=True)
        return float(-np.mean(np.sum(y * (z - np.log(np.exp(z).sum(axis=1, keepdims=True))), 1)))

    grads = []
    for value in [*Ws, *bs]:
        grad = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            step = 1e-5 * max(1.0, abs(old))
            value[idx] = old + step
            up = loss()
            value[idx] = old - step
            down = loss()
            value[idx] = old
            grad[idx] = (up - down) / (2 * step)
        grads.append(grad)
    return grads


def bench_batched_model() -> None:
    from visualizer.tabs.backprop.model import BackpropModel, BackpropSettings

    settings = BackpropSettings(N=64, M=64, more_hidden=(64, 64, 64), K=10, batch=64)
    model = BackpropModel()
    toggle = {"seed": 0}

    def ours() -> None:
        # A new seed each time: nothing can be reused, everything is recomputed.
        toggle["seed"] ^= 1
        model.set_settings(replace(settings, seed=toggle["seed"]))

    ours_time = median_time(ours, repeat=5)
    t = model.result.tensors
    Ws = [t[f"W{k}"].copy() for k in range(1, 6)]
    bs = [t[f"b{k}"].copy() for k in range(1, 6)]
    naive_time = median_time(lambda: naive_parameter_loop(t["x"], t["y"], Ws, bs), repeat=1)
    naive = naive_parameter_loop(t["x"], t["y"], Ws, bs)
    shown = [t[f"dE/dW{k}"] for k in range(1, 6)] + [t[f"dE/db{k}"] for k in range(1, 6)]
    assert all(np.allclose(a, b, rtol=1e-4, atol=1e-8) for a, b in zip(naive, shown, strict=True))
    assert all(check.passed for check in model.result.checks)
    report(
        "tab settings change at B=64, 64-64-64-64-10 (backprop, check of every gradient, "
        "summary, per-sample, chain) vs per-entry loop over the parameters",
        ours_time,
        naive_time,
        "<= 0.05",
    )


if __name__ == "__main__":
    bench_gradient_check()
    bench_chain_step()
    bench_batched_model()
