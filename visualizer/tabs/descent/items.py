"""Colours and graphics items of the descent plots, items painted by Qt itself.

A frame of the animation moves a few of these with ``setPos``, far cheaper than regenerating a
scatter's data (no Python runs when they paint). Also: which points can be drawn at all, and
how long runs are thinned.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPalette, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsSimpleTextItem,
    QLabel,
    QWidget,
)

from visualizer.compute.descent import Trajectory
from visualizer.tabs.descent.model import PinnedRun
from visualizer.widgets.plot_style import RUN_COLORS

CURRENT_COLOR = RUN_COLORS[0]
#: Pinned runs take these in turn (a pin's slot picks one).
PIN_COLORS = RUN_COLORS[1:]
#: The runners of a race, in their places (none of the arrows' colours).
RUNNER_COLORS = ("#0072B2", "#CC79A7", "#E69F00", "#000000", "#56B4E9", "#8C510A")
GRADIENT_COLOR = "#D55E00"
VELOCITY_COLOR = "#009E73"
CURVE_COLOR = "#333333"
DERIVATIVE_COLOR = "#7F7F7F"

#: Points further out than this are not drawn (Qt's raster paths misbehave with coordinates
#: near 1e300); the table and the status line still report them.
DRAW_LIMIT = 1e12
#: Points the trail line is drawn with at most (longer runs are decimated evenly).
MAX_TRAIL_POINTS = 2000
#: Runs up to this many steps mark every iterate with a symbol.
MAX_TRAIL_DOTS = 200

_CACHED = QGraphicsItem.CacheMode.DeviceCoordinateCache


def drawable(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mask of points that are finite and within DRAW_LIMIT in both coordinates."""
    with np.errstate(invalid="ignore"):
        return (np.abs(x) <= DRAW_LIMIT) & (np.abs(y) <= DRAW_LIMIT)


def decimated(n: int) -> np.ndarray | slice:
    """Indices 0..n-1 thinned evenly to at most MAX_TRAIL_POINTS, always keeping the last."""
    if n <= MAX_TRAIL_POINTS:
        return slice(0, n)
    stride = math.ceil(n / MAX_TRAIL_POINTS)
    idx = np.arange(0, n, stride)
    if idx[-1] != n - 1:
        idx = np.append(idx, n - 1)
    return idx


def set_text_color(label: QLabel, color: str) -> None:
    """Colour a label's text with its palette, not a style sheet: a style sheet would freeze
    the label's font size when the window zooms or enters presentation mode."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
    label.setPalette(palette)


class PixelText(QGraphicsSimpleTextItem):
    """Text of fixed pixel size at a data position, anchored like pg.TextItem: the iterate
    numbers."""

    def __init__(self, color: str) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setBrush(pg.mkBrush(color))
        self.setCacheMode(_CACHED)
        self._anchor = (0.5, 1.2)

    def set_anchor(self, ax: float, ay: float) -> None:
        self._anchor = (ax, ay)
        self._apply_anchor()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._apply_anchor()

    def setFont(self, font: QFont) -> None:
        super().setFont(font)
        self._apply_anchor()

    def anchor(self) -> tuple[float, float]:
        return self._anchor

    def _apply_anchor(self) -> None:
        rect = self.boundingRect()
        ax, ay = self._anchor
        self.setTransform(QTransform.fromTranslate(-ax * rect.width(), -ay * rect.height()))


class ArrowHead(QGraphicsPolygonItem):
    """A filled triangle of fixed pixel size whose tip sits at its position."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._right = True

    def set_style(self, length: float, color: str) -> None:
        half = 0.45 * length
        self.setPolygon(QPolygonF([QPointF(0, 0), QPointF(-length, -half), QPointF(-length, half)]))
        self.setPen(pg.mkPen(color))
        self.setBrush(pg.mkBrush(color))

    def point(self, *, right: bool) -> None:
        if right != self._right:
            self._right = right
            self.setRotation(0.0 if right else 180.0)


class StepArrows:
    """At the current point: the tangent, where a plain gradient step would go (-lr f') and
    the push of the carried velocity (-lr v), as horizontal arrows."""

    def __init__(self) -> None:
        self.tangent = QGraphicsLineItem()
        self.gradient_line = QGraphicsLineItem()
        self.gradient_head = ArrowHead()
        self.velocity_line = QGraphicsLineItem()
        self.velocity_head = ArrowHead()

    def arrow_items(self) -> list[QGraphicsItem]:
        """The arrows' items, in the order they stack (the tangent is added on its own)."""
        return [self.gradient_line, self.velocity_line, self.gradient_head, self.velocity_head]

    def show_at(
        self,
        traj: Trajectory,
        t: int,
        x: float,
        f: float,
        view: list[list[float]],
    ) -> None:
        """Draw the arrows of step ``t`` at the point (x, f), sized for the ``view`` range."""
        (x_lo, x_hi), (y_lo, y_hi) = view
        width, height = x_hi - x_lo, y_hi - y_lo
        # Tangent: a short segment with the slope f'(x_t), 10% of the view wide.
        (x1, y1), (x2, y2) = traj.tangent(t, 0.05 * width)
        self.tangent.setLine(x1, y1, x2, y2)
        self.tangent.setVisible(True)
        _set_arrow(self.gradient_line, self.gradient_head, x, f, traj.gradient_step(t), width)
        step = traj.velocity_step(t)
        if step is None:
            self.velocity_line.setVisible(False)
            self.velocity_head.setVisible(False)
        else:
            y = f - 0.06 * height
            _set_arrow(self.velocity_line, self.velocity_head, x, y, step, width)

    def hide(self) -> None:
        for item in (self.tangent, *self.arrow_items()):
            item.setVisible(False)

    def apply_style(self, width: float, size: float) -> None:
        self.tangent.setPen(
            pg.mkPen(GRADIENT_COLOR, width=max(1.0, width * 0.6), style=Qt.PenStyle.DashLine)
        )
        for line, head, color in (
            (self.gradient_line, self.gradient_head, GRADIENT_COLOR),
            (self.velocity_line, self.velocity_head, VELOCITY_COLOR),
        ):
            line.setPen(pg.mkPen(color, width=width * 1.25))
            head.set_style(size * 1.6, color)

    def lengths(self) -> tuple[float | None, float | None]:
        """Horizontal lengths of the gradient and velocity arrows (None when hidden)."""
        out: list[float | None] = []
        for line in (self.gradient_line, self.velocity_line):
            out.append(line.line().dx() if line.isVisible() else None)
        return out[0], out[1]


def _set_arrow(
    line: QGraphicsLineItem, head: ArrowHead, x: float, y: float, dx: float, width: float
) -> None:
    # Clip to a few view widths: a diverging run would make a line the view cannot draw.
    dx = max(-3 * width, min(3 * width, dx))
    visible = dx != 0.0
    line.setVisible(visible)
    head.setVisible(visible)
    if not visible:
        return
    line.setLine(x, y, x + dx, y)
    head.setPos(x + dx, y)
    head.point(right=dx > 0)


class TrailPath(QGraphicsPathItem):
    """The trail's line: a path painted by Qt itself, with PlotDataItem's setData/getData."""

    def __init__(self) -> None:
        super().__init__()
        self._xy = (np.zeros(0), np.zeros(0))

    def setData(self, x: np.ndarray, y: np.ndarray) -> None:
        self._xy = (np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        if len(x) >= 2:
            self.setPath(pg.arrayToQPath(self._xy[0], self._xy[1], connect="all"))
        else:
            self.setPath(QPainterPath())

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self._xy


class Dot(QGraphicsEllipseItem):
    """A marker of fixed pixel size placed with ``setPos`` (unlike a one-point
    ScatterPlotItem, no Python runs when it paints): the point that moves every frame."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        # a moved marker is drawn from its pixmap (a translation keeps the cache)
        self.setCacheMode(_CACHED)

    def set_style(self, size: float, pen: QPen, brush: QBrush) -> None:
        self.setRect(-size / 2, -size / 2, size, size)
        self.setPen(pen)
        self.setBrush(brush)


class LabelHost(QWidget):
    """Holds a label without a layout, so text changes never re-run the parent's layout."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def resizeEvent(self, event) -> None:
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)


class PinCurves:
    """One curve per pinned run on a plot, in the pin's colour, under the current run; pins
    made on another curve than the one shown are hidden."""

    def __init__(
        self, plot: pg.PlotItem, *, downsample: bool = False, dashed: bool = False
    ) -> None:
        self._plot = plot
        self._downsample = downsample
        #: Dashed lines (on a surface, where the race's runners are solid lines).
        self._dashed = dashed
        self._width = 2.0
        self._size = 10.0
        self.items: dict[PinnedRun, pg.PlotDataItem] = {}

    def sync(
        self,
        pins: tuple[PinnedRun, ...],
        points: Callable[[PinnedRun], tuple[np.ndarray, np.ndarray]],
        objective: str,
        shown: Callable[[PinnedRun], bool] | None = None,
    ) -> None:
        """Draw ``pins`` (``points(pin)`` gives what to draw) and drop the others; a pin is
        shown when ``shown(pin)`` (default: it was made on ``objective``)."""
        for pin in [p for p in self.items if p not in pins]:
            self._plot.removeItem(self.items.pop(pin))
        for pin in pins:
            item = self.items.get(pin)
            if item is None:
                item = self.items[pin] = pg.PlotDataItem()
                if self._downsample:
                    item.setDownsampling(auto=True, method="peak")
                    item.setClipToView(True)
                item.curve.setCacheMode(_CACHED)
                item.scatter.setCacheMode(_CACHED)
                item.setZValue(-1)  # under the current run, which stays on top
                self._style(pin, item)
                self._plot.addItem(item)
            x, y = points(pin)
            item.setData(x, y)
            item.setSymbol("s" if pin.trajectory.last_valid + 1 <= MAX_TRAIL_DOTS else None)
            item.setVisible(
                shown(pin) if shown is not None else pin.settings.objective == objective
            )

    def _style(self, pin: PinnedRun, item: pg.PlotDataItem) -> None:
        color = PIN_COLORS[pin.slot % len(PIN_COLORS)]
        style = Qt.PenStyle.DashLine if self._dashed else Qt.PenStyle.SolidLine
        item.setPen(pg.mkPen(color, width=self._width, style=style))
        item.setSymbolBrush(pg.mkBrush(color))
        item.setSymbolPen(None)
        item.setSymbolSize(self._size * 0.55)

    def apply_style(self, width: float, size: float) -> None:
        self._width, self._size = width, size
        for pin, item in self.items.items():
            self._style(pin, item)

    def points(self, pin: PinnedRun) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.items[pin].getData()
        return np.asarray(x), np.asarray(y)

    def drawn(self) -> int:
        """How many pinned runs are drawn (made on the curve shown)."""
        return sum(item.isVisible() for item in self.items.values())
