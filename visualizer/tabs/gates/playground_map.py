"""The playground's big map: the output's decision region as a heat map under the points.

Orange means class 0, blue class 1 (for the map: p near 0 or 1, white at p = 0.5). Training
points are filled dots, test points hollow rings. Click to add a point of class 1,
Shift-click for class 0, drag a point to move it, right-click a point to delete it: the
view box turns mouse events into the model's ``add_point`` / ``move_point`` /
``delete_point`` and draws what the model then holds. A neuron clicked in the network shows
its own map here instead. Items are made once; a training frame only calls ``setImage``.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QApplication, QGraphicsItem, QSizePolicy, QWidget

from visualizer.tabs.gates import playground_texts
from visualizer.tabs.gates.map_nodes import MapNodesItem
from visualizer.tabs.gates.maps import CLASS_COLORS, big_map_levels, colour_words
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.pens import cached_brush, cached_pen
from visualizer.tabs.gates.playground import MAP_RESOLUTION
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import marker_size

#: How near (in pixels) a click must be to a point to move or delete it.
PICK_RADIUS = 12.0


class PointsViewBox(pg.ViewBox):
    """A view box that hands clicks and drags to its map (no panning or zooming)."""

    def __init__(self, owner: PlaygroundMap) -> None:
        super().__init__(lockAspect=True, enableMenu=False)
        self._owner = owner
        self.setMouseEnabled(False, False)

    def mouseClickEvent(self, ev) -> None:
        pos = self.mapSceneToView(ev.scenePos())
        if ev.button() == Qt.MouseButton.LeftButton:
            shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._owner.click_at(pos.x(), pos.y(), shift=shift)
            ev.accept()
        elif ev.button() == Qt.MouseButton.RightButton:
            self._owner.right_click_at(pos.x(), pos.y())
            ev.accept()
        else:
            ev.ignore()

    def mouseDragEvent(self, ev, axis=None) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            start = self.mapSceneToView(ev.buttonDownScenePos())
            self._owner.drag_start(start.x(), start.y())
        pos = self.mapSceneToView(ev.scenePos())
        if ev.isFinish():
            self._owner.drag_finish(pos.x(), pos.y())
        else:
            self._owner.drag_move(pos.x(), pos.y())


class PlaygroundMap(pg.PlotWidget):
    """The output (or a neuron) over the plane, with the training and test points."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        self.view_box = PointsViewBox(self)
        super().__init__(parent, viewBox=self.view_box, enableMenu=False)
        self._model = model
        self._presentation = False
        self._dragged: int | None = None
        self.hideButtons()
        self.setLabel("bottom", "x")
        self.setLabel("left", "y")
        for side in ("bottom", "left"):  # a frame repaints their edge from a pixmap
            self.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        # The heat map: one image set as the 32-bit words Qt draws as they are.
        self.image_item = MapNodesItem(pad=0.0)
        self.addItem(self.image_item)
        self.train_points = pg.ScatterPlotItem()
        self.test_points = pg.ScatterPlotItem()
        self.drag_marker = pg.ScatterPlotItem()
        for z, item in enumerate((self.train_points, self.test_points, self.drag_marker)):
            item.setZValue(10 + z)
            self.addItem(item)
        # The points change only when edited: a frame repaints them from a pixmap.
        for item in (self.train_points, self.test_points):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.drag_marker.setVisible(False)
        # The key sits in its own row under the plot, never over the points.
        self.legend = pg.LegendItem(colCount=2)
        self._legend_right: bool | None = None
        self._place_legend(right=False)
        self._key_items = [
            pg.ScatterPlotItem(symbol="o", size=11, brush=pg.mkBrush(CLASS_COLORS[1]),
                               pen=pg.mkPen("w")),
            pg.ScatterPlotItem(symbol="o", size=11, brush=pg.mkBrush(CLASS_COLORS[0]),
                               pen=pg.mkPen("w")),
            pg.ScatterPlotItem(symbol="o", size=11, brush=pg.mkBrush("w"),
                               pen=pg.mkPen("k", width=2)),
        ]  # fmt: skip
        for item, name in zip(
            self._key_items, ("class 1", "class 0", "hollow: test point"), strict=True
        ):
            self.legend.addItem(item, name)
        self._shown_extent: tuple[float, float] | None = None
        self._framing: tuple | None = None
        self._grid = np.zeros((1, 1))
        self._axes = (np.zeros(1), np.zeros(1))
        self._tick_step: float | None = None
        # The heat map fills whatever the (aspect-locked) view shows, not just the data square.
        self.view_box.sigRangeChanged.connect(self._on_range_changed)
        model.subscribe(self._on_model_changed)
        self.redraw()

    def _place_legend(self, right: bool) -> None:
        """The key in a column right of a wide plot, or in rows under a tall one."""
        if right == self._legend_right:
            return
        layout = self.getPlotItem().layout
        if self._legend_right is not None:
            layout.removeItem(self.legend)
        self._legend_right = right
        layout.addItem(self.legend, 2, 3) if right else layout.addItem(self.legend, 4, 1)
        # Its own size, not the plot's height: the entries stay together.
        policy = QSizePolicy.Policy.Fixed
        self.legend.setSizePolicy(policy, policy)
        self.legend.setColumnCount(1 if right else 2)

    def resizeEvent(self, event) -> None:
        # PlotWidget.__init__ calls this with None before this class has set itself up.
        if event is not None and getattr(self, "legend", None) is not None:
            size = event.size()
            self._place_legend(right=size.width() > 1.4 * size.height())
        super().resizeEvent(event)

    def _on_model_changed(self, what: str) -> None:
        if not self._model.is_playground():
            return
        if what == "settings":
            self.redraw()
        elif what == "map":
            self._draw_map()
        elif what == "frame":  # a training frame changes the image only
            self._draw_map(framing=False)

    def _on_range_changed(self, *_args: object) -> None:
        if not self._model.is_playground():
            return
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        self._space_ticks(x1 - x0)
        if self._model.set_map_window((x0, x1, y0, y1)):
            self._draw_map()

    def _space_ticks(self, span: float) -> None:
        """Whole-number ticks at least ~44 pixels apart on both axes (the same units on
        both, so the cells stay square), never a crowd of labels on a projector."""
        width = max(self.view_box.width(), 1.0)
        per_pixel = span / width
        step = next(s for s in (0.25, 0.5, 1, 2, 5, 10, 20, 50, 100) if s / per_pixel >= 44
                    or s == 100)  # fmt: skip
        if step != self._tick_step:
            self._tick_step = step
            for side in ("bottom", "left"):
                self.getAxis(side).setTickSpacing(levels=[(step, 0)])

    def set_presentation(self, on: bool) -> None:
        self._presentation = bool(on)
        if self._model.is_playground():
            self.redraw()

    # ----- drawing -------------------------------------------------------------------------
    def redraw(self) -> None:
        """Points, range and map as the model holds them now."""
        model = self._model
        if not model.is_playground():
            return
        font = scaled_font(QApplication.font(), 0.95 if self._presentation else 0.85)
        self.legend.setLabelTextSize(f"{font.pointSizeF():.1f}pt")
        for _sample, label in self.legend.items:
            label.setText(label.text, size=f"{font.pointSizeF():.1f}pt")
        run = model.play
        assert run is not None
        if run.extent != self._shown_extent:
            self._shown_extent = run.extent
            lo, hi = run.extent
            self.setRange(xRange=(lo, hi), yRange=(lo, hi), padding=0)
        self._draw_points()
        self._draw_map()

    def _draw_points(self) -> None:
        run = self._model.play
        assert run is not None
        size = 9.0 if not self._presentation else 11.0  # many points: smaller than markers
        split = run.split
        brushes = [cached_brush(CLASS_COLORS[int(c)]) for c in split.y_train]
        self.train_points.setData(
            pos=split.X_train, size=size, brush=brushes, pen=cached_pen("w", 1.2),
            data=split.train_index,
        )  # fmt: skip
        pens = [cached_pen(CLASS_COLORS[int(c)], 2.5) for c in split.y_test]
        self.test_points.setData(
            pos=split.X_test, size=size, brush=cached_brush(255, 255, 255), pen=pens,
            data=split.test_index,
        )  # fmt: skip

    def _draw_map(self, framing: bool = True) -> None:
        """The map's image; with ``framing``, also its place and title (which a training frame
        never changes)."""
        model = self._model
        grid = model.big_map()
        self._grid = grid
        grid_axes = model.play_grid()
        axes = (grid_axes.xs, grid_axes.ys)
        xs, ys = axes
        step = xs[1] - xs[0]
        rect = QRectF(xs[0] - step / 2, ys[0] - step / 2, step * xs.size, step * ys.size)
        if framing or axes[0].size != self._axes[0].size or axes[1].size != self._axes[1].size:
            self.image_item.set_places([rect], [0])
        self._axes = axes
        # Coloured here in one lookup and set as it is: no levels or colour table to apply.
        words = colour_words(grid, big_map_levels(model, grid))
        self.image_item.set_images(words[None], [grid])
        if not framing:
            return
        font = scaled_font(QApplication.font(), 1.0 if self._presentation else 0.9)
        title = (playground_texts.map_title(model), f"{font.pointSizeF():.1f}pt")
        # A training frame changes only the image: the rest is set when it changes.
        if (rect, title) != self._framing:
            self._framing = (rect, title)
            self.setTitle(title[0], size=title[1])

    # ----- the mouse -------------------------------------------------------------------------
    def nearest_point(self, x: float, y: float) -> int | None:
        """The index of the point within PICK_RADIUS pixels of (x, y), if any."""
        points = np.array([p[:2] for p in self._model.play_points()], dtype=float)
        if points.size == 0:
            return None
        px, py = self.view_box.viewPixelSize()
        distance = np.hypot((points[:, 0] - x) / px, (points[:, 1] - y) / py)
        k = int(np.argmin(distance))
        return k if distance[k] <= PICK_RADIUS else None

    def click_at(self, x: float, y: float, *, shift: bool = False) -> None:
        """A click adds a point of class 1 there (Shift: class 0)."""
        if not self._model.is_playground():
            return
        try:
            self._model.add_point(x, y, 0 if shift else 1)
        except ValueError as exc:
            self._model.say(str(exc))

    def right_click_at(self, x: float, y: float) -> None:
        """A right-click on a point deletes it."""
        k = self.nearest_point(x, y)
        if k is not None:
            self._model.delete_point(k)

    def drag_start(self, x: float, y: float) -> None:
        self._dragged = self.nearest_point(x, y)

    def drag_move(self, x: float, y: float) -> None:
        if self._dragged is None:
            return
        label = self._model.play_points()[self._dragged][2]
        self.drag_marker.setVisible(True)
        self.drag_marker.setData(
            pos=[(x, y)], size=marker_size(self._presentation) * 1.3,
            brush=cached_brush(CLASS_COLORS[label]), pen=cached_pen("k", 2),
        )  # fmt: skip

    def drag_finish(self, x: float, y: float) -> None:
        k, self._dragged = self._dragged, None
        self.drag_marker.setData([], [])
        self.drag_marker.setVisible(False)  # hidden, it costs no paint per frame
        if k is None:
            return
        try:
            self._model.move_point(k, x, y)
        except ValueError as exc:
            self._model.say(str(exc))

    # ----- what is shown (for tests) -----------------------------------------------------------
    def image(self) -> np.ndarray:
        """The heat map over the data's square (row = y, column = x): MAP_RESOLUTION² values
        at ``np.linspace(lo, hi, MAP_RESOLUTION)`` on both axes."""
        xs, ys = self._axes
        lo, _hi = self._model.play.extent if self._model.play is not None else (xs[0], xs[-1])
        c0, r0 = int(np.argmin(np.abs(xs - lo))), int(np.argmin(np.abs(ys - lo)))
        return np.array(self._grid[r0 : r0 + MAP_RESOLUTION, c0 : c0 + MAP_RESOLUTION])

    def full_image(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Everything the heat map shows, with its samples: (grid, xs, ys)."""
        xs, ys = self._axes
        return np.array(self._grid), xs.copy(), ys.copy()

    def image_rect(self) -> tuple[float, float, float, float]:
        """The rectangle (x0, x1, y0, y1) the heat map covers."""
        xs, ys = self._axes
        half = (xs[1] - xs[0]) / 2
        return xs[0] - half, xs[-1] + half, ys[0] - half, ys[-1] + half

    def shown_window(self) -> tuple[float, float, float, float]:
        """The rectangle (x0, x1, y0, y1) the plot's view shows."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        return x0, x1, y0, y1

    def shown_points(self, kind: str) -> np.ndarray:
        """The (x, y) of the ``"train"`` or ``"test"`` points drawn."""
        item = self.train_points if kind == "train" else self.test_points
        x, y = item.getData()
        return (
            np.column_stack([np.asarray(x), np.asarray(y)]) if x is not None else np.zeros((0, 2))
        )

    def title(self) -> str:
        return self.getPlotItem().titleLabel.text
