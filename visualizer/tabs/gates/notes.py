"""The words under the network: the selected neuron's worked line and the verdict in sentences."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QTextEdit, QWidget

from visualizer.tabs.gates import playground_texts
from visualizer.tabs.gates.live_text import LiveText
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


class WorkedLine(QWidget):
    """The selected neuron's arithmetic for the current inputs, e.g. ``C = step(...) = 1``.

    On the four gate points a word-wrapped label (its height follows the text). In the
    playground exactly two lines that change every training frame: a :class:`LiveText`,
    whose new text repaints it without re-laying out the window around it. The widget has
    no layout of its own, so its label's size changes stop here unless they matter.
    """

    def __init__(self, model: GatesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._play = False
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet(
            "QLabel { background: #eef4fb; color: #111; border: 1px solid #9bb8d8;"
            " padding: 3px 6px; }"
        )
        self.live = LiveText(2, background="#eef4fb", border="#9bb8d8", colour="#111",
                             parent=self)  # fmt: skip
        self._show_mode(False)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.redraw()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame", "inputs", "selection", "practice", "map"):
            self.redraw()

    def set_presentation(self, on: bool) -> None:
        """The line that explains the step is as large as the picture's labels."""
        font = scaled_font(QApplication.font(), 1.2 if on else 1.0)
        self.setFont(font)
        # A label with a style sheet does not follow its parent's font: set each one's.
        self.label.setFont(font)
        self.live.setFont(font)

    def text(self) -> str:
        """The line shown."""
        return (self.live if self._play else self.label).text()

    def redraw(self) -> None:
        model = self._model
        play = model.is_playground()
        if play != self._play:
            self._show_mode(play)
        if play:  # the run's state, and the shown neuron with its numbers
            self.live.setText(playground_texts.worked_line(model))
        else:
            self.label.setText(selected_worked_line(model))

    def _show_mode(self, play: bool) -> None:
        self._play = play
        self.live.setVisible(play)
        self.label.setVisible(not play)
        if play:  # two lines, whatever their text; cut at the window's edge, never widening it
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        else:
            policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            policy.setHeightForWidth(True)
            self.setSizePolicy(policy)
        self.updateGeometry()

    # ----- size and geometry: the shown child's ----------------------------------------------
    def _shown(self) -> QWidget:
        return self.live if self._play else self.label

    def sizeHint(self) -> QSize:
        return self._shown().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self._shown().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return not self._play

    def heightForWidth(self, width: int) -> int:
        return self.live.sizeHint().height() if self._play else self.label.heightForWidth(width)

    def resizeEvent(self, event) -> None:
        for child in (self.label, self.live):
            child.setGeometry(self.rect())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        # The label asks its parent to lay out again when its text changes; on the gate
        # points that matters (the height follows the text), in the playground it never does.
        if event.type() == QEvent.Type.LayoutRequest and not self._play:
            self.updateGeometry()
        elif event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
        return super().event(event)


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
