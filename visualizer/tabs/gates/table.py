"""The truth table: every row's z and output for each neuron, what the target needs, the verdict.

Missed rows are red, fragile ones (a sum of exactly 0) amber, the current input row bold;
clicking a row sets A and B to it. Cells only change when their text or look does, so a
training animation repaints little.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from visualizer.compute.gates import TRUTH_INPUTS
from visualizer.tabs.gates import asking
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.texts import truth_headers, truth_rows

_MISS_BG = QColor("#ffd4d4")
_FRAGILE_BG = QColor("#ffe3a3")
_OK_BG = QColor("#ffffff")


class TruthTableView(QTableWidget):
    """The model's truth table, four rows (00, 01, 10, 11)."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().setVisible(False)
        self.setToolTip("Click a row to set A and B to it")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.cellClicked.connect(self._on_cell_clicked)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if self._model.is_playground():  # hidden in the playground: nothing to redraw
            return
        if what in ("settings", "frame", "inputs", "practice"):
            self.redraw()

    def _on_cell_clicked(self, row: int, _column: int) -> None:
        a, b = (int(v) for v in TRUTH_INPUTS[row])
        self._model.set_inputs(a, b)

    def redraw(self) -> None:
        """Show the model's rows (also after a font change: the bold row and the heights)."""
        model = self._model
        headers = truth_headers(model)
        rows = truth_rows(model)
        diagnosis = model.diagnosis()
        self.setColumnCount(len(headers))
        self.setRowCount(4)
        # "XOR needs" on two lines keeps the column narrow in the side panel.
        self.setHorizontalHeaderLabels([h.replace(" needs", "\nneeds") for h in headers])
        bold = QFont(self.font())
        bold.setBold(True)
        plain = self.font()
        for r, cells in enumerate(rows):
            d = diagnosis.rows[r]
            bg = _MISS_BG if not d.ok else _FRAGILE_BG if d.fragile else _OK_BG
            tip = d.reason
            if asking.is_row_hidden(model, r):  # practice: the colour would tell the answer
                bg, tip = _OK_BG, "Work this row out first."
            font = bold if r == model.current_row else plain
            for c, text in enumerate(cells):
                item = self.item(r, c)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    item.setForeground(QBrush(QColor("#111111")))
                    self.setItem(r, c, item)
                # Every setter repaints the view, so only touch what changed (animation).
                if item.text() != text:
                    item.setText(text)
                if item.background().color() != bg:
                    item.setBackground(QBrush(bg))
                if item.font() != font:
                    item.setFont(font)
                if item.toolTip() != tip:
                    item.setToolTip(tip)
        header = self.horizontalHeader()
        # Columns as wide as their numbers; a narrow side panel scrolls the table as a whole.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(24)
        header.setStretchLastSection(True)
        self.resizeRowsToContents()
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for the header and all four rows (and the scroll bar when it shows)."""
        header = self.horizontalHeader()
        height = header.sizeHint().height() + sum(self.rowHeight(r) for r in range(4))
        height += 2 * self.frameWidth() + 2
        if header.length() > self.viewport().width() + 1:
            height += self.horizontalScrollBar().sizeHint().height()
        if height != self.height() or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_height()

    # ----- what is shown (for tests) -----------------------------------------------------------
    def headers(self) -> list[str]:
        return [
            self.horizontalHeaderItem(c).text().replace("\n", " ")
            for c in range(self.columnCount())
        ]

    def column(self, name: str) -> list[str]:
        """The four cells under header ``name``."""
        c = self.headers().index(name)
        return [self.item(r, c).text() for r in range(4)]

    def cell_background(self, row: int, column: int) -> str:
        """The cell's background colour as ``#rrggbb``."""
        return self.item(row, column).background().color().name()

    def bold_rows(self) -> list[int]:
        return [r for r in range(4) if self.item(r, 0).font().bold()]
