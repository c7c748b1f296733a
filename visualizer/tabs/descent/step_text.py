"""The current step in words: what the run is doing (coloured by kind) and the step worked out.

Both texts change every frame. Neither may ask the layout to re-run each time: the status lives
in a host without a layout, the worked step in a plain-text view whose size never depends on its
text; both heights follow the font instead.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
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
        if status.message != self._message:
            self._message = status.message
            self.statusMessage.emit(status.message)

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
        super().__init__("This step, worked out")
        self.model = model
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setFrameShape(QFrame.Shape.NoFrame)
        self.text_view.viewport().setAutoFillBackground(False)
        # Long lines (Adam, big fonts) wrap at spaces instead of hiding behind a scroll bar.
        self.text_view.setToolTip("The update that produced the current x, numbers put in")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.addWidget(self.text_view)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        model.subscribe(self._on_model_changed)
        self.render()

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "frame"):
            self.render()

    def render(self) -> None:
        self.text_view.setPlainText("\n".join(self.model.worked_step()))

    def apply_styles(self, font: QFont) -> None:
        mono = mono_font(font)
        self.text_view.setFont(mono)
        lines = QFontMetrics(mono).lineSpacing()
        title = QFontMetrics(font).lineSpacing()
        self.setFixedHeight(int(4.6 * lines + title + 18))

    def text(self) -> str:
        return self.text_view.toPlainText()
