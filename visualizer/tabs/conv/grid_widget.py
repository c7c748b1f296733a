"""A fast, projector-readable grid of numbers that can be typed into, hovered and clicked.

The widget holds what the grid shows (a :class:`GridLook`) and handles the mouse;
:mod:`grid_paint` lays it out and paints it in one pass, and :class:`~.cell_editing.CellEditing`
(mixed in) types into the cells: click a cell to select it, then type (or double-click, or press
Enter/F2); Enter commits, Escape cancels, arrows/Tab move. Ctrl+V emits ``pasteRequested``
with the clipboard text so the owner can fill the grid.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from visualizer.tabs.conv.cell_editing import CellEditing
from visualizer.tabs.conv.grid_layout import MAX_LABELLED, GridBox
from visualizer.tabs.conv.grid_paint import (
    CellImage,
    GridLook,
    Window,
    grid_rect,
    number_font,
    paint_grid,
    title_font,
    title_height,
)
from visualizer.tabs.conv.grid_text import cell_text


class GridWidget(CellEditing, QWidget):
    """A grid of numbers: colours by sign and size, values as text when there is room.

    Signals
    -------
    cellHovered(int, int)
        The mouse is over cell (row, col); (-1, -1) when it leaves the grid.
    cellClicked(int, int)
        A cell was clicked.
    cellEdited(int, int, float)
        A valid number was typed into an editable cell.
    editRefused(str)
        Typed text was refused; the message is also shown under the grid.
    pasteRequested(str)
        Ctrl+V with the clipboard's text.
    """

    cellHovered = Signal(int, int)
    cellClicked = Signal(int, int)
    cellEdited = Signal(int, int, float)
    editRefused = Signal(str)
    pasteRequested = Signal(str)

    def __init__(self, title: str = "", *, editable: bool = False, parent=None) -> None:
        super().__init__(parent)
        self._look = GridLook(title=title, editable=editable)
        self._cells = CellImage(self._look)
        self._hover: tuple[int, int] = (-1, -1)
        self._make_editor()
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)

    # ----- data in -------------------------------------------------------------------------
    def set_grid(
        self,
        values: np.ndarray,
        *,
        fixed: np.ndarray | None = None,
        hidden: np.ndarray | None = None,
        row_labels: list[str] | None = None,
        col_labels: list[str] | None = None,
    ) -> None:
        """Show ``values``; ``fixed`` cells (padding) are grey, not editable; ``hidden`` blank."""
        look = self._look
        values = np.asarray(values, dtype=float)
        shape = values.shape
        fixed = np.zeros(shape, bool) if fixed is None else np.asarray(fixed, bool)
        hidden = np.zeros(shape, bool) if hidden is None else np.asarray(hidden, bool)
        if (
            not look.message
            and shape == look.values.shape
            and np.array_equal(values, look.values)
            and np.array_equal(fixed, look.fixed)
            and np.array_equal(hidden, look.hidden)
            and row_labels == look.row_labels
            and col_labels == look.col_labels
        ):
            return  # nothing changed: keep the colour image and skip the repaint
        look.values = values.copy()
        look.fixed = fixed
        look.hidden = hidden
        look.row_labels = row_labels
        look.col_labels = col_labels
        look.message = ""
        if look.selected is not None and not (
            look.selected[0] < shape[0] and look.selected[1] < shape[1]
        ):
            look.selected = None
        self._hide_editor()
        self._cells = CellImage(look)
        self.update()

    def set_message(self, text: str) -> None:
        """Show a sentence instead of the grid (e.g. why no window fits)."""
        self._look.message = text
        self._hide_editor()
        self.update()

    def set_title(self, title: str) -> None:
        if title != self._look.title:
            self._look.title = title
            self.update()

    def set_caption(self, text: str) -> None:
        """A short line under the grid (e.g. why rows are shaded)."""
        if text != self._look.caption:
            self._look.caption = text
            self.update()

    def set_highlight(self, window: Window | None, second: Window | None = None) -> None:
        """Outline cells ``rows r0..r1-1, cols c0..c1-1`` (stop exclusive); None clears."""
        look = self._look
        if window != look.highlight or second != look.second_highlight:
            look.highlight = window
            look.second_highlight = second
            self.update()

    def set_marks(
        self, cells: list[tuple[int, int]], strong: tuple[int, int] | None = None
    ) -> None:
        """Circle these cells (e.g. the arg-max of each max-pool window); ``strong`` in bold."""
        cells = list(cells)
        if cells != self._look.marks or strong != self._look.strong_mark:
            self._look.marks = cells
            self._look.strong_mark = strong
            self.update()

    def set_taps(self, cells: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> None:
        """Outline the cells a dilated kernel's taps lie on (inside the highlighted window)."""
        cells = list(cells)
        if cells != self._look.taps:
            self._look.taps = cells
            self.update()

    def taps(self) -> list[tuple[int, int]]:
        return list(self._look.taps)

    def set_shaded(self, rows: list[int], cols: list[int]) -> None:
        """Hatch whole rows and columns (the ones no window reaches)."""
        if list(rows) != self._look.shaded_rows or list(cols) != self._look.shaded_cols:
            self._look.shaded_rows = list(rows)
            self._look.shaded_cols = list(cols)
            self.update()

    def set_editable(self, editable: bool) -> None:
        """Whether cells can be typed into (e.g. a gradient that is computed, not typed)."""
        if editable != self._look.editable:
            self._look.editable = editable
            self._look.selected = None
            self._hide_editor()
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.NoFocus)
            self.update()

    def set_plain(self, plain: bool) -> None:
        """No title line and no row and column numbers (the place of the grid names it)."""
        if plain != self._look.plain:
            self._look.plain = plain
            self.update()

    def set_error(self, text: str) -> None:
        if text != self._look.error:
            self._look.error = text
            self.update()

    # ----- data out ------------------------------------------------------------------------
    def values(self) -> np.ndarray:
        return self._look.values.copy()

    def title(self) -> str:
        return self._look.title

    def message(self) -> str:
        return self._look.message

    def caption(self) -> str:
        return self._look.caption

    def error(self) -> str:
        return self._look.error

    def highlight(self) -> Window | None:
        return self._look.highlight

    def shaded(self) -> tuple[list[int], list[int]]:
        return list(self._look.shaded_rows), list(self._look.shaded_cols)

    def marks(self) -> list[tuple[int, int]]:
        return list(self._look.marks)

    def strong_mark(self) -> tuple[int, int] | None:
        return self._look.strong_mark

    def hidden(self) -> np.ndarray:
        return self._look.hidden.copy()

    def fixed(self) -> np.ndarray:
        return self._look.fixed.copy()

    def look(self) -> GridLook:
        """Everything the grid shows (read only: change it through the setters)."""
        return self._look

    def layout_box(self) -> GridBox:
        """The grid's size and text lines, for the grids view's layout."""
        look = self._look
        rows, cols = (4, 4) if look.message else look.values.shape
        if max(rows, cols) > MAX_LABELLED:
            # Too large for numbers: it takes the room of a 16-cell grid and its own cells
            # shrink, so the small grids beside it keep numbers large enough to read.
            scale = MAX_LABELLED / max(rows, cols)
            rows, cols = max(1, round(rows * scale)), max(1, round(cols * scale))
        # A title wrapped onto two lines needs a little over half its width.
        title = QFontMetrics(title_font(self.font())).horizontalAdvance(look.title)
        short = len(look.title) <= 18  # e.g. "dL/dY (upstream)": one line
        return GridBox(
            rows, cols, int(bool(look.caption)) + int(bool(look.error)),
            (title + 12) if short else title * 0.6 + 12, 1 if short else 2,
        )  # fmt: skip

    def part_rects(self) -> dict[str, QRectF]:
        """Where the title, the cells and the caption lines are painted (widget pixels)."""
        look = self._look
        top = title_height(look, self.font(), self.width())
        parts = {"title": QRectF(4, 0, self.width() - 8, top)}
        if look.message:
            return parts
        rect, _ = grid_rect(look, self.font(), self.width(), self.height())
        parts["cells"] = rect
        lines = int(bool(look.caption)) + int(bool(look.error))
        if lines:
            line = QFontMetrics(self.font()).height() * 1.4
            parts["caption"] = QRectF(4, rect.bottom() + 4, self.width() - 8, line * lines)
        return parts

    def cell_rect_size(self) -> float:
        """The side of one cell as painted now, in pixels."""
        return grid_rect(self._look, self.font(), self.width(), self.height())[1]

    def number_font(self) -> QFont | None:
        """The font the numbers are painted in now (None: the cells are too small for them)."""
        if self._look.message:
            return None
        return number_font(self._look, self.cell_rect_size(), self.font())

    def color_image(self) -> np.ndarray:
        """The cells' colours as an RGBA uint8 array (rows, cols, 4), as painted."""
        return self._cells.rgba.copy()

    def shown_text(self, row: int, col: int) -> str:
        """What the cell shows (when large enough): its value, or "" if hidden."""
        if self._look.hidden[row, col]:
            return ""
        return cell_text(float(self._look.values[row, col]))

    # ----- geometry ------------------------------------------------------------------------
    def _cell_at(self, pos: QPoint) -> tuple[int, int]:
        if self._look.message:
            return (-1, -1)
        rect, cell = grid_rect(self._look, self.font(), self.width(), self.height())
        x = (pos.x() - rect.left()) / cell
        y = (pos.y() - rect.top()) / cell
        rows, cols = self._look.values.shape
        if 0 <= x < cols and 0 <= y < rows:
            return int(y), int(x)
        return (-1, -1)

    def _cell_rect(self, row: int, col: int) -> QRectF:
        rect, cell = grid_rect(self._look, self.font(), self.width(), self.height())
        return QRectF(rect.left() + col * cell, rect.top() + row * cell, cell, cell)

    def cell_center(self, row: int, col: int) -> QPoint:
        """Widget coordinates of a cell's centre (for tests that move the mouse)."""
        return self._cell_rect(row, col).center().toPoint()

    def sizeHint(self) -> QSize:
        return QSize(260, 260)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            paint_grid(painter, self._look, self._cells, self.font(), self.width(), self.height())
        finally:
            painter.end()

    # ----- events --------------------------------------------------------------------------
    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self._cell_at(event.position().toPoint())
        if cell != self._hover:
            self._hover = cell
            self.cellHovered.emit(*cell)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hover != (-1, -1):
            self._hover = (-1, -1)
            self.cellHovered.emit(-1, -1)
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row, col = self._cell_at(event.position().toPoint())
        if row >= 0:
            if self._editor.isVisible():
                self._commit_editor()
            if self._look.editable:
                self.setFocus()
                self.select_cell(row, col)
            self.cellClicked.emit(row, col)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row, col = self._cell_at(event.position().toPoint())
        if row >= 0 and self._look.editable:
            self.select_cell(row, col)
            self.start_editing()
        super().mouseDoubleClickEvent(event)

    def resizeEvent(self, event) -> None:
        self._hide_editor()
        super().resizeEvent(event)
