"""The curve plot's grid: faint lines at the axes' ticks, drawn as paths inside the view.

pyqtgraph's own grid (``PlotItem.showGrid``) is drawn by the axes, which then cache a pixmap
as large as the whole view and play every line into it on the first paint: ~12 ms of a
~90 ms first paint at start-up. These paths draw the same lines (at every tick level, faded
the way pyqtgraph fades them) under the curve, in one ``drawPath`` per level, for almost
nothing; the axes keep their labels and draw no tick marks of their own, as with a grid.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

#: (axis name, the view coordinate it places: 0 for x, 1 for y)
_AXES = (("bottom", 0), ("left", 1))
#: The most tick levels pyqtgraph's axes offer (major, minor, sub-minor).
_LEVELS = 3


def level_alpha(level: int, count: int, length_px: float, strength: float) -> int:
    """Opacity (0-255) of grid level ``level`` with ``count`` lines over ``length_px`` pixels.

    As pyqtgraph fades its axis grid: 255 / (level + 1), times the grid's strength, times
    min(1, 0.05 * length / (count + 1)), so a crowded level fades away instead of greying
    the view.
    """
    crowding = min(max(0.05 * length_px / (count + 1), 0.0), 1.0)
    return int(255 / (level + 1) * strength * crowding)


class ViewGrid:
    """Grid lines at the ticks of ``plot``'s bottom and left axes, kept up with the view."""

    def __init__(self, plot: pg.PlotItem, strength: float = 0.2) -> None:
        self._plot = plot
        self._strength = strength
        self._items: dict[tuple[str, int], QGraphicsPathItem] = {}
        view = plot.getViewBox()
        for name, _coord in _AXES:
            # (the grid lines are the ticks: the axes draw none, not even a zero-length dot)
            plot.getAxis(name).setStyle(tickLength=0, tickAlpha=0)
            for level in range(_LEVELS):
                item = QGraphicsPathItem()
                item.setZValue(-1000)  # under every curve and marker
                view.addItem(item, ignoreBounds=True)
                self._items[name, level] = item
        view.sigRangeChanged.connect(self.refresh)
        view.sigResized.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args: object) -> None:
        """Redraw the lines for the current view range, size and axis colour."""
        view = self._plot.getViewBox()
        (x_lo, x_hi), (y_lo, y_hi) = view.viewRange()
        size = (view.width(), view.height())
        for name, coord in _AXES:
            axis = self._plot.getAxis(name)
            lo, hi = (x_lo, x_hi) if coord == 0 else (y_lo, y_hi)
            length = max(size[coord], 1.0)
            levels = axis.tickValues(lo, hi, length) if hi > lo else []
            colour = QColor(axis.pen().color())
            for level in range(_LEVELS):
                item = self._items[name, level]
                ticks = levels[level][1] if level < len(levels) else []
                values = [v for v in ticks if lo <= v <= hi]
                path = QPainterPath()
                for v in values:
                    if coord == 0:
                        path.moveTo(v, y_lo)
                        path.lineTo(v, y_hi)
                    else:
                        path.moveTo(x_lo, v)
                        path.lineTo(x_hi, v)
                item.setPath(path)
                colour.setAlpha(level_alpha(level, len(values), length, self._strength))
                pen = QPen(colour)
                pen.setCosmetic(True)  # one pixel wide whatever the zoom
                pen.setWidth(0)
                item.setPen(pen)

    # ----- read back (tests) ---------------------------------------------------------------
    def lines(self, axis: str) -> list[float]:
        """Where the ``"bottom"`` (x) or ``"left"`` (y) axis's grid lines are, all levels."""
        coord = dict(_AXES)[axis]
        found: list[float] = []
        for level in range(_LEVELS):
            path = self._items[axis, level].path()
            for i in range(0, path.elementCount(), 2):
                element = path.elementAt(i)
                found.append(element.x if coord == 0 else element.y)
        return sorted(found)

    def alphas(self, axis: str) -> list[int]:
        """The opacity of each level's lines on ``axis`` (major first)."""
        return [self._items[axis, level].pen().color().alpha() for level in range(_LEVELS)]
