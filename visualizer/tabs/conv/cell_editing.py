"""Typing into a grid's cells: the selected cell, the line edit over it and the keys.

:class:`CellEditing` is mixed into :class:`~visualizer.tabs.conv.grid_widget.GridWidget`
(before ``QWidget``), which holds what the grid shows and handles the mouse: a click selects a
cell, then typing (or a double-click, Enter or F2) opens the line edit over it; Enter commits,
Escape cancels, arrows and Tab move. Text that is not a number is refused with a message under
the grid and the cell keeps its last value. Ctrl+V emits ``pasteRequested`` with the
clipboard's text so the owner can fill the grid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget

from visualizer.numbers import parse_number
from visualizer.tabs.conv.grid_paint import CellImage, GridLook
from visualizer.tabs.conv.grid_text import cell_text

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    # Type checkers see the widget this is mixed into; at run time it is a plain mixin, so
    # GridWidget's bases stay (CellEditing, QWidget) and every ``super()`` call reaches Qt.
    _Widget = QWidget
else:
    _Widget = object


class CellEditing(_Widget):
    """The keyboard and the line edit of an editable grid (mixed into ``GridWidget``, which
    provides ``_look``, ``_cells``, ``_cell_rect`` and the signals)."""

    _look: GridLook
    _cells: CellImage
    _editor: QLineEdit

    if TYPE_CHECKING:  # GridWidget's signals and geometry
        cellEdited: SignalInstance
        editRefused: SignalInstance
        pasteRequested: SignalInstance

        def _cell_rect(self, row: int, col: int) -> QRectF: ...

    def _make_editor(self) -> None:
        """Create the (hidden) line edit a cell is typed into; called once by ``__init__``."""
        self._editor = QLineEdit(self)
        self._editor.hide()
        self._editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._editor.returnPressed.connect(self._on_editor_return_pressed)
        self._editor.installEventFilter(self)

    def is_editable(self, row: int, col: int) -> bool:
        look = self._look
        return look.editable and not look.message and not bool(look.fixed[row, col])

    def editor(self) -> QLineEdit:
        """The line edit a cell is typed into (visible while typing)."""
        return self._editor

    # ----- editing (also the path tests drive) ---------------------------------------------
    def set_cell_text(self, row: int, col: int, text: str) -> bool:
        """Type ``text`` into cell (row, col): True and ``cellEdited`` if it is a number.

        Otherwise the message says why, the cell keeps its value, and ``editRefused`` fires.
        """
        if not self.is_editable(row, col):
            return False
        look = self._look
        try:
            value = parse_number(text)
        except ValueError as exc:
            old = cell_text(float(look.values[row, col]))
            message = f"Row {row + 1 - self._label_offset(True)}, column "
            message += f"{col + 1 - self._label_offset(False)}: {exc} It keeps {old}."
            look.error = message
            self.update()
            self.editRefused.emit(message)
            return False
        look.error = ""
        look.values[row, col] = value
        self._cells = CellImage(look)
        self.update()
        self.cellEdited.emit(row, col, value)
        return True

    def select_cell(self, row: int, col: int) -> None:
        rows, cols = self._look.values.shape
        if 0 <= row < rows and 0 <= col < cols:
            self._look.selected = (row, col)
            self.update()

    def selected_cell(self) -> tuple[int, int] | None:
        return self._look.selected

    def start_editing(self, initial_text: str | None = None) -> None:
        selected = self._look.selected
        if selected is None or not self.is_editable(*selected):
            return
        rect = self._cell_rect(*selected)
        row, col = selected
        width = max(rect.width(), 60)
        self._editor.setGeometry(
            int(rect.center().x() - width / 2), int(rect.top()), int(width), int(rect.height())
        )
        self._editor.setText(
            initial_text if initial_text is not None else f"{self._look.values[row, col]:.10g}"
        )
        self._editor.show()
        self._editor.setFocus()
        if initial_text is None:
            self._editor.selectAll()

    def _label_offset(self, rows: bool) -> int:
        # Fixed border cells (padding) are not counted when naming a user's cell.
        fixed = self._look.fixed
        if not fixed.any():
            return 0
        line = fixed[:, fixed.shape[1] // 2] if rows else fixed[fixed.shape[0] // 2, :]
        count = 0
        for is_fixed in line:
            if not is_fixed:
                break
            count += 1
        return count

    # ----- keys ----------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit(QGuiApplication.clipboard().text())
            return
        if self._look.selected is None or not self._look.editable:
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
            self.select_cell(self._look.selected[0] + dr, self._look.selected[1] + dc)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2):
            self.start_editing()
            return
        text = event.text()
        if text and text.isprintable() and not text.isspace():
            self.start_editing(text)
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        # Arrow keys, Space and typed characters belong to the selected cell, not to the
        # window's animation shortcuts (Left/Right/Space/Home) while a cell is selected.
        if (
            event.type() == event.Type.ShortcutOverride
            and self._look.editable
            and self._look.selected is not None
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            event.accept()
            return True
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        # Tab moves between cells while one is selected, as in a spreadsheet.
        if self._look.editable and self._look.selected is not None and self.hasFocus():
            return False
        return super().focusNextPrevChild(next)

    # ----- the line edit -------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
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
                if self._look.selected is not None:
                    self.select_cell(self._look.selected[0], self._look.selected[1] + 1)
                return True
        if obj is self._editor and event.type() == event.Type.FocusOut and self._editor.isVisible():
            self._commit_editor()
        return super().eventFilter(obj, event)

    def _on_editor_return_pressed(self) -> None:
        if self._commit_editor():
            self.setFocus()

    def _commit_editor(self) -> bool:
        if not self._editor.isVisible() or self._look.selected is None:
            return False
        text = self._editor.text()
        row, col = self._look.selected
        self._editor.hide()
        ok = self.set_cell_text(row, col, text)
        return ok

    def _hide_editor(self) -> None:
        if self._editor.isVisible():
            self._editor.hide()
