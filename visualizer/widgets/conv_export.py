"""Vector (SVG) export of the convolution tab's grids through pyqtgraph.

The grids are painted by plain widgets for speed; for an SVG slide they are rebuilt here as
a pyqtgraph layout (one ImageItem of cell colours per grid, the numbers as TextItems when the
grid is small enough to read, the highlighted window as a rectangle), which pyqtgraph's
SVGExporter can write.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import QApplication, QGraphicsRectItem

from visualizer.widgets.grid_editor import FIXED_TEXT_COLOR, GridWidget, cell_text
from visualizer.widgets.plot_style import HIGHLIGHT_COLOR

#: Grids with more cells than this on a side are exported as colours only.
MAX_TEXT_SIDE = 16


def grids_layout(grids: list[GridWidget]) -> pg.GraphicsLayoutWidget:
    """A (hidden) pyqtgraph layout showing ``grids`` side by side, ready for SVG export."""
    view = pg.GraphicsLayoutWidget()
    font = QFont(QApplication.font())
    for column, grid in enumerate(grids):
        view.addLabel(grid.title(), row=0, col=column)
        box = view.addViewBox(row=1, col=column, lockAspect=True, invertY=True)
        box.setMouseEnabled(False, False)
        if grid.message():
            text = pg.TextItem(grid.message(), color="#c62828")
            box.addItem(text)
            continue
        values = grid.values()
        rows, cols = values.shape
        image = pg.ImageItem(grid.color_image(), axisOrder="row-major")
        image.setRect(QRectF(0, 0, cols, rows))
        box.addItem(image)
        if max(rows, cols) <= MAX_TEXT_SIDE:
            hidden = grid.hidden()
            fixed = grid.fixed()
            for r in range(rows):
                for c in range(cols):
                    if hidden[r, c]:
                        continue
                    color = FIXED_TEXT_COLOR if fixed[r, c] else QColor("black")
                    item = pg.TextItem(
                        cell_text(float(values[r, c])), color=color, anchor=(0.5, 0.5)
                    )
                    item.setFont(font)
                    item.setPos(c + 0.5, r + 0.5)
                    box.addItem(item)
        window = grid.highlight()
        if window is not None:
            r0, r1, c0, c1 = window
            rect = QGraphicsRectItem(c0, r0, c1 - c0, r1 - r0)
            pen = QPen(QColor(HIGHLIGHT_COLOR), 3)
            pen.setCosmetic(True)
            rect.setPen(pen)
            box.addItem(rect)
        box.autoRange(padding=0.05)
    return view
