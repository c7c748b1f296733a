"""How a grid of numbers looks: its layout, its cell colours and how it is painted.

One painter call draws the whole grid: the cell colours as a single ``QImage`` scaled with
no smoothing (one draw call for 64x64 cells), then the numbers only when cells are large
enough to read them. No per-cell item objects exist, so a 64x64 grid redraws in
milliseconds after an edit. Overlays (the highlighted window, shaded rows/columns, arg-max
marks, the selected cell) are a few rectangles drawn on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPen

from visualizer.tabs.conv.grid_text import cell_text
from visualizer.widgets.fonts import point_size, scaled_font
from visualizer.widgets.plot_style import (
    ERROR_COLOR,
    HIGHLIGHT_COLOR,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
)

#: Colour of cells that are not the user's values (zero padding).
FIXED_CELL_COLOR = QColor("#d9d9d9")
FIXED_TEXT_COLOR = QColor("#6b6b6b")
#: How far towards the full palette colour the largest magnitude goes (keeps black text legible).
_COLOR_STRENGTH = 0.6
#: Grids up to this many rows and columns get row and column numbers.
_MAX_LABELLED = 16
#: Numbers in cells are never painted smaller than this (points).
MIN_NUMBER_POINTS = 7.0

Window = tuple[int, int, int, int]  # rows r0..r1-1, columns c0..c1-1 (stop exclusive)


@dataclass
class GridLook:
    """Everything a grid shows: values, words around them and the overlays on top."""

    values: np.ndarray = field(default_factory=lambda: np.zeros((1, 1)))
    fixed: np.ndarray = field(default_factory=lambda: np.zeros((1, 1), bool))  # padding
    hidden: np.ndarray = field(default_factory=lambda: np.zeros((1, 1), bool))  # not yet shown
    row_labels: list[str] | None = None
    col_labels: list[str] | None = None
    title: str = ""
    caption: str = ""  # a short line under the grid
    message: str = ""  # shown instead of the grid
    error: str = ""  # why typed text was refused
    highlight: Window | None = None
    second_highlight: Window | None = None
    marks: list[tuple[int, int]] = field(default_factory=list)
    taps: list[tuple[int, int]] = field(default_factory=list)  # dilated kernel's cells
    strong_mark: tuple[int, int] | None = None
    shaded_rows: list[int] = field(default_factory=list)
    shaded_cols: list[int] = field(default_factory=list)
    selected: tuple[int, int] | None = None
    editable: bool = False
    #: No title line and no row and column numbers: where the grid sits says what it is
    #: (a kernel slice in a table of channels).
    plain: bool = False

    def shows_numbers(self) -> bool:
        """Grids over 16 a side show colours only."""
        return max(self.values.shape) <= _MAX_LABELLED

    def show_labels(self) -> bool:
        return not self.plain and self.shows_numbers()


_COLOR_TABLE: np.ndarray | None = None


def _color_table() -> np.ndarray:
    """256 RGBA shades from vermilion (-1) through white (0) to blue (+1)."""
    global _COLOR_TABLE
    if _COLOR_TABLE is None:
        t = (np.arange(256) / 127.5 - 1.0) * _COLOR_STRENGTH
        pos = np.array(QColor(POSITIVE_COLOR).getRgb()[:3], float)
        neg = np.array(QColor(NEGATIVE_COLOR).getRgb()[:3], float)
        a = np.abs(t)[:, None]
        target = np.where((t >= 0)[:, None], pos, neg)
        rgb = 255.0 * (1 - a) + target * a
        table = np.full((256, 4), 255, dtype=np.uint8)
        table[:, :3] = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
        _COLOR_TABLE = table
    return _COLOR_TABLE


class CellImage:
    """The cells' colours as one image: white at 0, blue for positive, vermilion for negative.

    Values are mapped to 256 shades through a lookup table (one indexing pass instead of
    several float passes per channel), which keeps a 64x64 edit cheap. The image scaled to
    the grid's size is kept until the colours or the size change, so hover repaints draw a
    ready image 1:1.
    """

    def __init__(self, look: GridLook) -> None:
        values = look.values
        shown = ~look.fixed & ~look.hidden
        magnitude = float(np.max(np.abs(values[shown]), initial=0.0)) if shown.any() else 0.0
        scale = magnitude if magnitude > 0 else 1.0
        # A hidden or fixed cell may hold a value far beyond the shown ones (1e308 typed
        # before practice hid it): its ratio overflows to ±inf, which the clip turns into
        # the end of the scale, as it should.
        with np.errstate(over="ignore"):
            shade = np.clip(values / scale, -1.0, 1.0)
        shade += 1.0
        shade *= 127.5
        rgba = _color_table()[np.rint(shade).astype(np.intp)]
        rgba[look.fixed] = FIXED_CELL_COLOR.getRgb()
        rgba[look.hidden] = (250, 250, 250, 255)
        rows, cols = values.shape
        self.rgba = rgba
        # Qt's native 32-bit layout (0xffRRGGBB words, so B, G, R, A bytes on little-endian
        # machines) scales and draws without a format conversion.
        words = (
            (np.uint32(0xFF) << np.uint32(24))
            | (rgba[..., 0].astype(np.uint32) << np.uint32(16))
            | (rgba[..., 1].astype(np.uint32) << np.uint32(8))
            | rgba[..., 2].astype(np.uint32)
        )
        self._argb = np.ascontiguousarray(words)  # the QImage borrows this buffer
        self.image = QImage(self._argb.data, cols, rows, cols * 4, QImage.Format.Format_RGB32)
        self._scaled: QImage | None = None
        self._scaled_size: tuple[int, int] | None = None

    def scaled(self, width: int, height: int) -> QImage:
        # Nearest pixel, so cells keep hard edges.
        if self._scaled is None or self._scaled_size != (width, height):
            self._scaled = self.image.scaled(
                width,
                height,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
            self._scaled_size = (width, height)
        return self._scaled


def title_font(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold


def title_height(look: GridLook, font: QFont, width: int) -> float:
    # Long titles wrap onto a second line instead of being cut off.
    if look.plain and not look.title:
        return 2.0
    fm = QFontMetrics(title_font(font))
    box = fm.boundingRect(
        QRect(0, 0, max(1, width - 8), 10000), int(Qt.TextFlag.TextWordWrap), look.title
    )
    return max(fm.height(), box.height()) + fm.height() * 0.5


def grid_rect(look: GridLook, font: QFont, width: int, height: int) -> tuple[QRectF, float]:
    """The cells' rectangle and the cell size, in widget pixels."""
    fm = QFontMetrics(font)
    line = fm.height()
    top = title_height(look, font, width)
    labels = look.show_labels()
    left = line * 1.6 if labels else 6
    bottom = line * 1.4 * (int(bool(look.caption)) + int(bool(look.error))) + 6
    head = line * 1.1 if labels else 0
    rows, cols = look.values.shape
    avail_w = width - left - 6
    avail_h = height - top - head - bottom
    cell = max(1.0, min(avail_w / cols, avail_h / rows, max_cell_size(font)))
    grid_w, grid_h = cell * cols, cell * rows
    x0 = left + (avail_w - grid_w) / 2
    return QRectF(x0, top + head, grid_w, grid_h), cell


def paint_grid(
    painter: QPainter, look: GridLook, image: CellImage, font: QFont, width: int, height: int
) -> None:
    """Paint the whole grid widget: title, cells, numbers, labels, overlays, caption, error."""
    painter.fillRect(QRectF(0, 0, width, height), QColor("white"))
    base = QFont(font)
    fm = QFontMetrics(base)
    line = fm.height()
    top = title_height(look, font, width)
    painter.setFont(title_font(font))
    painter.setPen(QColor("black"))
    painter.drawText(
        QRectF(4, 0, width - 8, top),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
        look.title,
    )
    if look.message:
        painter.setFont(base)
        painter.setPen(QColor(ERROR_COLOR))
        painter.drawText(
            QRectF(8, top, width - 16, height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            look.message,
        )
        return
    rect, cell = grid_rect(look, font, width, height)
    target = rect.toAlignedRect()
    painter.drawImage(target.topLeft(), image.scaled(target.width(), target.height()))
    _paint_shading(painter, look, rect, cell)
    _paint_lines(painter, look, rect, cell)
    _paint_texts(painter, look, rect, cell, base)
    _paint_labels(painter, look, rect, cell, base)
    _paint_overlays(painter, look, rect, cell)
    # Caption and error under the grid.
    y = rect.bottom() + 4
    painter.setFont(base)
    for text, color in ((look.caption, QColor("#333333")), (look.error, QColor(ERROR_COLOR))):
        if not text:
            continue
        painter.setPen(color)
        painter.drawText(
            QRectF(4, y, width - 8, line * 1.4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            fm.elidedText(text, Qt.TextElideMode.ElideRight, width - 8),
        )
        y += line * 1.4


def _paint_shading(painter: QPainter, look: GridLook, rect: QRectF, cell: float) -> None:
    """Hatch the unreached rows and columns."""
    brush = QBrush(QColor(60, 60, 60, 150), Qt.BrushStyle.BDiagPattern)
    bands = [
        QRectF(rect.left(), rect.top() + r * cell, rect.width(), cell) for r in look.shaded_rows
    ]
    bands += [
        QRectF(rect.left() + c * cell, rect.top(), cell, rect.height()) for c in look.shaded_cols
    ]
    for band in bands:
        painter.fillRect(band, brush)
        painter.fillRect(band, QColor(0, 0, 0, 40))


def _paint_lines(painter: QPainter, look: GridLook, rect: QRectF, cell: float) -> None:
    painter.setPen(QPen(QColor("#9e9e9e"), 1))
    if cell < 8:  # cell borders only when cells are big enough for them to help
        painter.drawRect(rect)
        return
    rows, cols = look.values.shape
    for r in range(rows + 1):
        y = rect.top() + r * cell
        painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
    for c in range(cols + 1):
        x = rect.left() + c * cell
        painter.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))


def max_cell_size(font: QFont) -> float:
    """The largest cell a grid grows to (about five lines of its font)."""
    return float(int(QFontMetrics(font).height() * 5.5))


def _texts(look: GridLook) -> list[list[str]]:
    return [[cell_text(float(v)) for v in row] for row in look.values.tolist()]


def _widest(texts: list[list[str]], fm: QFontMetrics) -> int:
    return max((fm.horizontalAdvance(t) for row in texts for t in row), default=0)


def readable_cell_size(look: GridLook, base: QFont) -> float:
    """The smallest cell that still shows every number of ``look`` (at the smallest font).

    Grids too large for row and column numbers (over 16 a side) show colours only, so any
    cell size does for them.
    """
    if look.message or not look.shows_numbers():
        return 1.0
    font = QFont(base)
    font.setPointSizeF(MIN_NUMBER_POINTS)
    fm = QFontMetrics(font)
    return float(max(14, _widest(_texts(look), fm) + 4, fm.height() + 2))


def number_font(look: GridLook, cell: float, base: QFont) -> QFont | None:
    """The font the numbers are painted in at this cell size (None: they do not fit)."""
    if cell < 14:
        return None
    font = QFont(base)
    fm = QFontMetrics(font)
    texts = _texts(look)
    widest = _widest(texts, fm)
    # Large cells get large numbers (up to 1.3x the base font), small ones shrink the font
    # to fit the widest number, but never below a readable size.
    point = point_size(font)
    grown = min(point * 1.3, point * (cell * 0.45) / max(fm.height(), 1))
    if grown > point:
        bigger = QFont(font)
        bigger.setPointSizeF(grown)
        if _widest(texts, QFontMetrics(bigger)) <= cell - 6:
            font, point = bigger, grown
            fm = QFontMetrics(font)
            widest = _widest(texts, fm)
    # Shrink until the widest number fits across the cell and a line fits in its height.
    while (widest > cell - 4 or fm.height() > cell) and point > MIN_NUMBER_POINTS:
        point = max(MIN_NUMBER_POINTS, point - 1)
        font.setPointSizeF(point)
        fm = QFontMetrics(font)
        widest = _widest(texts, fm)
    if widest > cell - 2 or fm.height() > cell:
        return None
    return font


def _paint_texts(painter: QPainter, look: GridLook, rect: QRectF, cell: float, base: QFont) -> None:
    rows, cols = look.values.shape
    font = number_font(look, cell, base)
    if font is None:
        return
    texts = _texts(look)
    painter.setFont(font)
    align = Qt.AlignmentFlag.AlignCenter
    for r in range(rows):
        for c in range(cols):
            if look.hidden[r, c]:
                continue
            painter.setPen(FIXED_TEXT_COLOR if look.fixed[r, c] else QColor("black"))
            painter.drawText(
                QRectF(rect.left() + c * cell, rect.top() + r * cell, cell, cell),
                align,
                texts[r][c],
            )


def _paint_labels(
    painter: QPainter, look: GridLook, rect: QRectF, cell: float, base: QFont
) -> None:
    if not look.show_labels() or cell < 14:
        return
    font = scaled_font(base, 0.8)
    painter.setFont(font)
    painter.setPen(QColor("#555555"))
    rows, cols = look.values.shape
    line = QFontMetrics(font).height()
    row_labels = look.row_labels or [str(r + 1) for r in range(rows)]
    col_labels = look.col_labels or [str(c + 1) for c in range(cols)]
    for r in range(rows):
        painter.drawText(
            QRectF(0, rect.top() + r * cell, rect.left() - 4, cell),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            row_labels[r],
        )
    for c in range(cols):
        painter.drawText(
            QRectF(rect.left() + c * cell, rect.top() - line, cell, line),
            Qt.AlignmentFlag.AlignCenter,
            col_labels[c],
        )


def _paint_overlays(painter: QPainter, look: GridLook, rect: QRectF, cell: float) -> None:
    """The outlined windows, the arg-max circles and the selected cell."""
    for window, color, width in (
        (look.second_highlight, QColor("#009E73"), 3),
        (look.highlight, QColor(HIGHLIGHT_COLOR), 4),
    ):
        if window is None:
            continue
        r0, r1, c0, c1 = window
        box = QRectF(
            rect.left() + c0 * cell, rect.top() + r0 * cell, (c1 - c0) * cell, (r1 - r0) * cell
        )
        fill = QColor(color)
        fill.setAlpha(35)
        painter.fillRect(box, fill)
        painter.setPen(QPen(color, width))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box.adjusted(1, 1, -1, -1))
    if look.taps:
        painter.setPen(QPen(QColor(HIGHLIGHT_COLOR).darker(130), max(2.0, cell * 0.08)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = max(2.0, cell * 0.1)
        for r, c in look.taps:
            box = QRectF(rect.left() + c * cell, rect.top() + r * cell, cell, cell)
            painter.drawRect(box.adjusted(inset, inset, -inset, -inset))
    for r, c in look.marks:
        strong = (r, c) == look.strong_mark
        painter.setPen(QPen(QColor("black"), 3 if strong else 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = QRectF(rect.left() + c * cell, rect.top() + r * cell, cell, cell)
        inset = max(1.0, cell * 0.08)
        painter.drawEllipse(box.adjusted(inset, inset, -inset, -inset))
    if look.selected is not None and look.editable:
        r, c = look.selected
        painter.setPen(QPen(QColor("#0072B2"), 3, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(rect.left() + c * cell, rect.top() + r * cell, cell, cell))
