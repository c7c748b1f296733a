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
    "presentation.png": ["--tab", "descent", "--presentation"],
    "lesson-sheet-or.png": ["--lesson", str(LESSONS / "exercise-2b-or.json")],
    "lesson-4c.png": ["--lesson", str(LESSONS / "exercise-4c.json")],
    "dark.png": ["--tab", "backprop", "--theme", "dark"],
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(HERE.parent))
    for name, args in SHOTS.items():
        path = OUT / name
        cmd = [sys.executable, "-m", "visualizer", *args, "--screenshot", str(path)]
        subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL)
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
