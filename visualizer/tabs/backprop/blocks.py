"""A row of matrices drawn to scale: every tensor of the MLP as a heatmap block with its shape.

``BlockStrip`` paints a sequence of ``Block``s and operator glyphs ("·", "+", "=", "σ→") left
to right. One cell has the same size in every block of a strip, so a 1×K row is visibly thin
and a K×K Jacobian visibly square: the shapes are the picture. Each block is a signed heatmap
(blue positive, vermilion negative, white zero, scaled to that block's largest magnitude),
with its title above and its shape below. When one line would make the cells too small, the
strip wraps onto more lines (an operator moves with the block after it). Blocks of up to
8×8 always show their numbers: below the legible cell size the strip asks for more height
(``needed_height``) and the scroll area around it scrolls. Bigger blocks are scaled to fit and
show numbers only when the cells are big enough; hovering a cell always reports it
(``cellHovered``) and shows the owner's explanation as a tooltip.

Inner-dimension highlights: a block can carry a coloured bar along its left edge (its rows)
and under its bottom edge (its columns), and its shape label can colour one dimension, so
the matching inner dimensions of ``A · B`` (A's columns, B's rows) share a colour.
"""

from __future__ import annotations

import math
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

from visualizer.widgets.fonts import point_size, scaled_font
from visualizer.widgets.plot_style import ERROR_COLOR, NEGATIVE_COLOR, POSITIVE_COLOR

# How far towards the full palette colour the largest magnitude goes: keeps black text legible.
_COLOR_STRENGTH = 0.75
_MAX_CELL_PX = 56.0
_MIN_HIT_PX = 12.0
_LABEL_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
_GAP_PX = 6.0
_BAR_PX = 5.0
_LINE_GAP_PX = 8.0  # between two lines of a wrapped strip
_MAX_LINES = 4
#: A strip wraps onto more lines only when that makes its cells this much bigger or more.
_WRAP_GAIN = 0.8
_MIN_HEIGHT_PX = 90
#: Cell fonts tried, as fractions of the interface font (never below 7 pt): the biggest that
#: fits the cells wins, so big cells on a projector get big numbers. The legible floor is the
#: first of the small sizes.
_CELL_FONT_FRACTIONS = (1.2, 1.0, 0.85, 0.75, 0.65)
_LEGIBLE_FRACTION = 0.75
#: Blocks up to this many rows and columns always show their numbers (the strip wraps onto
#: more lines and grows, and its scroll area scrolls, rather than dropping them).
NUMBERS_UP_TO = 8
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
    #: Practice mode asks for this block's shape: a "?" box stands in for it (its size would
    #: tell the shape) and hovering says nothing.
    placeholder: bool = False
    #: Practice mode asks for these values: white cells with "?" and no colours.
    values_hidden: bool = False

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
    slot: QRectF  # the block's column on its line, titles and labels included
    grid: QRectF  # the cells
    title_rect: QRectF
    label_rects: list[QRectF]  # one per line of the shape label


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
        self._shades: list[QRectF] = []
        self._label_cache: dict[tuple[float, str], list[float]] = {}
        self._group: tuple[str, str] | None = None
        self._selected: tuple[str, int, int] | None = None
        self._explain: Callable[[str, int, int], str] | None = None
        self._numbers_shown = False
        self._images: dict[int, QImage] = {}
        self._font_scale = 1.0
        self._unit = 1.0
        self._cell_font = QFont(self.font())
        self.setMouseTracking(True)
        self.setMinimumHeight(_MIN_HEIGHT_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # ----- public -------------------------------------------------------------------------
    def set_items(self, items: list[Block | str], group: tuple[str, str] | None = None) -> None:
        """Blocks and operator strings in reading order; ``group`` = (first key, last key)
        of a run of blocks to shade (the factors already multiplied)."""
        self._images = {}
        self._label_cache = {}
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
            if placed.block.placeholder:
                continue
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
        block = next((b for b in self.blocks() if b.key == key), None)
        if block is not None and (block.placeholder or block.values_hidden):
            return HIDDEN_TEXT
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

    def _label_widths(self) -> list[float]:
        """Per item, the width its texts need at the current label size (cached)."""
        key = (self._font_scale, self.font().toString())
        cached = self._label_cache.get(key)
        if cached is not None:
            return cached
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
                widths.append(label + 4)
            else:
                widths.append(label_fm.horizontalAdvance(item) + 6)
        self._label_cache[key] = widths
        return widths

    def _slot_widths(self, unit: float) -> list[float]:
        widths = []
        for item, label in zip(self._items, self._label_widths(), strict=True):
            if isinstance(item, Block):
                bars = 2 * _BAR_PX if (item.row_bar or item.col_bar) else 0.0
                widths.append(max(item.values.shape[1] * unit + bars, label))
            else:
                widths.append(label)
        return widths

    def _groups(self) -> list[list[int]]:
        """Item indices that stay on one line: the operators before a block, and the block
        (an operator never ends a line: "· W2" moves to the next line together)."""
        groups: list[list[int]] = []
        pending: list[int] = []
        for index, item in enumerate(self._items):
            pending.append(index)
            if isinstance(item, Block):
                groups.append(pending)
                pending = []
        if pending:  # operators after the last block ("= ✗") stay with it
            if groups:
                groups[-1].extend(pending)
            else:
                groups.append(pending)
        return groups

    def _line_height(self, items: list[int], unit: float) -> float:
        line = QFontMetricsF(self._label_font()).height()
        rows = max(
            (self._items[i].values.shape[0] for i in items if isinstance(self._items[i], Block)),
            default=1,
        )
        text = (self._n_title_lines() + self._n_label_lines()) * line
        return text + 3 * _BAR_PX + 8 + rows * unit + _LINE_GAP_PX

    def _split(self, unit: float, n_lines: int) -> list[list[int]]:
        """The groups on ``n_lines`` lines (or fewer) with the widest line as narrow as it can
        be: balanced lines, so no block is left alone on the last one."""
        widths = self._slot_widths(unit)
        groups = self._groups()
        sizes = [sum(widths[i] + _GAP_PX for i in g) for g in groups]

        def greedy(capacity: float) -> list[list[int]]:
            lines: list[list[int]] = []
            used = capacity + 1.0
            for group, size in zip(groups, sizes, strict=True):
                if used + size > capacity and (not lines or used > 0):
                    lines.append([])
                    used = 0.0
                lines[-1].extend(group)
                used += size
            return lines

        lo, hi = max(sizes), sum(sizes)
        if n_lines <= 1 or lo >= hi:
            return greedy(hi)
        for _ in range(16):
            mid = 0.5 * (lo + hi)
            if len(greedy(mid)) <= n_lines:
                hi = mid
            else:
                lo = mid
        return greedy(hi)

    def _extent(self, lines: list[list[int]], unit: float) -> tuple[float, float]:
        """(widest line, total height) of ``lines`` at cell size ``unit``."""
        widths = self._slot_widths(unit)
        widest = max(_GAP_PX + sum(widths[i] + _GAP_PX for i in ln) for ln in lines)
        return widest, sum(self._line_height(ln, unit) for ln in lines)

    def _fit_unit(self, width: float, height: float, n_lines: int) -> float:
        """The largest cell size (px) at the current label size for which ``n_lines``
        balanced lines fit."""

        def fits(unit: float) -> bool:
            widest, needed = self._extent(self._split(unit, n_lines), unit)
            return widest <= width and needed <= height

        lo, hi = 0.5, _MAX_CELL_PX
        if fits(hi):
            return hi
        for _ in range(14):
            mid = 0.5 * (lo + hi)
            if fits(mid):
                lo = mid
            else:
                hi = mid
        return lo

    def _best_fit(self, width: float, height: float) -> tuple[float, int]:
        """(cell size, lines): the fewest lines whose cells are nearly as big as any wrapping
        allows (a strip wraps only when that makes its cells clearly bigger)."""
        max_lines = min(_MAX_LINES, len(self._groups()))
        units: list[float] = []
        for n_lines in range(1, max_lines + 1):
            units.append(self._fit_unit(width, height, n_lines))
            if n_lines > 1 and units[-1] <= units[-2]:
                break  # one more line made the cells no bigger: more lines will not either
        best = max(units)
        n_lines = next(n for n, u in enumerate(units, start=1) if u >= _WRAP_GAIN * best)
        return units[n_lines - 1], n_lines

    def legible_unit(self) -> float:
        """The smallest cell (px) in which "-0.00" can be written at three quarters of the
        interface font."""
        cell_fm = QFontMetricsF(scaled_font(self.font(), _LEGIBLE_FRACTION))
        return max(cell_fm.horizontalAdvance("-0.00") + 2, cell_fm.height())

    def numbers_required(self) -> bool:
        """Every block is at most 8×8: its numbers must be readable, never dropped."""
        blocks = self.blocks()
        return bool(blocks) and all(max(b.values.shape) <= NUMBERS_UP_TO for b in blocks)

    def _legible_lines(self, width: float) -> list[list[int]]:
        """The fewest lines that fit ``width`` at the legible cell size (full-size labels)."""
        unit = self.legible_unit()
        for n_lines in range(1, len(self._groups()) + 1):
            lines = self._split(unit, n_lines)
            if self._extent(lines, unit)[0] <= width or len(lines) < n_lines:
                return lines
        return self._split(unit, len(self._groups()))

    def needed_height(self, width: float | None = None) -> int:
        """The height the strip needs at ``width`` so that its numbers are written in the
        cells (only when :meth:`numbers_required`); the scroll area around it scrolls."""
        if not self._items or not self.numbers_required():
            return _MIN_HEIGHT_PX
        width = float(self.width() if width is None else width)
        scale = self._font_scale
        self._font_scale = 1.0
        try:
            unit = self.legible_unit()
            height = self._extent(self._legible_lines(width), unit)[1]
        finally:
            self._font_scale = scale
        return max(_MIN_HEIGHT_PX, math.ceil(height) + 2)

    def _relayout(self) -> None:
        self._placed = []
        self._operators = []
        self._shades = []
        self._unit = 1.0
        if not self._items:
            self.setMinimumHeight(_MIN_HEIGHT_PX)
            return
        width, height = float(self.width()), float(self.height())
        needed = self.needed_height(width)
        if self.minimumHeight() != needed:
            self.setMinimumHeight(needed)
        height = max(height, needed)
        # Labels shrink (down to half size, never below 7 pt) only when that buys the cells
        # real room: the first label size whose cells are at least 12 px wins.
        chosen: tuple[float, float, int] | None = None
        for scale in _LABEL_SCALES:
            self._font_scale = scale
            unit, n_lines = self._best_fit(width, height)
            if chosen is None or unit > chosen[1]:
                chosen = (scale, unit, n_lines)
            if unit >= 12.0:
                break
        assert chosen is not None
        scale, unit, n_lines = chosen
        self._font_scale = scale
        if self.numbers_required() and unit < self.legible_unit():
            # The strip grew to needed_height: write it at the legible size.
            self._font_scale = 1.0
            unit = self.legible_unit()
            lines = self._legible_lines(width)
        else:
            lines = self._split(unit, n_lines)
        self._unit = unit
        self._place(lines, unit, width, height)
        # Numbers go in the cells at the biggest size that fits (down to two thirds of the
        # interface font, never below 7 pt); otherwise hover tells the value.
        self._numbers_shown = False
        for fraction in _CELL_FONT_FRACTIONS:
            cell_font = scaled_font(self.font(), fraction)
            cell_fm = QFontMetricsF(cell_font)
            self._cell_font = cell_font
            if unit >= cell_fm.horizontalAdvance("-0.00") + 2 and unit >= cell_fm.height():
                self._numbers_shown = True
                break

    def _place(self, lines: list[list[int]], unit: float, width: float, height: float) -> None:
        """Put every block, label and operator on its line (centred), shades included."""
        title_fm = QFontMetricsF(self._title_font())
        fm = QFontMetricsF(self._label_font())
        line = fm.height()
        widths = self._slot_widths(unit)
        total = self._extent(lines, unit)[1]
        n_title = self._n_title_lines()
        top = max(0.0, (height - total) / 2)
        group_keys = self._group or ("", "")
        shading = False
        for members in lines:
            line_height = self._line_height(members, unit)
            rows = max(
                (self._items[i].values.shape[0] for i in members
                 if isinstance(self._items[i], Block)),
                default=1,
            )  # fmt: skip
            line_width = _GAP_PX + sum(widths[i] + _GAP_PX for i in members)
            x = max(_GAP_PX, (width - line_width) / 2 + _GAP_PX)
            grid_mid = top + n_title * line + _BAR_PX + 4 + rows * unit / 2
            shade_from: float | None = None
            shade_to = 0.0
            for index in members:
                item, w = self._items[index], widths[index]
                if isinstance(item, Block):
                    r, c = item.values.shape
                    gw, gh = c * unit, r * unit
                    grid = QRectF(x + (w - gw) / 2, grid_mid - gh / 2, gw, gh)
                    slot = QRectF(x, top, w, line_height - _LINE_GAP_PX)
                    item_titles = item.title.split("\n")
                    title_w = max(title_fm.horizontalAdvance(t) for t in item_titles)
                    title_h = len(item_titles) * line
                    title_rect = QRectF(
                        slot.center().x() - title_w / 2, grid.top() - title_h - 4, title_w, title_h
                    )
                    label_rects = []
                    y = grid.bottom() + _BAR_PX + 4
                    for parts in item.shape_lines():
                        text_w = fm.horizontalAdvance("".join(t for t, _ in parts)) + 2
                        label_rects.append(QRectF(slot.center().x() - text_w / 2, y, text_w, line))
                        y += line
                    self._placed.append(_Placed(item, slot, grid, title_rect, label_rects))
                    if item.key == group_keys[0]:
                        shading = True
                    if shading:
                        shade_from = x if shade_from is None else shade_from
                        shade_to = x + w
                    if item.key == group_keys[1]:
                        shading = False
                        if shade_from is not None:
                            self._shades.append(
                                QRectF(
                                    shade_from - 4,
                                    top - 2,
                                    shade_to - shade_from + 8,
                                    line_height - _LINE_GAP_PX + 4,
                                )
                            )
                            shade_from = None
                else:
                    color = ERROR_COLOR if item.strip() in ("≠", "✗", "= ✗") else None
                    text_w = fm.horizontalAdvance(item) + 2
                    rect = QRectF(x + (w - text_w) / 2, grid_mid - line / 2, text_w, line)
                    self._operators.append((item, rect, color))
                x += w + _GAP_PX
            if shading and shade_from is not None:  # the shaded run goes on to the next line
                self._shades.append(QRectF(shade_from - 4, top - 2, shade_to - shade_from + 8,
                                           line_height - _LINE_GAP_PX + 4))  # fmt: skip
            top += line_height

    def label_rects(self) -> list[tuple[str, QRectF]]:
        """Every text the strip writes outside the cells (titles, shapes, operators) with the
        rectangle it takes: for tests that nothing overlaps."""
        out: list[tuple[str, QRectF]] = []
        for placed in self._placed:
            out.append((placed.block.title, QRectF(placed.title_rect)))
            for parts, rect in zip(placed.block.shape_lines(), placed.label_rects, strict=True):
                out.append(("".join(t for t, _ in parts), QRectF(rect)))
        out += [(text, QRectF(rect)) for text, rect, _ in self._operators]
        return out

    def block_rects(self) -> dict[str, QRectF]:
        """The cells' rectangle of every block, by key."""
        return {placed.block.key: QRectF(placed.grid) for placed in self._placed}

    def line_count(self) -> int:
        """On how many lines the strip is written (it wraps when one line would be too small)."""
        return len({round(p.slot.top()) for p in self._placed})

    def unit(self) -> float:
        """The side of one cell in pixels."""
        return self._unit

    def cell_points(self) -> float:
        """The point size of the numbers written in the cells (0 when none are written)."""
        return point_size(self._cell_font) if self._numbers_shown else 0.0

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
        for shade in self._shades:
            painter.fillRect(shade, GROUP_COLOR)
        for placed in self._placed:
            self._paint_block(painter, placed)
        painter.setFont(self._label_font())
        for text, rect, color in self._operators:
            painter.setPen(QColor(color) if color else TEXT_COLOR)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_placeholder(self, painter: QPainter, placed: _Placed) -> None:
        """A dashed "?" box where practice hides a block's shape."""
        grid = placed.grid
        painter.fillRect(grid, PLACEHOLDER_COLOR)
        pen = QPen(QColor("#777777"), 1.5, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(grid)
        font = self._title_font()
        font.setPointSizeF(max(7.0, min(grid.height() * 0.45, 40.0) * 0.75))
        painter.setFont(font)
        painter.setPen(MUTED_TEXT_COLOR)
        painter.drawText(grid, Qt.AlignmentFlag.AlignCenter, "?")

    def _paint_block(self, painter: QPainter, placed: _Placed) -> None:
        block, grid, unit = placed.block, placed.grid, self._unit
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
        if self._numbers_shown:
            painter.setFont(self._cell_font)
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
        self._paint_labels(painter, placed)

    def _paint_labels(self, painter: QPainter, placed: _Placed) -> None:
        """Title above, shape below (with coloured dimension letters)."""
        block = placed.block
        painter.setFont(self._title_font())
        painter.setPen(MUTED_TEXT_COLOR if block.faded else TEXT_COLOR)
        painter.drawText(
            placed.title_rect.adjusted(-2, 0, 2, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
            block.title,
        )
        fm = QFontMetricsF(self._label_font())
        bold = self._label_font()
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
                    painter.setFont(self._label_font())
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
