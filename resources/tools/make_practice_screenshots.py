"""Render each tab in practice mode with one answer right and one wrong, for the README.

    python resources/tools/make_practice_screenshots.py [--out resources/screenshots]
        [--size 1280x720] [--normal]

Each tab opens its first exercise preset (or lesson), turns practice on, answers the first
question right and the next one wrong, and is saved as ``practice-<tab>.png`` (in
presentation mode unless ``--normal``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: tab -> lesson it starts from (the sheet's exercise)
LESSONS = {
    "descent": "exercise-1a.json",
    "gates": "exercise-2c-xor.json",
    "backprop": "exercise-3.json",
    "conv": "exercise-4c.json",
}


def wrong_answer(kind: str, answer: object) -> str:
    """A plausible but wrong answer, written as a student would."""
    if kind in ("bit", "output"):
        return str(1 - int(answer))
    if isinstance(answer, tuple):
        return "×".join(str(n) for n in reversed(answer)) if len(set(answer)) > 1 else "1×1"
    if isinstance(answer, list):
        return ", ".join(f"{float(v) + 0.5:g}" for v in answer)
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        return f"{float(answer) * 1.3 + 0.1:.4g}"
    return "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "resources" / "screenshots"))
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--normal", action="store_true", help="normal mode, not presentation")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT))
    from visualizer.app import create_window
    from visualizer.cli import _create_application, parse_size
    from visualizer.resources_path import resource_path

    app = _create_application()
    size = parse_size(args.size)
    for key, lesson in LESSONS.items():
        window = create_window(initial_tab=key)
        window.open_lesson(resource_path("lessons", lesson))
        window.set_presentation(not args.normal, full_screen=False)
        window.resize(size)
        window.show()
        model = window.models[key]
        if key == "descent":
            model.reset()  # practice asks the next iterate: start before the first step
        window.set_practice(True)
        for _ in range(3):
            app.processEvents()
        first = model.current_question()
        if first is not None:
            model.answer(first.answer_text)
        second = model.current_question()
        if second is not None:
            model.answer(wrong_answer(second.exercise.kind, second.exercise.answer))
        for _ in range(5):
            app.processEvents()
        path = Path(args.out) / f"practice-{key}.png"
        window.grab().save(str(path), "PNG")
        print(f"wrote {path}  ({model.practice.score_text()})")
        window.close()
        window.deleteLater()
        app.processEvents()


if __name__ == "__main__":
    main()
