"""Cost of one animation frame of the gradient-descent tab, against two baselines.

A frame is "advance one step, then let Qt repaint what changed" (``advance()`` followed by
``processEvents()``), measured in the whole window (``create_window()``), so the widgets
beside the plot (table, worked step, status) count too. Baselines, measured in the same run
at the same plot size:

- bare pyqtgraph: one PlotWidget drawing the same curve, trail and current point, updated
  with ``setData`` and repainted the same way (target: tab <= 1.5x this);
- matplotlib Agg: a full redraw of that picture on a FigureCanvasAgg (target: tab <= 0.25x).

With a 200-step momentum run, the 3-step exercise run (looped) and a 10,000-step run (frames
taken near the end, where the trail is longest); and one frame of the 5-runner Rosenbrock race
(500 steps, 400x400 surface image with contour lines) against a bare PlotWidget drawing the
same items (target <= 1.5x). The three contenders are measured in interleaved rounds so
that background load on the machine hits them alike, as the main thread's CPU time (all the
work, Qt's painting included, happens on that thread; wall time on a loaded machine mostly
measures the scheduler); medians are reported.

Run: ``QT_QPA_PLATFORM=offscreen python benchmarks/bench_descent_frame.py``
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pyqtgraph as pg
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QApplication

from visualizer.compute import DescentParams, gelu, run_descent
from visualizer.widgets.plot_style import configure_pyqtgraph

ROUNDS = 8
FRAMES_PER_ROUND = 30
WINDOW = (1280, 760)


class TabFrames:
    """The tab as a user sees it, in the whole window: ``advance()`` then let Qt repaint."""

    def __init__(self, app: QApplication, params: DescentParams, start: int) -> None:
        from visualizer.app import create_window

        self.app, self.start, self.steps = app, start, params.steps
        self.window = create_window(initial_tab="descent")
        self.window.resize(*WINDOW)
        self.window.show()
        self.tab = self.window.tab("descent")
        self.tab.set_params(params, frame=start)
        for _ in range(3):
            app.processEvents()
        # the plot area the baselines get: the tab's curve plot
        plot = self.tab.curve
        self.plot_size = (plot.width(), plot.height())

    def frame(self) -> tuple[float, float]:
        if self.tab.frame() >= self.steps:
            self.tab.set_frame(self.start)
            self.app.processEvents()
        t0, w0 = time.thread_time(), time.perf_counter()
        self.tab.advance()
        self.app.processEvents()
        return time.thread_time() - t0, time.perf_counter() - w0

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()


class BareFrames:
    """A bare PlotWidget with the same curve, trail and point."""

    def __init__(self, app, params: DescentParams, start: int, size: tuple[int, int]) -> None:
        self.app, self.start, self.steps = app, start, params.steps
        self.traj = run_descent(params)
        self.t = start
        self.w = pg.PlotWidget()
        self.w.resize(*size)
        xs = np.linspace(-4.2, 1.6, 800)
        self.w.plot(xs, gelu(xs), pen=pg.mkPen("#333333", width=2))
        long_run = params.steps > 200
        self.trail = self.w.plot(
            [],
            [],
            pen=pg.mkPen("#0072B2", width=1.5),
            symbol=None if long_run else "o",
            symbolBrush="#0072B2",
        )
        self.point = pg.ScatterPlotItem(size=18, brush=pg.mkBrush("#0072B2"))
        self.w.addItem(self.point)
        self.w.setRange(xRange=(-4.2, 1.6), yRange=(-0.3, 1.6))
        self.w.show()
        app.processEvents()

    def frame(self) -> tuple[float, float]:
        if self.t >= self.steps:
            self.t = self.start
        t0, w0 = time.thread_time(), time.perf_counter()
        self.t += 1
        traj, t = self.traj, self.t
        self.trail.setData(traj.x[: t + 1], traj.fx[: t + 1])
        self.point.setData([traj.x[t]], [traj.fx[t]])
        self.app.processEvents()
        return time.thread_time() - t0, time.perf_counter() - w0

    def close(self) -> None:
        self.w.close()
        self.w.deleteLater()


class MatplotlibFrames:
    """A matplotlib Agg redraw of the same picture, at the same pixel size."""

    def __init__(self, params: DescentParams, start: int, size: tuple[int, int]) -> None:
        self.start, self.steps = start, params.steps
        self.traj = run_descent(params)
        self.t = start
        dpi = 100
        self.fig = Figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi)
        self.canvas = FigureCanvasAgg(self.fig)
        ax = self.fig.add_subplot()
        xs = np.linspace(-4.2, 1.6, 800)
        ax.plot(xs, gelu(xs), color="#333333", lw=2)
        marker = None if params.steps > 200 else "o"
        (self.trail,) = ax.plot([], [], color="#0072B2", marker=marker)
        (self.point,) = ax.plot([], [], "o", color="#0072B2", markersize=12)
        ax.set_xlim(-4.2, 1.6)
        ax.set_ylim(-0.3, 1.6)
        ax.grid(True, alpha=0.2)

    def frame(self) -> tuple[float, float]:
        if self.t >= self.steps:
            self.t = self.start
        t0, w0 = time.thread_time(), time.perf_counter()
        self.t += 1
        traj, t = self.traj, self.t
        self.trail.set_data(traj.x[: t + 1], traj.fx[: t + 1])
        self.point.set_data([traj.x[t]], [traj.fx[t]])
        self.canvas.draw()
        return time.thread_time() - t0, time.perf_counter() - w0

    def close(self) -> None:
        pass


def measure(
    contenders: dict[str, Callable[[], tuple[float, float]]],
) -> dict[str, tuple[float, float]]:
    """Median (CPU, wall) milliseconds per frame, contenders interleaved round by round."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
    for frame in contenders.values():  # warm-up
        for _ in range(10):
            frame()
    for _ in range(ROUNDS):
        for name, frame in contenders.items():
            samples[name].extend(frame() for _ in range(FRAMES_PER_ROUND))
    return {
        name: (
            1000.0 * statistics.median(c for c, _ in s),
            1000.0 * statistics.median(w for _, w in s),
        )
        for name, s in samples.items()
    }


def main() -> int:
    app = QApplication.instance() or QApplication([])
    configure_pyqtgraph()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    # (ratios move by about ±0.15 between runs on a busy machine: say how busy it was)
    print(f"load average {load} on {os.cpu_count()} cores")
    cases = {
        "200-step momentum run (issue 14's case)": (
            DescentParams("gelu", "momentum", 0.5, -3.0, 200, beta=0.9),
            0,
        ),
        "exercise 1a (3 steps, looped)": (DescentParams("gelu", "gd", 0.1, 0.0, 3), 0),
        "10,000-step run (frames near the end)": (
            DescentParams("gelu", "gd", 0.01, 0.0, 10_000),
            10_000 - FRAMES_PER_ROUND,
        ),
    }
    ok = True
    for name, (params, start) in cases.items():
        tab = TabFrames(app, params, start)
        bare = BareFrames(app, params, start, tab.plot_size)
        mpl = MatplotlibFrames(params, start, tab.plot_size)
        ms = measure({"tab": tab.frame, "bare": bare.frame, "mpl": mpl.frame})
        for c in (tab, bare, mpl):
            c.close()
        app.processEvents()
        (tab_ms, tab_wall), (bare_ms, bare_wall), (mpl_ms, mpl_wall) = (
            ms["tab"],
            ms["bare"],
            ms["mpl"],
        )
        r_bare, r_mpl = tab_ms / bare_ms, tab_ms / mpl_ms
        ok &= r_bare <= 1.5 and r_mpl <= 0.25
        print(f"{name}  (plot {tab.plot_size[0]}x{tab.plot_size[1]} px):")
        print(f"  tab frame            {tab_ms:8.3f} ms CPU  ({tab_wall:.3f} ms wall)")
        print(
            f"  bare pyqtgraph frame {bare_ms:8.3f} ms CPU  ({bare_wall:.3f} ms wall)"
            f"   ratio {r_bare:5.2f}  (target <= 1.5; wall {tab_wall / bare_wall:.2f})"
        )
        print(
            f"  matplotlib Agg draw  {mpl_ms:8.3f} ms CPU  ({mpl_wall:.3f} ms wall)"
            f"   ratio {r_mpl:5.2f}  (target <= 0.25; wall {tab_wall / mpl_wall:.2f})"
        )
    ok &= race_frame(app)
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0


class RaceFrames:
    """The Rosenbrock race (5 runners, 500 steps) in the whole window."""

    def __init__(self, app: QApplication) -> None:
        from visualizer.app import create_window

        self.app = app
        self.window = create_window(initial_tab="descent")
        self.window.resize(*WINDOW)
        self.window.show()
        self.tab = self.window.tab("descent")
        self.tab.load_preset("rosenbrock race")
        self.tab.set_frame(0)
        for _ in range(3):
            app.processEvents()
        plot = self.tab.surface
        self.plot_size = (plot.width(), plot.height())

    def frame(self) -> tuple[float, float]:
        if self.tab.frame() >= 500:
            self.tab.set_frame(0)
            self.app.processEvents()
        t0, w0 = time.thread_time(), time.perf_counter()
        self.tab.advance()
        self.app.processEvents()
        return time.thread_time() - t0, time.perf_counter() - w0

    def close(self) -> None:
        self.window.close()
        self.window.deleteLater()


class BareRaceFrames:
    """A bare PlotWidget with the same items: a 400x400 image with 12 contour lines, five
    paths and five points, updated with setData."""

    def __init__(self, app: QApplication, model, size: tuple[int, int]) -> None:
        from visualizer.compute.surfaces import surface_grid
        from visualizer.tabs.descent.surface_plot import shaded

        self.app = app
        self.runs = [traj.x for _racer, traj in model.runners()]
        self.t = 0
        self.w = pg.PlotWidget()
        self.w.resize(*size)
        surface = model.surface
        values = shaded(surface_grid(surface, (-6.0, 6.0), (-5.0, 7.0), 400))
        image = pg.ImageItem(values)
        image.setRect(-6.0, -5.0, 12.0, 12.0)
        self.w.addItem(image)
        for level in np.linspace(values.min(), values.max(), 14)[1:-1]:
            curve = pg.IsocurveItem(data=values, level=float(level), pen=pg.mkPen("#4a5a78"))
            curve.setParentItem(image)
        colors = ("#0072B2", "#CC79A7", "#E69F00", "#000000", "#56B4E9")
        self.paths = [self.w.plot([], [], pen=pg.mkPen(c, width=2)) for c in colors]
        self.points = pg.ScatterPlotItem(size=16, brush=pg.mkBrush("#0072B2"))
        self.w.addItem(self.points)
        self.w.setRange(xRange=(-2, 2), yRange=(-1, 3))
        self.w.show()
        app.processEvents()

    def frame(self) -> tuple[float, float]:
        if self.t >= 500:
            self.t = 0
        t0, w0 = time.thread_time(), time.perf_counter()
        self.t += 1
        t = self.t
        for path, xy in zip(self.paths, self.runs, strict=True):
            path.setData(xy[: t + 1, 0], xy[: t + 1, 1])
        now = np.array([xy[t] for xy in self.runs])
        self.points.setData(now[:, 0], now[:, 1])
        self.app.processEvents()
        return time.thread_time() - t0, time.perf_counter() - w0

    def close(self) -> None:
        self.w.close()
        self.w.deleteLater()


def race_frame(app: QApplication) -> bool:
    race = RaceFrames(app)
    bare = BareRaceFrames(app, race.tab.model, race.plot_size)
    ms = measure({"race": race.frame, "bare": bare.frame})
    race.close()
    bare.close()
    app.processEvents()
    (race_ms, race_wall), (bare_ms, bare_wall) = ms["race"], ms["bare"]
    ratio = race_ms / bare_ms
    print(
        f"Rosenbrock race, 5 runners x 500 steps  (plot {race.plot_size[0]}x{race.plot_size[1]}):"
    )
    print(f"  tab frame            {race_ms:8.3f} ms CPU  ({race_wall:.3f} ms wall)")
    print(
        f"  bare pyqtgraph frame {bare_ms:8.3f} ms CPU  ({bare_wall:.3f} ms wall)"
        f"   ratio {ratio:5.2f}  (target <= 1.5; wall {race_wall / bare_wall:.2f})"
    )
    return ratio <= 1.5


if __name__ == "__main__":
    raise SystemExit(main())
