"""The main window and the command line: four tabs, menus, screenshots, a clean exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.helpers import image_is_not_blank
from visualizer.app import create_window
from visualizer.cli import build_parser
from visualizer.tabs.base import TopicTab

TAB_TITLES = ["Gradient descent", "Logic gates", "Backprop shapes", "Convolution"]
TAB_KEYS = ["descent", "gates", "backprop", "conv"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    return env


@pytest.fixture
def window(qtbot):
    w = create_window()
    qtbot.addWidget(w)
    return w


def test_window_has_four_tabs_in_order(window):
    assert window.tabs.count() == 4
    assert [window.tabs.tabText(i) for i in range(4)] == TAB_TITLES
    for i, key in enumerate(TAB_KEYS):
        tab = window.tabs.widget(i)
        assert isinstance(tab, TopicTab)
        assert tab.key == key
        assert window.tab(key) is tab


def test_menus_and_status_bar(window):
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus[:3] == ["File", "View", "Help"]
    file_items = [a.text().replace("&", "") for a in window.file_menu.actions() if a.text()]
    assert any(t.startswith("Export screenshot") for t in file_items)
    assert "Quit" in file_items
    help_items = [a.text().replace("&", "") for a in window.help_menu.actions()]
    assert "About" in help_items
    assert window.statusBar() is not None


@pytest.mark.parametrize("index", range(4))
def test_each_tab_renders_something(window, qtbot, index):
    window.resize(1280, 800)
    window.show()
    window.tabs.setCurrentIndex(index)
    qtbot.waitExposed(window)
    qtbot.wait(50)
    assert image_is_not_blank(window.tabs.widget(index).grab().toImage())


def test_ctrl_number_switches_tabs(window):
    window.tab_actions[2].trigger()
    assert window.tabs.currentIndex() == 2
    window.tab_actions[0].trigger()
    assert window.tabs.currentIndex() == 0


def test_unknown_argument_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["--no-such-option"])
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_unknown_tab_is_a_usage_error_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "visualizer", "--tab", "nope"],
        capture_output=True, text=True, env=_env(), timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("key", TAB_KEYS)
def test_screenshot_writes_a_non_blank_png(tmp_path, key):
    out = tmp_path / f"{key}.png"
    result = subprocess.run(
        [sys.executable, "-m", "visualizer", "--tab", key, "--screenshot", str(out)],
        capture_output=True, text=True, env=_env(), timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    assert image_is_not_blank(image)


def test_many_animation_frames_then_clean_exit():
    """Guards against the PySide6 6.12.0 crash at interpreter exit (see README)."""
    script = textwrap.dedent(
        """
        from PySide6.QtWidgets import QApplication, QMainWindow
        from visualizer.app import create_window
        app = QApplication([])
        window = create_window()
        window.show()
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            tab = window.tabs.currentWidget()
            tab.rewind()
            for _ in range(40):
                tab.step_forward()
                app.processEvents()
            for _ in range(5):
                tab.step_back()
                app.processEvents()
        other = QMainWindow()
        other.show()
        app.processEvents()
        print("done")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, env=_env(), timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("done")


def test_start_up_makes_only_the_model_on_screen(qtbot):
    window = create_window(initial_tab="gates")
    qtbot.addWidget(window)
    assert set(window.models.made()) == {"gates"}
    window.set_practice(True)  # a model made later follows practice mode
    assert window.models["conv"].practice.on
    assert set(window.models.made()) == {"gates", "conv"}


def test_the_garbage_collector_is_off_during_start_up_and_back_on_after_the_first_paint(
    tmp_path,
):
    # python -m visualizer starts with the collector off (start-up makes objects, not
    # garbage); once the window is painted it is back on, with start-up's objects frozen.
    out = tmp_path / "shot.png"
    script = textwrap.dedent(
        f"""
        import gc
        import visualizer.__main__ as entry
        print("off at start", not gc.isenabled())
        rc = entry.main(["--screenshot", {str(out)!r}])
        print("on after paint", rc == 0 and gc.isenabled() and gc.get_freeze_count() > 1000)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, env=_env(), timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[:2] == ["off at start True", "on after paint True"]


def test_collecting_again_leaves_a_running_collector_alone():
    import gc

    from visualizer.cli import collect_garbage_again

    frozen = gc.get_freeze_count()
    assert gc.isenabled()  # (the test process never turned it off)
    collect_garbage_again()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_the_collector_is_back_on_once_the_app_is_running(tmp_path):
    # The interactive start: no screenshot, the event loop runs; shortly after the window is
    # shown the collector is on again.
    script = textwrap.dedent(
        """
        import gc
        import visualizer.__main__ as entry
        from PySide6.QtCore import QTimer
        from visualizer import cli

        make = cli._create_application

        def create():
            app = make()
            QTimer.singleShot(400, lambda: (print("on", gc.isenabled()), app.quit()))
            return app

        cli._create_application = create
        print("off", not gc.isenabled())
        raise SystemExit(entry.main([]))
        """
    )
    env = _env()
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # (the interactive app keeps its settings there)
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[:2] == ["off True", "on True"]
