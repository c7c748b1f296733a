"""The application: the main window (tabs, status bar) and its set-up.

The window's menus, lessons, practice and lock, and exports are mixins in
:mod:`visualizer.window`; the command line is :mod:`visualizer.cli`
(``python -m visualizer`` and the ``dl-visualizer`` console command run
:func:`visualizer.cli.main`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from visualizer import __version__
from visualizer.lesson import LessonError
from visualizer.lesson_lock import LessonLock
from visualizer.resources_path import resource_path
from visualizer.tabs.base import TopicTab
from visualizer.topics import TOPIC_KEYS, TOPICS, Topic
from visualizer.widgets.help_dialog import HelpDialog
from visualizer.widgets.lazy_tabs import LazyTabWidget
from visualizer.widgets.plot_style import configure_pyqtgraph
from visualizer.widgets.theme import THEMES, apply_theme, style_plots
from visualizer.window.blocked import blocked
from visualizer.window.export import ExportMixin, render_svg
from visualizer.window.lessons import APP_NAME, LessonsMixin, exercise_lessons
from visualizer.window.menus import ZOOM_STEP, MenusMixin
from visualizer.window.models import TopicModels
from visualizer.window.practice import PracticeMixin

__all__ = [
    "APP_NAME",
    "BASE_FONT_POINTS",
    "SCREENSHOT_SIZE",
    "ZOOM_STEP",
    "MainWindow",
    "app_icon",
    "create_window",
    "exercise_lessons",
    "fit_rect",
    "render_svg",
]

#: The size ``--screenshot`` renders at: a common projector resolution.
SCREENSHOT_SIZE = QSize(1280, 800)
BASE_FONT_POINTS = 11.0
PRESENTATION_FONT_SCALE = 1.45
ZOOM_LIMITS = (0.6, 3.0)


class MainWindow(MenusMixin, LessonsMixin, PracticeMixin, ExportMixin, QMainWindow):
    """The main window: one tab per topic, menus, a status bar.

    Attributes
    ----------
    tabs : LazyTabWidget
        A QTabWidget with the four topic tabs in the order of ``visualizer.topics.TOPICS``;
        ``tabs.widget(i)`` returns the TopicTab (building it on first use).
    models : TopicModels
        Each topic's Qt-free model, made the first time it is needed. Lessons are applied
        to the models, so opening one builds only the tab on screen; the others build from
        their model when first shown.

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
        self._practice_on = False
        self._unlocked = False
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.resize(SCREENSHOT_SIZE)
        # Tabs are built on first use, so start-up only pays for the one on screen.
        self.tabs = LazyTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        self.models = TopicModels(self._on_model_created)
        for topic in TOPICS:
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
        return topic.tab_class()(self.models[topic.key])

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

    # ----- presentation, zoom, theme ---------------------------------------------------------
    def is_presentation(self) -> bool:
        return self._presentation

    def set_presentation(self, on: bool, *, full_screen: bool = True) -> None:
        """Lecture-hall mode: full screen, larger fonts, thicker lines and bigger markers.

        ``full_screen=False`` applies the sizes only (for ``--screenshot --presentation``).
        """
        self._presentation = bool(on)
        with blocked(self.presentation_action):
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
            with blocked(action):
                action.setChecked(action.data() == theme)
        apply_theme(QApplication.instance(), theme)
        self._apply_font()

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

    # ----- settings --------------------------------------------------------------------------
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


def fit_rect(rect: QRect, available: QRect) -> QRect:
    """``rect`` shrunk to fit inside ``available`` and moved so that all of it is visible."""
    width = min(rect.width(), available.width())
    height = min(rect.height(), available.height())
    left = min(max(rect.left(), available.left()), available.left() + available.width() - width)
    top = min(max(rect.top(), available.top()), available.top() + available.height() - height)
    return QRect(left, top, width, height)


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
