"""The convolution tab's practice bar, laid out compactly so the grids keep their size.

The shared answer box stacks the question row, a notes row and a verdict that wraps onto up
to three lines: about 150 pixels at 1024x768 in presentation mode, taken from the grids. Here
the same widgets sit in two fixed rows::

    [question] [field] [Check] [Reveal] [tolerance]
    [verdict, one line, elided; the whole text in its tooltip]  [score] [code] [New exercise]

so the bar's height does not change when a verdict appears (the working of a wrong answer is
also written out in the explanation line above it). The box itself is untouched: tests and the
window read its labels as before.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from visualizer.widgets.answer_box import AnswerBox


class ElidedLabel(QLabel):
    """One line of text, cut with "…" to the width it is given (the whole text as tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.width() - 4)
        shown = QFontMetrics(self.font()).elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        if shown != self.text():
            self.setText(shown)


def _empty(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        inner = item.layout()
        if inner is not None:
            _empty(inner)


class CompactPracticeBar:
    """Lays an :class:`AnswerBox` out in two fixed rows and mirrors its verdict on one line."""

    def __init__(self, box: AnswerBox) -> None:
        self.box = box
        self.verdict = ElidedLabel()
        # Empty the box's own layout (its rows too), then drop it: the widgets stay the box's.
        old = box.layout()
        _empty(old)
        QWidget().setLayout(old)  # an empty layout, deleted with a throwaway widget
        box.tolerance_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        for widget in (box.question_label, box.field, box.check_button, box.reveal_button):
            first.addWidget(widget, 1 if widget is box.field else 0)
        first.addWidget(box.tolerance_label, 1)
        second = QHBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.verdict, 1)
        box.verdict_label.hide()  # mirrored by ``verdict`` (its text is still the box's)
        second.addWidget(box.verdict_label)
        for widget in (box.score_label, box.code_label, box.new_button):
            second.addWidget(widget)
        column = QVBoxLayout(box)
        column.setContentsMargins(8, 3, 8, 3)
        column.setSpacing(2)
        column.addLayout(first)
        column.addLayout(second)

    def sync(self) -> None:
        """Show the box's verdict (in its colour) on the one-line label."""
        label = self.box.verdict_label
        label.hide()
        self.verdict.setStyleSheet(label.styleSheet())
        self.verdict.set_full_text(label.text())
