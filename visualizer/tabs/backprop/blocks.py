"""A row of matrices drawn to scale: every tensor of the MLP as a heatmap block with its shape.

``BlockStrip`` paints a sequence of ``Block``s and operator glyphs ("·", "+", "=", "σ→") left
to right. One cell has the same size in every block of a strip, so a 1×K row is visibly thin
and a K×K Jacobian visibly square: the shapes are the picture. Each block is a signed heatmap
(blue positive, vermilion negative, white zero, scaled to that block's largest magnitude),
with its title above and its shape below. Numbers are written in the cells only when the
cells are big enough to read them; hovering a cell always reports it (``cellHovered``) and
shows the owner's explanation as a tooltip.

Inner-dimension highlights: a block can carry a coloured bar along its left edge (its rows)
and under its bottom edge (its columns), and its shape label can colour one dimension, so
the matching inner dimensions of ``A · B`` (A's columns, B's rows) share a colour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import ERROR_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR

# How far towards the full palette colour the largest magnitude goes: keeps black text legible.
_COLOR_STRENGTH = 0.75
_MAX_CELL_PX = 56.0
_MIN_HIT_PX = 12.0
_LABEL_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
_GAP_PX = 6.0
_BAR_PX = 5.0
CANVAS_COLOR = QColor("#ffffff")
TEXT_COLOR = QColor("#111111")
MUTED_TEXT_COLOR = QColor("#555555")
SELECTION_COLOR = QColor("#000000")
GROUP_COLOR = QColor("#fff3c4")  # behind the factors already multiplied
NONFINITE_COLOR = QColor("#9e9e9e")


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


@dataclass
class Block:
    """One matrix of a strip.

    ``shape_parts`` is the label under the block as (text, colour or None) pieces, so one
    dimension can be coloured (a ``"\n"`` piece starts a second line); ``row_bar`` and
    ``col_bar`` draw the inner-dimension bars.
    """

    key: str
    title: str
    values: np.ndarray
    shape_parts: list[tuple[str, str | None]] = field(default_factory=list)
    editable: bool = False
    row_bar: str | None = None
    col_bar: str | None = None
    faded: bool = False
    emphasized: bool = False

    @property
    def shape_label(self) -> str:
        return "".join(text for text, _ in self.shape_parts)

    def shape_lines(self) -> list[list[tuple[str, str | None]]]:
        lines: list[list[tuple[str, str | None]]] = [[]]
        for text, color in self.shape_parts:
            if text == "\n":
                lines.append([])
            else:
                lines[-1].append((text, color))
        return lines


@dataclass
class _Placed:
    block: Block
    slot: QRectF  # whole slot including labels
    grid: QRectF  # the cells


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
        self._placed: list[_Placed] = []
        self._operators: list[tuple[str, QRectF, str | None]] = []
        self._group: tuple[str, str] | None = None
        self._selected: tuple[str, int, int] | None = None
        self._explain: Callable[[str, int, int], str] | None = None
        self._numbers_shown = False
        self._images: dict[int, QImage] = {}
        self._font_scale = 1.0
        self._unit = 1.0
        self._cell_font = QFont(self.font())
        self.setMouseTracking(True)
        self.setMinimumHeight(90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # ----- public -------------------------------------------------------------------------
    def set_items(self, items: list[Block | str], group: tuple[str, str] | None = None) -> None:
        """Blocks and operator strings in reading order; ``group`` = (first key, last key)
        of a run of blocks to shade (the factors already multiplied)."""
        self._images = {}
        self._items = list(items)
        self._group = group
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
        return self._numbers_shown

    def cell_rect(self, key: str, row: int, col: int) -> QRectF:
        for placed in self._placed:
            if placed.block.key == key:
                unit = self._unit
                return QRectF(
                    placed.grid.left() + col * unit, placed.grid.top() + row * unit, unit, unit
                )
        raise KeyError(key)

    def cell_center(self, key: str, row: int, col: int) -> QPoint:
        return self.cell_rect(key, row, col).center().toPoint()

    def cell_at(self, pos: QPointF) -> tuple[str, int, int] | None:
        for placed in self._placed:
            # A 1×32 vector at 3 px per cell is a thin line: accept the mouse a little off it.
            grid = placed.grid
            pad_y = max(0.0, (_MIN_HIT_PX - grid.height()) / 2)
            pad_x = max(0.0, (_MIN_HIT_PX - grid.width()) / 2)
            if grid.adjusted(-pad_x, -pad_y, pad_x, pad_y).contains(pos):
                rows, cols = placed.block.values.shape
                col = int((pos.x() - grid.left()) / self._unit)
                row = int((pos.y() - grid.top()) / self._unit)
                col, row = min(max(col, 0), cols - 1), min(max(row, 0), rows - 1)
                return placed.block.key, row, col
        return None

    def explain(self, key: str, row: int, col: int) -> str:
        return self._explain(key, row, col) if self._explain else ""

    def sizeHint(self) -> QSize:
        return QSize(800, 170)

    # ----- layout ------------------------------------------------------------------------
    def _label_font(self) -> QFont:
        return scaled_font(self.font(), self._font_scale)

    def _title_font(self) -> QFont:
        font = self._label_font()
        font.setBold(True)
        return font

    def _n_label_lines(self) -> int:
        return max((len(b.shape_lines()) for b in self.blocks()), default=1)

    def _n_title_lines(self) -> int:
        return max((b.title.count("\n") + 1 for b in self.blocks()), default=1)

    def _n_text_lines(self) -> int:
        """Lines of text around the cells: titles above, shapes below."""
        return self._n_title_lines() + self._n_label_lines()

    def _slot_widths(self, unit: float) -> list[float]:
        title_fm = QFontMetricsF(self._title_font())
        label_fm = QFontMetricsF(self._label_font())
        widths = []
        for item in self._items:
            if isinstance(item, Block):
                label = max(
                    *(title_fm.horizontalAdvance(t) for t in item.title.split("\n")),
                    *(
                        label_fm.horizontalAdvance("".join(t for t, _ in parts))
                        for parts in item.shape_lines()
                    ),
                )
                bars = 2 * _BAR_PX if (item.row_bar or item.col_bar) else 0.0
                widths.append(max(item.values.shape[1] * unit + bars, label + 4))
            else:
                widths.append(label_fm.horizontalAdvance(item) + 6)
        return widths

    def _fit_unit(self, width: float, height: float, gaps: float) -> float:
        """The largest cell size (px) at the current label size for which everything fits."""
        line = QFontMetricsF(self._label_font()).height()
        max_rows = max((b.values.shape[0] for b in self.blocks()), default=1)
        avail_h = max(4.0, height - self._n_text_lines() * line - 3 * _BAR_PX - 8)
        lo, hi = 0.5, max(0.5, min(_MAX_CELL_PX, avail_h / max_rows))
        if sum(self._slot_widths(hi)) + gaps <= width:
            return hi
        # A slot is at least as wide as its labels, so bisect rather than divide.
        for _ in range(25):
            mid = 0.5 * (lo + hi)
            if sum(self._slot_widths(mid)) + gaps <= width:
                lo = mid
            else:
                hi = mid
        return lo

    def _relayout(self) -> None:
        self._placed = []
        self._operators = []
        self._unit = 1.0
        if not self._items:
            return
        width, height = float(self.width()), float(self.height())
        gaps = _GAP_PX * (len(self._items) + 1)
        # Labels shrink (down to half size, never below 7 pt) only when that buys the cells
        # real room: take the largest label size whose cells are at least 12 px, or nearly
        # as big as the smallest labels would allow.
        fits = []
        for scale in _LABEL_SCALES:
            self._font_scale = scale
            fits.append((scale, self._fit_unit(width, height, gaps)))
        best = fits[-1][1]
        scale, unit = next(((sc, u) for sc, u in fits if u >= min(12.0, 0.8 * best)), fits[-1])
        self._font_scale = scale
        fm = QFontMetricsF(self._label_font())
        line = fm.height()
        max_rows = max((b.values.shape[0] for b in self.blocks()), default=1)
        self._unit = unit
        widths = self._slot_widths(unit)
        total = sum(widths) + gaps
        x = max(_GAP_PX, (width - total) / 2 + _GAP_PX)
        content = self._n_text_lines() * line + 3 * _BAR_PX + 8 + max_rows * unit
        top = max(0.0, (height - content) / 2)
        grid_mid = top + self._n_title_lines() * line + _BAR_PX + 4 + max_rows * unit / 2
        for item, w in zip(self._items, widths, strict=True):
            if isinstance(item, Block):
                rows, cols = item.values.shape
                gw, gh = cols * unit, rows * unit
                grid = QRectF(x + (w - gw) / 2, grid_mid - gh / 2, gw, gh)
                self._placed.append(_Placed(item, QRectF(x, 0, w, height), grid))
            else:
                color = ERROR_COLOR if item.strip() in ("≠", "✗") else None
                self._operators.append((item, QRectF(x, grid_mid - line / 2, w, line), color))
            x += w + _GAP_PX
        # Numbers go in the cells when they fit at three quarters of the interface font, or
        # failing that at two thirds (never below 7 pt); otherwise hover tells the value.
        self._numbers_shown = False
        for fraction in (0.75, 0.65):
            cell_font = scaled_font(self.font(), fraction)
            cell_fm = QFontMetricsF(cell_font)
            self._cell_font = cell_font
            if unit >= cell_fm.horizontalAdvance("-0.00") + 2 and unit >= cell_fm.height():
                self._numbers_shown = True
                break

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
        fm = QFontMetricsF(self._label_font())
        line = fm.height()
        if self._group is not None:
            keys = [p.block.key for p in self._placed]
            if self._group[0] in keys and self._group[1] in keys:
                first = self._placed[keys.index(self._group[0])]
                last = self._placed[keys.index(self._group[1])]
                painter.fillRect(
                    QRectF(first.slot.left() - 4, 0, last.slot.right() - first.slot.left() + 8,
                           self.height()),
                    GROUP_COLOR,
                )  # fmt: skip
        for placed in self._placed:
            self._paint_block(painter, placed, line)
        painter.setFont(self._label_font())
        for text, rect, color in self._operators:
            painter.setPen(QColor(color) if color else TEXT_COLOR)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_block(self, painter: QPainter, placed: _Placed, line: float) -> None:
        block, grid, unit = placed.block, placed.grid, self._unit
        values = np.asarray(block.values, dtype=float)
        rows, cols = values.shape
        finite = np.isfinite(values)
        scale = float(np.max(np.abs(values[finite]))) if finite.any() else 0.0
        painter.setOpacity(0.35 if block.faded else 1.0)
        # One image per block, scaled without smoothing: a 64×64 Jacobian is one draw call.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
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
        if self._numbers_shown:
            painter.setFont(self._cell_font)
            for r in range(rows):
                for c in range(cols):
                    v = values[r, c]
                    strong = finite[r, c] and scale > 0 and abs(v) / scale > 0.8
                    painter.setPen(QColor("#ffffff") if strong else TEXT_COLOR)
                    rect = QRectF(grid.left() + c * unit, grid.top() + r * unit, unit, unit)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, cell_text(v))
        # Inner-dimension bars: rows on the left edge, columns under the bottom edge.
        if block.row_bar:
            painter.fillRect(
                QRectF(grid.left() - _BAR_PX - 2, grid.top(), _BAR_PX, grid.height()),
                QColor(block.row_bar),
            )
        if block.col_bar:
            painter.fillRect(
                QRectF(grid.left(), grid.bottom() + 2, grid.width(), _BAR_PX),
                QColor(block.col_bar),
            )
        if self._selected and self._selected[0] == block.key:
            _, r, c = self._selected
            if r < rows and c < cols:
                pen = QPen(SELECTION_COLOR, 3)
                painter.setPen(pen)
                painter.drawRect(QRectF(grid.left() + c * unit, grid.top() + r * unit, unit, unit))
        painter.setOpacity(1.0)
        # Title above, shape below (with coloured dimension letters).
        painter.setFont(self._title_font())
        painter.setPen(MUTED_TEXT_COLOR if block.faded else TEXT_COLOR)
        n_title = block.title.count("\n") + 1
        title_rect = QRectF(
            placed.slot.left(), grid.top() - n_title * line - 4, placed.slot.width(), n_title * line
        )
        painter.drawText(
            title_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, block.title
        )
        painter.setFont(self._label_font())
        fm = QFontMetricsF(self._label_font())
        bold = self._label_font()
        bold.setBold(True)
        bold_fm = QFontMetricsF(bold)
        y = grid.bottom() + _BAR_PX + 4
        for parts in block.shape_lines():
            total = sum((bold_fm if color else fm).horizontalAdvance(text) for text, color in parts)
            x = placed.slot.center().x() - total / 2
            for text, color in parts:
                if color:
                    painter.setPen(QColor(color))
                    painter.setFont(bold)
                    w = bold_fm.horizontalAdvance(text)
                else:
                    painter.setPen(MUTED_TEXT_COLOR if block.faded else TEXT_COLOR)
                    painter.setFont(self._label_font())
                    w = fm.horizontalAdvance(text)
                painter.drawText(QRectF(x, y, w + 4, line), Qt.AlignmentFlag.AlignLeft, text)
                x += w
            y += line

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
