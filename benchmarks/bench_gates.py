"""Costs of the Logic gates tab, each against a baseline measured in the same run.

1. ``train_gate`` (2-2-1 network, 2000 epochs, the XOR run the tab animates) against the same
   gradient descent written as plain Python loops over the four rows. The arrays are 4 x 2,
   so numpy's per-call overhead (about 1 us) outweighs its arithmetic and the plain loops
   win; the ratio is reported as measured (informational). What matters for the user is the
   absolute time of pressing Train: target <= 300 ms.
2. One animation frame of the tab in Train mode (move to the next recorded epoch, redraw the
   network, truth table, regions and loss curve, let Qt repaint) against a bare pyqtgraph
   window showing the same network graph, region image and loss curve updated with
   ``setData``/``setImage`` (informational; the absolute budget is 66 ms per frame, the
   tab's 15 steps/s default).

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/bench_gates.py``
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from benchmarks._common import median_time, report
from visualizer.compute import GATE_TARGETS, decision_grid, train_gate
from visualizer.widgets.plot_style import configure_pyqtgraph

EPOCHS = 2000


def loop_training(epochs: int = EPOCHS, lr: float = 2.0) -> float:
    """The same full-batch descent as ``train_gate``, with Python lists and loops."""
    rng = np.random.default_rng(0)
    W1 = rng.normal(size=(2, 2)).tolist()
    W2 = rng.normal(size=(2, 1)).tolist()
    b1, b2 = [0.0, 0.0], [0.0]
    rows = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]
    ys = GATE_TARGETS["XOR"]

    def sig(z: float) -> float:
        return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))

    for _ in range(epochs):
        gW1 = [[0.0, 0.0], [0.0, 0.0]]
        gb1 = [0.0, 0.0]
        gW2 = [[0.0], [0.0]]
        gb2 = [0.0]
        for x, y in zip(rows, ys, strict=True):
            h = [sig(x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j]) for j in range(2)]
            o = sig(h[0] * W2[0][0] + h[1] * W2[1][0] + b2[0])
            d = (o - y) / 4
            for j in range(2):
                gW2[j][0] += h[j] * d
                dh = d * W2[j][0] * h[j] * (1 - h[j])
                gb1[j] += dh
                for i in range(2):
                    gW1[i][j] += x[i] * dh
            gb2[0] += d
        for i in range(2):
            for j in range(2):
                W1[i][j] -= lr * gW1[i][j]
        for j in range(2):
            b1[j] -= lr * gb1[j]
            W2[j][0] -= lr * gW2[j][0]
        b2[0] -= lr * gb2[0]
    return b2[0]


def frame_costs(app: QApplication) -> tuple[float, float]:
    from visualizer.tabs.gates.tab import GatesTab

    tab = GatesTab()
    tab.resize(1280, 760)
    tab.show()
    tab.train_page.train_button.click()
    tab.play_controls.pause()
    run = tab.training_run()
    app.processEvents()

    bare = pg.GraphicsLayoutWidget()
    bare.resize(1280, 760)
    net = bare.addPlot()
    graph = pg.GraphItem()
    net.addItem(graph)
    regions = bare.addPlot()
    image = pg.ImageItem()
    regions.addItem(image)
    loss = bare.addPlot().plot([], [])
    bare.show()
    app.processEvents()
    pos = np.array([[0, 1], [0, -1], [2, 1], [2, -1], [4, 0]], dtype=float)
    adj = np.array([[0, 2], [1, 2], [0, 3], [1, 3], [2, 4], [3, 4]])

    def tab_frame(k: int) -> None:
        tab.play_controls.set_frame(k % run.n_frames)
        app.processEvents()

    def bare_frame(k: int) -> None:
        f = k % run.n_frames
        layers = run.layers_at(f)
        graph.setData(pos=pos, adj=adj, size=60, symbolBrush="b")
        image.setImage(decision_grid(layers, "sigmoid")[1], levels=(0, 1))
        loss.setData(run.epochs[: f + 1].astype(float), run.loss[: f + 1])
        app.processEvents()

    samples: dict[str, list[float]] = {"tab": [], "bare": []}
    counter = 0
    for _ in range(6):  # interleaved rounds, so background load hits both alike
        for name, fn in (("tab", tab_frame), ("bare", bare_frame)):
            start = time.perf_counter()
            for _ in range(20):
                counter += 1
                fn(counter)
            samples[name].append((time.perf_counter() - start) / 20)
    tab.close()
    bare.close()
    return statistics.median(samples["tab"]), statistics.median(samples["bare"])


def main() -> None:
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    ours = median_time(lambda: train_gate("XOR", "2-2-1", lr=2.0, seed=0, epochs=EPOCHS), repeat=5)
    base = median_time(loop_training, repeat=3)
    report(
        "train_gate XOR 2-2-1, 2000 epochs vs plain loops",
        ours,
        base,
        "informational; absolute <= 300 ms",
    )
    tab_ms, bare_ms = frame_costs(app)
    report("Train-mode frame vs bare pyqtgraph", tab_ms, bare_ms, "informational; <= 66 ms")


if __name__ == "__main__":
    main()
