"""The window's lesson files: the state of all four topics, opening, saving, recent lessons.

A mixin of :class:`visualizer.app.MainWindow`; it uses the window's ``models``, ``tabs`` and
status bar. Lessons go to the topic models, so opening one builds only the tab on screen.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from visualizer.lesson import Lesson, LessonError
from visualizer.lesson_io import read_lesson, write_lesson
from visualizer.lesson_lock import LessonLock
from visualizer.resources_path import resource_path
from visualizer.tabs.topic_model import TopicModel
from visualizer.topics import TOPIC_KEYS, TOPICS

APP_NAME = "Deep Learning Visualizer"
MAX_RECENT = 8
LESSON_FILTER = "Lesson files (*.json);;All files (*)"


class LessonsMixin:
    """Lesson state, File > Open / Save lesson, and the recent-lessons menu."""

    def _state_holder(self, key: str) -> TopicModel:
        """Where a topic's lesson state lives: its model."""
        return self.models[key]

    def lesson(self, title: str = "") -> Lesson:
        """The complete state of all four topics (no tab is built for it)."""
        return Lesson(
            tabs={key: self._state_holder(key).state() for key in TOPIC_KEYS},
            current_tab=self.current_key(),
            title=title,
            practice=self._practice_state(),
            lock=self._lock,
        )

    def apply_lesson(self, lesson: Lesson) -> None:
        """Restore a lesson, or raise :class:`LessonError` and leave every topic as it was.

        The states go to the models; only tabs already built redraw (they listen to their
        model), the others are built from their model when first shown.
        """
        before = {key: self._state_holder(key).state() for key in lesson.tabs}
        practice_before = {key: model.practice.state() for key, model in self.models.made().items()}
        done: list[str] = []
        try:
            for topic in TOPICS:
                if topic.key in lesson.tabs:
                    self._state_holder(topic.key).restore_state(lesson.tabs[topic.key])
                    done.append(topic.key)
            topic = None
            self._restore_practice(lesson.practice)
        except (ValueError, KeyError, TypeError) as exc:
            # A topic refused its part: put back what any earlier topic already changed.
            for key in done:
                self._state_holder(key).restore_state(before[key])
            for key, state in practice_before.items():
                self.models[key].practice.restore_state(state)
            name = exc.args[0] if exc.args else type(exc).__name__
            where = f"{topic.title} settings" if topic is not None else "practice scores"
            raise LessonError(f"The lesson's {where} are not valid: {name}") from None
        self.set_lock(lesson.lock)
        self.show_tab(lesson.current_tab)

    def open_lesson(self, path: str | Path) -> None:
        """Read and apply a lesson file; raise :class:`LessonError` (state unchanged) on failure."""
        lesson = read_lesson(path)
        self.apply_lesson(lesson)
        self._set_lesson_path(str(path))
        self.statusBar().showMessage(f"Opened lesson {Path(path).name}")

    def save_lesson(
        self, path: str | Path, title: str | None = None, lock: LessonLock | None = None
    ) -> None:
        """Write the complete state to ``path`` atomically; :class:`LessonError` on failure.

        ``lock`` saves the lesson as locked (the lesson on screen keeps its own lock).
        """
        lesson = self.lesson(title=Path(path).stem if title is None else title)
        if lock is not None:
            lesson.lock = None if lock.is_empty() else lock
        write_lesson(path, lesson)
        self._set_lesson_path(str(path))
        self.statusBar().showMessage(f"Saved lesson {Path(path).name}")

    def lesson_path(self) -> str:
        return self._lesson_path

    def _set_lesson_path(self, path: str) -> None:
        self._lesson_path = path
        self.setWindowTitle(f"{Path(path).name} - {APP_NAME}" if path else APP_NAME)
        self._remember_recent(path)
        self.lessonPathChanged.emit(path)

    def recent_lessons(self) -> list[str]:
        if self._settings is None:
            return list(getattr(self, "_recent", []))
        value = self._settings.value("recentLessons", [])
        if isinstance(value, str):  # QSettings returns a lone string for one-item lists
            value = [value]
        return [str(v) for v in value or []]

    def _remember_recent(self, path: str) -> None:
        if not path:
            return
        recent = [path] + [p for p in self.recent_lessons() if p != path]
        recent = recent[:MAX_RECENT]
        if self._settings is None:
            self._recent = recent
        else:
            self._settings.setValue("recentLessons", recent)
            self._settings.setValue("lastLesson", path)
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_lessons()
        for path in recent:
            self._action(
                self.recent_menu, Path(path).name, lambda p=path: self._open_lesson_reporting(p)
            )
        if not recent:
            empty = self.recent_menu.addAction("(none yet)")
            empty.setEnabled(False)

    def _open_lesson_reporting(self, path: str | Path) -> None:
        try:
            self.open_lesson(path)
        except LessonError as exc:
            QMessageBox.warning(self, APP_NAME, f"Could not open {Path(path).name}. {exc}")

    def _on_open_lesson_triggered(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open lesson", "", LESSON_FILTER)
        if path:
            self._open_lesson_reporting(path)

    def _on_save_lesson_triggered(self) -> None:
        if self._lesson_path:
            self._save_lesson_reporting(self._lesson_path)
        else:
            self._on_save_lesson_as_triggered()

    def _on_save_lesson_as_triggered(self) -> None:
        default = self._lesson_path or "lesson.json"
        path, _ = QFileDialog.getSaveFileName(self, "Save lesson", default, LESSON_FILTER)
        if path:
            self._save_lesson_reporting(path)

    def _save_lesson_reporting(self, path: str) -> None:
        try:
            self.save_lesson(path)
        except LessonError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))


def exercise_lessons() -> list[tuple[Path, str]]:
    """The exercise presets shipped as lesson files: (path, title), in exercise order."""
    lessons = []
    for path in sorted(resource_path("lessons").glob("*.json")):
        try:
            title = json.loads(path.read_text(encoding="utf-8")).get("title", "")
        except (OSError, ValueError, AttributeError):
            continue  # a damaged file is left out of the menu rather than breaking start-up
        lessons.append((path, title or path.stem))
    return lessons
