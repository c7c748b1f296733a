"""One training frame of the Logic gates playground against a bare pyqtgraph frame (issue 17).

Ours: the whole window (``create_window()``, 1280x720) on a 2-8-8-1 tanh network with 200
training points; one frame is what the play timer does: train 10 full-batch epochs
(``train_mlp`` continuing the run), evaluate the 100x100 output map (continued at the same
spacing to fill the plot's tall view: about 100x156 samples at this size) and the 40x40
neuron maps in one forward pass, redraw the network (edge looks, every small map), the big
heat map under its points, the loss curves and the status lines, and let Qt repaint.

Baseline, in the same run: a bare ``pg.GraphicsLayoutWidget`` of the same size that only
updates the same images with ``setImage`` (precomputed arrays) and repaints:

- "issue": one 100x100 map and eight 40x40 maps, as issue 17 words it (target: ratio <= 2);
- "all maps": one 100x100 map and every small map the tab draws (2 inputs, 16 hidden neurons,
  the output), informational.

Rounds are interleaved so background load hits both alike; medians are reported.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/bench_gates_playground.py``
"""

from __future__ import annotations

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

from benchmarks._common import report
from visualizer.tabs.gates.playground_settings import PlaygroundSettings
from visualizer.widgets.plot_style import configure_pyqtgraph

SETTINGS = PlaygroundSettings(
    dataset="spiral", n=200, test_ratio=0.0, hidden=(8, 8), activation="tanh", lr=0.1,
    epochs=20_000,
)  # fmt: skip
FRAMES_PER_ROUND = 20
ROUNDS = 7


def bare_window(app: QApplication, small_maps: int):
    """A bare window that updates one 100x100 image and ``small_maps`` 40x40 images."""
    win = pg.GraphicsLayoutWidget()
    win.resize(1280, 720)
    big = win.addPlot(row=0, col=0, rowspan=4)
    big_image = pg.ImageItem()
    big.addItem(big_image)
    small_images = []
    for k in range(small_maps):
        plot = win.addPlot(row=k % 4, col=1 + k // 4)
        item = pg.ImageItem()
        plot.addItem(item)
        small_images.append(item)
    win.show()
    app.processEvents()
    rng = np.random.default_rng(0)
    bigs = rng.random((8, 100, 100))
    smalls = rng.random((8, small_maps, 40, 40))

    def frame(k: int) -> None:
        big_image.setImage(bigs[k % 8], levels=(0, 1))
        for item, grid in zip(small_images, smalls[k % 8], strict=True):
            item.setImage(grid, levels=(0, 1))
        app.processEvents()

    return win, frame


def main() -> None:
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    from visualizer.app import create_window

    window = create_window(initial_tab="gates")
    window.resize(1280, 720)
    window.show()
    tab = window.tab("gates")
    tab.load_preset("Playground: spiral")
    tab.model.set_playground(SETTINGS)
    app.processEvents()
    small_maps = len(tab.network_view.map_nodes)

    def ours(_k: int) -> None:
        tab.step_forward()  # what the play timer does: one frame = 10 more epochs
        app.processEvents()

    issue_win, issue_frame = bare_window(app, 8)
    all_win, all_frame = bare_window(app, small_maps)
    for fn in (ours, issue_frame, all_frame):  # warm-up
        for k in range(3):
            fn(k)
    samples: dict[str, list[float]] = {"ours": [], "issue": [], "all": []}
    counter = 0
    for _ in range(ROUNDS):
        for name, fn in (("ours", ours), ("issue", issue_frame), ("all", all_frame)):
            start = time.perf_counter()
            for _ in range(FRAMES_PER_ROUND):
                counter += 1
                fn(counter)
            samples[name].append((time.perf_counter() - start) / FRAMES_PER_ROUND)
    assert tab.model.frame >= ROUNDS * FRAMES_PER_ROUND  # it really trained every frame
    ours_s = statistics.median(samples["ours"])
    report(
        "Playground frame (10 epochs, 200 points, 2-8-8-1 tanh, redraw) vs bare 100x100 + "
        "8x 40x40 setImage",
        ours_s,
        statistics.median(samples["issue"]),
        "<= 2",
    )
    report(
        f"Playground frame vs bare 100x100 + {small_maps}x 40x40 (every map the tab draws)",
        ours_s,
        statistics.median(samples["all"]),
        "informational",
    )
    for win in (issue_win, all_win, window):
        win.close()


if __name__ == "__main__":
    main()
