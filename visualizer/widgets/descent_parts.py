"""Pieces of the gradient-descent tab: the iterate table model and a pinned-run row.

The table is a model (not thousands of QTableWidgetItems) so a 10,000-step run costs nothing
until rows are scrolled into view, and moving the highlighted row only repaints two rows.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from visualizer.compute import Trajectory

_Index = QModelIndex | QPersistentModelIndex

#: Significant digits in the table: the sheet's code prints ~16, students compare ~6.
TABLE_DIGITS = 7
_CURRENT_ROW_COLOR = QColor("#FFE4A8")  # light orange: readable black text on a projector
_CURRENT_ROW_BRUSH = QBrush(_CURRENT_ROW_COLOR)
_CURRENT_ROW_TEXT = QBrush(QColor("#000000"))
_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_HANDLED_ROLES = frozenset(
    {_DISPLAY, _ALIGN, _BACKGROUND, _FOREGROUND, Qt.ItemDataRole.ToolTipRole}
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def format_cell(value: float, digits: int = TABLE_DIGITS) -> str:
    """One number for the table; never "nan"/"inf"."""
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "overflow"
    # "#": keep trailing zeros, so every cell shows the same number of significant digits
    # (-0.1601400, not -0.16014, which would look less precise than it is)
    text = f"{value:#.{digits}g}"
    if text.endswith("."):
        text = text[:-1]
    return text[1:] if text.startswith("-") and float(text) == 0 else text


class IterateTableModel(QAbstractTableModel):
    """Rows t = 0..steps of a :class:`Trajectory`: t, x_t, f(x_t), f'(x_t), then v_t for the
    momentum methods (Adam: m_t, s_t).

    Rows stop at the step where the run diverged (that row says so instead of showing nan).
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._traj: Trajectory | None = None
        self._f_name = "f"
        self._current = 0

    # ----- feeding -----------------------------------------------------------------------------
    def set_run(self, traj: Trajectory, f_name: str = "f") -> None:
        self.beginResetModel()
        self._traj = traj
        self._f_name = f_name
        self._current = min(self._current, self.rowCount() - 1)
        self.endResetModel()

    def set_current_row(self, row: int) -> None:
        old = self._current
        self._current = max(0, min(int(row), self.rowCount() - 1))
        if old == self._current:
            return
        roles = [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole]
        for r in (old, self._current):
            if 0 <= r < self.rowCount():
                # One signal per cell: a view repaints just that cell, whereas a multi-cell
                # range makes QAbstractItemView repaint its whole viewport every frame.
                for c in range(self.columnCount()):
                    index = self.index(r, c)
                    self.dataChanged.emit(index, index, roles)

    def current_row(self) -> int:
        return self._current

    # ----- shape -------------------------------------------------------------------------------
    def headers(self) -> list[str]:
        f = self._f_name
        base = ["t", "x_t", f"{f}(x_t)", f"{f}'(x_t)"]
        method = self._traj.method if self._traj is not None else "gd"
        if method == "adam":
            return [*base, "m_t", "s_t"]
        # plain GD carries no velocity: no column of dashes taking a projector's width
        return base if method == "gd" else [*base, "v_t"]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        if parent.isValid() or self._traj is None:
            return 0
        traj = self._traj
        return traj.steps + 1 if traj.diverged_at is None else traj.diverged_at + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def value(self, row: int, column: int) -> float:
        """The raw number behind a cell (t for column 0)."""
        traj = self._traj
        assert traj is not None
        if column == 0:
            return float(row)
        if column == 1:
            return float(traj.x[row])
        if column == 2:
            return float(traj.fx[row]) if traj.fx is not None else math.nan
        if column == 3:
            return float(traj.grad[row])
        if column == 4:
            return float(traj.velocity[row]) if traj.method != "gd" else math.nan
        return float(traj.second_moment[row])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The view asks for ~7 roles per painted cell on every frame: unhandled roles leave
        # at once, and brushes are made once, not per call.
        if role not in _HANDLED_ROLES or self._traj is None or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == _DISPLAY:
            if col == 0:
                return str(row)
            traj = self._traj
            if traj.diverged_at is not None and row == traj.diverged_at:
                return "diverged" if col == 1 else ""
            return format_cell(self.value(row, col))
        if role == _ALIGN:
            return _RIGHT
        if role == _BACKGROUND:
            return _CURRENT_ROW_BRUSH if row == self._current else None
        if role == _FOREGROUND:
            return _CURRENT_ROW_TEXT if row == self._current else None
        if col > 0:  # tooltip: the full-precision number
            v = self.value(row, col)
            return repr(v) if math.isfinite(v) else None
        return None

    # ----- export ------------------------------------------------------------------------------
    def rows_as_text(self, rows: list[int] | None = None, sep: str = ",") -> str:
        """CSV (or tab-separated) text, full float precision, header first."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
        writer.writerow(self.headers())
        if self._traj is None:
            return buffer.getvalue()
        wanted = range(self.rowCount()) if rows is None else rows
        for row in wanted:
            cells: list[str] = [str(row)]
            for col in range(1, self.columnCount()):
                v = self.value(row, col)
                cells.append(repr(v) if np.isfinite(v) else "")
            writer.writerow(cells)
        return buffer.getvalue()


class PinnedRunRow(QWidget):
    """One pinned run in the list: its colour, its settings in words, and a remove button."""

    removeRequested = Signal()

    def __init__(self, color: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.swatch = QLabel("■")
        palette = self.swatch.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
        self.swatch.setPalette(palette)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setToolTip("Remove this pinned run")
        self.remove_button.setAccessibleName(f"Remove pinned run {text}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.swatch)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.remove_button)
        self.remove_button.clicked.connect(self.removeRequested)
