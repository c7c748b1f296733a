"""Render the README's screenshots with the app's own ``--screenshot`` option.

    python resources/tools/make_screenshots.py

Writes PNGs into resources/screenshots/ (used by README.md only; not shipped in the wheel).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # resources/
OUT = HERE / "screenshots"
LESSONS = HERE / "lessons"

#: file name -> extra command-line arguments
SHOTS: dict[str, list[str]] = {
    "descent.png": ["--tab", "descent"],
    "gates.png": ["--tab", "gates"],
    "backprop.png": ["--tab", "backprop"],
    "conv.png": ["--tab", "conv"],
    "presentation.png": ["--tab", "descent", "--presentation", "--size", "1280x720"],
    "lesson-sheet-or.png": ["--lesson", str(LESSONS / "exercise-2b-or.json")],
    "lesson-4c.png": ["--lesson", str(LESSONS / "exercise-4c.json")],
    "dark.png": ["--tab", "backprop", "--theme", "dark"],
}


#: file name -> (tab, preset, presentation mode?) rendered at 1280x720 in-process
PRESET_SHOTS: dict[str, tuple[str, str, bool]] = {
    "backprop-sheet.png": ("backprop", "Exercise 3: the MLP's shapes", True),
    "backprop-batch.png": ("backprop", "Batch: B = 8, where the batch sum happens", True),
    "backprop-summary.png": ("backprop", "B = 8 with two hidden layers: the summary", False),
}


def render_presets() -> None:
    """Presets shown through the window's API (no command-line option picks a preset)."""
    sys.path.insert(0, str(HERE.parent))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from visualizer.app import create_window
    from visualizer.cli import _create_application

    app = _create_application()
    for name, (key, preset, presentation) in PRESET_SHOTS.items():
        window = create_window(initial_tab=key)
        window.tab(key).load_preset(preset)
        window.set_presentation(presentation, full_screen=False)
        window.resize(1280, 720)
        window.show()
        for _ in range(6):
            app.processEvents()
        path = OUT / name
        window.grab().save(str(path), "PNG")
        print(f"wrote {path.relative_to(HERE.parent)}")
        window.close()
        window.deleteLater()
        app.processEvents()


def main() -> None:
    OUT.mkdir(exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(HERE.parent))
    for name, args in SHOTS.items():
        path = OUT / name
        cmd = [sys.executable, "-m", "visualizer", *args, "--screenshot", str(path)]
        subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL)
        print(f"wrote {path.relative_to(HERE.parent)}")
    render_presets()


if __name__ == "__main__":
    main()
