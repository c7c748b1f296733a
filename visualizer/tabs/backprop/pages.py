"""The pages beside the chain: shapes, o − y, parameter gradients, gradient check, worked sum,
the torchinfo-style summary and the per-sample gradients.

Each page renders part of the model's result; the page shown and the worked element are
bound to the model both ways (without echo).
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.backprop import GradientCheck
from visualizer.tabs.backprop import texts
from visualizer.tabs.backprop.blocks import BlockStrip
from visualizer.tabs.backprop.model import PAGES, BackpropModel
from visualizer.tabs.backprop.strips import params_items, shortcut_items
from visualizer.widgets.plot_style import ERROR_COLOR, OK_COLOR


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class BackpropPages(QTabWidget):
    """Shapes table | o − y | dE/dW, dE/db | gradient check | dE/dx_j as a sum."""

    def __init__(self, model: BackpropModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._drawn_in_practice = False
        self.shapes_table = _table(["tensor", "letters", "shape", "what it is"])
        self.addTab(self.shapes_table, PAGES[0])

        shortcut_page = QWidget()
        sl = QVBoxLayout(shortcut_page)
        self.shortcut_strip = BlockStrip()
        self.shortcut_strip.set_explainer(model.explain_shortcut)
        self.shortcut_table = _table(["k", "dE/do · do/df2", "o − y", "same digits?"])
        self.shortcut_label = QLabel()
        self.shortcut_label.setWordWrap(True)
        self.shortcut_strip.setMinimumHeight(110)
        sl.addWidget(self.shortcut_strip, 2)
        sl.addWidget(self.shortcut_label)
        sl.addWidget(self.shortcut_table, 3)
        self.addTab(shortcut_page, PAGES[1])

        self.params_strip = BlockStrip()
        self.params_strip.set_explainer(model.explain_forward)
        # The strip wraps and grows to keep numbers readable: its page scrolls.
        params_page = QScrollArea()
        params_page.setWidgetResizable(True)
        params_page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        params_page.setWidget(self.params_strip)
        self.addTab(params_page, PAGES[2])

        check_page = QWidget()
        cl = QVBoxLayout(check_page)
        self.check_table = _table(
            ["gradient", "shape", "largest relative error", "largest absolute error", "check"]
        )
        self.check_label = QLabel(texts.CHECK_EXPLANATION)
        self.check_label.setWordWrap(True)
        cl.addWidget(self.check_table, 1)
        cl.addWidget(self.check_label)
        self.addTab(check_page, PAGES[3])

        worked_page = QWidget()
        wl = QVBoxLayout(worked_page)
        row = QHBoxLayout()
        row.addWidget(QLabel("Element j of dE/dx"))
        self.element_spin = QSpinBox()
        self.element_spin.setRange(1, 4)
        row.addWidget(self.element_spin)
        row.addStretch(1)
        wl.addLayout(row)
        self.worked_label = QLabel()
        self.worked_label.setWordWrap(True)
        self.worked_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        wl.addWidget(self.worked_label)
        wl.addStretch(1)
        self.addTab(worked_page, PAGES[4])

        summary_page = QWidget()
        sul = QVBoxLayout(summary_page)
        self.summary_table = _table(["layer", "output shape", "parameters", "param #"])
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        sul.addWidget(self.summary_table, 1)
        sul.addWidget(self.summary_label)
        self.addTab(summary_page, PAGES[5])

        per_sample_page = QWidget()
        pl = QVBoxLayout(per_sample_page)
        self.per_sample_label = QLabel()
        self.per_sample_label.setWordWrap(True)
        self.per_sample_table = _table(
            ["gradient", "shape", "the batch's gradient is the…", "largest difference"]
        )
        pl.addWidget(self.per_sample_label)
        pl.addWidget(self.per_sample_table, 1)
        self.addTab(per_sample_page, PAGES[6])

        self.currentChanged.connect(self._on_current_changed)
        self.element_spin.valueChanged.connect(self._on_element_spin_changed)
        unsubscribe = model.subscribe(self._on_model_changed)
        unsubscribe_practice = model.practice.subscribe(self._on_practice_changed)
        self.destroyed.connect(lambda *_: (unsubscribe(), unsubscribe_practice()))
        self._on_model_changed("settings")

    # ----- read methods ----------------------------------------------------------------------
    @staticmethod
    def column(table: QTableWidget, col: int) -> list[str]:
        """The texts of one column of a table, top to bottom."""
        return [table.item(r, col).text() for r in range(table.rowCount())]

    def worked_text(self) -> str:
        return self.worked_label.text()

    def wide_table(self) -> QTableWidget | None:
        """The table of the page shown, when it is read across (check, summary, per sample)."""
        return {3: self.check_table, 5: self.summary_table, 6: self.per_sample_table}.get(
            self.currentIndex()
        )

    # ----- model -> view ---------------------------------------------------------------------
    def _on_practice_changed(self, _what: str) -> None:
        # Practice hides shapes and the values of dE/df2 until they are answered.
        if not (self._model.practice.on or self._drawn_in_practice):
            return
        self._drawn_in_practice = self._model.practice.on
        self._show_shapes()
        self._show_shortcut()
        self.show_checks(self._model.result.checks)
        self.params_strip.set_items(params_items(self._model))
        self.shortcut_strip.set_items(shortcut_items(self._model))

    def _on_model_changed(self, what: str) -> None:
        if what == "settings":
            self._show_shapes()
            self._show_shortcut()
            self.show_checks(self._model.result.checks)
            self._show_summary()
            self._show_per_sample()
        if what in ("settings", "letters"):
            self.params_strip.set_items(params_items(self._model))
            self.shortcut_strip.set_items(shortcut_items(self._model))
        if what in ("settings", "element"):
            s = self._model.settings
            with QSignalBlocker(self.element_spin):
                self.element_spin.setRange(1, s.N)
                self.element_spin.setValue(s.element + 1)
            self.worked_label.setText(texts.worked_text(self._model.result))
        if what in ("settings", "page"):
            with QSignalBlocker(self):
                self.setCurrentIndex(self._model.settings.page)

    def _show_shapes(self) -> None:
        rows = self._model.result.shape_rows
        self.shapes_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            hidden = self._model.shape_hidden(row.name.split(" =")[0])
            symbolic, numeric = ("?", "?") if hidden else (row.symbolic, row.numeric)
            for c, text in enumerate((row.name, symbolic, numeric, row.meaning)):
                self.shapes_table.setItem(r, c, QTableWidgetItem(text))

    def _fill(self, table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.setItem(r, c, QTableWidgetItem(text))

    def _show_summary(self) -> None:
        result = self._model.result
        rows = texts.summary_rows(result)
        self._fill(self.summary_table, rows)
        bold = QFont()
        bold.setBold(True)
        for c in range(4):
            self.summary_table.item(len(rows) - 1, c).setFont(bold)
        self.summary_label.setText(
            f"torchinfo's summary of this perceptron at B = {result.batch}: every output has "
            "B rows, no parameter does, so the total never depends on B."
        )

    def _show_per_sample(self) -> None:
        result = self._model.result
        self.per_sample_label.setText(texts.per_sample_sentence(result))
        self._fill(self.per_sample_table, texts.per_sample_rows(result))

    def _show_shortcut(self) -> None:
        shortcut = self._model.result.shortcut
        self.setTabText(1, PAGES[1] if shortcut is not None else "out − y")
        self.shortcut_table.setVisible(shortcut is not None)
        if shortcut is None:  # mse: no softmax, nothing to fuse
            self.shortcut_table.setRowCount(0)
            self.shortcut_label.setText(texts.MSE_SENTENCE)
            return
        rows = texts.shortcut_rows(shortcut)
        hidden = self._model.values_hidden(self._model.output_delta())
        self.shortcut_table.setRowCount(len(rows))
        for k, cells in enumerate(rows):
            same = cells[1] == cells[2]
            if hidden:
                cells = (cells[0], "?", "?", cells[3])
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setForeground(QColor(OK_COLOR if same else ERROR_COLOR))
                self.shortcut_table.setItem(k, c, item)
        self.shortcut_label.setText(texts.shortcut_sentence(shortcut))

    def show_checks(self, checks: list[GradientCheck]) -> None:
        """Fill the gradient-check table; a failing gradient's verdict is white on red."""
        self.check_table.setRowCount(len(checks))
        for r, check in enumerate(checks):
            cells = texts.check_cells(check)
            if self._model.shape_hidden(cells[0]):
                cells[1] = "?"
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 4:
                    item.setForeground(QColor(OK_COLOR if check.passed else "#ffffff"))
                    if not check.passed:
                        item.setBackground(QColor(ERROR_COLOR))
                    font = QFont()  # bold only: the size follows the table's font
                    font.setBold(True)
                    item.setFont(font)
                self.check_table.setItem(r, c, item)

    # ----- view -> model ---------------------------------------------------------------------
    def _on_current_changed(self, index: int) -> None:
        if 0 <= index < len(PAGES):
            self._model.set_page(index)

    def _on_element_spin_changed(self, value: int) -> None:
        self._model.set_element(int(value) - 1)
