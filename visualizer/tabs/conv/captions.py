"""The two lines under the picture: the output-size formula and the explained cell's sum.

The sum of products is what the room reads, so it gets the biggest text. The words are the
model's (``explain``); this view adds bold, colour and escaping.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSizePolicy

from visualizer.tabs.conv import explain
from visualizer.tabs.conv.model import ConvModel
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import ERROR_COLOR


def _error(text: str) -> str:
    return f"<span style='color:{ERROR_COLOR}'>{text}</span>"


def _label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class Captions:
    """The formula line and the explanation line (two labels the tab places under the view)."""

    def __init__(self, model: ConvModel) -> None:
        self._model = model
        self.formula_label = _label()
        self.explain_label = _label()
        self.explain_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def show_formula(self) -> None:
        """The output size with its numbers (and why rows are never reached), or in image mode
        what the filtered picture is (or why it is missing)."""
        image = self._model.image
        if self._model.settings.view == "image" and image is not None:
            self.formula_label.setText(
                _error(html.escape(image.note)) if image.note else explain.IMAGE_DESCRIPTION
            )
            return
        formula = explain.size_formula(self._model)
        if formula.error:
            self.formula_label.setText(
                _error(f"<b>No window fits:</b> {html.escape(formula.error)}")
            )
            return
        if formula.hidden:
            self.formula_label.setText(
                "<b>Output size:</b> ? &nbsp; (work it out: out = floor((n + 2p − f)/s) + 1)"
            )
            return
        if formula.same:
            text = f"<b>Output size</b> (rows and columns): {html.escape(formula.rows)}"
        else:
            text = (
                f"<b>Output rows:</b> {html.escape(formula.rows)} &nbsp; "
                f"<b>columns:</b> {html.escape(formula.cols)}"
            )
        if formula.info:
            text += "<br>" + html.escape(" ".join(formula.info))
        if formula.notes:
            text += "<br>" + _error(html.escape(" ".join(formula.notes)))
        if formula.exercise_answer:
            text += f"<br><b>Exercise 4b:</b> {html.escape(formula.exercise_answer)}"
        self.formula_label.setText(text)

    def show_focus(self, focus: explain.CellFocus) -> None:
        """The explained cell's sum, its notes and the sheet's slips (in the error colour)."""
        if focus.heading:
            qualifier = f" ({focus.qualifier})" if focus.qualifier else ""
            lines = [f"<b>{focus.heading}</b>{qualifier} = {html.escape(focus.formula)}"]
            lines += [html.escape(note) for note in focus.notes]
            lines += [_error(html.escape(warning)) for warning in focus.warnings]
        else:
            lines = [focus.hint] if focus.hint else []
        self.explain_label.setText("<br>".join(lines))

    def show_pixel(self) -> None:
        """Image mode: the hovered pixel's sum of products, or how to get one."""
        pixel = self._model.hovered_pixel
        image = self._model.image
        if pixel is not None:
            self.explain_label.setText(html.escape(pixel.text))
        elif image is not None and image.filtered is not None:
            self.explain_label.setText(explain.IMAGE_HINT)
        else:
            self.explain_label.setText("")

    def show_error(self, text: str) -> None:
        """A refusal (e.g. a file that is not a picture) until the next change."""
        self.formula_label.setText(_error(html.escape(text)))

    def apply_styles(self, font: QFont, presentation: bool) -> None:
        # Presentation's font is already 1.45 times larger: the sentence stays the largest
        # text on screen without taking the grids' room.
        self.explain_label.setFont(scaled_font(font, 1.3 if presentation else 1.25))
        self.formula_label.setFont(scaled_font(font, 1.1))
