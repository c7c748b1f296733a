"""The f(x_t) plot: the value of the curve at each step, for the current run, the other
runners of a race (in their colours) and the pins.

The whole run is drawn once per run and the axes are fixed to every run shown, so a frame only
moves the marker. A race whose values are all positive and span decades is drawn on a log
scale (who is ahead shows as a gap, not as lines merged at the bottom).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from visualizer.compute.descent import Trajectory
from visualizer.tabs.descent.items import (
    CURRENT_COLOR,
    MAX_TRAIL_DOTS,
    RUNNER_COLORS,
    Dot,
    PinCurves,
    drawable,
)
from visualizer.tabs.descent.model import DescentModel, PinnedRun

_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


class StepPlot(pg.PlotWidget):
    """f(x_t) against the step t."""

    def __init__(self, model: DescentModel) -> None:
        super().__init__(enableMenu=False)
        self.model = model
        plot = self.getPlotItem()
        # (no grid here: this small plot is repainted every frame, and the big curve plot
        # above carries the grid)
        plot.setLabel("bottom", "step t")
        # (a short label: this plot is low, and GeLU is named on the curve plot)
        plot.setLabel("left", "f(x_t)")
        for name in ("left", "bottom"):
            plot.getAxis(name).enableAutoSIPrefix(False)
            plot.getAxis(name).setCacheMode(_CACHED)
        self.run_item = pg.PlotDataItem()
        self.run_item.setDownsampling(auto=True, method="peak")
        self.run_item.setClipToView(True)
        self.run_item.curve.setCacheMode(_CACHED)
        self.run_item.scatter.setCacheMode(_CACHED)
        self.marker = Dot()
        self.marker.setZValue(10)
        plot.addItem(self.run_item)
        plot.addItem(self.marker, ignoreBounds=True)
        self.pins = PinCurves(plot, downsample=True)
        #: The other runners of a race, drawn whole under the selected run.
        self.racer_items: list[pg.PlotDataItem] = []
        self._log = False
        self._width, self._size = 2.0, 10.0
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.render_run()
        self.render_frame()

    def _on_model_changed(self, what: str) -> None:
        if what == "settings":
            self.render_run()
            self.render_frame()
        elif what == "frame":
            self.render_frame()
        elif what == "pins":
            self._render_pins()
            self._fix_range()
        elif what == "practice":
            self.render_run()
            self.render_frame()

    def render_run(self) -> None:
        traj = self.model.trajectory
        n = traj.last_valid + 1
        self._log = self._wants_log()
        self.getPlotItem().setLogMode(y=self._log)
        self.getPlotItem().setLabel("left", "f(x_t), log" if self._log else "f(x_t)")
        t_axis, fx = _values(traj, n)
        self.run_item.setData(t_axis, fx)
        self.run_item.setSymbol("o" if n <= MAX_TRAIL_DOTS else None)
        self._style_selected()
        self._render_racers()
        self._render_pins()
        self._fix_range()

    def _wants_log(self) -> bool:
        """Log scale for a race whose f stays positive and spans more than two decades."""
        if len(self.model.runners()) < 2:
            return False
        runs = [traj for _r, traj in self.model.runners()]
        runs += [pin.trajectory for pin in self.model.pins]
        values = [_values(traj, traj.last_valid + 1)[1] for traj in runs]
        fx = np.concatenate(values)
        return bool(fx.size and fx.min() > 0 and fx.max() > 100 * fx.min())

    def _render_racers(self) -> None:
        runners = self.model.runners()
        others = [(k, traj) for k, (_r, traj) in enumerate(runners)
                  if k != self.model.selected_index]  # fmt: skip
        plot = self.getPlotItem()
        while len(self.racer_items) > len(others):
            plot.removeItem(self.racer_items.pop())
        while len(self.racer_items) < len(others):
            item = pg.PlotDataItem()
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
            item.curve.setCacheMode(_CACHED)
            item.setZValue(-0.5)
            plot.addItem(item)
            self.racer_items.append(item)
        for item, (k, traj) in zip(self.racer_items, others, strict=True):
            item.setData(*_values(traj, traj.last_valid + 1))
            color = RUNNER_COLORS[k % len(RUNNER_COLORS)]
            item.setPen(pg.mkPen(color, width=self._width * 0.8))

    def render_frame(self) -> None:
        traj = self.model.trajectory
        shown = self.model.shown_step()
        if self.model.practice_horizon() is not None:
            # practice: the run is drawn only as far as it has been worked out
            self.run_item.setData(*_values(traj, shown + 1))
        f = float(traj.fx[shown]) if traj.fx is not None else 0.0
        visible = bool(drawable(np.array([float(shown)]), np.array([f]))[0])
        if self._log:
            visible = visible and f > 0
            f = math.log10(f) if visible else f
        self.marker.setVisible(visible)
        if visible:
            self.marker.setPos(float(shown), f)

    def _selected_color(self) -> str:
        """The selected run's colour: its runner's in a race, the current run's otherwise."""
        if self.model.on_surface:
            return RUNNER_COLORS[self.model.selected_index % len(RUNNER_COLORS)]
        return CURRENT_COLOR

    def _render_pins(self) -> None:
        self.pins.sync(self.model.pins, _pin_points, self.model.settings.objective)

    def _fix_range(self) -> None:
        """Fix the axes to every run shown, once per run, so frames never re-range them."""
        objective = self.model.settings.objective
        runs = [traj for _r, traj in self.model.runners()]
        runs += [p.trajectory for p in self.model.pins if p.settings.objective == objective]
        t_max = max(r.steps for r in runs)
        values = [r.fx[: r.last_valid + 1] for r in runs if r.fx is not None]
        fx = np.concatenate(values) if values else np.zeros(1)
        fx = fx[drawable(fx, fx)]
        if self._log:
            fx = np.log10(fx[fx > 0])
        lo, hi = (float(fx.min()), float(fx.max())) if fx.size else (-1.0, 1.0)
        if not hi > lo:
            lo, hi = lo - 0.5 * max(abs(lo), 1e-3), hi + 0.5 * max(abs(hi), 1e-3)
        vb = self.getPlotItem().getViewBox()
        vb.setXRange(0, max(t_max, 1), padding=0.03)
        vb.setYRange(lo, hi, padding=0.2)

    def apply_styles(self, width: float, size: float) -> None:
        self._width, self._size = width, size
        self._render_racers()
        self._style_selected()
        self.pins.apply_style(width, size)

    def _style_selected(self) -> None:
        color = self._selected_color()
        self.run_item.setPen(pg.mkPen(color, width=self._width))
        self.run_item.setSymbolSize(self._size * 0.7)
        self.run_item.setSymbolBrush(pg.mkBrush(color))
        self.run_item.setSymbolPen(None)
        self.marker.set_style(self._size * 1.5, pg.mkPen("k", width=2), pg.mkBrush(color))

    # ----- reading what is shown -----------------------------------------------------------
    def run_points(self) -> tuple[np.ndarray, np.ndarray]:
        t, f = self.run_item.getData()
        return np.asarray(t), np.asarray(f)

    def pin_points(self, pin: PinnedRun) -> tuple[np.ndarray, np.ndarray]:
        return self.pins.points(pin)

    def marker_position(self) -> tuple[float, float] | None:
        if not self.marker.isVisible():
            return None
        return self.marker.pos().x(), self.marker.pos().y()


def _values(traj: Trajectory, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(t, f(x_t)) for the first ``n`` steps, only what can be drawn."""
    t_axis = np.arange(n, dtype=float)
    fx = traj.fx[:n] if traj.fx is not None else np.zeros(n)
    ok = drawable(t_axis, fx)
    return t_axis[ok], fx[ok]


def _pin_points(pin: PinnedRun) -> tuple[np.ndarray, np.ndarray]:
    """A pinned run's f(x_t) against t (only what can be drawn)."""
    traj = pin.trajectory
    n = traj.last_valid + 1
    fx = traj.fx[:n] if traj.fx is not None else np.zeros(n)
    t_axis = np.arange(n, dtype=float)
    keep = drawable(t_axis, fx)
    return t_axis[keep], fx[keep]
