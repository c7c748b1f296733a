"""Generated exercises with answers and worked solutions, for practice mode and worksheets.

Pure Python + numpy (no Qt): ``generate("conv", 42, 8)`` gives eight exercises, each with a
code (``conv-42-3``) that ``from_code`` turns back into the same exercise, a prompt, its
data, the answer with its tolerance, worked lines in the sheet's style and the
``visualizer.compute`` call that recomputes the answer. ``check(exercise, typed_text)``
judges any typed text and never raises.
"""

from visualizer.exercises.answers import (
    NUMBER_HINT,
    check,
    parse_number,
    parse_shape,
    parse_vector,
)
from visualizer.exercises.engine import KINDS, evaluate_call, from_code, generate
from visualizer.exercises.model import TOLERANCES, TOPICS, Call, Exercise, Verdict

__all__ = [
    "KINDS",
    "NUMBER_HINT",
    "TOLERANCES",
    "TOPICS",
    "Call",
    "Exercise",
    "Verdict",
    "check",
    "evaluate_call",
    "from_code",
    "generate",
    "parse_number",
    "parse_shape",
    "parse_vector",
]
