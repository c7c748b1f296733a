"""A fast, projector-readable grid of numbers that can be typed into, hovered and clicked.

One widget paints the whole grid: the cell colours as a single ``QImage`` scaled with no
smoothing (one draw call for 64x64 cells), then the numbers only when cells are large enough
to read them. No per-cell item objects exist, so a 64x64 grid redraws in milliseconds after
an edit. Overlays (the highlighted window, shaded rows/columns, arg-max marks, the selected
cell) are a few rectangles drawn on top.

Editing: click a cell to select it, then type (or double-click, or press Enter/F2); Enter
commits, Escape cancels, arrows/Tab move. Text that is not a number is refused with a message
under the grid and the cell keeps its last value. Ctrl+V emits ``pasteRequested`` with the
clipboard text so the owner can fill the grid.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QWidget

from visualizer.widgets.number_field import parse_number
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


def cell_text(value: float) -> str:
    """The short spelling shown inside a cell: ``3``, ``-12.5``, ``0.1111``."""
    if value == 0:
        return "0"
    return f"{value:.4g}"


def parse_grid_text(text: str) -> np.ndarray:
    """Rows of numbers separated by tabs, spaces, commas or semicolons -> a 2-D float array.

    Raises ``ValueError`` with a sentence when a piece is not a number or rows differ in length.
    """
    rows: list[list[float]] = []
    for line_number, line in enumerate(text.strip().splitlines(), start=1):
        pieces = line.replace(";", " ").replace(",", " ").replace("\t", " ").split()
        if not pieces:
            continue
        row = []
        for piece in pieces:
            try:
                row.append(parse_number(piece))
            except ValueError as exc:
                raise ValueError(f"Row {line_number}: {exc}") from None
        rows.append(row)
    if not rows:
        raise ValueError("The clipboard holds no numbers to paste.")
    widths = {len(r) for r in rows}
    if len(widths) != 1:
        raise ValueError(
            "The pasted rows have different lengths "
            f"({', '.join(str(len(r)) for r in rows)}); every row needs the same number of values."
        )
    return np.array(rows, dtype=float)


class GridWidget(QWidget):
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
        self._title = title
        self._editable = editable
        self._values = np.zeros((1, 1))
        self._fixed = np.zeros((1, 1), dtype=bool)
        self._hidden = np.zeros((1, 1), dtype=bool)
        self._image: QImage | None = None
        self._scaled_image: QImage | None = None
        self._scaled_key: tuple[int, int, int] | None = None
        self._highlight: tuple[int, int, int, int] | None = None
        self._second_highlight: tuple[int, int, int, int] | None = None
        self._marks: list[tuple[int, int]] = []
        self._strong_mark: tuple[int, int] | None = None
        self._shaded_rows: list[int] = []
        self._shaded_cols: list[int] = []
        self._row_labels: list[str] | None = None
        self._col_labels: list[str] | None = None
        self._message = ""
        self._error = ""
        self._caption = ""
        self._selected: tuple[int, int] | None = None
        self._hover: tuple[int, int] = (-1, -1)
        self._max_cell = 64
        self._editor = QLineEdit(self)
        self._editor.hide()
        self._editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._editor.returnPressed.connect(self._on_editor_return_pressed)
        self._editor.installEventFilter(self)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(120, 120)
        self._set_image()

    # ----- data in ---------------------------------------------------------------------------
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
        values = np.asarray(values, dtype=float)
        shape = values.shape
        fixed = np.zeros(shape, bool) if fixed is None else np.asarray(fixed, bool)
        hidden = np.zeros(shape, bool) if hidden is None else np.asarray(hidden, bool)
        if (
            not self._message
            and shape == self._values.shape
            and np.array_equal(values, self._values)
            and np.array_equal(fixed, self._fixed)
            and np.array_equal(hidden, self._hidden)
            and row_labels == self._row_labels
            and col_labels == self._col_labels
        ):
            return  # nothing changed: keep the colour image and skip the repaint
        self._values = values.copy()
        self._fixed = fixed
        self._hidden = hidden
        self._row_labels = row_labels
        self._col_labels = col_labels
        self._message = ""
        if self._selected is not None and not (
            self._selected[0] < shape[0] and self._selected[1] < shape[1]
        ):
            self._selected = None
        self._hide_editor()
        self._set_image()
        self.update()

    def set_message(self, text: str) -> None:
        """Show a sentence instead of the grid (e.g. why no window fits)."""
        self._message = text
        self._hide_editor()
        self.update()

    def set_title(self, title: str) -> None:
        if title != self._title:
            self._title = title
            self.update()

    def set_caption(self, text: str) -> None:
        """A short line under the grid (e.g. why rows are shaded)."""
        if text != self._caption:
            self._caption = text
            self.update()

    def set_highlight(
        self,
        window: tuple[int, int, int, int] | None,
        second: tuple[int, int, int, int] | None = None,
    ) -> None:
        """Outline cells ``rows r0..r1-1, cols c0..c1-1`` (stop exclusive); None clears."""
        if window != self._highlight or second != self._second_highlight:
            self._highlight = window
            self._second_highlight = second
            self.update()

    def set_marks(
        self, cells: list[tuple[int, int]], strong: tuple[int, int] | None = None
    ) -> None:
        """Circle these cells (e.g. the arg-max of each max-pool window); ``strong`` in bold."""
        self._marks = list(cells)
        self._strong_mark = strong
        self.update()

    def set_shaded(self, rows: list[int], cols: list[int]) -> None:
        """Hatch whole rows and columns (the ones no window reaches)."""
        self._shaded_rows = list(rows)
        self._shaded_cols = list(cols)
        self.update()

    def set_error(self, text: str) -> None:
        self._error = text
        self.update()

    # ----- data out --------------------------------------------------------------------------
    def values(self) -> np.ndarray:
        return self._values.copy()

    def title(self) -> str:
        return self._title

    def message(self) -> str:
        return self._message

    def caption(self) -> str:
        return self._caption

    def error(self) -> str:
        return self._error

    def highlight(self) -> tuple[int, int, int, int] | None:
        return self._highlight

    def shaded(self) -> tuple[list[int], list[int]]:
        return list(self._shaded_rows), list(self._shaded_cols)

    def marks(self) -> list[tuple[int, int]]:
        return list(self._marks)

    def hidden(self) -> np.ndarray:
        return self._hidden.copy()

    def fixed(self) -> np.ndarray:
        return self._fixed.copy()

    def color_image(self) -> np.ndarray:
        """The cells' colours as an RGBA uint8 array (rows, cols, 4), as painted."""
        return self._rgba.copy()

    def shown_text(self, row: int, col: int) -> str:
        """What the cell shows (when large enough): its value, or "" if hidden."""
        if self._hidden[row, col]:
            return ""
        return cell_text(float(self._values[row, col]))

    def is_editable(self, row: int, col: int) -> bool:
        return self._editable and not self._message and not bool(self._fixed[row, col])

    # ----- editing (also the path tests drive) -----------------------------------------------
    def set_cell_text(self, row: int, col: int, text: str) -> bool:
        """Type ``text`` into cell (row, col): True and ``cellEdited`` if it is a number.

        Otherwise the message says why, the cell keeps its value, and ``editRefused`` fires.
        """
        if not self.is_editable(row, col):
            return False
        try:
            value = parse_number(text)
        except ValueError as exc:
            old = cell_text(float(self._values[row, col]))
            message = f"Row {row + 1 - self._label_offset(True)}, column "
            message += f"{col + 1 - self._label_offset(False)}: {exc} It keeps {old}."
            self._error = message
            self.update()
            self.editRefused.emit(message)
            return False
        self._error = ""
        self._values[row, col] = value
        self._set_image()
        self.update()
        self.cellEdited.emit(row, col, value)
        return True

    def select_cell(self, row: int, col: int) -> None:
        rows, cols = self._values.shape
        if 0 <= row < rows and 0 <= col < cols:
            self._selected = (row, col)
            self.update()

    def selected_cell(self) -> tuple[int, int] | None:
        return self._selected

    def start_editing(self, initial_text: str | None = None) -> None:
        if self._selected is None or not self.is_editable(*self._selected):
            return
        rect = self._cell_rect(*self._selected)
        if rect is None:
            return
        row, col = self._selected
        width = max(rect.width(), 60)
        self._editor.setGeometry(
            int(rect.center().x() - width / 2), int(rect.top()), int(width), int(rect.height())
        )
        self._editor.setText(
            initial_text if initial_text is not None else f"{self._values[row, col]:.10g}"
        )
        self._editor.show()
        self._editor.setFocus()
        if initial_text is None:
            self._editor.selectAll()

    # ----- geometry --------------------------------------------------------------------------
    def _label_offset(self, rows: bool) -> int:
        # Fixed border cells (padding) are not counted when naming a user's cell.
        fixed = self._fixed
        if not fixed.any():
            return 0
        line = fixed[:, fixed.shape[1] // 2] if rows else fixed[fixed.shape[0] // 2, :]
        count = 0
        for is_fixed in line:
            if not is_fixed:
                break
            count += 1
        return count

    def _layout(self) -> tuple[QRectF, float]:
        """The grid's rectangle and cell size in widget pixels."""
        fm = QFontMetrics(self.font())
        line = fm.height()
        top = self._title_height()
        left = line * 1.6 if self._show_labels_hint() else 6
        bottom = line * 1.4 * (int(bool(self._caption)) + int(bool(self._error))) + 6
        head = line * 1.1 if self._show_labels_hint() else 0
        rows, cols = self._values.shape
        avail_w = self.width() - left - 6
        avail_h = self.height() - top - head - bottom
        cell = max(1.0, min(avail_w / cols, avail_h / rows, float(self._max_cell_px())))
        grid_w, grid_h = cell * cols, cell * rows
        x0 = left + (avail_w - grid_w) / 2
        y0 = top + head
        return QRectF(x0, y0, grid_w, grid_h), cell

    def _max_cell_px(self) -> int:
        return int(QFontMetrics(self.font()).height() * 4.2)

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _title_height(self) -> float:
        # Long titles wrap onto a second line instead of being cut off.
        fm = QFontMetrics(self._title_font())
        box = fm.boundingRect(
            QRect(0, 0, max(1, self.width() - 8), 10000), int(Qt.TextFlag.TextWordWrap), self._title
        )
        return max(fm.height(), box.height()) + fm.height() * 0.5

    def _show_labels_hint(self) -> bool:
        rows, cols = self._values.shape
        return max(rows, cols) <= 16

    def _cell_at(self, pos: QPoint) -> tuple[int, int]:
        if self._message:
            return (-1, -1)
        rect, cell = self._layout()
        x = (pos.x() - rect.left()) / cell
        y = (pos.y() - rect.top()) / cell
        rows, cols = self._values.shape
        if 0 <= x < cols and 0 <= y < rows:
            return int(y), int(x)
        return (-1, -1)

    def _cell_rect(self, row: int, col: int) -> QRectF | None:
        rect, cell = self._layout()
        return QRectF(rect.left() + col * cell, rect.top() + row * cell, cell, cell)

    def cell_center(self, row: int, col: int) -> QPoint:
        """Widget coordinates of a cell's centre (for tests that move the mouse)."""
        r = self._cell_rect(row, col)
        return r.center().toPoint() if r is not None else QPoint()

    def sizeHint(self) -> QSize:
        return QSize(260, 260)

    # ----- painting --------------------------------------------------------------------------
    def _set_image(self) -> None:
        """Cell colours as one RGBA image: white at 0, blue for positive, vermilion for negative.

        Values are mapped to 256 shades through a lookup table (one indexing pass instead
        of several float passes per channel), which keeps a 64x64 edit cheap.
        """
        values = self._values
        shown = ~self._fixed & ~self._hidden
        magnitude = float(np.max(np.abs(values[shown]), initial=0.0)) if shown.any() else 0.0
        scale = magnitude if magnitude > 0 else 1.0
        shade = np.clip(values / scale, -1.0, 1.0)
        shade += 1.0
        shade *= 127.5
        rgba = _color_table()[np.rint(shade).astype(np.intp)]
        rgba[self._fixed] = FIXED_CELL_COLOR.getRgb()
        rgba[self._hidden] = (250, 250, 250, 255)
        rows, cols = values.shape
        self._rgba = rgba
        # Qt's native 32-bit layout (0xffRRGGBB words, so B, G, R, A bytes on little-endian
        # machines) scales and draws without a format conversion.
        words = (
            (np.uint32(0xFF) << np.uint32(24))
            | (rgba[..., 0].astype(np.uint32) << np.uint32(16))
            | (rgba[..., 1].astype(np.uint32) << np.uint32(8))
            | rgba[..., 2].astype(np.uint32)
        )
        self._argb = np.ascontiguousarray(words)  # the QImage borrows this buffer
        self._image = QImage(self._argb.data, cols, rows, cols * 4, QImage.Format.Format_RGB32)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        painter.fillRect(self.rect(), QColor("white"))
        base = QFont(self.font())
        fm = QFontMetrics(base)
        line = fm.height()
        title_font = self._title_font()
        painter.setFont(title_font)
        painter.setPen(QColor("black"))
        painter.drawText(
            QRectF(4, 0, self.width() - 8, self._title_height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
            self._title,
        )
        if self._message:
            painter.setFont(base)
            painter.setPen(QColor(ERROR_COLOR))
            painter.drawText(
                QRectF(8, self._title_height(), self.width() - 16, self.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                self._message,
            )
            return
        rect, cell = self._layout()
        rows, cols = self._values.shape
        if self._image is not None:
            # Scale once per change or resize (nearest pixel, so cells keep hard edges); hover
            # repaints then draw the ready image 1:1, which is much cheaper than scaling.
            target = rect.toAlignedRect()
            key = (id(self._image), target.width(), target.height())
            if self._scaled_key != key:
                self._scaled_image = self._image.scaled(
                    target.width(),
                    target.height(),
                    Qt.AspectRatioMode.IgnoreAspectRatio,
                    Qt.TransformationMode.FastTransformation,
                )
                self._scaled_key = key
            painter.drawImage(target.topLeft(), self._scaled_image)
        # Shaded (unreached) rows and columns.
        if self._shaded_rows or self._shaded_cols:
            brush = QBrush(QColor(60, 60, 60, 150), Qt.BrushStyle.BDiagPattern)
            for r in self._shaded_rows:
                painter.fillRect(
                    QRectF(rect.left(), rect.top() + r * cell, rect.width(), cell), brush
                )
                painter.fillRect(
                    QRectF(rect.left(), rect.top() + r * cell, rect.width(), cell),
                    QColor(0, 0, 0, 40),
                )
            for c in self._shaded_cols:
                painter.fillRect(
                    QRectF(rect.left() + c * cell, rect.top(), cell, rect.height()), brush
                )
                painter.fillRect(
                    QRectF(rect.left() + c * cell, rect.top(), cell, rect.height()),
                    QColor(0, 0, 0, 40),
                )
        # Cell borders only when cells are big enough for them to help.
        if cell >= 8:
            painter.setPen(QPen(QColor("#9e9e9e"), 1))
            for r in range(rows + 1):
                y = rect.top() + r * cell
                painter.drawLine(int(rect.left()), int(y), int(rect.right()), int(y))
            for c in range(cols + 1):
                x = rect.left() + c * cell
                painter.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
        else:
            painter.setPen(QPen(QColor("#9e9e9e"), 1))
            painter.drawRect(rect)
        self._paint_texts(painter, rect, cell, base)
        self._paint_labels(painter, rect, cell, base)
        # Overlays.
        for window, color, width in (
            (self._second_highlight, QColor("#009E73"), 3),
            (self._highlight, QColor(HIGHLIGHT_COLOR), 4),
        ):
            if window is None:
                continue
            r0, r1, c0, c1 = window
            box = QRectF(rect.left() + c0 * cell, rect.top() + r0 * cell, (c1 - c0) * cell,
                         (r1 - r0) * cell)  # fmt: skip
            fill = QColor(color)
            fill.setAlpha(35)
            painter.fillRect(box, fill)
            painter.setPen(QPen(color, width))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box.adjusted(1, 1, -1, -1))
        if self._marks:
            for r, c in self._marks:
                strong = (r, c) == self._strong_mark
                painter.setPen(QPen(QColor("black"), 3 if strong else 1.5))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                box = QRectF(rect.left() + c * cell, rect.top() + r * cell, cell, cell)
                inset = max(1.0, cell * 0.08)
                painter.drawEllipse(box.adjusted(inset, inset, -inset, -inset))
        if self._selected is not None and self._editable:
            r, c = self._selected
            painter.setPen(QPen(QColor("#0072B2"), 3, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(rect.left() + c * cell, rect.top() + r * cell, cell, cell))
        # Caption and error under the grid.
        y = rect.bottom() + 4
        painter.setFont(base)
        for text, color in ((self._caption, QColor("#333333")), (self._error, QColor(ERROR_COLOR))):
            if not text:
                continue
            painter.setPen(color)
            painter.drawText(
                QRectF(4, y, self.width() - 8, line * 1.4),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(text, Qt.TextElideMode.ElideRight, self.width() - 8),
            )
            y += line * 1.4

    def _paint_texts(self, painter: QPainter, rect: QRectF, cell: float, base: QFont) -> None:
        rows, cols = self._values.shape
        if cell < 14:
            return
        font = QFont(base)
        fm = QFontMetrics(font)
        texts = [[cell_text(float(v)) for v in row] for row in self._values.tolist()]
        widest = max((fm.horizontalAdvance(t) for row in texts for t in row), default=0)
        # Shrink the font to fit the widest number, but never below a readable size.
        point = font.pointSizeF() if font.pointSizeF() > 0 else 11.0
        while widest > cell - 4 and point > 7:
            point -= 1
            font.setPointSizeF(point)
            fm = QFontMetrics(font)
            widest = max((fm.horizontalAdvance(t) for row in texts for t in row), default=0)
        if widest > cell - 2 or fm.height() > cell:
            return
        painter.setFont(font)
        align = Qt.AlignmentFlag.AlignCenter
        for r in range(rows):
            for c in range(cols):
                if self._hidden[r, c]:
                    continue
                painter.setPen(FIXED_TEXT_COLOR if self._fixed[r, c] else QColor("black"))
                painter.drawText(
                    QRectF(rect.left() + c * cell, rect.top() + r * cell, cell, cell),
                    align,
                    texts[r][c],
                )

    def _paint_labels(self, painter: QPainter, rect: QRectF, cell: float, base: QFont) -> None:
        if not self._show_labels_hint() or cell < 14:
            return
        font = QFont(base)
        point = font.pointSizeF() if font.pointSizeF() > 0 else 11.0
        font.setPointSizeF(max(7.0, point * 0.8))
        painter.setFont(font)
        painter.setPen(QColor("#555555"))
        rows, cols = self._values.shape
        line = QFontMetrics(font).height()
        row_labels = self._row_labels or [str(r + 1) for r in range(rows)]
        col_labels = self._col_labels or [str(c + 1) for c in range(cols)]
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

    # ----- events ----------------------------------------------------------------------------
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
            if self._editable:
                self.setFocus()
                self.select_cell(row, col)
            self.cellClicked.emit(row, col)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row, col = self._cell_at(event.position().toPoint())
        if row >= 0 and self._editable:
            self.select_cell(row, col)
            self.start_editing()
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit(QGuiApplication.clipboard().text())
            return
        if self._selected is None or not self._editable:
            super().keyPressEvent(event)
            return
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
            Qt.Key.Key_Tab: (0, 1),
        }
        if key in moves:
            dr, dc = moves[key]
            self.select_cell(self._selected[0] + dr, self._selected[1] + dc)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.start_editing()
            return
        text = event.text()
        if text and text.isprintable() and not text.isspace():
            self.start_editing(text)
            return
        super().keyPressEvent(event)

    def event(self, event) -> bool:
        # Arrow keys, Space and typed characters belong to the selected cell, not to the
        # window's animation shortcuts (Left/Right/Space/Home) while a cell is selected.
        if (
            event.type() == event.Type.ShortcutOverride
            and self._editable
            and self._selected is not None
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            event.accept()
            return True
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab moves between cells while one is selected, as in a spreadsheet.
        if self._editable and self._selected is not None and self.hasFocus():
            return False
        return super().focusNextPrevChild(next)

    def eventFilter(self, obj, event) -> bool:
        if obj is self._editor and event.type() == event.Type.ShortcutOverride:
            # While typing in a cell, Escape cancels the edit (not the window's Escape) and
            # arrows/Space edit the text (not the animation shortcuts).
            event.accept()
            return True
        if obj is self._editor and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self._hide_editor()
                self.setFocus()
                return True
            if event.key() == Qt.Key.Key_Tab:
                self._on_editor_return_pressed()
                if self._selected is not None:
                    self.select_cell(self._selected[0], self._selected[1] + 1)
                return True
        if obj is self._editor and event.type() == event.Type.FocusOut and self._editor.isVisible():
            self._commit_editor()
        return super().eventFilter(obj, event)

    def _on_editor_return_pressed(self) -> None:
        if self._commit_editor():
            self.setFocus()

    def _commit_editor(self) -> bool:
        if not self._editor.isVisible() or self._selected is None:
            return False
        text = self._editor.text()
        row, col = self._selected
        self._editor.hide()
        ok = self.set_cell_text(row, col, text)
        return ok

    def _hide_editor(self) -> None:
        if self._editor.isVisible():
            self._editor.hide()

    def resizeEvent(self, event) -> None:
        self._hide_editor()
        super().resizeEvent(event)
