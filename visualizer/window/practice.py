"""The window's practice mode and lesson lock.

A mixin of :class:`visualizer.app.MainWindow`. Practice: View > Practice mode (F9) and a
corner toggle turn it on in every topic, New exercise (Ctrl+N), File > Open exercise code,
the current tab's score in the status bar. Lock: a lesson may hide or lock controls per tab
(File > Save lesson as locked); View > Unlock lifts it for the session.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLabel, QMessageBox, QPushButton

from visualizer.lesson import LessonError
from visualizer.lesson_lock import LessonLock
from visualizer.tabs.base import TopicTab
from visualizer.tabs.topic_model import TopicModel
from visualizer.widgets.lock_dialog import LockDialog, lock_pixmap
from visualizer.window.blocked import blocked
from visualizer.window.lessons import APP_NAME, LESSON_FILTER


class PracticeMixin:
    """Practice mode across the tabs, and the lesson lock."""

    def _build_practice_controls(self) -> None:
        # A toggle in the tab bar's corner: one click for a teacher, no toolbar height lost.
        self.practice_button = QPushButton("Practice")
        self.practice_button.setCheckable(True)
        self.practice_button.setToolTip(
            "Practice mode: every tab asks for the next value before it shows it (F9)"
        )
        self.practice_button.toggled.connect(self.set_practice)
        self.tabs.setCornerWidget(self.practice_button, Qt.Corner.TopRightCorner)
        self.practice_score_label = QLabel()
        self.statusBar().addPermanentWidget(self.practice_score_label)
        self.lock_label = QLabel()
        self.lock_label.setPixmap(lock_pixmap(16))
        self.lock_label.setToolTip("A locked lesson: View > Unlock (Ctrl+Shift+U) lifts the lock")
        self.statusBar().addPermanentWidget(self.lock_label)
        self._show_lock()
        self._show_practice_score()

    def is_practice(self) -> bool:
        return self._practice_on

    def _on_model_created(self, _key: str, model: TopicModel) -> None:
        """A topic model was just made: it follows practice mode and shows its score."""
        model.practice.set_on(self._practice_on)
        model.practice.subscribe(lambda _what: self._show_practice_score())

    def set_practice(self, on: bool) -> None:
        """Practice mode in every tab: values to work out are hidden and asked for."""
        on = bool(on)
        changed = on != self._practice_on
        self._practice_on = on
        for widget in (self.practice_action, self.practice_button):
            with blocked(widget):
                widget.setChecked(on)
        self.new_exercise_action.setEnabled(on)
        for model in self.models.made().values():  # models made later start from it
            model.practice.set_on(on)
        self._show_practice_score()
        if changed:  # opening a lesson without practice says nothing about it
            self.statusBar().showMessage("Practice mode on" if on else "Practice mode off")

    def new_exercise(self, seed: int | None = None) -> str:
        """A freshly generated exercise in the current tab (practice mode turns on)."""
        if not self.is_practice():
            self.set_practice(True)
        return self.current_tab().new_exercise(seed)

    def open_exercise_code(self, code: str) -> None:
        """Show the exercise with this code in its tab, in practice mode.

        ``ValueError`` with one sentence for a malformed or unknown code, or an exercise that
        its tab cannot show; nothing changes then.
        """
        from visualizer.exercises import from_code  # the engine loads on first use

        exercise = from_code(code)
        model = self.models[exercise.topic]
        model.load_exercise(exercise)
        model.practice.set_code(exercise.code)
        self.set_practice(True)
        self.show_tab(exercise.topic)
        self.statusBar().showMessage(f"Exercise {exercise.code}")

    def _show_practice_score(self) -> None:
        model = self.models.made().get(self.current_key())
        if model is None or not model.practice.on:
            self.practice_score_label.setText("")
            return
        self.practice_score_label.setText(f"Practice: {model.practice.score_text()}")

    def _practice_state(self) -> dict | None:
        used = {
            key: m.practice.state()
            for key, m in self.models.made().items()
            if m.practice.asked or m.practice.code
        }
        if not self.is_practice() and not used:
            return None
        return {"on": self.is_practice(), "tabs": used}

    def _restore_practice(self, practice: dict | None) -> None:
        practice = practice or {}
        scores = practice.get("tabs", {})
        keys = set(self.models.made()) | set(scores)
        for key in keys:
            self.models[key].practice.restore_state(scores.get(key, {}))
        self.set_practice(bool(practice.get("on", False)))

    def _on_open_exercise_code_triggered(self) -> None:
        code, ok = QInputDialog.getText(
            self, "Open exercise code", "Exercise code (as printed on a worksheet, e.g. conv-42-3):"
        )
        if not ok or not code.strip():
            return
        try:
            self.open_exercise_code(code)
        except ValueError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))

    def lock(self) -> LessonLock | None:
        """The lock of the lesson on screen (None: not a locked lesson)."""
        return self._lock

    def is_locked(self) -> bool:
        return self._lock is not None and not self._unlocked

    def set_lock(self, lock: LessonLock | None) -> None:
        """Hide and disable what ``lock`` names in every tab (tabs built later follow)."""
        for tab in self.tabs.built_pages():
            self._apply_lock(tab, None)
        self._lock = None if lock is None or lock.is_empty() else lock
        self._unlocked = False
        for tab in self.tabs.built_pages():
            self._apply_lock(tab, self._lock)
        if self._lock is not None and self._lock.practice:
            self.set_practice(True)
        self._show_lock()

    def unlock(self) -> None:
        """Lift the lock for this session (View > Unlock); the lesson file keeps it."""
        if self._lock is None:
            return
        self._unlocked = True
        for tab in self.tabs.built_pages():
            self._apply_lock(tab, None)
        self._show_lock()
        self.statusBar().showMessage("Unlocked for this session")

    def _apply_lock(self, tab: TopicTab, lock: LessonLock | None) -> None:
        controls = tab.lockable_controls()
        hidden = set(lock.hidden(tab.key)) if lock is not None else set()
        disabled = set(lock.disabled(tab.key)) if lock is not None else set()
        for name, widget in controls.items():
            # Only what a lock touched is put back, so a control the tab hides itself
            # (a setting that does not apply) stays as the tab wants it.
            if name in hidden:
                widget.setProperty("lockedHidden", True)
                widget.hide()
            elif widget.property("lockedHidden"):
                widget.setProperty("lockedHidden", False)
                widget.show()
            if name in disabled:
                widget.setProperty("lockedDisabled", True)
                widget.setEnabled(False)
            elif widget.property("lockedDisabled"):
                widget.setProperty("lockedDisabled", False)
                widget.setEnabled(True)

    def _show_lock(self) -> None:
        locked = self.is_locked()
        self.lock_label.setVisible(locked)
        self.unlock_action.setEnabled(locked)

    def lockable_controls(self) -> dict[str, tuple[str, list[str]]]:
        """Every tab's lockable control names, for the lock dialog (builds every tab)."""
        return {tab.key: (tab.title, list(tab.lockable_controls())) for tab in self.all_tabs()}

    def _on_save_locked_triggered(self) -> None:
        dialog = LockDialog(self.lockable_controls(), self._lock, self)
        if dialog.exec() != LockDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save lesson as locked", self._lesson_path or "lesson.json", LESSON_FILTER
        )
        if not path:
            return
        try:
            self.save_lesson(path, lock=dialog.lock())
        except LessonError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
