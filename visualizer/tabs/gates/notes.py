"""The words under the network: the selected neuron's worked line and the verdict in sentences."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QTextEdit, QWidget

from visualizer.tabs.gates import playground_texts
from visualizer.tabs.gates.model import GatesModel
from visualizer.tabs.gates.texts import (
    preset_note,
    problem_lines,
    roles_sentence,
    selected_worked_line,
    verdict_summary,
    verdict_tone,
)
from visualizer.widgets.fonts import scaled_font
from visualizer.widgets.plot_style import ERROR_COLOR, OK_COLOR

#: Verdict colours on a light background and (lighter) on the dark theme's.
_TONES = {
    False: {"ok": OK_COLOR, "bad": ERROR_COLOR, "warn": "#8a5a00", "ask": "#333333"},
    True: {"ok": "#81c784", "bad": "#ff8a80", "warn": "#ffcc80", "ask": "#dddddd"},
}


class WorkedLine(QLabel):
    """The selected neuron's arithmetic for the current inputs, e.g. ``C = step(...) = 1``."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setWordWrap(True)
        self._two_fixed_lines = False
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(
            "QLabel { background: #eef4fb; color: #111; border: 1px solid #9bb8d8;"
            " padding: 3px 6px; }"
        )
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame", "inputs", "selection", "practice", "map"):
            self.redraw()

    def set_presentation(self, on: bool) -> None:
        """The line that explains the step is as large as the picture's labels."""
        self.setFont(scaled_font(QApplication.font(), 1.2 if on else 1.0))
        if self._two_fixed_lines:
            self._fit_lines(True)

    def redraw(self) -> None:
        model = self._model
        play = model.is_playground()
        if play != self._two_fixed_lines:
            self._fit_lines(play)
        if play:  # the run's state, and the shown neuron with its numbers
            self.setText(playground_texts.worked_line(model))
            return
        self.setText(selected_worked_line(model))

    def _fit_lines(self, play: bool) -> None:
        """In the playground, exactly two lines: a training frame then changes only the
        text, never the layout around it (which would redraw the whole picture)."""
        self._two_fixed_lines = play
        self.setWordWrap(not play)
        # Unwrapped lines must not widen the window (they are cut at its edge instead).
        horizontal = QSizePolicy.Policy.Ignored if play else QSizePolicy.Policy.Preferred
        self.setSizePolicy(horizontal, self.sizePolicy().verticalPolicy())
        if play:
            margins = self.contentsMargins()
            height = 2 * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom() + 4
            self.setFixedHeight(height)
        else:
            self.setMinimumHeight(0)
            self.setMaximumHeight(16_777_215)


class DiagnosisView(QTextEdit):
    """The verdict: what the weights make, each missed or fragile row, the hidden neurons' roles."""

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._dark: bool | None = None  # None: judge by this widget's own palette
        self.setReadOnly(True)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.redraw()

    def set_dark(self, dark: bool) -> None:
        """Write the verdict in the shades for a dark (or light) background."""
        self._dark = bool(dark)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame", "inputs", "practice") and not self._model.is_playground():
            self.redraw()

    def redraw(self) -> None:
        """Write the verdict in the colours of the current background."""
        model = self._model
        dark = self._dark
        if dark is None:
            dark = self.palette().base().color().lightness() < 128
        colour = _TONES[dark][verdict_tone(model)]
        esc = html.escape
        summary = esc(verdict_summary(model))
        parts = [f"<p style='color:{colour}; font-weight:bold'>{summary}</p>"]
        parts += [f"<p style='margin:2px 0'>{esc(line)}</p>" for line in problem_lines(model)]
        if roles := roles_sentence(model):
            parts.append(f"<p style='margin:6px 0 0 0'>{esc(roles)}</p>")
        if note := preset_note(model):
            parts.append(f"<p style='margin:6px 0 0 0'><i>About this preset: {esc(note)}</i></p>")
        self.setHtml("".join(parts))
