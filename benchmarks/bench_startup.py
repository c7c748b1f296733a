"""Start-up cost: the app to its first painted window vs a bare PySide6 + pyqtgraph window.

Targets: start-up to the first painted window (``--screenshot``) at most 1.25x without a
lesson and at most 1.3x with ``--lesson resources/lessons/exercise-4c.json`` (a lesson sets
all four topic models but builds only the tab on screen), and peak memory at most 1.3x, a
bare PySide6 window with one tabbed pyqtgraph plot.
Both are whole processes (interpreter start, imports, first paint, PNG written, exit),
measured alternately in the same run; medians of several runs. For information, the app is
also started with the garbage collector left on (``visualizer.cli.main`` called directly,
bypassing ``python -m visualizer``'s deferral): that shows what the rest of the start-up
work costs, and how much of the ratio the deferral (and freezing at the first paint) saves.

    python benchmarks/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import ROOT, report, run_child

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

# The app without python -m visualizer's collector deferral (see visualizer/__main__.py).
COLLECTOR_ON = "import sys; from visualizer.cli import main; raise SystemExit(main(sys.argv[1:]))"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline_script = Path(tmp) / "baseline.py"
        baseline_script.write_text(BASELINE)
        png = str(Path(tmp) / "shot.png")
        lesson = str(ROOT / "resources" / "lessons" / "exercise-4c.json")
        plain = ["-m", "visualizer", "--screenshot", png]
        with_lesson = ["-m", "visualizer", "--lesson", lesson, "--screenshot", png]
        collector_on = ["-c", COLLECTOR_ON, "--screenshot", png]
        ours_t, ours_m, base_t, base_m, lesson_t, on_t = [], [], [], [], [], []
        run_child([str(baseline_script), png])  # warm the file cache for all three
        run_child(plain)
        run_child(with_lesson)
        for _ in range(args.runs):
            t, m = run_child([str(baseline_script), png])
            base_t.append(t)
            base_m.append(m)
            t, m = run_child(plain)
            ours_t.append(t)
            ours_m.append(m)
            lesson_t.append(run_child(with_lesson)[0])
            on_t.append(run_child(collector_on)[0])
    report(
        "start-up to first painted window",
        statistics.median(ours_t),
        statistics.median(base_t),
        "<= 1.25",
    )
    report(
        "start-up with --lesson exercise-4c.json",
        statistics.median(lesson_t),
        statistics.median(base_t),
        "<= 1.3",
    )
    report(
        "(information) start-up with the collector on throughout",
        statistics.median(on_t),
        statistics.median(base_t),
        "none",
    )
    ours_mib = statistics.median(ours_m) / 1024
    base_mib = statistics.median(base_m) / 1024
    print(
        f"peak memory: ours {ours_mib:.1f} MiB, baseline {base_mib:.1f} MiB, "
        f"ratio {ours_mib / base_mib:.3f} (target <= 1.3)"
    )


if __name__ == "__main__":
    main()
