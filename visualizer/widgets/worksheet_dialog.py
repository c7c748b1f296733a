"""File > New worksheet…: the worksheet command as a dialog, with progress and Cancel.

The dialog only collects the arguments and drives :meth:`WorksheetPlan.steps` one sheet per
timer tick, so the window stays responsive while a class of 200 is written; Cancel closes the
generator, which removes every temporary file (nothing partial is left behind).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from visualizer.exercises import TOPICS
from visualizer.topics import topic as topic_info
from visualizer.worksheet.job import WorksheetPlan, plan_worksheets
from visualizer.worksheet.sheet import MAX_COUNT

FILE_FILTER = "PDF (*.pdf);;Markdown (*.md)"
ROSTER_FILTER = "Class roster (*.csv *.txt);;All files (*)"
DEFAULT_TITLE = "Deep learning worksheet"
_ERROR_STYLE = "color: #b00020;"


class WorksheetDialog(QDialog):
    """Topics, count, seed, an optional roster, output and answer paths; Generate and Cancel.

    Signals
    -------
    progressChanged(done, total)
        After each sheet written.
    generationFinished(outcome)
        ``"done"``, ``"cancelled"`` or ``"failed"`` (the message says why).
    """

    progressChanged = Signal(int, int)
    generationFinished = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New worksheet")
        self.setMinimumWidth(560)
        self._steps: Iterator[int] | None = None
        self._plan: WorksheetPlan | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)

        self._browse_buttons: list[QPushButton] = []
        self.topic_boxes: dict[str, QCheckBox] = {}
        topics_row = QHBoxLayout()
        for key in TOPICS:
            box = QCheckBox(topic_info(key).title)
            box.setChecked(True)
            self.topic_boxes[key] = box
            topics_row.addWidget(box)
        topics_row.addStretch(1)

        self.count_box = QSpinBox()
        self.count_box.setRange(1, MAX_COUNT)
        self.count_box.setValue(8)
        self.count_box.setSuffix(" per topic")
        self.seed_box = QSpinBox()
        self.seed_box.setRange(0, 2**31 - 1)
        self.seed_box.setToolTip("The same seed always gives the same questions.")
        self.title_edit = QLineEdit(DEFAULT_TITLE)

        self.roster_edit = QLineEdit()
        self.roster_edit.setPlaceholderText("optional: one sheet per student (CSV or list)")
        self.roster_edit.textChanged.connect(self._on_roster_text_changed)
        self.format_combo = QComboBox()
        self.format_combo.addItem("PDF", "pdf")
        self.format_combo.addItem("Markdown", "md")
        self.out_edit = QLineEdit()
        self.answers_edit = QLineEdit()
        self.answers_edit.setPlaceholderText("optional")
        self.format_label = QLabel()

        form = QFormLayout()
        form.addRow("Topics:", topics_row)
        form.addRow("Questions:", self.count_box)
        form.addRow("Seed:", self.seed_box)
        form.addRow("Title:", self.title_edit)
        form.addRow("Roster:", self._with_browse(self.roster_edit, self._on_roster_browse))
        form.addRow("Sheets:", self._with_browse(self.out_edit, lambda: self._browse_out(False)))
        form.addRow("Answer key:", self._with_browse(self.answers_edit, self._browse_answers))
        form.addRow("Format:", self._format_row())

        self.progress_bar = QProgressBar()
        self.progress_bar.setFormat("student %v of %m")
        self.progress_bar.hide()
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.generate_button = QPushButton("&Generate")
        self.generate_button.setDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.generate_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        self._on_roster_text_changed("")

    # ----- building
    def _with_browse(self, edit: QLineEdit, slot: Callable[[], None]) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        button = QPushButton("Browse…")
        button.clicked.connect(slot)
        self._browse_buttons.append(button)
        box.addWidget(button)
        return row

    def _format_row(self) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.format_combo)
        box.addWidget(self.format_label, 1)
        return row

    # ----- state
    def is_running(self) -> bool:
        """True while sheets are being written."""
        return self._steps is not None

    def message(self) -> str:
        """The sentence under the form (an error, or what was written)."""
        return self.message_label.text()

    def selected_topics(self) -> list[str]:
        return [key for key, box in self.topic_boxes.items() if box.isChecked()]

    def _on_roster_text_changed(self, text: str) -> None:
        roster = bool(text.strip())
        self.format_combo.setEnabled(roster)
        self.format_label.setText(
            "of the sheets and keys in the folders"
            if roster
            else "from each file's suffix (.pdf or .md)"
        )
        self.out_edit.setPlaceholderText(
            "a folder for one sheet per student" if roster else "sheet.pdf or sheet.md"
        )

    def _show_message(self, text: str, error: bool = False) -> None:
        self.message_label.setStyleSheet(_ERROR_STYLE if error else "")
        self.message_label.setText(text)

    # ----- file pickers
    def _on_roster_browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Class roster", self.roster_edit.text(), ROSTER_FILTER
        )
        if path:
            self.roster_edit.setText(path)

    def _browse_out(self, key: bool) -> None:
        edit = self.answers_edit if key else self.out_edit
        what = "answer key" if key else "sheets"
        if self.roster_edit.text().strip():
            path = QFileDialog.getExistingDirectory(
                self, f"An empty folder for the {what}", edit.text()
            )
        else:
            path, chosen = QFileDialog.getSaveFileName(
                self, f"Save the {what} as", edit.text(), FILE_FILTER
            )
            if path and Path(path).suffix.lower() not in (".pdf", ".md"):
                path += ".md" if chosen.startswith("Markdown") else ".pdf"
        if path:
            edit.setText(path)

    def _browse_answers(self) -> None:
        self._browse_out(True)

    # ----- generating
    def generate(self) -> bool:
        """Check the form and start writing; False (and a message) when an argument is bad."""
        if self.is_running():
            return False
        if not self.out_edit.text().strip():
            self._show_message("Choose where the sheets go.", error=True)
            return False
        try:
            plan = plan_worksheets(
                topics=self.selected_topics(),
                count=self.count_box.value(),
                seed=self.seed_box.value(),
                out=self.out_edit.text().strip(),
                answers=self.answers_edit.text().strip() or None,
                roster=self.roster_edit.text().strip() or None,
                folder_format=self.format_combo.currentData(),
                title=self.title_edit.text().strip() or DEFAULT_TITLE,
            )
        except ValueError as exc:
            self._show_message(str(exc), error=True)
            return False
        self._plan = plan
        self._steps = plan.steps()
        roster = plan.students is not None
        self.progress_bar.setRange(0, plan.total)
        self.progress_bar.setValue(0)
        self.progress_bar.setVisible(roster)
        self._show_message("Writing…")
        self._set_running(True)
        self._timer.start()
        return True

    def cancel(self) -> None:
        """Stop writing; the temporary files go, the targets stay as they were."""
        if self._steps is None:
            return
        steps, self._steps = self._steps, None
        self._timer.stop()
        steps.close()
        self._set_running(False)
        self._show_message("Cancelled: nothing was written.")
        self.generationFinished.emit("cancelled")

    def _on_timer_timeout(self) -> None:
        steps, plan = self._steps, self._plan
        if steps is None or plan is None:
            self._timer.stop()
            return
        try:
            done = next(steps)
        except StopIteration:
            self._finish("done", self._written_text(plan))
            return
        except ValueError as exc:
            self._finish("failed", str(exc), error=True)
            return
        self.progress_bar.setValue(done)
        self.progressChanged.emit(done, plan.total)

    def _finish(self, outcome: str, text: str, error: bool = False) -> None:
        self._steps = None
        self._timer.stop()
        self._set_running(False)
        self._show_message(text, error)
        self.generationFinished.emit(outcome)

    def _written_text(self, plan: WorksheetPlan) -> str:
        if plan.students is not None:
            text = f"Wrote {plan.total} sheets and answers.csv into {plan.out}"
            return text + (f", and their keys into {plan.answers}." if plan.answers else ".")
        return f"Wrote {plan.out}" + (f" and {plan.answers}." if plan.answers else ".")

    def _set_running(self, running: bool) -> None:
        self.generate_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (
            *self.topic_boxes.values(),
            self.count_box,
            self.seed_box,
            self.title_edit,
            self.roster_edit,
            self.out_edit,
            self.answers_edit,
            *self._browse_buttons,
        ):
            widget.setEnabled(not running)
        self.format_combo.setEnabled(not running and bool(self.roster_edit.text().strip()))

    def done(self, result: int) -> None:  # Escape and Close: never leave a half-written class
        self.cancel()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cancel()
        super().closeEvent(event)


def open_worksheet_dialog(parent: QWidget) -> WorksheetDialog:
    """Show the window's worksheet dialog (one per window), raising it if already open."""
    dialog = parent.findChild(WorksheetDialog)
    if dialog is None:
        dialog = WorksheetDialog(parent)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
