"""The answer box of practice mode: one question, a field, Check and Reveal, and the verdict.

A view only: the tab's practice model decides what is asked and whether an answer is right;
this box shows the question, hands the typed text over (``submitted``) and shows the verdict
it is given. Every topic uses the same box, so practice looks and behaves the same everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visualizer.widgets.plot_style import ERROR_COLOR, OK_COLOR


class AnswerBox(QFrame):
    """The practice bar of a tab.

    ``[question] [field] [Check] [Reveal]   [exercise code] [New exercise]`` over a line with
    the tolerance, the verdict and the score.

    Signals
    -------
    submitted(str)
        The student pressed Enter or Check with this text.
    revealRequested()
        The student gave up on this question and wants the answer.
    newExerciseRequested()
        New exercise was pressed.
    """

    submitted = Signal(str)
    revealRequested = Signal()
    newExerciseRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("answerBox")
        self.question_label = QLabel()
        self.question_label.setTextFormat(Qt.TextFormat.PlainText)
        self.field = QLineEdit()
        self.field.setPlaceholderText("your answer")
        self.field.setMinimumWidth(110)
        self.field.returnPressed.connect(self._on_check_clicked)
        self.check_button = QPushButton("Check")
        self.check_button.setToolTip("Check your answer (Enter)")
        self.check_button.clicked.connect(self._on_check_clicked)
        self.reveal_button = QPushButton("Reveal")
        self.reveal_button.setToolTip("Show the right answer with its working")
        self.reveal_button.clicked.connect(self.revealRequested)
        self.tolerance_label = QLabel()
        self.tolerance_label.setStyleSheet("color: #555555;")
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.score_label = QLabel()
        self.score_label.setToolTip("Answers right in this tab since practice began")
        self.code_label = QLabel()
        self.code_label.setToolTip(
            "The code of the exercise on screen: File > Open exercise code brings it back"
        )
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_button = QPushButton("New exercise")
        self.new_button.setToolTip("A freshly generated exercise of this topic (Ctrl+N)")
        self.new_button.clicked.connect(self.newExerciseRequested)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.question_label)
        row.addWidget(self.field, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.reveal_button)
        row.addSpacing(12)
        row.addWidget(self.code_label)
        row.addWidget(self.new_button)
        notes = QHBoxLayout()
        notes.setContentsMargins(0, 0, 0, 0)
        notes.addWidget(self.tolerance_label)
        notes.addStretch(1)
        notes.addWidget(self.score_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addLayout(notes)
        layout.addWidget(self.verdict_label)

    # ----- what the tab tells it -----------------------------------------------------------
    def ask(self, question: str, tolerance: str) -> None:
        """Show a new question with an empty field and no verdict."""
        self.question_label.setText(question)
        self.tolerance_label.setText(tolerance)
        self.field.clear()
        self.field.setEnabled(True)
        self.check_button.setEnabled(True)
        self.reveal_button.setEnabled(True)
        self._show_verdict("", "")

    def show_verdict(self, correct: bool | None, message: str) -> None:
        """``True``: right (green); ``False``: wrong (red); ``None``: a note (not graded)."""
        colour = {True: OK_COLOR, False: ERROR_COLOR, None: "#333333"}[correct]
        self._show_verdict(message, colour)

    def finish(self, message: str) -> None:
        """Nothing left to ask here: the field is disabled and ``message`` says why."""
        self.question_label.setText("")
        self.tolerance_label.setText("")
        self.field.clear()
        self.field.setEnabled(False)
        self.check_button.setEnabled(False)
        self.reveal_button.setEnabled(False)
        self._show_verdict(message, "#333333")

    def set_score(self, text: str) -> None:
        self.score_label.setText(f"Score: {text}")

    def set_code(self, code: str) -> None:
        self.code_label.setText(f"Exercise {code}" if code else "")

    # ----- read methods (tests, the tab) ----------------------------------------------------
    def score(self) -> str:
        return self.score_label.text()

    def code(self) -> str:
        return self.code_label.text()

    def question(self) -> str:
        return self.question_label.text()

    def tolerance(self) -> str:
        return self.tolerance_label.text()

    def verdict(self) -> str:
        return self.verdict_label.text()

    def type_answer(self, text: str) -> None:
        """Type ``text`` and press Check (tests and the monkey test)."""
        self.field.setText(text)
        self._on_check_clicked()

    # ----- internals -----------------------------------------------------------------------
    def _show_verdict(self, message: str, colour: str) -> None:
        self.verdict_label.setText(message)
        self.verdict_label.setStyleSheet(f"color: {colour}; font-weight: bold;" if colour else "")
        self.verdict_label.setVisible(bool(message))

    def _on_check_clicked(self) -> None:
        if self.field.isEnabled():
            self.submitted.emit(self.field.text())
