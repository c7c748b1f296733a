"""Start-up cost: the app to its first painted window vs a bare PySide6 + pyqtgraph window.

Targets (issue 7): start-up to the first painted window (``--screenshot``) at most 1.25x,
and peak memory at most 1.3x, a bare PySide6 window with one tabbed pyqtgraph plot.
Both are whole processes (interpreter start, imports, first paint, PNG written, exit),
measured alternately in the same run; medians of several runs.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import report, run_child

BASELINE = """
import sys
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget
app = QApplication([])
pg.setConfigOptions(background="w", foreground="k", antialias=True)
window = QMainWindow()
tabs = QTabWidget()
plot = pg.PlotWidget()
x = np.linspace(-4, 4, 400)
plot.plot(x, x / (1 + np.exp(-1.702 * x)))
tabs.addTab(plot, "Plot")
window.setCentralWidget(tabs)
window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
window.resize(1280, 800)
window.show()
for _ in range(5):
    app.processEvents()
window.grab().save(sys.argv[1], "PNG")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline_script = Path(tmp) / "baseline.py"
        baseline_script.write_text(BASELINE)
        png = str(Path(tmp) / "shot.png")
        ours_t, ours_m, base_t, base_m = [], [], [], []
        run_child([str(baseline_script), png])  # warm the file cache for both
        run_child(["-m", "visualizer", "--screenshot", png])
        for _ in range(args.runs):
            t, m = run_child([str(baseline_script), png])
            base_t.append(t)
            base_m.append(m)
            t, m = run_child(["-m", "visualizer", "--screenshot", png])
            ours_t.append(t)
            ours_m.append(m)
    report(
        "start-up to first painted window",
        statistics.median(ours_t),
        statistics.median(base_t),
        "<= 1.25",
    )
    ours_mib = statistics.median(ours_m) / 1024
    base_mib = statistics.median(base_m) / 1024
    print(
        f"peak memory: ours {ours_mib:.1f} MiB, baseline {base_mib:.1f} MiB, "
        f"ratio {ours_mib / base_mib:.3f} (target <= 1.3)"
    )


if __name__ == "__main__":
    main()
