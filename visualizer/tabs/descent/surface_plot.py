"""The surface plot: f(x, y) as a heat map with contour lines, its minima, every runner's path
and the selected run's numbered iterates, arrows and start handle.

A new run (or race) redraws the image, the contours and each runner's whole path once
(:meth:`SurfacePlot.render_run`); a frame only cuts each path at the step shown, moves the
current points and arrows and rewrites the race legend's text (:meth:`render_frame`): no
pyqtgraph item regenerates its data on a frame but the path lines.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSignalBlocker, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainterPath, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsPathItem

from visualizer.compute.surfaces import Surface, surface_grid
from visualizer.tabs.descent.items import (
    GRADIENT_COLOR,
    RUNNER_COLORS,
    VELOCITY_COLOR,
    ArrowHead,
    Dot,
    PinCurves,
    PixelText,
    TrailPath,
    decimated,
    drawable,
)
from visualizer.tabs.descent.model import DescentModel, DescentSettings, PinnedRun
from visualizer.tabs.descent.race_legend import RaceLegend
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR

#: Samples per axis of the heat map.
IMAGE_SAMPLES = 400
#: Contour lines drawn over it.
CONTOUR_LEVELS = 12
#: Room for the pixmaps the plots repaint from, in KiB. Qt's default (10 MiB) holds fewer
#: than two plot-sized pixmaps at 1920x1080; past it every cached item (heat map, contours,
#: axes, the f(x_t) curves) is evicted and painted again on every frame.
PIXMAP_CACHE_KIB = 65536
#: Iterates numbered along the selected run.
MAX_NUMBERED = 25
#: Runs up to this many steps mark every iterate of the selected run with a dot.
MAX_DOTS = 200
_HEAT = pg.ColorMap(
    pos=np.array([0.0, 0.45, 1.0]),
    color=np.array([[255, 255, 245, 255], [199, 220, 239, 255], [120, 150, 190, 255]]),
)
_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def shaded(values: np.ndarray) -> np.ndarray:
    """The heat map's shade of f: log(1 + f − min), so a valley's floor shows as well as its
    walls (Rosenbrock's values span four orders of magnitude). Non-finite samples: the top."""
    finite = np.isfinite(values)
    if not finite.any():
        return np.zeros_like(values)
    lo = float(values[finite].min())
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.log1p(np.where(finite, values - lo, 0.0))
    top = float(out[finite].max())
    out[~finite] = top
    return out


def surface_key(settings: DescentSettings) -> tuple:
    """What picks the surface drawn: its name, and κ and angle for the ravine."""
    if settings.objective == "quadratic":
        return (settings.objective, settings.kappa, settings.angle)
    return (settings.objective,)


def _pin_path(pin: PinnedRun) -> tuple[np.ndarray, np.ndarray]:
    """A pinned run's iterates (x_t, y_t) that can be drawn (none for a run on a curve)."""
    xy = pin.trajectory.x[: pin.trajectory.last_valid + 1]
    if xy.ndim != 2:
        return np.zeros(0), np.zeros(0)
    ok = drawable(xy[:, 0], xy[:, 1])
    return xy[ok, 0], xy[ok, 1]


def contour_path(values: np.ndarray, levels: np.ndarray) -> QPainterPath:
    """The contour lines of a row-major grid at ``levels``, in the grid's pixel coordinates
    (sample (i, j) at the centre of pixel column j, row i), as one path."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    connect: list[np.ndarray] = []
    for level in levels:
        for line in pg.isocurve(values.T, float(level), connected=True, extendToEdge=True):
            # (isocurve already places sample (i, j) at the centre of its pixel, (j + ½, i + ½))
            points = np.asarray(line, dtype=float)
            xs.append(points[:, 0])
            ys.append(points[:, 1])
            joined = np.ones(len(points), dtype=bool)
            joined[-1] = False  # no segment from one line's end to the next line's start
            connect.append(joined)
    if not xs:
        return QPainterPath()
    return pg.arrayToQPath(np.concatenate(xs), np.concatenate(ys), np.concatenate(connect))


class Runner:
    """One runner's path and current point on the plot."""

    def __init__(self, plot: pg.PlotItem, color: str) -> None:
        self.color = color
        self.path = TrailPath()
        self.path.setZValue(6)
        self.point = Dot()
        self.point.setZValue(12)
        plot.addItem(self.path, ignoreBounds=True)
        plot.addItem(self.point, ignoreBounds=True)
        self.xy = np.zeros((1, 2))
        self.last = 0

    def set_run(self, xy: np.ndarray, last_valid: int) -> None:
        ok = drawable(xy[:, 0], xy[:, 1])
        self.xy = np.where(ok[:, None], xy, np.nan)
        self.last = last_valid

    def show_upto(self, t: int) -> tuple[float, float] | None:
        n = min(t, self.last) + 1
        idx = decimated(n)
        pts = self.xy[:n][idx]
        keep = ~np.isnan(pts[:, 0])
        pts = pts[keep]
        self.path.setData(pts[:, 0], pts[:, 1])
        if not len(pts):
            self.point.setVisible(False)
            return None
        x, y = float(pts[-1, 0]), float(pts[-1, 1])
        self.point.setVisible(True)
        self.point.setPos(x, y)
        return x, y

    def style(self, width: float, size: float, selected: bool) -> None:
        self.path.setPen(pg.mkPen(self.color, width=width * (1.0 if selected else 0.85)))
        self.point.set_style(
            size * (1.6 if selected else 1.3), pg.mkPen("k", width=2), pg.mkBrush(self.color)
        )

    def remove(self, plot: pg.PlotItem) -> None:
        plot.removeItem(self.path)
        plot.removeItem(self.point)


class SurfacePlot(pg.PlotWidget):
    """f(x, y) with the run (or the race) on it; click or drag the start."""

    def __init__(self, model: DescentModel) -> None:
        super().__init__(enableMenu=False)
        if QPixmapCache.cacheLimit() < PIXMAP_CACHE_KIB:
            QPixmapCache.setCacheLimit(PIXMAP_CACHE_KIB)
        self.model = model
        self._drawn_key: tuple | None = None
        self._width, self._size = 2.0, 10.0
        plot = self.getPlotItem()
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "y")
        for name in ("left", "bottom"):
            plot.getAxis(name).enableAutoSIPrefix(False)
            plot.getAxis(name).setCacheMode(_CACHED)
        # one unit is as long across as up: a zig-zag is drawn at its true angles
        self.view_box.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        self.image.setCacheMode(_CACHED)
        plot.addItem(self.image)
        # every contour line in one path (one cached pixmap, one drawPath when the view moves)
        self.contours = QGraphicsPathItem(self.image)
        self.contours.setCacheMode(_CACHED)
        self._contour_levels = 0
        self.minima_item = pg.ScatterPlotItem(symbol="star", brush=pg.mkBrush(HIGHLIGHT_COLOR))
        self.minima_item.setZValue(8)
        self.minima_item.setCacheMode(_CACHED)
        plot.addItem(self.minima_item)
        self.runners: list[Runner] = []
        # pinned runs made on this surface: dashed, under the race
        self.pins = PinCurves(plot, dashed=True)
        self.dots = pg.ScatterPlotItem()
        self.dots.setZValue(7)
        plot.addItem(self.dots, ignoreBounds=True)
        self._dot_xy = np.zeros((0, 2))
        self._dots_shown = -1
        self.numbers: list[PixelText] = []
        for _ in range(MAX_NUMBERED):
            text = PixelText(RUNNER_COLORS[0])
            text.setZValue(15)
            plot.addItem(text, ignoreBounds=True)
            self.numbers.append(text)
        self.gradient_line = QGraphicsLineItem()
        self.gradient_head = ArrowHead()
        self.velocity_line = QGraphicsLineItem()
        self.velocity_head = ArrowHead()
        for item in (self.gradient_line, self.velocity_line, self.gradient_head,
                     self.velocity_head):  # fmt: skip
            item.setZValue(13)
            plot.addItem(item, ignoreBounds=True)
        self.start_handle = pg.TargetItem(size=16, symbol="o", movable=True)
        self.start_handle.setZValue(20)
        self.start_handle.setCacheMode(_CACHED)
        self.start_handle.setToolTip("Drag to move the start (or click the surface)")
        plot.addItem(self.start_handle)
        self.legend = RaceLegend()
        self.legend.setToolTip("Click a runner to show its worked steps, table and practice")
        self.scene().addItem(self.legend)
        self.start_handle.sigPositionChangeFinished.connect(self._on_start_handle_released)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.view_box.sigResized.connect(self._on_view_changed)
        self.view_box.sigRangeChanged.connect(self._on_view_changed)
        self._numbers_allowed = [True] * MAX_NUMBERED
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        if model.on_surface:
            self.render_run()
            self.render_frame()

    @property
    def selected_runner(self) -> Runner:
        return self.runners[self.model.selected_index]

    @property
    def view_box(self) -> pg.ViewBox:
        return self.getPlotItem().getViewBox()

    # ----- the model -----------------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if not self.model.on_surface:
            self._drawn_key = None
            return
        if what in ("settings", "pins", "restored"):
            self.render_pins()
        if what == "settings":
            self.render_run()
            self.render_frame()
        elif what in ("frame", "practice"):
            self.render_frame()
        elif what == "preset":
            self.show_whole_surface()

    def render_run(self) -> None:
        """The image, contours and minima (when the surface changed) and every runner."""
        s = self.model.settings
        key = (s.objective, s.kappa, s.angle)
        surface = self.model.surface
        if key != self._drawn_key:
            self._drawn_key = key
            self._draw_surface(surface)
            self.show_whole_surface()
        runners = self.model.runners()
        sel = self.model.selected_index
        while len(self.runners) > len(runners):
            self.runners.pop().remove(self.getPlotItem())
        while len(self.runners) < len(runners):
            color = RUNNER_COLORS[len(self.runners) % len(RUNNER_COLORS)]
            self.runners.append(Runner(self.getPlotItem(), color))
        for k, (runner, (_racer, traj)) in enumerate(zip(self.runners, runners, strict=True)):
            runner.set_run(traj.x, traj.last_valid)
            runner.style(self._width, self._size, k == sel)
        traj = self.model.trajectory
        count = traj.last_valid + 1 if traj.last_valid + 1 <= MAX_DOTS + 1 else 0
        chosen = self.runners[sel]
        self._dot_xy = chosen.xy[:count]
        self._dots_shown = -1
        for k, text in enumerate(self.numbers):
            if k <= traj.last_valid and not math.isnan(chosen.xy[k, 0]):
                text.setText(str(k))
                text.setPos(float(chosen.xy[k, 0]), float(chosen.xy[k, 1]))
                text.set_anchor(-0.25, 1.1)
        self._choose_numbers()
        self.legend.set_runners([r.color for r in self.runners], sel)
        self.legend.corner = None
        color = self.runners[sel].color
        self.dots.setBrush(pg.mkBrush(color))
        for text in self.numbers:
            text.setBrush(pg.mkBrush(color))
        self.start_handle.setPen(pg.mkPen(color, width=2))
        self.legend.setVisible(len(runners) > 1)
        self._place_start_handle()

    def render_pins(self) -> None:
        """Every pinned run made on this very surface (the same κ and angle for the ravine)."""
        here = surface_key(self.model.settings)
        self.pins.sync(
            self.model.pins,
            _pin_path,
            self.model.settings.objective,
            shown=lambda pin: pin.settings.on_surface and surface_key(pin.settings) == here,
        )

    def _draw_surface(self, surface: Surface) -> None:
        (x_lo, x_hi), (y_lo, y_hi) = surface.x_range, surface.y_range
        # a margin around the view so a run that strays a little stays on the map
        wx, wy = x_hi - x_lo, y_hi - y_lo
        x_range, y_range = (x_lo - wx, x_hi + wx), (y_lo - wy, y_hi + wy)
        values = shaded(surface_grid(surface, x_range, y_range, IMAGE_SAMPLES))
        lo, hi = float(values.min()), float(values.max())
        self.image.setImage(values, levels=(lo, hi), lut=_HEAT.getLookupTable(nPts=256))
        self.image.setRect(QRectF(x_range[0], y_range[0], x_range[1] - x_range[0],
                                  y_range[1] - y_range[0]))  # fmt: skip
        levels = np.linspace(lo, hi, CONTOUR_LEVELS + 2)[1:-1]
        self.contours.setPath(contour_path(values, levels))
        self.contours.setPen(pg.mkPen(QColor(70, 90, 120, 150), width=1))
        self._contour_levels = len(levels)
        minima = surface.minima
        self.minima_item.setData(minima[:, 0], minima[:, 1]) if len(minima) else (
            self.minima_item.setData([], [])
        )

    def show_whole_surface(self) -> None:
        """The surface's usual view (widened to the runs' starts)."""
        surface = self.model.surface
        self.view_box.setRange(xRange=surface.x_range, yRange=surface.y_range, padding=0.02)
        self.legend.place(self.view_box)

    def zoom_to_run(self) -> None:
        """Fit the view to the selected run's iterates up to the current step."""
        xy = self.selected_runner.xy[: self.model.shown_step() + 1] if self.runners else None
        if xy is None:
            return
        ok = ~np.isnan(xy[:, 0])
        if not ok.any():
            return
        lo, hi = xy[ok].min(axis=0), xy[ok].max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        self.view_box.setRange(
            xRange=(lo[0] - 0.15 * span[0], hi[0] + 0.15 * span[0]),
            yRange=(lo[1] - 0.15 * span[1], hi[1] + 0.15 * span[1]),
            padding=0,
        )

    # ----- per frame -----------------------------------------------------------------------
    def render_frame(self) -> None:
        model = self.model
        if not model.on_surface or len(self.runners) != len(model.settings.racers) + 1:
            return  # (a view change while a new race is being drawn: render_run follows)
        t = model.frame
        shown = model.shown_step()
        sel = model.selected_index
        for k, runner in enumerate(self.runners):
            at = runner.show_upto(shown if k == sel else t)
            if k == sel:
                self._show_arrows(at, shown)
        n = min(shown + 1, len(self._dot_xy))
        if n != self._dots_shown:
            self._dots_shown = n
            pts = self._dot_xy[:n]
            pts = pts[~np.isnan(pts[:, 0])]
            self.dots.setData(pts[:, 0], pts[:, 1])
            for k, text in enumerate(self.numbers):
                text.setVisible(
                    k < min(n, shown + 1) and k < len(self._dot_xy) and self._numbers_allowed[k]
                )
        if len(self.runners) > 1:
            self.legend.set_texts([model.runner_status(k) for k in range(len(self.runners))])
            if self.legend.corner is None:
                paths = [r.xy[decimated(len(r.xy))] for r in self.runners]
                self.legend.choose_corner(self.view_box, [*paths, model.surface.minima])
            self.legend.place(self.view_box)

    def _show_arrows(self, at: tuple[float, float] | None, t: int) -> None:
        traj = self.model.trajectory
        arrows = (
            (self.gradient_line, self.gradient_head, traj.gradient_step(t)),
            (self.velocity_line, self.velocity_head, traj.velocity_step(t)),
        )
        (x_lo, x_hi), (y_lo, y_hi) = self.view_box.viewRange()
        limit = np.array([3 * (x_hi - x_lo), 3 * (y_hi - y_lo)])
        for line, head, step in arrows:
            visible = at is not None and step is not None and bool(np.any(step != 0))
            line.setVisible(visible)
            head.setVisible(visible)
            if not visible:
                continue
            d = np.clip(np.asarray(step, dtype=float), -limit, limit)
            x, y = at
            line.setLine(x, y, x + d[0], y + d[1])
            head.setPos(x + d[0], y + d[1])
            a = self.view_box.mapViewToScene(QPointF(x, y))
            b = self.view_box.mapViewToScene(QPointF(x + d[0], y + d[1]))
            head.setRotation(math.degrees(math.atan2(b.y() - a.y(), b.x() - a.x())))

    def _on_view_changed(self, *_args) -> None:
        self.legend.corner = None  # chosen again at the next frame
        self.legend.place(self.view_box)
        self._choose_numbers()
        self._dots_shown = -1
        if self.model.on_surface and self.runners:
            self.render_frame()

    def _choose_numbers(self) -> None:
        """Number only iterates at least a label's size apart on screen (a run settling in
        a minimum would otherwise print its numbers on top of each other)."""
        if not self.runners:
            return
        (x_lo, x_hi), (y_lo, y_hi) = self.view_box.viewRange()
        vb = self.view_box
        sx = max(vb.width(), 100.0) / max(x_hi - x_lo, 1e-300)
        sy = max(vb.height(), 100.0) / max(y_hi - y_lo, 1e-300)
        xy = self.selected_runner.xy
        gap = 1.6 * QFontMetricsF(self.numbers[0].font()).height()
        kept: list[tuple[float, float]] = []
        allowed = []
        for k in range(MAX_NUMBERED):
            ok = k < len(xy) and not math.isnan(xy[k, 0])
            if ok:
                px, py = xy[k, 0] * sx, -xy[k, 1] * sy
                ok = all(math.hypot(px - a, py - b) >= gap for a, b in kept)
                if ok:
                    kept.append((px, py))
            allowed.append(ok)
        self._numbers_allowed = allowed

    # ----- the start from the mouse --------------------------------------------------------
    def set_start_from_plot(self, x: float, y: float) -> None:
        """Start the run (and every racer) at (x, y), rounded to what the view resolves."""
        (lo, hi), _ = self.view_box.viewRange()
        decimals = max(0, 3 - math.floor(math.log10(max(hi - lo, 1e-12))))
        x0, y0 = round(float(x), decimals), round(float(y), decimals)
        if not (math.isfinite(x0) and math.isfinite(y0)):
            return
        s = self.model.settings
        if (x0, y0) == (s.x0, s.y0):
            return
        try:
            self.model.update(x0=x0, y0=y0, frame=s.steps)
        except ValueError:
            pass

    def _on_scene_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        row = self.legend.row_at(event.scenePos())
        if row is not None:
            # a legend entry picks the runner whose steps show (not a new start)
            self.model.select_runner(row)
            return
        if self.legend.isVisible() and self.legend.sceneBoundingRect().contains(event.scenePos()):
            return
        if event.isAccepted() and getattr(event, "acceptedItem", None) is self.start_handle:
            return
        if not self.view_box.sceneBoundingRect().contains(event.scenePos()):
            return
        p = self.view_box.mapSceneToView(event.scenePos())
        self.set_start_from_plot(p.x(), p.y())

    def _on_start_handle_released(self) -> None:
        pos = self.start_handle.pos()
        self.set_start_from_plot(pos.x(), pos.y())
        self._place_start_handle()

    def _place_start_handle(self) -> None:
        s = self.model.settings
        with QSignalBlocker(self.start_handle):
            self.start_handle.setPos(QPointF(s.x0, s.y0))

    # ----- looks ---------------------------------------------------------------------------
    def apply_styles(self, width: float, size: float, font: QFont) -> None:
        self._width, self._size = width, size
        for k, runner in enumerate(self.runners):
            runner.style(width, size, k == self.model.selected_index)
        self.dots.setSize(size * 0.7)
        self.dots.setPen(pg.mkPen("w", width=1))
        self.minima_item.setSize(size * 2.2)
        self.minima_item.setPen(pg.mkPen("#7A4F00", width=1))
        for text in self.numbers:
            text.setFont(font)
        for line, head, color in (
            (self.gradient_line, self.gradient_head, GRADIENT_COLOR),
            (self.velocity_line, self.velocity_head, VELOCITY_COLOR),
        ):
            line.setPen(pg.mkPen(color, width=width * 1.25))
            head.set_style(size * 1.6, color)
        # (a little smaller than the numbers: five runners must fit a square plot)
        self.legend.set_font(scaled_font(font, 0.9))
        self.pins.apply_style(width, size)
        if self.model.on_surface:
            self.render_frame()

    # ----- reading what is shown -----------------------------------------------------------
    def current_point(self) -> tuple[float, float] | None:
        if not self.runners or not self.selected_runner.point.isVisible():
            return None
        pos = self.selected_runner.point.pos()
        return pos.x(), pos.y()

    def pin_points(self, pin: PinnedRun) -> tuple[np.ndarray, np.ndarray] | None:
        """The points a pinned run is drawn through on this surface (None: not drawn here)."""
        item = self.pins.items.get(pin)
        if item is None or not item.isVisible():
            return None
        return self.pins.points(pin)

    def runner_points(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """The points runner ``index``'s path is drawn through (up to the step shown)."""
        return self.runners[index].path.getData()

    def legend_texts(self) -> list[str]:
        return self.legend.texts() if self.legend.isVisible() else []

    def image_values(self) -> np.ndarray:
        return np.asarray(self.image.image)

    def contour_count(self) -> int:
        """How many contour levels are drawn."""
        return self._contour_levels

    def start_handle_position(self) -> tuple[float, float]:
        pos = self.start_handle.pos()
        return pos.x(), pos.y()

    def widget_pos(self, x: float, y: float):
        """Where the data point (x, y) is in the viewport's pixels (to click on it)."""
        return self.mapFromScene(self.view_box.mapViewToScene(QPointF(x, y)))
