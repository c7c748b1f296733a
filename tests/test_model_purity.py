"""Every topic model, the topic list and the settings pattern load no Qt (no window needed)."""

import subprocess
import sys

import pytest

from visualizer.topics import TOPICS

FORBIDDEN = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")

QT_FREE_MODULES = [
    "visualizer.compute",
    "visualizer.topics",
    "visualizer.numbers",
    "visualizer.lesson",
    "visualizer.lesson_lock",
    "visualizer.worksheet.sheet",
    "visualizer.tabs.settings",
    "visualizer.tabs.topic_model",
    "visualizer.observable",
    "visualizer.practice",
    "visualizer.exercises",
    *(topic.model.split(":")[0] for topic in TOPICS if topic.model),
]


@pytest.mark.parametrize("module", QT_FREE_MODULES)
def test_module_loads_no_gui_module(module):
    code = (
        # Reading __all__ loads a lazy package's every module (visualizer.compute's).
        f"import sys, importlib\ngetattr(importlib.import_module({module!r}), '__all__', None)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} loaded GUI modules: {result.stdout.strip()}"


def test_every_topic_has_a_model_once_moved():
    # Each topic names a Qt-free model that inherits TopicModel and carries the topic's key.
    from visualizer.tabs.topic_model import TopicModel

    for topic in TOPICS:
        model_class = topic.model_class()
        if model_class is None:
            continue
        assert issubclass(model_class, TopicModel)
        assert model_class.key == topic.key
