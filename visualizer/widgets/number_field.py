"""A text field for one number that refuses bad input in place and keeps the last valid value."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from visualizer.numbers import parse_number

__all__ = ["NumberField", "parse_number"]


class NumberField(QWidget):
    """A line edit for one number with its error message right next to it.

    ``valueChanged`` fires only with valid numbers (on Enter or when focus leaves). Invalid
    text is kept visible in red with the reason beside it, and ``value()`` still returns the
    last valid number, so the rest of the app keeps working on it.
    """

    valueChanged = Signal(float)

    def __init__(
        self,
        value: float = 0.0,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
        integer: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._minimum = minimum
        self._maximum = maximum
        self._integer = integer
        self._value = float(value)
        self.edit = QLineEdit(self._format(self._value))
        self.edit.setMinimumWidth(70)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #c62828;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.error_label, 2)
        self.edit.editingFinished.connect(self._on_edit_finished)
        self.edit.returnPressed.connect(self._on_edit_finished)

    # ----- public ----------------------------------------------------------------------------
    def value(self) -> float:
        """The last valid value."""
        return self._value

    def setValue(self, value: float) -> None:
        """Set the value programmatically (no ``valueChanged``), clearing any error."""
        self._value = float(value)
        self.edit.setText(self._format(self._value))
        self._clear_error()

    def error(self) -> str:
        """The message currently shown, or "" when the text is valid."""
        return self.error_label.text() if self.error_label.isVisible() else ""

    def setToolTip(self, text: str) -> None:
        super().setToolTip(text)
        self.edit.setToolTip(text)

    def submit(self, text: str) -> bool:
        """Type ``text`` and press Enter (used by tests and the monkey test). True if accepted."""
        self.edit.setText(text)
        return self._on_edit_finished()

    # ----- internals -------------------------------------------------------------------------
    def _format(self, value: float) -> str:
        return str(int(value)) if self._integer else f"{value:.10g}"

    def _on_edit_finished(self) -> bool:
        text = self.edit.text()
        try:
            value = parse_number(
                text, minimum=self._minimum, maximum=self._maximum, integer=self._integer
            )
        except ValueError as exc:
            self.error_label.setText(f"{exc} Still using {self._format(self._value)}.")
            self.error_label.show()
            self.edit.setStyleSheet("color: #c62828;")
            return False
        self._clear_error()
        if value != self._value:
            self._value = value
            self.valueChanged.emit(value)
        return True

    def _clear_error(self) -> None:
        self.error_label.setText("")
        self.error_label.hide()
        self.edit.setStyleSheet("")

    def keyPressEvent(self, event) -> None:
        # Escape restores the last valid value, as users expect from a form field.
        if event.key() == Qt.Key.Key_Escape:
            self.setValue(self._value)
            return
        super().keyPressEvent(event)
