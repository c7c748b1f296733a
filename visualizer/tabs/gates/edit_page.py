"""The Edit weights page: the selected weight or bias in a field, and every parameter in a table."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.gates import format_number
from visualizer.tabs.gates.model import WEIGHT_LIMIT, GatesModel
from visualizer.widgets.number_field import NumberField
from visualizer.widgets.plot_style import ERROR_COLOR


class EditPage(QWidget):
    """Type the selected parameter, or any parameter in the table; bad text is refused in place."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        page = QVBoxLayout(self)
        page.setContentsMargins(4, 4, 4, 4)
        # Everything in one widget, so a locked lesson can hide or lock the weights.
        self.editor = QWidget()
        page.addWidget(self.editor)
        layout = QVBoxLayout(self.editor)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.param_label = QLabel()
        self.param_label.setMinimumWidth(150)
        self.param_field = NumberField(0.0, minimum=-WEIGHT_LIMIT, maximum=WEIGHT_LIMIT)
        self.param_field.setToolTip("Type a number and press Enter")
        row.addWidget(self.param_label)
        row.addWidget(self.param_field, 1)
        layout.addLayout(row)
        self.weights_table = QTableWidget(0, 2)
        self.weights_table.setHorizontalHeaderLabels(["parameter", "value"])
        self.weights_table.verticalHeader().setVisible(False)
        header = self.weights_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.weights_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        layout.addWidget(self.weights_table, 1)
        self.table_error = QLabel("")
        self.table_error.setStyleSheet(f"color: {ERROR_COLOR};")
        self.table_error.setWordWrap(True)
        self.table_error.hide()
        layout.addWidget(self.table_error)
        self.param_field.valueChanged.connect(self._on_param_field_changed)
        self.weights_table.itemChanged.connect(self._on_weight_item_changed)
        self.weights_table.currentCellChanged.connect(self._on_weight_row_selected)
        model.subscribe(self._on_model_changed)
        self.redraw()

    def focus_value(self) -> None:
        """Put the cursor in the value field with its text selected, ready to type over."""
        self.param_field.edit.setFocus()
        self.param_field.edit.selectAll()

    # ----- controls -> model ---------------------------------------------------------------
    def _on_param_field_changed(self, value: float) -> None:
        self._model.set_param(self._model.focus.selected_param, value)

    def _on_weight_row_selected(self, row: int, _col: int, _prev_row: int, _prev_col: int) -> None:
        keys = self._model.param_keys()
        if 0 <= row < len(keys):
            self._model.select_param(keys[row])

    def _on_weight_item_changed(self, item: QTableWidgetItem) -> None:
        keys = self._model.param_keys()
        if item.column() != 1 or item.row() >= len(keys):
            return
        key = keys[item.row()]
        try:
            value = self._model.parse_param_text(key, item.text())
        except ValueError as exc:
            self.table_error.setText(str(exc))
            self.table_error.show()
            with QSignalBlocker(self.weights_table):
                item.setText(format_number(self._model.param_value(key), 10))
            return
        self.table_error.hide()
        self._model.select_param(key)
        self._model.set_param(key, value)
        self.redraw()  # the same value typed another way ("0.250") reads as the model writes it

    # ----- model -> controls ---------------------------------------------------------------
    def _on_model_changed(self, what: str) -> None:
        if self._model.is_playground():  # hidden in the playground: nothing to redraw
            return
        if what in ("settings", "frame", "selection"):
            self.redraw()

    def redraw(self) -> None:
        model = self._model
        keys = model.param_keys()
        selected = model.focus.selected_param
        table = self.weights_table
        with QSignalBlocker(table):
            table.setRowCount(len(keys))
            for r, key in enumerate(keys):
                if table.item(r, 0) is None:
                    name_item = QTableWidgetItem()
                    name_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    table.setItem(r, 0, name_item)
                    table.setItem(r, 1, QTableWidgetItem())
                if table.item(r, 0).text() != (name := model.param_name(key)):
                    table.item(r, 0).setText(name)
                value_text = format_number(model.param_value(key), 10)
                if table.item(r, 1).text() != value_text:
                    table.item(r, 1).setText(value_text)
            if selected in keys:
                table.setCurrentCell(keys.index(selected), 1)
        table.resizeRowsToContents()
        self.param_label.setText(f"{model.param_name(selected)}:")
        self.param_field.setValue(model.param_value(selected))

    # ----- what is shown (for tests) -----------------------------------------------------------
    def table_value(self, row: int) -> str:
        """The value column's text on row ``row``."""
        return self.weights_table.item(row, 1).text()

    def type_in_table(self, row: int, text: str) -> None:
        """Type ``text`` into the value cell of row ``row`` (as a user's edit does)."""
        self.weights_table.item(row, 1).setText(text)

    def table_error_text(self) -> str:
        """The table's refusal message, or "" when none is shown."""
        return self.table_error.text() if not self.table_error.isHidden() else ""
