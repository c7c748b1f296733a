"""The window's menus and window-wide keys (a mixin of :class:`visualizer.app.MainWindow`)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QWidget

from visualizer.topics import TOPICS
from visualizer.widgets.theme import THEMES
from visualizer.window.lessons import exercise_lessons

ZOOM_STEP = 1.15


class MenusMixin:
    """File, View and Help menus; Space / Left / Right / Home / Escape."""

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


def _open_worksheet_dialog(window: QWidget) -> None:
    from visualizer.widgets.worksheet_dialog import open_worksheet_dialog  # built on first use

    open_worksheet_dialog(window)
