"""The window always fits the screen it opens on, and --size sets the screenshot size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QImage

from visualizer.app import create_window, fit_rect
from visualizer.cli import parse_size


def test_fit_rect_shrinks_and_moves_inside():
    screen = QRect(0, 0, 1024, 768)
    # A geometry saved on a bigger monitor: 1280x800 at (100, 50).
    fitted = fit_rect(QRect(100, 50, 1280, 800), screen)
    assert fitted == QRect(0, 0, 1024, 768)
    # Fits already: unchanged.
    assert fit_rect(QRect(10, 20, 800, 600), screen) == QRect(10, 20, 800, 600)
    # Off the right/bottom edge: moved back, size kept.
    assert fit_rect(QRect(900, 700, 800, 600), screen) == QRect(224, 168, 800, 600)
    # Off the top-left of a screen that does not start at 0 (a second monitor).
    assert fit_rect(QRect(-50, -50, 400, 300), QRect(1920, 0, 1024, 768)) == QRect(
        1920, 0, 400, 300
    )


@pytest.mark.parametrize(
    ("text", "size"),
    [("1024x768", (1024, 768)), ("1280×720", (1280, 720)), ("800X600", (800, 600))],
)
def test_parse_size(text, size):
    parsed = parse_size(text)
    assert (parsed.width(), parsed.height()) == size


@pytest.mark.parametrize("text", ["", "1024", "axb", "10x10", "1024x768x2", "99999x768"])
def test_parse_size_refuses(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_restored_geometry_is_clamped_to_the_screen(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = create_window()
    qtbot.addWidget(first)
    available = first.screen().availableGeometry()
    # A window saved far bigger than this screen, partly off its edge.
    first.setGeometry(
        available.left() + 200, available.top() + 100, available.width() + 400,
        available.height() + 300,
    )  # fmt: skip
    settings.setValue("geometry", first.saveGeometry())
    settings.sync()
    second = create_window(settings)
    qtbot.addWidget(second)
    geometry = second.geometry()
    assert available.contains(geometry), (geometry, available)


def test_screenshot_size_option(tmp_path):
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    result = subprocess.run(
        [sys.executable, "-m", "visualizer", "--tab", "gates", "--size", "1024x768",
         "--screenshot", str(out)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 768)
    bad = subprocess.run(
        [sys.executable, "-m", "visualizer", "--size", "huge", "--screenshot", str(out)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "not a size like 1280x720" in bad.stderr
