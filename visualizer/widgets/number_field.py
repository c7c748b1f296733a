"""A text field for one number that refuses bad input in place and keeps the last valid value."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget


def parse_number(
    text: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    integer: bool = False,
) -> float:
    """Parse what a student typed into a finite number, or raise ``ValueError`` with a sentence.

    Accepts the usual float spellings ("0.1", "1e-3", " -2 ") and a comma as the decimal
    mark ("0,5"). "nan", "inf" and numbers too large for a float are refused, because the app
    never shows them as though they were results.
    """
    cleaned = text.strip().replace(",", ".") if text.count(",") == 1 and "." not in text else text
    cleaned = cleaned.strip()
    if not cleaned:
        raise ValueError("Type a number here.")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number.") from None
    if not math.isfinite(value):
        raise ValueError("The number must be finite (not nan, inf or beyond 1.8e308).")
    if integer and value != int(value):
        raise ValueError("Type a whole number.")
    if minimum is not None and value < minimum:
        raise ValueError(f"The smallest allowed value is {_fmt(minimum)}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"The largest allowed value is {_fmt(maximum)}.")
    return float(int(value)) if integer else value


def _fmt(value: float) -> str:
    return f"{value:g}"


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
