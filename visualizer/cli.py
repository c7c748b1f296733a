"""The command line: ``python -m visualizer`` (and ``dl-visualizer``), screenshots, worksheets."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

# numpy before Qt, on purpose: PySide6 hooks every import made after it (its __feature__ check
# reads each new module's source), which costs ~40 ms at start-up over numpy's modules alone.
import numpy  # noqa: F401
from PySide6.QtCore import QSettings, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

from visualizer import __version__
from visualizer.app import (
    APP_NAME,
    BASE_FONT_POINTS,
    SCREENSHOT_SIZE,
    app_icon,
    create_window,
)
from visualizer.lesson import Lesson, LessonError
from visualizer.lesson_io import read_lesson
from visualizer.topics import TOPIC_KEYS
from visualizer.widgets.theme import THEMES


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


def collect_garbage_again() -> None:
    """Turn the cyclic garbage collector back on once the first window is painted.

    ``python -m visualizer`` starts with it off (see ``visualizer/__main__.py``); what start-up
    made lives as long as the app, so it is frozen (left out of every later collection) first.
    Does nothing where the collector was never turned off (tests, scripts).
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["worksheet"]:
        collect_garbage_again()  # a batch job: nothing to paint first
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
        collect_garbage_again()
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
    QTimer.singleShot(0, collect_garbage_again)  # (runs once the first paint is done)
    # Build the other tabs once the first one is on screen, so switching tabs is instant.
    QTimer.singleShot(300, window.build_remaining_tabs)
    return app.exec()
