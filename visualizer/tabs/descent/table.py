"""The iterate table: one row per step of the current run, the current step highlighted.

The table is a model (not thousands of QTableWidgetItems) so a 10,000-step run costs nothing
until rows are scrolled into view, and moving the highlighted row only repaints that row and
the previous one. What the columns are comes from :mod:`visualizer.tabs.descent.iterates`.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from visualizer.tabs.descent.iterates import IterateColumns
from visualizer.tabs.descent.model import DescentModel

_Index = QModelIndex | QPersistentModelIndex

_CURRENT_ROW_BRUSH = QBrush(QColor("#FFE4A8"))  # light orange: black text reads on a projector
_CURRENT_ROW_TEXT = QBrush(QColor("#000000"))
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_HANDLED_ROLES = frozenset({_DISPLAY, _ALIGN, _BACKGROUND, _FOREGROUND, _TOOLTIP})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class IterateTableModel(QAbstractTableModel):
    """Rows t = 0..steps of a run (see :func:`~visualizer.tabs.descent.iterates.iterate_columns`);
    rows stop at the step where the run diverged, which says so instead of showing nan."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._columns: IterateColumns | None = None
        self._current = 0
        # Practice mode: rows after ``_horizon`` are blank, except the values of the next row
        # already answered or revealed (column -> shown) and "?" for those still asked.
        self._horizon: int | None = None
        self._next_cells: dict[int, bool] = {}

    def set_practice(self, horizon: int | None, next_cells: dict[int, bool]) -> None:
        """Hide what practice asks: rows after ``horizon`` (None: hide nothing)."""
        if (horizon, next_cells) == (self._horizon, self._next_cells):
            return
        self._horizon, self._next_cells = horizon, dict(next_cells)
        rows = self.rowCount()
        if rows:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, self.columnCount() - 1))

    def set_run(self, columns: IterateColumns) -> None:
        self.beginResetModel()
        self._columns = columns
        self._current = min(self._current, self.rowCount() - 1)
        self.endResetModel()

    def set_current_row(self, row: int) -> None:
        old = self._current
        self._current = max(0, min(int(row), self.rowCount() - 1))
        if old == self._current:
            return
        roles = [_BACKGROUND, _FOREGROUND]
        for r in (old, self._current):
            if 0 <= r < self.rowCount():
                # One signal per cell: a view repaints just that cell, whereas a multi-cell
                # range makes QAbstractItemView repaint its whole viewport every frame.
                for c in range(self.columnCount()):
                    index = self.index(r, c)
                    self.dataChanged.emit(index, index, roles)

    def current_row(self) -> int:
        return self._current

    def headers(self) -> list[str]:
        return self._columns.headers if self._columns is not None else []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        if parent.isValid() or self._columns is None:
            return 0
        return self._columns.rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # The view asks for ~7 roles per painted cell on every frame: unhandled roles leave
        # at once, and brushes are made once, not per call.
        if role not in _HANDLED_ROLES or self._columns is None or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if self._horizon is not None and row > self._horizon and role in (_DISPLAY, _TOOLTIP):
            if row != self._horizon + 1 or role == _TOOLTIP:
                return None
            if col == 0:
                return str(row)
            shown = self._next_cells.get(col)
            if shown is None:
                return ""
            return self._columns.text(row, col) if shown else "?"
        if role == _DISPLAY:
            return self._columns.text(row, col)
        if role == _ALIGN:
            return _RIGHT
        if role == _BACKGROUND:
            return _CURRENT_ROW_BRUSH if row == self._current else None
        if role == _FOREGROUND:
            return _CURRENT_ROW_TEXT if row == self._current else None
        if col > 0:  # tooltip: the full-precision number
            v = self._columns.value(row, col)
            return repr(v) if math.isfinite(v) else None
        return None

    def rows_as_text(self, rows: list[int] | None = None, sep: str = ",") -> str:
        """CSV (or tab-separated) text, full float precision, header first."""
        if self._columns is None:
            return ""
        return self._columns.csv(rows, sep)


def asks_column(key: str, header: str) -> bool:
    """Whether the practice question ``key`` ("x3", "v3") asks the column ``header``
    (x_t, and y_t on a surface, for an iterate; v_t, vx_t, vy_t for a velocity)."""
    if key.startswith("x"):
        return header in ("x_t", "y_t")
    return header.startswith(key[0]) and header.endswith("_t")


class IterateTable(QGroupBox):
    """The iterates of the current run with Copy and Export; a click shows that step."""

    #: A short message for the window's status bar ("Table copied to the clipboard").
    statusMessage = Signal(str)

    def __init__(self, model: DescentModel) -> None:
        super().__init__("Iterates")
        self.model = model
        self.table_model = IterateTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(30)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setWordWrap(False)  # numbers never wrap, and unwrapped cells paint faster
        self.table.setToolTip("Click a row to show that step; Ctrl+C copies the selected rows")
        self.table.clicked.connect(self._on_table_clicked)
        copy_shortcut = QShortcut(QKeySequence.StandardKey.Copy, self.table)
        copy_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        copy_shortcut.activated.connect(self.copy_table)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the table (or the selected rows) for a spreadsheet")
        self.copy_button.clicked.connect(self.copy_table)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Save the table as a CSV file")
        self.export_button.clicked.connect(self._on_export_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.render_run()

    def _on_model_changed(self, what: str) -> None:
        if what == "settings":
            self.render_run()
        elif what == "frame":
            self.render_frame()
        elif what == "practice":
            self.render_practice()

    def render_practice(self) -> None:
        """Blank the rows practice has not reached; "?" for the values it asks next."""
        model = self.model
        horizon = model.practice_horizon()
        cells: dict[int, bool] = {}
        if horizon is not None:
            headers = self.table_model.headers()
            for q in model.practice_questions():
                shown = not model.practice.is_hidden(q.key)
                for col, header in enumerate(headers):
                    if asks_column(q.key, header):
                        cells[col] = shown
        self.table_model.set_practice(horizon, cells)

    def render_run(self) -> None:
        self.table_model.set_run(self.model.iterates())
        self.render_practice()
        self.fit_columns()
        self.render_frame()

    def render_frame(self) -> None:
        if self.model.practice.on:
            self.render_practice()
        frame = self.model.frame
        self.table_model.set_current_row(frame)
        # Scrolling repaints the whole table: only scroll when the row has left the view, and
        # then put the row before it at the top, so playback scrolls once per page, not every
        # step (stepping back, the row goes to the bottom).
        row = min(frame, self.table_model.rowCount() - 1)
        index = self.table_model.index(row, 0)
        rect = self.table.visualRect(index)
        if rect.isValid() and self.table.viewport().rect().contains(rect):
            return
        above = self.table.indexAt(self.table.viewport().rect().topLeft()).row()
        if above != -1 and row < above:
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtBottom)
        else:
            self.table.scrollTo(
                self.table_model.index(max(row - 1, 0), 0),
                QAbstractItemView.ScrollHint.PositionAtTop,
            )

    def fit_columns(self) -> None:
        """Columns as wide as their widest number (sampled), so digits are never elided."""
        fm = self.table.fontMetrics()
        model = self.table_model
        rows = model.rowCount()
        sample = list(range(min(rows, 300))) + list(range(max(300, rows - 50), rows))
        for col in range(model.columnCount()):
            texts = [model.headers()[col]]
            texts += [model.data(model.index(r, col)) or "" for r in sample]
            widest = max(fm.horizontalAdvance(t) for t in texts)
            self.table.setColumnWidth(col, widest + 12)

    def needed_width(self) -> int:
        """The width this box needs to show every column without a horizontal scroll bar."""
        table = self.table
        needed = sum(table.columnWidth(c) for c in range(self.table_model.columnCount()))
        needed += table.verticalScrollBar().sizeHint().width() + 4 * table.frameWidth()
        return needed + self.width() - table.width()

    def copy_table(self) -> None:
        """Copy the selected rows (or the whole table) as tab-separated text."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        QApplication.clipboard().setText(self.table_model.rows_as_text(rows or None, sep="\t"))
        self.statusMessage.emit("Table copied to the clipboard")

    def export_csv(self, path: str) -> None:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(self.model.table_csv())
        self.statusMessage.emit(f"Saved the iterates to {path}")

    def _on_table_clicked(self, index: QModelIndex) -> None:
        self.model.set_frame(index.row())

    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export iterates", "iterates.csv", "CSV files (*.csv)"
        )
        if path:
            try:
                self.export_csv(path)
            except OSError as exc:
                self.statusMessage.emit(f"Could not save {path}: {exc.strerror}")

    # ----- reading what is shown -----------------------------------------------------------
    def cell(self, row: int, column: int) -> str | None:
        return self.table_model.data(self.table_model.index(row, column))

    def is_highlighted(self, row: int) -> bool:
        index = self.table_model.index(row, 1)
        return self.table_model.data(index, _BACKGROUND) is not None
