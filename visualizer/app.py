"""The application: QApplication set-up, the main window (menus, status bar, tabs) and the CLI.

``python -m visualizer`` and the ``dl-visualizer`` console command both run :func:`main`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from visualizer import __version__
from visualizer.tabs import TAB_KEYS, TAB_SPECS
from visualizer.tabs.base import TopicTab
from visualizer.widgets.plot_style import configure_pyqtgraph

APP_NAME = "Deep Learning Visualizer"
#: The size ``--screenshot`` renders at: a common projector resolution.
SCREENSHOT_SIZE = QSize(1280, 800)
BASE_FONT_POINTS = 11.0


def _load_tab_class(target: str) -> type[TopicTab]:
    module_name, class_name = target.split(":")
    return getattr(importlib.import_module(module_name), class_name)


class MainWindow(QMainWindow):
    """The main window: one tab per topic, menus, a status bar.

    Attributes
    ----------
    tabs : QTabWidget
        The four topic tabs in the order of ``visualizer.tabs.TAB_SPECS``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.resize(SCREENSHOT_SIZE)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.setCentralWidget(self.tabs)
        for _key, label, target in TAB_SPECS:
            tab = _load_tab_class(target)()
            tab.statusMessage.connect(self._on_tab_status_message)
            self.tabs.addTab(tab, label)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._build_menus()
        self._build_shortcuts()
        self.statusBar().showMessage("Ready")

    # ----- tabs ------------------------------------------------------------------------------
    def tab(self, key: str) -> TopicTab:
        """The tab for a CLI key (descent, gates, backprop, conv)."""
        return self.tabs.widget(TAB_KEYS.index(key))

    def current_tab(self) -> TopicTab:
        return self.tabs.currentWidget()

    def show_tab(self, key: str) -> None:
        self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    # ----- menus -----------------------------------------------------------------------------
    def _build_menus(self) -> None:
        menu_bar = self.menuBar()

        self.file_menu = menu_bar.addMenu("&File")
        self.export_screenshot_action = QAction("Export &screenshot...", self)
        self.export_screenshot_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.export_screenshot_action.triggered.connect(self._on_export_screenshot_triggered)
        self.file_menu.addAction(self.export_screenshot_action)
        self.file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)

        self.view_menu = menu_bar.addMenu("&View")
        self.tab_actions: list[QAction] = []
        for index, (_key, label, _target) in enumerate(TAB_SPECS):
            action = QAction(label, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, i=index: self.tabs.setCurrentIndex(i))
            self.view_menu.addAction(action)
            self.tab_actions.append(action)

        self.help_menu = menu_bar.addMenu("&Help")
        self.about_action = QAction("&About", self)
        self.about_action.triggered.connect(self._on_about_triggered)
        self.help_menu.addAction(self.about_action)

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

    # ----- handlers --------------------------------------------------------------------------
    def _on_tab_status_message(self, text: str) -> None:
        if self.sender() is self.current_tab():
            self.statusBar().showMessage(text)

    def _on_tabs_current_changed(self, _index: int) -> None:
        self.statusBar().showMessage(self.tabs.tabText(self.tabs.currentIndex()))

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


def create_window() -> MainWindow:
    """Build the main window (not shown). The caller owns the QApplication."""
    configure_pyqtgraph()
    return MainWindow()


def render_screenshot(window: QMainWindow, path: str | Path) -> bool:
    """Render ``window`` at 1280x800 into a PNG without putting it on screen."""
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    window.resize(SCREENSHOT_SIZE)
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
    parser.add_argument("--tab", choices=TAB_KEYS, help="open this tab")
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        help="render the window at 1280x800 to a PNG file and exit without showing it",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _create_application(argv: Sequence[str]) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("dl-visualizer")
    app.setApplicationVersion(__version__)
    font = app.font()
    font.setPointSizeF(BASE_FONT_POINTS)
    app.setFont(font)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    app = _create_application([])
    window = create_window()
    if args.tab:
        window.show_tab(args.tab)
    if args.screenshot:
        if not render_screenshot(window, args.screenshot):
            print(f"error: could not write the screenshot to {args.screenshot}", file=sys.stderr)
            return 1
        window.close()
        window.deleteLater()
        app.processEvents()
        return 0
    window.show()
    return app.exec()
