"""The curve plot: f (and f'), its minimum, the run's trail, the current point with its arrows,
pinned runs, and the x0 handle. It renders the :class:`DescentModel` and sets x0 on it.

A new run redraws what depends on the run (:meth:`CurvePlot.render_run`); a frame only moves
the point, the arrows and shows one more iterate (:meth:`CurvePlot.render_frame`).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGraphicsItem

from visualizer.compute.descent import DESCENT_PRESETS, Objective
from visualizer.tabs.descent.curve_legend import CurveLegendMixin
from visualizer.tabs.descent.grid import ViewGrid
from visualizer.tabs.descent.items import (
    CURRENT_COLOR,
    CURVE_COLOR,
    DERIVATIVE_COLOR,
    Dot,
    PinCurves,
    StepArrows,
    decimated,
    drawable,
)
from visualizer.tabs.descent.model import FIRST_PRESET, DescentModel, PinnedRun
from visualizer.tabs.descent.trail import Trail
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR

CURVE_SAMPLES = 800
#: Above this many steps, dragging x0 recomputes only when the drag ends.
LIVE_DRAG_STEPS = 2000

_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


class CurvePlot(CurveLegendMixin, pg.PlotWidget):
    """The curve being descended and the current run on it (its legend:
    :class:`~.curve_legend.CurveLegendMixin`)."""

    #: x0 while a long run's handle is dragged (the run is recomputed when the drag ends).
    x0Previewed = Signal(float)

    def __init__(self, model: DescentModel) -> None:
        super().__init__(enableMenu=False)
        self.model = model
        self._drawn_objective = ""
        self._dragging = False
        self._build()
        model.subscribe(self._on_model_changed)
        self._open_first_view()

    def _build(self) -> None:
        plot = self.getPlotItem()
        self.grid = ViewGrid(plot, strength=0.2)
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "f(x)")
        for name in ("left", "bottom"):
            plot.getAxis(name).enableAutoSIPrefix(False)
        self._build_legend(plot)
        self.curve_item = pg.PlotDataItem()
        self.derivative_item = pg.PlotDataItem()
        self.derivative_item.setVisible(False)
        self.min_item = pg.ScatterPlotItem(symbol="star", brush=pg.mkBrush(HIGHLIGHT_COLOR))
        self.min_item.setZValue(5)
        # The current point is one spot moved with setPos; lines are plain QGraphicsLineItems
        # for the same reason: far cheaper per frame than regenerating a scatter's data.
        self.current_item = Dot()
        self.arrows = StepArrows()
        self.x0_handle = pg.TargetItem(
            size=16, symbol="o", movable=True, pen=pg.mkPen(CURRENT_COLOR, width=2)
        )
        self.x0_handle.setToolTip("Drag along the curve to choose x0 (or click the curve)")
        self.x0_handle.setZValue(20)
        plot.addItem(self.curve_item)
        plot.addItem(self.derivative_item)
        plot.addItem(self.arrows.tangent, ignoreBounds=True)  # under the star and the trail
        plot.addItem(self.min_item)
        self.trail = Trail(plot)
        self.pins = PinCurves(plot)
        for item in self.arrows.arrow_items():
            plot.addItem(item, ignoreBounds=True)
        plot.addItem(self.current_item, ignoreBounds=True)
        plot.addItem(self.x0_handle)
        self.current_item.setZValue(10)
        # Curves that do not change from frame to frame are repainted from a cached pixmap,
        # and so are the axes: a frame that merely moves the point does not redraw labels.
        for item in (self.curve_item, self.derivative_item):
            item.curve.setCacheMode(_CACHED)
        self.min_item.setCacheMode(_CACHED)
        self.x0_handle.setCacheMode(_CACHED)
        for name in ("left", "bottom"):
            plot.getAxis(name).setCacheMode(_CACHED)
        self.x0_handle.sigPositionChanged.connect(self._on_x0_handle_moved)
        self.x0_handle.sigPositionChangeFinished.connect(self._on_x0_handle_released)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        plot.getViewBox().sigRangeChanged.connect(self._on_view_range_changed)
        plot.getViewBox().sigResized.connect(self._on_view_resized)

    @property
    def view_box(self) -> pg.ViewBox:
        return self.getPlotItem().getViewBox()

    # ----- the model -----------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if self.model.on_surface:
            # the surface plot shows this run; the curve is redrawn when a curve is back
            self._drawn_objective = ""
            return
        if what == "settings":
            objective = self.model.settings.objective
            self.render_run(reset_view=objective != self._drawn_objective)
            self.render_frame()
        elif what == "frame":
            self.render_frame()
        elif what == "pins":
            self._render_pins()
            self._fill_legend()
        elif what == "derivative":
            self.derivative_item.setVisible(self.model.show_derivative)
            self._render_curve()
            self._fill_legend()
        elif what == "preset":
            self.open_preset_view()

    def _open_first_view(self) -> None:
        """The view a new tab opens on: the first preset's (the curve's usual one on another
        curve), widened to take in the run, as if the run had been set after that preset."""
        first = DESCENT_PRESETS[FIRST_PRESET]
        obj = self.model.objective
        same = first.params.objective == self.model.settings.objective
        self.set_view(obj, *(first.x_view if same and first.x_view else obj.x_range))
        self._drawn_objective = self.model.settings.objective
        self.render_run(reset_view=False)
        self.render_frame()

    def open_preset_view(self) -> None:
        """A preset always opens on the same view, whatever was shown before: its own (e.g.
        exercise 1a: close enough to read the iterate numbers) or the curve's usual one."""
        preset = self.model.preset()
        obj = self.model.objective
        self.set_view(obj, *(preset.x_view if preset and preset.x_view else obj.x_range))
        self._render_curve()
        self.trail.place_labels(self.view_box)
        self.render_frame()

    # ----- per run -------------------------------------------------------------------------
    def render_run(self, *, reset_view: bool) -> None:
        """Everything that depends on the run but not on the current step."""
        model = self.model
        obj, traj = model.objective, model.trajectory
        self._update_view(obj, reset=reset_view)
        self._drawn_objective = model.settings.objective
        self.derivative_item.setVisible(model.show_derivative)
        self._render_curve()
        minima = obj.minima()
        self.min_item.setVisible(bool(minima))
        if minima:
            self.min_item.setData([m[0] for m in minima], [m[1] for m in minima])
        n = traj.last_valid + 1
        fx = traj.fx if traj.fx is not None else np.zeros(traj.steps + 1)
        # Drawable copies: overflowed or astronomically far values become nan and are left out.
        ok = drawable(traj.x, fx)
        self.trail.set_run(np.where(ok, traj.x, np.nan), np.where(ok, fx, np.nan), n)
        self.trail.place_labels(self.view_box)
        self.getPlotItem().setLabel("left", f"{obj.short}(x)")
        self._render_pins()
        self._fill_legend()
        self._place_x0_handle()
        self.place_legend()

    def _render_curve(self) -> None:
        """Sample f (and f') over the visible x-range so the curve always fills the view."""
        obj = self.model.objective
        (lo, hi), _ = self.view_box.viewRange()
        width = hi - lo
        xs = np.linspace(lo - 0.25 * width, hi + 0.25 * width, CURVE_SAMPLES)
        with np.errstate(all="ignore"):
            ys = np.asarray(obj.f(xs), dtype=float)
        ok = np.isfinite(ys)
        self.curve_item.setData(xs[ok], ys[ok])
        if self.model.show_derivative:
            with np.errstate(all="ignore"):
                ds = np.asarray(obj.df(xs), dtype=float)
            ok = np.isfinite(ds)
            self.derivative_item.setData(xs[ok], ds[ok])

    def _render_pins(self) -> None:
        """Draw each pinned run on this curve (pins made on another curve are hidden)."""
        self.pins.sync(self.model.pins, _pin_points, self.model.settings.objective)

    # ----- per frame -----------------------------------------------------------------------
    def render_frame(self) -> None:
        """Everything that depends on the current step: cheap, runs every animation frame."""
        shown = self.model.shown_step()
        self.trail.show_upto(shown)
        x, f = self.trail.point(shown)
        visible = not math.isnan(x)
        self.current_item.setVisible(visible)
        if visible:
            self.current_item.setPos(x, f)
            self.arrows.show_at(self.model.trajectory, shown, x, f, self.view_box.viewRange())
        else:
            self.arrows.hide()

    # ----- the view ------------------------------------------------------------------------
    def set_view(self, obj: Objective, x_lo: float, x_hi: float) -> None:
        """Show ``[x_lo, x_hi]`` with the y-range fitted to the curve there."""
        sample = np.linspace(x_lo, x_hi, 400)
        with np.errstate(all="ignore"):
            ys = np.asarray(obj.f(sample), dtype=float)
        ys = ys[np.isfinite(ys)]
        y_lo, y_hi = (float(ys.min()), float(ys.max())) if ys.size else (-1.0, 1.0)
        span = max(y_hi - y_lo, 1e-9)
        # (no signal blocker: the axes follow the view through its range signals)
        # a little more room below than above: the current point sits low on the curve
        self.view_box.setRange(
            xRange=(x_lo, x_hi),
            yRange=(y_lo - 0.08 * span, y_hi + 0.05 * span),
            padding=0.02,
        )

    def _update_view(self, obj: Objective, *, reset: bool) -> None:
        """Widen the view to the run's iterates (``reset``: start from the curve's range)."""
        traj = self.model.trajectory
        lo, hi = obj.x_range
        width = hi - lo
        xs = traj.x[: traj.last_valid + 1]
        near = xs[(xs > lo - 3 * width) & (xs < hi + 3 * width)]
        (cur_lo, cur_hi), _ = self.view_box.viewRange()
        x_lo, x_hi = (lo, hi) if reset else (cur_lo, cur_hi)
        if near.size:
            x_lo = min(x_lo, float(near.min()))
            x_hi = max(x_hi, float(near.max()))
        if not reset and x_lo >= cur_lo and x_hi <= cur_hi:
            return  # everything already visible: never yank the user's view around
        self.set_view(obj, x_lo, x_hi)

    def zoom_to_run(self) -> None:
        """Fit the view to the iterates up to the current step."""
        traj = self.model.trajectory
        n = self.model.shown_step() + 1
        xs = traj.x[:n]
        fx = traj.fx[:n] if traj.fx is not None else np.zeros(n)
        ok = np.isfinite(xs) & np.isfinite(fx)
        if not np.any(ok):
            return
        x_lo, x_hi = float(xs[ok].min()), float(xs[ok].max())
        y_lo, y_hi = float(fx[ok].min()), float(fx[ok].max())
        # Never zoom to nothing: a run that has not moved still gets a readable window.
        span_x = max(x_hi - x_lo, 1e-6 * max(1.0, abs(x_lo)))
        span_y = max(y_hi - y_lo, 1e-9 * max(1.0, abs(y_lo)))
        self.view_box.setRange(
            xRange=(x_lo - 0.15 * span_x, x_hi + 0.15 * span_x),
            yRange=(y_lo - 0.25 * span_y, y_hi + 0.25 * span_y),
            padding=0,
        )
        self.render_frame()

    def show_whole_curve(self) -> None:
        """Back to the curve's usual range (widened to include the run if it strays)."""
        self._update_view(self.model.objective, reset=True)
        self._render_curve()
        self.render_frame()

    def _on_view_range_changed(self, *_args) -> None:
        if self.model.on_surface:
            return
        self._render_curve()
        self._on_view_resized()
        self.place_legend()

    def _on_view_resized(self, *_args) -> None:
        if self.model.on_surface:
            return
        # Which iterate numbers fit depends on their size on screen: choose again.
        self.trail.place_labels(self.view_box)
        self.trail.show_upto(self.model.shown_step())
        self.place_legend()

    # ----- x0 from the mouse ---------------------------------------------------------------
    def set_x0_from_plot(self, x: float, *, final: bool = True) -> float | None:
        """Set x0 from a position on the curve (rounded to what the view can resolve).

        Returns the x0 only previewed (not yet run) while a long run's handle is dragged.
        """
        (lo, hi), _ = self.view_box.viewRange()
        width = max(hi - lo, 1e-12)
        decimals = max(0, 3 - math.floor(math.log10(width)))
        x0 = round(float(x), decimals)
        settings = self.model.settings
        if not math.isfinite(x0) or x0 == settings.x0:
            return None
        if not final and settings.steps > LIVE_DRAG_STEPS:
            self.x0Previewed.emit(x0)
            return x0
        try:
            self.model.update(x0=x0, frame=settings.steps)
        except ValueError:
            pass  # a position the fields would refuse too: the run stays as it is
        return None

    def _on_scene_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        if event.isAccepted() and event.acceptedItem() is self.x0_handle:
            return
        if not self.view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        self.set_x0_from_plot(self.view_box.mapSceneToView(event.scenePos()).x())

    def _on_x0_handle_moved(self) -> None:
        if self._dragging:
            return
        self._dragging = True
        try:
            preview = self.set_x0_from_plot(self.x0_handle.pos().x(), final=False)
            self._place_x0_handle(preview)
        finally:
            self._dragging = False

    def _on_x0_handle_released(self) -> None:
        self.set_x0_from_plot(self.x0_handle.pos().x(), final=True)
        self._place_x0_handle()

    def _place_x0_handle(self, x0: float | None = None) -> None:
        """The handle sits on the curve at the run's x0 (or at a previewed one)."""
        x0 = float(self.model.trajectory.x[0]) if x0 is None else x0
        with np.errstate(all="ignore"):
            y0 = float(self.model.objective.f(x0))
        visible = bool(drawable(np.array([x0]), np.array([y0]))[0])
        self.x0_handle.setVisible(visible)
        if visible:
            with QSignalBlocker(self.x0_handle):
                self.x0_handle.setPos(QPointF(x0, y0))

    # ----- looks ---------------------------------------------------------------------------
    def apply_styles(self, width: float, size: float, font: QFont) -> None:
        """Pens, markers and label fonts (``font``: the iterate numbers' and the legend's)."""
        self.curve_item.setPen(pg.mkPen(CURVE_COLOR, width=width))
        self.derivative_item.setPen(
            pg.mkPen(DERIVATIVE_COLOR, width=max(1.5, width * 0.75), style=Qt.PenStyle.DashLine)
        )
        self.trail.apply_style(width, size, font)
        self.current_item.set_style(size * 1.8, pg.mkPen("k", width=2), pg.mkBrush(CURRENT_COLOR))
        self.min_item.setSize(size * 2.0)
        self.min_item.setPen(pg.mkPen("#7A4F00", width=1))
        self.arrows.apply_style(width, size)
        self.pins.apply_style(width, size)
        self._style_legend(font)
        self.x0_handle.setPen(pg.mkPen(CURRENT_COLOR, width=2))
        if self.model.on_surface:
            return
        self.trail.place_labels(self.view_box)
        self.render_frame()
        self.place_legend()

    # ----- reading what is shown -----------------------------------------------------------
    def current_point(self) -> tuple[float, float]:
        pos = self.current_item.pos()
        return pos.x(), pos.y()

    def arrow_lengths(self) -> tuple[float | None, float | None]:
        """Horizontal lengths of the gradient and velocity arrows (None when hidden)."""
        return self.arrows.lengths()

    def curve_points(self, which: str = "f") -> tuple[np.ndarray, np.ndarray] | None:
        """The sampled curve ("f") or derivative ("df"); None while the derivative is hidden."""
        item = self.curve_item if which == "f" else self.derivative_item
        if not item.isVisible():
            return None
        x, y = item.getData()
        return np.asarray(x), np.asarray(y)

    def minimum_points(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.min_item.getData()
        return np.asarray(x), np.asarray(y)

    def pin_points(self, pin: PinnedRun) -> tuple[np.ndarray, np.ndarray]:
        return self.pins.points(pin)

    def drawn_pins(self) -> int:
        """How many pinned runs are drawn on this curve."""
        return self.pins.drawn()

    def curve_pen_width(self) -> float:
        return self.curve_item.opts["pen"].widthF()

    def x0_handle_position(self) -> tuple[float, float] | None:
        if not self.x0_handle.isVisible():
            return None
        pos = self.x0_handle.pos()
        return pos.x(), pos.y()

    def view_range(self) -> list[list[float]]:
        return self.view_box.viewRange()

    def axis_ranges(self) -> tuple[list[float], list[float]]:
        """What the bottom and left axes show (they follow the view through its signals)."""
        plot = self.getPlotItem()
        return list(plot.getAxis("bottom").range), list(plot.getAxis("left").range)

    def widget_pos(self, x: float, y: float) -> QPoint:
        """Where the data point (x, y) is in the viewport's pixels (to click on it)."""
        return self.mapFromScene(self.view_box.mapViewToScene(QPointF(x, y)))


def _pin_points(pin: PinnedRun) -> tuple[np.ndarray, np.ndarray]:
    """A pinned run's iterates on the curve (thinned, only what can be drawn)."""
    traj = pin.trajectory
    if traj.x.ndim != 1:  # a run pinned on a surface has nothing to draw on a curve
        return np.zeros(0), np.zeros(0)
    n = traj.last_valid + 1
    fx = traj.fx[:n] if traj.fx is not None else np.zeros(n)
    idx = decimated(n)
    xs, fs = traj.x[:n][idx], fx[idx]
    keep = drawable(xs, fs)
    return xs[keep], fs[keep]
