"""The current step in words: what the run is doing (coloured by kind) and the step worked out.

Both texts change every frame. Neither may ask the layout to re-run each time: the status lives
in a host without a layout, the worked step in a plain-text view whose size never depends on its
text; both heights follow the font instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics, QPalette
from PySide6.QtWidgets import QFrame, QGroupBox, QPlainTextEdit, QSizePolicy, QVBoxLayout

from visualizer.tabs.descent.items import LabelHost, set_text_color
from visualizer.tabs.descent.model import DescentModel
from visualizer.widgets.fonts import point_size
from visualizer.widgets.plot_style import ERROR_COLOR, OK_COLOR

STATUS_COLORS = {
    "start": "#333333",
    "converging": OK_COLOR,
    "converged": OK_COLOR,
    "oscillating": "#B35900",
    "diverged": ERROR_COLOR,
}


def mono_font(font: QFont) -> QFont:
    """The system's fixed-width font at ``font``'s size (worked arithmetic lines up)."""
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    mono.setPointSizeF(point_size(font))
    return mono


class StepStatus(LabelHost):
    """One or two bold lines: "Step t of n." and the run's status, coloured by its kind."""

    #: The status sentence changed (for the window's status bar).
    statusMessage = Signal(str)

    def __init__(self, model: DescentModel) -> None:
        super().__init__()
        self.model = model
        self._kind = ""
        self._message = ""
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        # opaque: a new text repaints the label alone, not every widget behind it
        self.label.setAutoFillBackground(True)
        model.subscribe(self._on_model_changed)
        self.render()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame"):
            self.render()

    def render(self) -> None:
        status = self.model.status()
        steps = self.model.trajectory.steps
        self.label.setText(f"Step {self.model.frame} of {steps}.  {status.message}")
        if status.kind != self._kind:
            # Only when the colour really changes: a new palette repaints the label.
            self._kind = status.kind
            set_text_color(self.label, STATUS_COLORS.get(status.kind, "#333333"))
        # The window's status bar gets the sentence without this step's numbers, once: a
        # message per frame would repaint the bar (and the window behind it) every frame.
        sentence = status.message.split(";")[0]
        if sentence != self._message:
            self._message = sentence
            self.statusMessage.emit(sentence)

    def apply_styles(self, font: QFont) -> None:
        # Only the weight is set on the label's own font, so its size keeps following the
        # application font (zoom, presentation).
        bold = QFont()
        bold.setBold(True)
        self.label.setFont(bold)
        status_font = QFont(font)
        status_font.setBold(True)
        self.setFixedHeight(2 * QFontMetrics(status_font).lineSpacing() + 4)

    def text(self) -> str:
        return self.label.text()


class WorkedStep(QGroupBox):
    """The update that produced the current x, numbers put in."""

    def __init__(self, model: DescentModel) -> None:
        super().__init__("Worked step")
        self.model = model
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setFrameShape(QFrame.Shape.NoFrame)
        # The text changes every frame: an opaque viewport (in the window's colour) repaints
        # alone, where a transparent one repaints the whole chain of widgets behind it.
        palette = self.text_view.palette()
        palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        self.text_view.setPalette(palette)
        self.text_view.viewport().setAutoFillBackground(True)
        # Long lines are broken at their "=" signs (see fold_line), never mid-number.
        # (what still does not fit, a vector expression on a narrow screen, wraps at a space)
        self.text_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text_view.setToolTip("The update that produced the current x, numbers put in")
        self._lines: list[str] = []
        self._columns = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.addWidget(self.text_view)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        model.subscribe(self._on_model_changed)
        model.practice.subscribe(self._on_model_changed)
        self.render()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame", "practice"):
            self.render()

    def render(self) -> None:
        self._lines = self.model.shown_worked_step()
        self._show_lines()

    def _show_lines(self) -> None:
        columns = self._fitting_columns()
        self._columns = columns
        folded = [part for line in self._lines for part in fold_line(line, columns)]
        self.text_view.setPlainText("\n".join(folded))

    def _fitting_columns(self) -> int:
        width = self.text_view.viewport().width() - 8
        char = QFontMetrics(self.text_view.font()).horizontalAdvance("0")
        return max(20, width // max(char, 1))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fitting_columns() != self._columns:
            self._show_lines()

    def apply_styles(self, font: QFont) -> None:
        mono = mono_font(font)
        self.text_view.setFont(mono)
        self._show_lines()
        # (the splitter gives it its height: a size that never follows the text keeps a
        # frame from re-running the layout)
        self.setMinimumHeight(int(2.5 * QFontMetrics(mono).lineSpacing()))

    def text(self) -> str:
        """The worked lines as computed (before folding to the view's width)."""
        return "\n".join(self._lines)

    def shown_text(self) -> str:
        """The text as shown, long lines folded at their "=" signs."""
        return self.text_view.toPlainText()


def fold_line(line: str, columns: int) -> list[str]:
    """``line`` broken before its " = " signs so each part fits in ``columns`` characters
    (continuations indented); a part that cannot fit stays whole rather than split a number."""
    if len(line) <= columns:
        return [line]
    pieces = line.split(" = ")
    out: list[str] = [pieces[0]]
    for piece in pieces[1:]:
        joined = f"{out[-1]} = {piece}"
        if len(joined) <= columns:
            out[-1] = joined
        else:
            out.append(f"    = {piece}")
    return out
