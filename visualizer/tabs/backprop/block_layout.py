"""Where every block, label and operator of a :class:`~.blocks.BlockStrip` goes.

Qt's font metrics only (no widget): :class:`StripLayout` takes the strip's items, font and
shaded run, and for a given width and height picks the cell size, the label size and the
lines the strip wraps onto (balanced, an operator moving with the block after it), then
places every block's cells, title and shape label. Blocks of up to 8×8 keep a legible cell
size: :meth:`StripLayout.needed_height` tells the strip how tall to be, and the scroll area
around it scrolls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import ERROR_COLOR

MAX_CELL_PX = 56.0
_LABEL_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
_GAP_PX = 6.0
BAR_PX = 5.0
_LINE_GAP_PX = 8.0  # between two lines of a wrapped strip
_MAX_LINES = 4
#: A strip wraps onto more lines only when that makes its cells this much bigger or more.
_WRAP_GAIN = 0.8
MIN_HEIGHT_PX = 90
#: Cell fonts tried, as fractions of the interface font (never below 7 pt): the biggest that
#: fits the cells wins, so big cells on a projector get big numbers. The legible floor is the
#: first of the small sizes.
_CELL_FONT_FRACTIONS = (1.2, 1.0, 0.85, 0.75, 0.65)
_LEGIBLE_FRACTION = 0.75
#: Blocks up to this many rows and columns always show their numbers (the strip wraps onto
#: more lines and grows, and its scroll area scrolls, rather than dropping them).
NUMBERS_UP_TO = 8


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
class Placed:
    block: Block
    slot: QRectF  # the block's column on its line, titles and labels included
    grid: QRectF  # the cells
    title_rect: QRectF
    label_rects: list[QRectF]  # one per line of the shape label


class StripLayout:
    """The geometry of one strip for its items and font (see the module docstring).

    After :meth:`run`: ``placed`` (blocks with their rectangles), ``operators`` (text,
    rectangle, colour), ``shades`` (behind the factors already multiplied), ``unit`` (cell
    side in px), ``font_scale`` (of the labels), ``numbers_shown`` and ``cell_font``.
    """

    def __init__(
        self, items: list[Block | str], font: QFont, group: tuple[str, str] | None = None
    ) -> None:
        self._items = list(items)
        self.font = QFont(font)
        self._group = group
        self._label_cache: dict[tuple[float, str], list[float]] = {}
        self._font_scale = 1.0
        self.placed: list[Placed] = []
        self.operators: list[tuple[str, QRectF, str | None]] = []
        self.shades: list[QRectF] = []
        self.unit = 1.0
        self.numbers_shown = False
        self.cell_font = QFont(font)

    @property
    def font_scale(self) -> float:
        return self._font_scale

    def blocks(self) -> list[Block]:
        return [item for item in self._items if isinstance(item, Block)]

    def label_font(self) -> QFont:
        return scaled_font(self.font, self._font_scale)

    def title_font(self) -> QFont:
        font = self.label_font()
        font.setBold(True)
        return font

    def _n_label_lines(self) -> int:
        return max((len(b.shape_lines()) for b in self.blocks()), default=1)

    def _n_title_lines(self) -> int:
        return max((b.title.count("\n") + 1 for b in self.blocks()), default=1)

    def _label_widths(self) -> list[float]:
        """Per item, the width its texts need at the current label size (cached)."""
        key = (self._font_scale, self.font.toString())
        cached = self._label_cache.get(key)
        if cached is not None:
            return cached
        title_fm = QFontMetricsF(self.title_font())
        label_fm = QFontMetricsF(self.label_font())
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
                bars = 2 * BAR_PX if (item.row_bar or item.col_bar) else 0.0
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
        line = QFontMetricsF(self.label_font()).height()
        rows = max(
            (self._items[i].values.shape[0] for i in items if isinstance(self._items[i], Block)),
            default=1,
        )
        text = (self._n_title_lines() + self._n_label_lines()) * line
        return text + 3 * BAR_PX + 8 + rows * unit + _LINE_GAP_PX

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

        lo, hi = 0.5, MAX_CELL_PX
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
        cell_fm = QFontMetricsF(scaled_font(self.font, _LEGIBLE_FRACTION))
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

    def needed_height(self, width: float) -> int:
        """The height the strip needs at ``width`` so that its numbers are written in the
        cells (only when :meth:`numbers_required`); the scroll area around it scrolls."""
        if not self._items or not self.numbers_required():
            return MIN_HEIGHT_PX
        width = float(width)
        scale = self._font_scale
        self._font_scale = 1.0
        try:
            unit = self.legible_unit()
            height = self._extent(self._legible_lines(width), unit)[1]
        finally:
            self._font_scale = scale
        return max(MIN_HEIGHT_PX, math.ceil(height) + 2)

    def run(self, width: float, height: float) -> None:
        """Place everything in a ``width`` × ``height`` strip (at least its needed height)."""
        self.placed = []
        self.operators = []
        self.shades = []
        self.unit = 1.0
        if not self._items:
            return
        needed = self.needed_height(width)
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
        self.unit = unit
        self._place(lines, unit, width, height)
        # Numbers go in the cells at the biggest size that fits (down to two thirds of the
        # interface font, never below 7 pt); otherwise hover tells the value.
        self.numbers_shown = False
        for fraction in _CELL_FONT_FRACTIONS:
            cell_font = scaled_font(self.font, fraction)
            cell_fm = QFontMetricsF(cell_font)
            self.cell_font = cell_font
            if unit >= cell_fm.horizontalAdvance("-0.00") + 2 and unit >= cell_fm.height():
                self.numbers_shown = True
                break

    def _place(self, lines: list[list[int]], unit: float, width: float, height: float) -> None:
        """Put every block, label and operator on its line (centred), shades included."""
        title_fm = QFontMetricsF(self.title_font())
        fm = QFontMetricsF(self.label_font())
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
            grid_mid = top + n_title * line + BAR_PX + 4 + rows * unit / 2
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
                    y = grid.bottom() + BAR_PX + 4
                    for parts in item.shape_lines():
                        text_w = fm.horizontalAdvance("".join(t for t, _ in parts)) + 2
                        label_rects.append(QRectF(slot.center().x() - text_w / 2, y, text_w, line))
                        y += line
                    self.placed.append(Placed(item, slot, grid, title_rect, label_rects))
                    if item.key == group_keys[0]:
                        shading = True
                    if shading:
                        shade_from = x if shade_from is None else shade_from
                        shade_to = x + w
                    if item.key == group_keys[1]:
                        shading = False
                        if shade_from is not None:
                            self.shades.append(
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
                    self.operators.append((item, rect, color))
                x += w + _GAP_PX
            if shading and shade_from is not None:  # the shaded run goes on to the next line
                self.shades.append(QRectF(shade_from - 4, top - 2, shade_to - shade_from + 8,
                                           line_height - _LINE_GAP_PX + 4))  # fmt: skip
            top += line_height
