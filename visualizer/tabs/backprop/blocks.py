"""A row of matrices drawn to scale: every tensor of the MLP as a heatmap block with its shape.

``BlockStrip`` paints a sequence of ``Block``s and operator glyphs ("·", "+", "=", "σ→") left
to right. One cell has the same size in every block of a strip, so a 1×K row is visibly thin
and a K×K Jacobian visibly square: the shapes are the picture. Each block is a signed heatmap
(blue positive, vermilion negative, white zero, scaled to that block's largest magnitude),
with its title above and its shape below. When one line would make the cells too small, the
strip wraps onto more lines (an operator moves with the block after it; the geometry is
``block_layout.StripLayout``'s). Blocks of up to
8×8 always show their numbers: below the legible cell size the strip asks for more height
(``needed_height``) and the scroll area around it scrolls. Bigger blocks are scaled to fit and
show numbers only when the cells are big enough; hovering a cell always reports it
(``cellHovered``) and shows the owner's explanation as a tooltip.

Inner-dimension highlights: a block can carry a coloured bar along its left edge (its rows)
and under its bottom edge (its columns), and its shape label can colour one dimension, so
the matching inner dimensions of ``A · B`` (A's columns, B's rows) share a colour.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from visualizer.tabs.backprop.block_layout import (
    BAR_PX,
    MIN_HEIGHT_PX,
    NUMBERS_UP_TO,
    Block,
    Placed,
    StripLayout,
)
from visualizer.widgets.fonts import point_size
from visualizer.widgets.plot_style import NEGATIVE_COLOR, POSITIVE_COLOR

__all__ = ["NUMBERS_UP_TO", "Block", "BlockStrip", "cell_text", "heatmap_rgb"]

# How far towards the full palette colour the largest magnitude goes: keeps black text legible.
_COLOR_STRENGTH = 0.75
_MIN_HIT_PX = 12.0
CANVAS_COLOR = QColor("#ffffff")
TEXT_COLOR = QColor("#111111")
MUTED_TEXT_COLOR = QColor("#555555")
SELECTION_COLOR = QColor("#000000")
GROUP_COLOR = QColor("#fff3c4")  # behind the factors already multiplied
NONFINITE_COLOR = QColor("#9e9e9e")
PLACEHOLDER_COLOR = QColor("#eeeeee")
#: What hovering a hidden value says in practice mode.
HIDDEN_TEXT = "Hidden in practice mode: work it out and type it in the answer box."


def cell_text(value: float) -> str:
    """The short text written in a cell: ``0``, ``0.12``, ``-3.40``, ``12.3``, ``6e-3``, ``1e3``."""
    if not np.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude < 0.01 or magnitude >= 100:
        # "6e-3", "-1e3": as short as "-0.12", so it fits the same cells.
        return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")
    if magnitude < 10:
        return f"{value:.2f}"
    return f"{value:.1f}"


class BlockStrip(QWidget):
    """Paints blocks and operators in a row; reports hover, click and double-click per cell.

    Signals
    -------
    cellHovered(str, int, int)
        The mouse is over cell (row, col) of the block with that key.
    cellClicked(str, int, int)
    cellDoubleClicked(str, int, int)
    """

    cellHovered = Signal(str, int, int)
    cellClicked = Signal(str, int, int)
    cellDoubleClicked = Signal(str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[Block | str] = []
        self._group: tuple[str, str] | None = None
        self._layout = StripLayout([], self.font())
        self._selected: tuple[str, int, int] | None = None
        self._explain: Callable[[str, int, int], str] | None = None
        self._images: dict[int, QImage] = {}
        self.setMouseTracking(True)
        self.setMinimumHeight(MIN_HEIGHT_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # ----- public -------------------------------------------------------------------------
    def set_items(self, items: list[Block | str], group: tuple[str, str] | None = None) -> None:
        """Blocks and operator strings in reading order; ``group`` = (first key, last key)
        of a run of blocks to shade (the factors already multiplied)."""
        self._images = {}
        self._items = list(items)
        self._group = group
        self._layout = StripLayout(self._items, self.font(), group)
        self._relayout()
        self.update()

    def refresh(self) -> None:
        """Lay out again (after a font change, e.g. presentation mode) and repaint."""
        self._relayout()
        self.update()

    def _image(self, block: Block) -> QImage:
        """The block's heatmap, one pixel per cell (cached until the next ``set_items``)."""
        image = self._images.get(id(block))
        if image is None:
            rgb = heatmap_rgb(block.values)
            rows, cols = rgb.shape[:2]
            image = QImage(rgb.tobytes(), cols, rows, 3 * cols, QImage.Format.Format_RGB888)
            image = image.copy()  # own the pixels: the bytes object is temporary
            self._images[id(block)] = image
        return image

    def set_explainer(self, explain: Callable[[str, int, int], str] | None) -> None:
        """``explain(key, row, col)`` gives the tooltip text of a cell."""
        self._explain = explain

    def set_selected(self, cell: tuple[str, int, int] | None) -> None:
        self._selected = cell
        self.update()

    def selected(self) -> tuple[str, int, int] | None:
        """The outlined cell (key, row, col), if any."""
        return self._selected

    def blocks(self) -> list[Block]:
        return [item for item in self._items if isinstance(item, Block)]

    def block(self, key: str) -> Block:
        for b in self.blocks():
            if b.key == key:
                return b
        raise KeyError(key)

    def operators(self) -> list[str]:
        return [item for item in self._items if isinstance(item, str)]

    def numbers_shown(self) -> bool:
        """Whether cell values are currently written as numbers (cells big enough)."""
        return self._layout.numbers_shown

    def cell_rect(self, key: str, row: int, col: int) -> QRectF:
        for placed in self._layout.placed:
            if placed.block.key == key:
                unit = self._layout.unit
                return QRectF(
                    placed.grid.left() + col * unit, placed.grid.top() + row * unit, unit, unit
                )
        raise KeyError(key)

    def cell_center(self, key: str, row: int, col: int) -> QPoint:
        return self.cell_rect(key, row, col).center().toPoint()

    def cell_at(self, pos: QPointF) -> tuple[str, int, int] | None:
        for placed in self._layout.placed:
            if placed.block.placeholder:
                continue
            # A 1×32 vector at 3 px per cell is a thin line: accept the mouse a little off it.
            grid = placed.grid
            pad_y = max(0.0, (_MIN_HIT_PX - grid.height()) / 2)
            pad_x = max(0.0, (_MIN_HIT_PX - grid.width()) / 2)
            if grid.adjusted(-pad_x, -pad_y, pad_x, pad_y).contains(pos):
                rows, cols = placed.block.values.shape
                col = int((pos.x() - grid.left()) / self._layout.unit)
                row = int((pos.y() - grid.top()) / self._layout.unit)
                col, row = min(max(col, 0), cols - 1), min(max(row, 0), rows - 1)
                return placed.block.key, row, col
        return None

    def explain(self, key: str, row: int, col: int) -> str:
        block = next((b for b in self.blocks() if b.key == key), None)
        if block is not None and (block.placeholder or block.values_hidden):
            return HIDDEN_TEXT
        return self._explain(key, row, col) if self._explain else ""

    def sizeHint(self) -> QSize:
        return QSize(800, 170)

    # ----- layout ------------------------------------------------------------------------
    # ----- layout ------------------------------------------------------------------------
    def _relayout(self) -> None:
        if self._layout.font != self.font():  # presentation, zoom: new label widths
            self._layout = StripLayout(self._items, self.font(), self._group)
        needed = self._layout.needed_height(self.width())
        if self.minimumHeight() != needed:
            self.setMinimumHeight(needed)
        self._layout.run(float(self.width()), float(self.height()))

    def needed_height(self, width: float | None = None) -> int:
        """The height the strip needs at ``width`` (its own by default) so that the numbers
        of blocks up to 8×8 are written in the cells; the scroll area around it scrolls."""
        return self._layout.needed_height(self.width() if width is None else width)

    def legible_unit(self) -> float:
        """The smallest cell (px) in which "-0.00" can be written legibly."""
        return self._layout.legible_unit()

    def numbers_required(self) -> bool:
        """Every block is at most 8×8: its numbers must be readable, never dropped."""
        return self._layout.numbers_required()

    def label_rects(self) -> list[tuple[str, QRectF]]:
        """Every text the strip writes outside the cells (titles, shapes, operators) with the
        rectangle it takes: for tests that nothing overlaps."""
        out: list[tuple[str, QRectF]] = []
        for placed in self._layout.placed:
            out.append((placed.block.title, QRectF(placed.title_rect)))
            for parts, rect in zip(placed.block.shape_lines(), placed.label_rects, strict=True):
                out.append(("".join(t for t, _ in parts), QRectF(rect)))
        out += [(text, QRectF(rect)) for text, rect, _ in self._layout.operators]
        return out

    def block_rects(self) -> dict[str, QRectF]:
        """The cells' rectangle of every block, by key."""
        return {placed.block.key: QRectF(placed.grid) for placed in self._layout.placed}

    def line_count(self) -> int:
        """On how many lines the strip is written (it wraps when one line would be too small)."""
        return len({round(p.slot.top()) for p in self._layout.placed})

    def unit(self) -> float:
        """The side of one cell in pixels."""
        return self._layout.unit

    def cell_points(self) -> float:
        """The point size of the numbers written in the cells (0 when none are written)."""
        return point_size(self._layout.cell_font) if self._layout.numbers_shown else 0.0

    def resizeEvent(self, event) -> None:
        self._relayout()
        super().resizeEvent(event)

    def changeEvent(self, event) -> None:
        # The app font changes in presentation mode and with Ctrl+= / Ctrl+-.
        if event.type() == event.Type.FontChange:
            self._relayout()
            self.update()
        super().changeEvent(event)

    # ----- painting ----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.fillRect(self.rect(), CANVAS_COLOR)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for shade in self._layout.shades:
            painter.fillRect(shade, GROUP_COLOR)
        for placed in self._layout.placed:
            self._paint_block(painter, placed)
        painter.setFont(self._layout.label_font())
        for text, rect, color in self._layout.operators:
            painter.setPen(QColor(color) if color else TEXT_COLOR)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_placeholder(self, painter: QPainter, placed: Placed) -> None:
        """A dashed "?" box where practice hides a block's shape."""
        grid = placed.grid
        painter.fillRect(grid, PLACEHOLDER_COLOR)
        pen = QPen(QColor("#777777"), 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(grid)
        font = self._layout.title_font()
        font.setPointSizeF(max(7.0, min(grid.height() * 0.45, 40.0) * 0.75))
        painter.setFont(font)
        painter.setPen(MUTED_TEXT_COLOR)
        painter.drawText(grid, Qt.AlignmentFlag.AlignCenter, "?")

    def _paint_block(self, painter: QPainter, placed: Placed) -> None:
        block, grid, unit = placed.block, placed.grid, self._layout.unit
        if block.placeholder:
            self._paint_placeholder(painter, placed)
            self._paint_labels(painter, placed)
            return
        values = np.asarray(block.values, dtype=float)
        rows, cols = values.shape
        finite = np.isfinite(values)
        scale = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
        painter.setOpacity(0.35 if block.faded else 1.0)
        # One image per block, scaled without smoothing: a 64×64 Jacobian is one draw call.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        if block.values_hidden:
            painter.fillRect(grid, CANVAS_COLOR)  # no colours: they would tell the signs
        else:
            painter.drawImage(grid, self._image(block))
        # Cell borders only when cells are big enough for them not to swamp the colours.
        if unit >= 6:
            painter.setPen(QPen(QColor("#bdbdbd"), 1))
            for r in range(1, rows):
                y = grid.top() + r * unit
                painter.drawLine(QPointF(grid.left(), y), QPointF(grid.right(), y))
            for c in range(1, cols):
                x = grid.left() + c * unit
                painter.drawLine(QPointF(x, grid.top()), QPointF(x, grid.bottom()))
        outline = QPen(QColor("#000000") if block.emphasized else QColor("#444444"))
        outline.setWidthF(3.0 if block.emphasized else 1.2)
        painter.setPen(outline)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(grid)
        if self._layout.numbers_shown:
            painter.setFont(self._layout.cell_font)
            for r in range(rows):
                for c in range(cols):
                    v = values[r, c]
                    strong = finite[r, c] and scale > 0 and abs(v) / scale > 0.8
                    hidden = block.values_hidden
                    painter.setPen(QColor("#ffffff") if strong and not hidden else TEXT_COLOR)
                    rect = QRectF(grid.left() + c * unit, grid.top() + r * unit, unit, unit)
                    text = "?" if hidden else cell_text(v)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        # Inner-dimension bars: rows on the left edge, columns under the bottom edge.
        if block.row_bar:
            painter.fillRect(
                QRectF(grid.left() - BAR_PX - 2, grid.top(), BAR_PX, grid.height()),
                QColor(block.row_bar),
            )
        if block.col_bar:
            painter.fillRect(
                QRectF(grid.left(), grid.bottom() + 2, grid.width(), BAR_PX),
                QColor(block.col_bar),
            )
        if self._selected and self._selected[0] == block.key:
            _, r, c = self._selected
            if r < rows and c < cols:
                pen = QPen(SELECTION_COLOR, 3)
                painter.setPen(pen)
                painter.drawRect(QRectF(grid.left() + c * unit, grid.top() + r * unit, unit, unit))
        painter.setOpacity(1.0)
        self._paint_labels(painter, placed)

    def _paint_labels(self, painter: QPainter, placed: Placed) -> None:
        """Title above, shape below (with coloured dimension letters)."""
        block = placed.block
        painter.setFont(self._layout.title_font())
        painter.setPen(MUTED_TEXT_COLOR if block.faded else TEXT_COLOR)
        painter.drawText(
            placed.title_rect.adjusted(-2, 0, 2, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
            block.title,
        )
        fm = QFontMetricsF(self._layout.label_font())
        bold = self._layout.label_font()
        bold.setBold(True)
        bold_fm = QFontMetricsF(bold)
        for parts, rect in zip(block.shape_lines(), placed.label_rects, strict=True):
            total = sum((bold_fm if color else fm).horizontalAdvance(text) for text, color in parts)
            x = rect.center().x() - total / 2
            for text, color in parts:
                if color:
                    painter.setPen(QColor(color))
                    painter.setFont(bold)
                    w = bold_fm.horizontalAdvance(text)
                else:
                    painter.setPen(MUTED_TEXT_COLOR if block.faded else TEXT_COLOR)
                    painter.setFont(self._layout.label_font())
                    w = fm.horizontalAdvance(text)
                painter.drawText(QRectF(x, rect.top(), w + 4, rect.height()),
                                 Qt.AlignmentFlag.AlignLeft, text)  # fmt: skip
                x += w

    # ----- mouse -------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None:
            self.cellHovered.emit(*cell)
            text = self.explain(*cell)
            if text:
                QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellClicked.emit(*cell)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cellDoubleClicked.emit(*cell)
        super().mouseDoubleClickEvent(event)


def heatmap_rgb(values: np.ndarray) -> np.ndarray:
    """Signed heatmap colours (rows, cols, 3) uint8: white at 0, blue positive, vermilion
    negative, scaled to the largest finite magnitude; grey where a value is not finite."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    scale = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
    t = np.zeros(values.shape)
    if scale > 0:
        t[finite] = _COLOR_STRENGTH * np.abs(values[finite]) / scale
    pos = QColor(POSITIVE_COLOR)
    neg = QColor(NEGATIVE_COLOR)
    pos_rgb = np.array([pos.red(), pos.green(), pos.blue()], dtype=float)
    neg_rgb = np.array([neg.red(), neg.green(), neg.blue()], dtype=float)
    base = np.where((values >= 0)[..., None] | ~finite[..., None], pos_rgb, neg_rgb)
    rgb = 255.0 + (base - 255.0) * t[..., None]
    grey = NONFINITE_COLOR
    rgb[~finite] = (grey.red(), grey.green(), grey.blue())
    return np.ascontiguousarray(np.round(rgb).astype(np.uint8))
