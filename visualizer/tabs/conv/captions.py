"""The two lines under the picture: the output-size formula and the explained cell's sum.

The sum of products is what the room reads, so it gets the biggest text. The words are the
model's (``explain``); this view adds bold, colour and escaping.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy

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


class ExplainArea(QScrollArea):
    """The explanation label, as tall as its text up to ``MAX_LINES`` lines, then scrolled.

    A sum over four channels writes six lines: without a cap the label would push the
    window past a 768-pixel screen and squeeze the grids it explains.
    """

    MAX_LINES = 5.0

    def __init__(self, label: QLabel) -> None:
        super().__init__()
        # From the top: while a new height settles the viewport can briefly be taller than
        # the area, and a centred text would then show its first line low and lose its last.
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def fit(self) -> None:
        """Take the text's height, at most ``MAX_LINES`` lines of the label's font."""
        label = self.widget()
        width = max(1, self.viewport().width())
        wanted = label.heightForWidth(width)
        if wanted < 0:
            wanted = label.sizeHint().height()
        cap = int(QFontMetrics(label.font()).lineSpacing() * self.MAX_LINES)
        height = min(wanted, cap) + 2
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def whole_text_shown(self) -> bool:
        """Whether every line of the text lies inside the area (read method for tests)."""
        label = self.widget()
        text_height = label.heightForWidth(label.width())
        top = 0
        if not label.alignment() & Qt.AlignmentFlag.AlignTop:  # centred in the label
            top = (label.height() - text_height) // 2
        top = label.mapTo(self, QPoint(0, top)).y()
        return top >= 0 and top + text_height <= self.height()


class Captions:
    """The formula line and the explanation line (two labels the tab places under the view;
    the explanation inside ``explain_area``, which caps its height)."""

    def __init__(self, model: ConvModel) -> None:
        self._model = model
        self.formula_label = _label()
        self.explain_label = _label()
        self.explain_area = ExplainArea(self.explain_label)

    def show_formula(self) -> None:
        """The output size with its numbers (and why rows are never reached), or in image mode
        what the filtered picture is (or why it is missing)."""
        image = self._model.image
        if self._model.settings.view == "image" and image is not None and image.channels is None:
            self.formula_label.setText(
                _error(html.escape(image.note)) if image.note else explain.IMAGE_DESCRIPTION
            )
            return
        formula = explain.size_formula(self._model)
        if formula.shape:
            self.formula_label.setText(self._channel_text(formula))
            return
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

    def _explain(self, text: str) -> None:
        self.explain_label.setText(text)
        self.explain_area.fit()

    @staticmethod
    def _channel_text(formula: explain.SizeFormula) -> str:
        """With channels: the shape line and the parameter count first, then the sizes."""
        lines = [
            f"<b>Shape:</b> {html.escape(formula.shape)} &nbsp; "
            f"<b>Parameters:</b> {html.escape(formula.parameters)}"
        ]
        if formula.rows:
            size = (
                f"H' = W' = {formula.rows}"
                if formula.same
                else f"H' = {formula.rows}, W' = {formula.cols}"
            )
            lines.append(html.escape(size))
        if formula.channel_error:
            lines.append(_error(html.escape(formula.channel_error)))
        return "<br>".join(lines)

    def show_focus(self, focus: explain.CellFocus) -> None:
        """The explained cell's sum, its notes and the sheet's slips (in the error colour)."""
        if focus.heading:
            qualifier = f" ({focus.qualifier})" if focus.qualifier else ""
            lines = [f"<b>{focus.heading}</b>{qualifier} = {html.escape(focus.formula)}"]
            # With channels the notes are each channel's sum: detail, in smaller type.
            small = focus.channel is not None
            lines += [
                f"<small>{html.escape(note)}</small>" if small else html.escape(note)
                for note in focus.notes
            ]
            lines += [_error(html.escape(warning)) for warning in focus.warnings]
        else:
            lines = [focus.hint] if focus.hint else []
        self._explain("<br>".join(lines))

    def show_pixel(self) -> None:
        """Image mode: the hovered pixel's sum of products, or how to get one."""
        pixel = self._model.hovered_pixel
        image = self._model.image
        if pixel is not None:
            heading, _, formula = pixel.text.partition(" = ")
            lines = [f"<b>{html.escape(heading)}</b> = {html.escape(formula)}"]
            lines += [f"<small>{html.escape(note)}</small>" for note in pixel.notes]
            self._explain("<br>".join(lines))
        elif image is not None and image.channels is not None:
            found = image.channels
            self._explain(
                explain.CHANNEL_IMAGE_HINT if found.output is not None and not found.stale else ""
            )
        elif image is not None and image.filtered is not None:
            self._explain(explain.IMAGE_HINT)
        else:
            self._explain("")

    def show_error(self, text: str) -> None:
        """A refusal (e.g. a file that is not a picture) until the next change."""
        self.formula_label.setText(_error(html.escape(text)))

    def apply_styles(self, font: QFont, presentation: bool) -> None:
        # Presentation's font is already 1.45 times larger: the sentence stays the largest
        # text on screen without taking the grids' room.
        self.explain_label.setFont(scaled_font(font, 1.3 if presentation else 1.25))
        self.explain_area.fit()
        self.formula_label.setFont(scaled_font(font, 1.1))
