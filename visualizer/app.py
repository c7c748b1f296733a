"""The application: QApplication set-up, the main window (menus, status bar, tabs) and the CLI.

``python -m visualizer`` and the ``dl-visualizer`` console command both run :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPoint,
    QRect,
    QSaveFile,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QShortcut,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)

from visualizer import __version__
from visualizer.exercises import from_code
from visualizer.lesson import Lesson, LessonError
from visualizer.lesson_io import read_lesson, write_lesson
from visualizer.lesson_lock import LessonLock
from visualizer.resources_path import resource_path
from visualizer.tabs.base import TopicTab
from visualizer.tabs.topic_model import TopicModel
from visualizer.topics import TOPIC_KEYS, TOPICS, Topic
from visualizer.widgets.help_dialog import HelpDialog
from visualizer.widgets.lazy_tabs import LazyTabWidget
from visualizer.widgets.lock_dialog import LockDialog, lock_pixmap
from visualizer.widgets.plot_style import configure_pyqtgraph
from visualizer.widgets.theme import THEMES, apply_theme, style_plots

APP_NAME = "Deep Learning Visualizer"
#: The size ``--screenshot`` renders at: a common projector resolution.
SCREENSHOT_SIZE = QSize(1280, 800)
BASE_FONT_POINTS = 11.0
PRESENTATION_FONT_SCALE = 1.45
ZOOM_STEP = 1.15
ZOOM_LIMITS = (0.6, 3.0)
MAX_RECENT = 8
LESSON_FILTER = "Lesson files (*.json);;All files (*)"


class MainWindow(QMainWindow):
    """The main window: one tab per topic, menus, a status bar.

    Attributes
    ----------
    tabs : LazyTabWidget
        A QTabWidget with the four topic tabs in the order of ``visualizer.topics.TOPICS``;
        ``tabs.widget(i)`` returns the TopicTab (building it on first use).
    models : dict[str, TopicModel]
        Each topic's Qt-free model, made at start-up. Lessons are applied to the models, so
        opening one builds only the tab on screen; the others build from their model when
        first shown.

    Parameters
    ----------
    settings
        Where geometry, last tab, last lesson, recent lessons, theme and zoom persist.
        ``None`` (the default, used by tests and scripts) keeps nothing between runs.
    """

    #: Emitted after a lesson was opened or saved (its path).
    lessonPathChanged = Signal(str)

    def __init__(
        self,
        settings: QSettings | None = None,
        initial_tab: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._lesson_path: str = ""
        self._zoom = 1.0
        self._presentation = False
        self._theme = "system"
        self._help_dialog: HelpDialog | None = None
        self._lock: LessonLock | None = None
        self._unlocked = False
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.resize(SCREENSHOT_SIZE)
        # Tabs are built on first use, so start-up only pays for the one on screen.
        self.tabs = LazyTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.models: dict[str, TopicModel] = {}
        for topic in TOPICS:
            model_class = topic.model_class()
            if model_class is not None:
                self.models[topic.key] = model_class()
            self.tabs.add_lazy_tab(lambda t=topic: self._build_tab(t), topic.title)
            if topic.key == initial_tab:
                self.tabs.setCurrentIndex(self.tabs.count() - 1)
        self.tabs.tabBuilt.connect(self._on_tabs_tab_built)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._build_menus()
        self._build_shortcuts()
        self._build_practice_controls()
        self.statusBar().showMessage("Ready")
        if settings is not None:
            self._restore_settings()
        self.tabs.start_building()

    # ----- tabs ------------------------------------------------------------------------------
    def _build_tab(self, topic: Topic) -> TopicTab:
        model = self.models.get(topic.key)
        tab_class = topic.tab_class()
        return tab_class(model) if model is not None else tab_class()

    def tab(self, key: str) -> TopicTab:
        """The tab for a CLI key (descent, gates, backprop, conv)."""
        return self.tabs.widget(TOPIC_KEYS.index(key))

    def current_tab(self) -> TopicTab:
        return self.tabs.currentWidget()

    def current_key(self) -> str:
        return TOPIC_KEYS[self.tabs.currentIndex()]

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TOPIC_KEYS.index(key))

    def all_tabs(self) -> list[TopicTab]:
        """Every tab, building those not built yet."""
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def build_remaining_tabs(self) -> None:
        """Build the tabs not yet shown, one per event-loop turn, so the UI stays responsive."""
        if self.tabs.build_next():
            QTimer.singleShot(0, self.build_remaining_tabs)

    # ----- lessons ---------------------------------------------------------------------------
    def _state_holder(self, key: str) -> TopicModel | TopicTab:
        """Where a topic's lesson state lives: its model (or, for a topic without one, its tab)."""
        return self.models.get(key) or self.tab(key)

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
        practice_before = {key: model.practice.state() for key, model in self.models.items()}
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

    # ----- lesson lock -----------------------------------------------------------------------
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

    # ----- practice mode ---------------------------------------------------------------------
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
        for model in self.models.values():
            model.practice.subscribe(lambda _what: self._show_practice_score())
        self._show_practice_score()

    def is_practice(self) -> bool:
        return self.practice_action.isChecked()

    def set_practice(self, on: bool) -> None:
        """Practice mode in every tab: values to work out are hidden and asked for."""
        on = bool(on)
        for widget in (self.practice_action, self.practice_button):
            with _blocked(widget):
                widget.setChecked(on)
        self.new_exercise_action.setEnabled(on)
        for model in self.models.values():
            model.practice.set_on(on)
        self._show_practice_score()
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
        exercise = from_code(code)
        model = self.models[exercise.topic]
        model.load_exercise(exercise)
        model.practice.set_code(exercise.code)
        self.set_practice(True)
        self.show_tab(exercise.topic)
        self.statusBar().showMessage(f"Exercise {exercise.code}")

    def _show_practice_score(self) -> None:
        model = self.models.get(self.current_key())
        if model is None or not model.practice.on:
            self.practice_score_label.setText("")
            return
        self.practice_score_label.setText(f"Practice: {model.practice.score_text()}")

    def _practice_state(self) -> dict | None:
        used = {key: m.practice.state() for key, m in self.models.items() if m.practice.asked}
        used.update(
            {key: m.practice.state() for key, m in self.models.items() if m.practice.code}
        )
        if not self.is_practice() and not used:
            return None
        return {"on": self.is_practice(), "tabs": used}

    def _restore_practice(self, practice: dict | None) -> None:
        practice = practice or {}
        scores = practice.get("tabs", {})
        for key, model in self.models.items():
            model.practice.restore_state(scores.get(key, {}))
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

    # ----- presentation, zoom, theme ---------------------------------------------------------
    def is_presentation(self) -> bool:
        return self._presentation

    def set_presentation(self, on: bool, *, full_screen: bool = True) -> None:
        """Lecture-hall mode: full screen, larger fonts, thicker lines and bigger markers.

        ``full_screen=False`` applies the sizes only (for ``--screenshot --presentation``).
        """
        self._presentation = bool(on)
        with _blocked(self.presentation_action):
            self.presentation_action.setChecked(self._presentation)
        if full_screen and self._presentation:
            self._geometry_before_presentation = self.saveGeometry()
            self.showFullScreen()
        elif full_screen and self.isFullScreen():
            self.showNormal()
            if getattr(self, "_geometry_before_presentation", None) is not None:
                self.restoreGeometry(self._geometry_before_presentation)
        for tab in self.tabs.built_pages():  # tabs built later pick it up in _on_tabs_tab_built
            tab.set_presentation(self._presentation)
        self._apply_font()

    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        self._zoom = min(max(zoom, ZOOM_LIMITS[0]), ZOOM_LIMITS[1])
        self._apply_font()
        self.statusBar().showMessage(f"Zoom {self._zoom:.0%}")

    def font_points(self) -> float:
        scale = PRESENTATION_FONT_SCALE if self._presentation else 1.0
        return BASE_FONT_POINTS * self._zoom * scale

    def _apply_font(self) -> None:
        app = QApplication.instance()
        font = app.font()
        font.setPointSizeF(self.font_points())
        app.setFont(font)
        style_plots(self, font)

    def theme(self) -> str:
        return self._theme

    def set_theme(self, theme: str) -> None:
        """ "system" (follow the desktop), "light" or "dark"."""
        if theme not in THEMES:
            raise ValueError(f"Unknown theme {theme!r}; choose one of {', '.join(THEMES)}.")
        self._theme = theme
        for action in self.theme_actions.actions():
            with _blocked(action):
                action.setChecked(action.data() == theme)
        apply_theme(QApplication.instance(), theme)
        self._apply_font()

    # ----- menus -----------------------------------------------------------------------------
    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        menu_bar = self.menuBar()
        std = QKeySequence.StandardKey

        self.file_menu = menu_bar.addMenu("&File")
        self.open_lesson_action = self._action(
            self.file_menu, "&Open lesson...", self._on_open_lesson_triggered, std.Open
        )
        self.open_code_action = self._action(
            self.file_menu,
            "Open exercise &code...",
            self._on_open_exercise_code_triggered,
            "Ctrl+Shift+O",
            "Restore a generated exercise from its code, e.g. conv-42-3",
        )
        self.examples_menu = self.file_menu.addMenu("Open &exercise")
        for path, title in exercise_lessons():
            self._action(self.examples_menu, title, lambda p=path: self._open_lesson_reporting(p))
        self.recent_menu = self.file_menu.addMenu("&Recent lessons")
        self.save_lesson_action = self._action(
            self.file_menu, "&Save lesson", self._on_save_lesson_triggered, std.Save
        )
        self.save_lesson_as_action = self._action(
            self.file_menu, "Save lesson &as...", self._on_save_lesson_as_triggered, std.SaveAs
        )
        self.new_worksheet_action = self._action(
            self.file_menu, "New &worksheet...", lambda: _open_worksheet_dialog(self)
        )
        self.save_locked_action = self._action(
            self.file_menu,
            "Save lesson as &locked...",
            self._on_save_locked_triggered,
            tip="Save with controls hidden or locked, for a simple projected screen",
        )
        self.file_menu.addSeparator()
        self.export_menu = self.file_menu.addMenu("&Export")
        self.export_png_action = self._action(
            self.export_menu, "View as &PNG...", lambda: self._export("png"), "Ctrl+E"
        )
        self.export_svg_action = self._action(
            self.export_menu, "View as &SVG...", lambda: self._export("svg")
        )
        self.export_csv_action = self._action(
            self.export_menu, "Table as &CSV...", lambda: self._export("csv")
        )
        self.export_markdown_action = self._action(
            self.export_menu, "Worked solution as &Markdown...", lambda: self._export("md")
        )
        self.export_code_action = self._action(
            self.export_menu, "Python &code (numpy)...", lambda: self._export("code")
        )
        self.export_torch_action = self._action(
            self.export_menu, "Python code (Py&Torch)...", lambda: self._export("torch")
        )
        self.export_screenshot_action = self._action(
            self.file_menu,
            "Export &screenshot...",
            self._on_export_screenshot_triggered,
            "Ctrl+Shift+E",
            "The whole window as a PNG image",
        )
        self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, "&Quit", self.close, std.Quit)
        self._rebuild_recent_menu()

        self.view_menu = menu_bar.addMenu("&View")
        self.presentation_action = QAction("&Presentation mode", self)
        self.presentation_action.setCheckable(True)
        self.presentation_action.setShortcut(QKeySequence("F11"))
        self.presentation_action.toggled.connect(self.set_presentation)
        self.view_menu.addAction(self.presentation_action)
        self.practice_action = QAction("P&ractice mode", self)
        self.practice_action.setCheckable(True)
        self.practice_action.setShortcut(QKeySequence("F9"))
        self.practice_action.setStatusTip("Hide the next values and ask for them first")
        self.practice_action.toggled.connect(self.set_practice)
        self.view_menu.addAction(self.practice_action)
        self.new_exercise_action = self._action(
            self.view_menu, "&New exercise", lambda: self.new_exercise(), "Ctrl+N"
        )
        self.new_exercise_action.setEnabled(False)
        self.unlock_action = self._action(
            self.view_menu, "&Unlock", self.unlock, "Ctrl+Shift+U", "Lift this lesson's lock"
        )
        self.side_panel_action = self._action(
            self.view_menu,
            "&Side panel",
            lambda: self.current_tab().toggle_side_panel(),
            "Ctrl+B",
            "Hide or show the current tab's settings and tables beside its picture",
        )
        # Ctrl+= and Ctrl++ both zoom in: "+" needs Shift on most keyboards.
        self.zoom_in_action = self._action(
            self.view_menu, "Zoom &in", lambda: self.set_zoom(self._zoom * ZOOM_STEP)
        )
        self.zoom_in_action.setShortcuts([QKeySequence("Ctrl+="), QKeySequence("Ctrl++")])
        self.zoom_out_action = self._action(
            self.view_menu, "Zoom &out", lambda: self.set_zoom(self._zoom / ZOOM_STEP), "Ctrl+-"
        )
        self.zoom_reset_action = self._action(
            self.view_menu, "&Reset zoom", lambda: self.set_zoom(1.0), "Ctrl+0"
        )
        theme_menu = self.view_menu.addMenu("&Theme")
        self.theme_actions = QActionGroup(self)
        for theme, label in THEMES.items():
            action = QAction(label, self, checkable=True)
            action.setData(theme)
            action.setChecked(theme == self._theme)
            action.triggered.connect(lambda _checked=False, t=theme: self.set_theme(t))
            self.theme_actions.addAction(action)
            theme_menu.addAction(action)
        self.view_menu.addSeparator()
        self.tab_actions: list[QAction] = []
        for index, topic in enumerate(TOPICS):
            action = self._action(
                self.view_menu,
                topic.title,
                lambda i=index: self.tabs.setCurrentIndex(i),
                f"Ctrl+{index + 1}",
            )
            self.tab_actions.append(action)

        self.help_menu = menu_bar.addMenu("&Help")
        self.help_action = self._action(
            self.help_menu, "Help for this &tab", lambda: self.show_help(), "F1"
        )
        self.help_menu.addSeparator()
        for topic in TOPICS:
            self._action(self.help_menu, topic.title, lambda k=topic.key: self.show_help(k))
        self.help_menu.addSeparator()
        self.about_action = self._action(self.help_menu, "&About", self._on_about_triggered)

    def _build_shortcuts(self) -> None:
        # Window-wide animation keys. Text fields still get Space/Left/Right while editing,
        # because Qt lets a focused line edit claim those keys before a shortcut fires.
        bindings = {
            Qt.Key.Key_Space: lambda: self.current_tab().toggle_play(),
            Qt.Key.Key_Right: lambda: self.current_tab().step_forward(),
            Qt.Key.Key_Left: lambda: self.current_tab().step_back(),
            Qt.Key.Key_Home: lambda: self.current_tab().rewind(),
        }
        self.animation_shortcuts: list[QShortcut] = []
        for key, slot in bindings.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)
            self.animation_shortcuts.append(shortcut)
        # Escape leaves presentation mode, as in every slide program.
        self.escape_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.escape_shortcut.activated.connect(self._on_escape_activated)

    # ----- help ------------------------------------------------------------------------------
    def show_help(self, key: str | None = None) -> HelpDialog:
        """Show the help page of a topic (the current tab's by default)."""
        key = key or self.current_key()
        if self._help_dialog is None:
            self._help_dialog = HelpDialog(self)
        self._help_dialog.show_topic(key)
        self._help_dialog.show()
        self._help_dialog.raise_()
        return self._help_dialog

    # ----- export ----------------------------------------------------------------------------
    def export_current(self, kind: str, path: str | Path) -> None:
        """Export the current tab: ``png``/``svg`` view, ``csv`` table, ``md`` worked solution,
        ``code`` a standalone numpy script of what it shows, ``torch`` the PyTorch version.

        Raises ``ValueError`` with a sentence when the tab has nothing of that kind.
        """
        tab = self.current_tab()
        path = str(path)
        if kind == "png":
            if not tab.export_widget().grab().save(path, "PNG"):
                raise ValueError(f"Could not write {path}.")
        elif kind == "svg":
            _write_bytes_atomically(path, render_svg(tab.export_widget(), title=tab.title))
        elif kind in ("csv", "md", "code", "torch"):
            model = self.models.get(tab.key)
            texts = {
                "csv": ("table", tab.table_csv),
                "md": ("worked solution", tab.worked_solution_markdown),
                "code": ("Python code", getattr(model, "python_code", str)),
                "torch": ("PyTorch code", getattr(model, "torch_code", str)),
            }
            what, make = texts[kind]
            text = make()
            if not text:
                raise ValueError(f"The {tab.title} tab has no {what} to export.")
            _write_text_atomically(path, text)
        else:
            raise ValueError(f"Unknown export kind {kind!r}.")

    def _export(self, kind: str) -> None:
        titles = {
            "png": ("Export view as PNG", "PNG image (*.png)"),
            "svg": ("Export view as SVG", "SVG image (*.svg)"),
            "csv": ("Export table as CSV", "CSV table (*.csv)"),
            "md": ("Export worked solution", "Markdown (*.md)"),
            "code": ("Export Python code", "Python script (*.py)"),
            "torch": ("Export PyTorch code", "Python script (*.py)"),
        }
        caption, file_filter = titles[kind]
        suffix = {"code": "py", "torch": "py"}.get(kind, kind)
        name = f"{self.current_key()}_torch" if kind == "torch" else self.current_key()
        default = f"{name}.{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, caption, default, file_filter)
        if not path:
            return
        try:
            self.export_current(kind, path)
        except (ValueError, OSError) as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.statusBar().showMessage(f"Exported {Path(path).name}")

    # ----- settings --------------------------------------------------------------------------
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

    def _restore_settings(self) -> None:
        settings = self._settings
        geometry = settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            self.fit_to_screen()
        theme = settings.value("theme", "system")
        if theme in THEMES:
            self.set_theme(str(theme))
        try:
            zoom = float(settings.value("zoom", 1.0))
        except (TypeError, ValueError):
            zoom = 1.0
        if zoom != 1.0:
            self.set_zoom(zoom)
        last_lesson = settings.value("lastLesson", "")
        if last_lesson and Path(str(last_lesson)).is_file():
            try:
                self.open_lesson(str(last_lesson))
            except LessonError as exc:
                self.statusBar().showMessage(f"Last lesson not reopened: {exc}")
        last_tab = settings.value("lastTab", "")
        if last_tab in TOPIC_KEYS:
            self.show_tab(str(last_tab))

    def fit_to_screen(self) -> None:
        """Keep the window on the screen it opens on: shrink and move it into the free area.

        A geometry saved on a big monitor is restored on a 1024x768 projector too; without
        this it would hang off the edge (Qt does not clamp when no window manager does).
        """
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        fitted = fit_rect(self.geometry(), screen.availableGeometry())
        if fitted != self.geometry():
            self.setGeometry(fitted)

    def save_settings(self) -> None:
        if self._settings is None:
            return
        for tab in self.tabs.built_pages():
            self._settings.setValue(f"layout/{tab.key}", tab.layout_state())
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("lastTab", self.current_key())
        self._settings.setValue("theme", self._theme)
        self._settings.setValue("zoom", self._zoom)
        self._settings.sync()

    def closeEvent(self, event) -> None:
        if self._presentation:
            self.set_presentation(False)
        self.save_settings()
        super().closeEvent(event)

    # ----- handlers --------------------------------------------------------------------------
    def _on_tabs_tab_built(self, _index: int, tab: TopicTab) -> None:
        tab.statusMessage.connect(self._on_tab_status_message)
        if self.is_locked():
            self._apply_lock(tab, self._lock)
        if self._settings is not None:
            saved = self._settings.value(f"layout/{tab.key}")
            if isinstance(saved, list) and all(isinstance(s, bytes | QByteArray) for s in saved):
                tab.restore_layout_state([bytes(s) for s in saved])
        if self._presentation:
            tab.set_presentation(True)
        style_plots(tab, QApplication.instance().font())

    def _on_tab_status_message(self, text: str) -> None:
        if self.sender() is self.current_tab():
            self.statusBar().showMessage(text)

    def _on_tabs_current_changed(self, _index: int) -> None:
        self.statusBar().showMessage(self.tabs.tabText(self.tabs.currentIndex()))
        self._show_practice_score()
        if self._help_dialog is not None and self._help_dialog.isVisible():
            self._help_dialog.show_topic(self.current_key())

    def _on_escape_activated(self) -> None:
        if self._presentation:
            self.set_presentation(False)

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

    def _on_export_screenshot_triggered(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export screenshot", "screenshot.png", "PNG image (*.png)"
        )
        if not path:
            return
        if self.grab().save(path, "PNG"):
            self.statusBar().showMessage(f"Screenshot saved to {path}")
        else:
            QMessageBox.warning(self, APP_NAME, f"Could not write {path}.")

    def _on_about_triggered(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>A teaching tool for the first lessons of deep learning: gradient descent and "
            "momentum, neurons as logic gates, the shapes of backpropagation, and convolution "
            "with pooling.</p><p>Built with PySide6, pyqtgraph and numpy.</p>",
        )


def app_icon() -> QIcon:
    """The app's own icon (``resources/icon.svg``, drawn for this project)."""
    return QIcon(str(resource_path("icon.svg")))


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


def fit_rect(rect: QRect, available: QRect) -> QRect:
    """``rect`` shrunk to fit inside ``available`` and moved so that all of it is visible."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    left = min(max(rect.left(), available.left()), available.left() + available.width() - width)
    top = min(max(rect.top(), available.top()), available.top() + available.height() - height)
    return QRect(left, top, width, height)


def parse_size(text: str) -> QSize:
    """``"1024x768"`` as a QSize (for ``--size``); ``ValueError`` with one sentence otherwise."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        width, height = (int(part) for part in parts)
    except ValueError:
        raise ValueError(f"{text!r} is not a size like 1280x720.") from None
    if not (320 <= width <= 7680 and 240 <= height <= 4320):
        raise ValueError(f"{text!r} is outside 320x240 to 7680x4320.")
    return QSize(width, height)


class _blocked:
    """``with _blocked(obj):`` - a signal blocker that also works on QAction."""

    def __init__(self, obj) -> None:
        self._obj = obj

    def __enter__(self) -> None:
        self._was = self._obj.blockSignals(True)

    def __exit__(self, *exc) -> None:
        self._obj.blockSignals(self._was)


def render_svg(widget: QWidget, title: str = "") -> bytes:
    """The widget painted as an SVG document (vector shapes and text, not a bitmap).

    Qt's own SVG generator is used rather than pyqtgraph's SVGExporter: the latter (0.14.0)
    fails on closed paths, which every filled shape and grid cell produces.
    """
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    generator.setViewBox(widget.rect())
    generator.setTitle(title or APP_NAME)
    generator.setDescription(f"Exported from {APP_NAME} {__version__}")
    # In export mode pyqtgraph draws every scatter symbol as a shape instead of stamping
    # bitmaps from its symbol atlas, which an SVG cannot reproduce.
    items = [
        item
        for view in widget.findChildren(pg.GraphicsView)
        if view.scene() is not None
        for item in view.scene().items()
        if isinstance(item, pg.GraphicsObject)
    ]
    painter = QPainter(generator)
    try:
        for item in items:
            item.setExportMode(True, {"antialias": True, "painter": painter})
        widget.render(painter, QPoint(0, 0))
    finally:
        for item in items:
            item.setExportMode(False)
        painter.end()
    return bytes(buffer.data())


def _write_bytes_atomically(path: str, data: bytes) -> None:
    save_file = QSaveFile(path)
    if not save_file.open(QIODevice.OpenModeFlag.WriteOnly):
        raise ValueError(f"{path} cannot be written: {save_file.errorString()}.")
    save_file.write(data)
    if not save_file.commit():
        raise ValueError(f"Saving {path} failed: {save_file.errorString()}.")


def _write_text_atomically(path: str, text: str) -> None:
    _write_bytes_atomically(path, text.encode("utf-8"))


def _open_worksheet_dialog(window: QWidget) -> None:
    from visualizer.widgets.worksheet_dialog import open_worksheet_dialog  # built on first use

    open_worksheet_dialog(window)


def create_window(settings: QSettings | None = None, initial_tab: str | None = None) -> MainWindow:
    """Build the main window (not shown). The caller owns the QApplication.

    Parameters
    ----------
    settings
        Persist geometry, last tab and lesson, recent lessons, theme and zoom here
        (``None``: nothing persists, as in tests and scripts).
    initial_tab
        Key of the tab to show first (only that tab is built up front).
    """
    configure_pyqtgraph()
    return MainWindow(settings, initial_tab)


def render_screenshot(window: QMainWindow, path: str | Path, size: QSize | None = None) -> bool:
    """Render ``window`` at ``size`` (default 1280x800) into a PNG without putting it on screen."""
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(size or SCREENSHOT_SIZE)
    window.show()
    app = QApplication.instance()
    # A few rounds so layouts settle and pyqtgraph finishes its deferred range updates.
    for _ in range(5):
        app.processEvents()
    ok = window.grab().save(str(path), "PNG")
    window.hide()
    return ok


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m visualizer",
        description=f"{APP_NAME}: gradient descent, logic gates, backprop shapes, convolution.",
    )
    parser.add_argument("--tab", choices=TOPIC_KEYS, help="open this tab")
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help="render the window (1280x800, or --size) to a PNG file and exit without showing it",
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        type=_size_argument,
        help="the size --screenshot renders at, e.g. 1024x768 (default 1280x800)",
    )
    parser.add_argument(
        "--lesson", metavar="FILE", help="open a lesson file (with --screenshot: render it)"
    )
    parser.add_argument(
        "--presentation", action="store_true", help="start in presentation mode (F11)"
    )
    parser.add_argument(
        "--theme", choices=tuple(THEMES), help="light or dark colours (default: follow the system)"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _size_argument(text: str) -> QSize:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _create_application() -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("dl-visualizer")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    font = app.font()
    font.setPointSizeF(BASE_FONT_POINTS)
    app.setFont(font)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["worksheet"]:
        from visualizer.worksheet.cli import main as worksheet_main  # only when asked for

        return worksheet_main(argv[1:])
    args = build_parser().parse_args(argv)
    lesson: Lesson | None = None
    if args.lesson:
        # Read before any window exists, so a bad file costs one line and no start-up.
        try:
            lesson = read_lesson(args.lesson)
        except LessonError as exc:
            print(f"error: cannot open lesson {args.lesson}: {exc}", file=sys.stderr)
            return 1
    app = _create_application()
    # Screenshots are reproducible: they never pick up the user's last lesson or window size.
    settings = None if args.screenshot else QSettings()
    window = create_window(
        settings, initial_tab=args.tab or (lesson.current_tab if lesson else None)
    )
    if lesson is not None:
        try:
            window.apply_lesson(lesson)
        except LessonError as exc:
            print(f"error: cannot open lesson {args.lesson}: {exc}", file=sys.stderr)
            return 1
        window._set_lesson_path(str(args.lesson))
    if args.theme:
        window.set_theme(args.theme)
    if args.tab:
        window.show_tab(args.tab)
    if args.screenshot:
        if args.presentation:
            # Larger fonts and thicker lines, but at the screenshot size, not full screen.
            window.set_presentation(True, full_screen=False)
        ok = render_screenshot(window, args.screenshot, args.size)
        window.close()
        window.deleteLater()
        app.processEvents()
        if not ok:
            print(f"error: could not write the screenshot to {args.screenshot}", file=sys.stderr)
            return 1
        return 0
    window.fit_to_screen()
    window.show()
    if args.presentation:
        window.set_presentation(True)
    # Build the other tabs once the first one is on screen, so switching tabs is instant.
    QTimer.singleShot(300, window.build_remaining_tabs)
    return app.exec()
