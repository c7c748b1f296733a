"""Practice mode for the convolution topic: what it asks, in which order, and the exercises it
can show.

Plain Python (no Qt). The order follows the issue: the output size first, then the output
cell the student clicked (pinned), then the other output cells in reading order, then the
pooled cells (the clicked one first). A generated exercise narrows that: a padding or stride
exercise asks the size solver's answer, a pooled-cell exercise asks pooled cells only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.compute import conv
from visualizer.practice import Question, question

if TYPE_CHECKING:
    from visualizer.exercises import Exercise
    from visualizer.tabs.conv.model import ConvModel

TOPIC = "conv"
SIZE_KEY = "size"
SOLVE_KEY = "solve"
SHAPE_KEY = "shape"  # with channels: the output's shape
PARAMS_KEY = "params"  # with channels: the parameter count
SHOWN_KINDS = ("output_size", "conv_cell", "padding", "stride", "pool_cell")


def out_key(row: int, col: int) -> str:
    return f"out:{row},{col}"


def pool_key(row: int, col: int) -> str:
    return f"pool:{row},{col}"


def cell_of_key(key: str) -> tuple[str, int, int, int] | None:
    """The grid cell a question asks about: (kind, row, column, output channel), else None."""
    prefix, _, place = key.partition(":")
    if prefix not in ("out", "pool") and not (prefix.startswith("ch") and prefix[2:].isdigit()):
        return None
    try:
        row, col = (int(v) for v in place.split(","))
    except ValueError:
        return None
    if prefix == "pool":
        return "pool", row, col, 0
    return "conv", row, col, int(prefix[2:]) - 1 if prefix.startswith("ch") else 0


def size_keys(model: ConvModel) -> list[str]:
    """The keys of the size questions (one for a square output, rows and columns otherwise)."""
    out = model.result.output
    if out is None:
        return []
    return [SIZE_KEY] if out.shape[0] == out.shape[1] else [SIZE_KEY + ":rows", SIZE_KEY + ":cols"]


def current_exercise(model: ConvModel) -> Exercise | None:
    """The generated exercise on screen, if the settings still show it (else None)."""
    code = model.practice.code
    if not code.startswith(TOPIC + "-"):
        return None
    from visualizer.exercises import from_code

    try:
        exercise = from_code(code)
    except ValueError:
        return None
    s = model.settings
    data = exercise.data
    if exercise.kind in ("padding", "stride"):
        other = data["stride"] if exercise.kind == "padding" else data["padding"]
        wanted = (data["n"], data["f"], other, data["out"])
        return exercise if s.solve_for == exercise.kind and s.solver == wanted else None
    if exercise.kind == "pool_cell":
        same = s.pool_source == "input" and np.array_equal(
            model.result.input, np.asarray(data["grid"], float)
        )
        return exercise if same else None
    return exercise


def _size_questions(model: ConvModel) -> list[Question]:
    res = model.result
    out = res.output
    assert out is not None
    keys = size_keys(model)
    if len(keys) == 1:
        return [
            question(
                SIZE_KEY,
                "Output size (rows = columns) =",
                topic=TOPIC,
                kind="output_size",
                answer=int(out.shape[0]),
                solution=[f"out = {res.formula_rows}"],
                exact=True,
            )
        ]
    return [
        question(
            keys[0], "Output rows =", topic=TOPIC, kind="output_size",
            answer=int(out.shape[0]), solution=[f"rows = {res.formula_rows}"], exact=True,
        ),
        question(
            keys[1], "Output columns =", topic=TOPIC, kind="output_size",
            answer=int(out.shape[1]), solution=[f"columns = {res.formula_cols}"], exact=True,
        ),
    ]  # fmt: skip


def cell_solution(model: ConvModel, row: int, col: int) -> list[str]:
    """The worked step of output cell (row, col): its window and its sum of products."""
    from visualizer.tabs.conv import explain
    from visualizer.tabs.conv.transposed import transposed_focus

    if model.settings.mode == "transposed":
        found = transposed_focus(model.settings, model.result, row, col)
        return [f"Output ({row + 1}, {col + 1}) = {found.formula}"]
    terms = explain.conv_terms(model.settings, model.result, row, col)
    r0, r1, c0, c1 = terms.window
    where = "padded input" if model.settings.padding else "input"
    return [
        f"Output cell ({row + 1}, {col + 1}) covers rows {r0 + 1} to {r1} and columns "
        f"{c0 + 1} to {c1} of the {where}.",
        f"Output ({row + 1}, {col + 1}) = {conv.format_sum_of_products(terms)}",
    ]


def _cell_question(model: ConvModel, row: int, col: int) -> Question:
    out = model.result.output
    assert out is not None
    return question(
        out_key(row, col), f"Output row {row + 1}, column {col + 1} =", topic=TOPIC,
        kind="conv_cell", answer=float(out[row, col]), solution=cell_solution(model, row, col),
    )  # fmt: skip


def _pool_question(model: ConvModel, row: int, col: int) -> Question:
    from visualizer.tabs.conv import explain

    pooled = model.result.pooled
    assert pooled is not None
    terms = explain.pool_terms(model.settings, model.result, row, col)
    return question(
        pool_key(row, col), f"Pooled row {row + 1}, column {col + 1} =", topic=TOPIC,
        kind="conv_cell", answer=float(pooled[row, col]), solution=[terms.text()],
    )  # fmt: skip


def _cells(shape: tuple[int, ...], first: tuple[int, int] | None) -> list[tuple[int, int]]:
    cells = [(r, c) for r in range(shape[0]) for c in range(shape[1])]
    if first is not None and first in cells:
        cells.remove(first)
        cells.insert(0, first)
    return cells


def _channel_questions(model: ConvModel) -> list[Question]:
    """With channels: the output's shape, the parameter count, then the output cells (the
    clicked one first), each a bias plus one sum of products per input channel."""
    from visualizer.tabs.conv.channels import channel_focus
    from visualizer.tabs.conv.explain import channel_key

    found = model.channels
    assert found is not None
    s, res = model.settings, model.result
    c_out = found.weights.shape[0]
    questions = [
        question(
            PARAMS_KEY, "Learnable parameters (weights and biases) =", topic=TOPIC,
            kind="conv_cell", answer=float(found.parameters), exact=True,
            solution=[f"C_out·C_in·k·k + C_out = {found.parameters_text}"],
        )
    ]  # fmt: skip
    out = found.output
    if out is None or found.stale:
        return questions
    questions.insert(
        0,
        question(
            SHAPE_KEY, "Output shape (channels × rows × columns) =", topic=TOPIC, kind="shape",
            answer=tuple(int(n) for n in out.shape), exact=True,
            solution=[
                f"One output channel per kernel: {c_out}.",
                f"rows = {res.formula_rows}", f"columns = {res.formula_cols}",
            ],
        ),
    )  # fmt: skip
    cells = [(o, r, c) for o in range(out.shape[0]) for r, c in _cells(out.shape[1:], None)]
    kind, row, col = model.focus
    pinned = (model.focus_channel, row, col)
    if kind == "conv" and pinned in cells:
        cells.remove(pinned)
        cells.insert(0, pinned)
    for o, r, c in cells:
        cell = channel_focus(s, found, o, r, c)
        questions.append(
            question(
                channel_key(o, r, c),
                f"Output channel {o + 1}, row {r + 1}, column {c + 1} =", topic=TOPIC,
                kind="conv_cell", answer=float(out[o, r, c]),
                solution=[
                    *cell.per_channel,
                    ", ".join(line.split(" = ")[0] + " = " + line.rsplit(" = ", 1)[1]
                              for line in cell.per_channel),
                    f"{cell.heading} = {cell.formula}",
                ],
            )
        )  # fmt: skip
    return questions


def practice_questions(model: ConvModel) -> list[Question]:
    """Everything practice asks about the current grids, in the order it asks."""
    s, res = model.settings, model.result
    if s.view != "grids":
        return []
    if model.channels is not None:
        return _channel_questions(model)
    exercise = current_exercise(model)
    if exercise is not None and exercise.kind in ("padding", "stride"):
        letter = "p" if exercise.kind == "padding" else "s"
        return [Question(SOLVE_KEY, f"The {exercise.kind} {letter} =", exercise)]
    kind, row, col = model.focus
    questions: list[Question] = []
    if res.output is not None and not (exercise is not None and exercise.kind == "pool_cell"):
        questions += _size_questions(model)
        pinned = (row, col) if kind == "conv" else None
        questions += [_cell_question(model, r, c) for r, c in _cells(res.output.shape, pinned)]
    if res.pooled is not None:
        pinned = (row, col) if kind == "pool" else None
        questions += [_pool_question(model, r, c) for r, c in _cells(res.pooled.shape, pinned)]
    return questions


# ----- generated exercises ----------------------------------------------------------------------
def _pattern(rows: int, cols: int) -> list[list[float]]:
    """Small whole numbers that are easy to read (the size question does not use them)."""
    return [[float((3 * i + 7 * j) % 10) for j in range(cols)] for i in range(rows)]


def exercise_settings(exercise: Exercise) -> tuple[dict[str, Any], tuple[str, int, int]]:
    """The setting changes and the pinned cell that show ``exercise``; ValueError otherwise."""
    if exercise.topic != TOPIC or exercise.kind not in SHOWN_KINDS:
        raise ValueError(f"The convolution tab cannot show {exercise.kind} exercises.")
    data = exercise.data
    grids: dict[str, Any] = {
        "view": "grids", "mode": "correlation", "dilation": 1,
        "in_channels": 1, "kernel_channels": 1, "out_channels": 1,  # exercises: one channel
    }  # fmt: skip
    if exercise.kind == "output_size":
        n, f = data["n"], data["f"]
        kernel = [[1.0 if (u + v) % 2 == 0 else 0.0 for v in range(f)] for u in range(f)]
        grids.update(
            input=_pattern(n, n), kernel=kernel, padding=data["padding"], stride=data["stride"]
        )
        return grids, ("conv", 0, 0)
    if exercise.kind == "conv_cell":
        grids.update(
            input=data["image"], kernel=data["kernel"], padding=data["padding"],
            stride=data["stride"],
        )  # fmt: skip
        return grids, ("conv", data["row"], data["column"])
    if exercise.kind in ("padding", "stride"):
        n, f = data["n"], data["f"]
        given = data["stride"] if exercise.kind == "padding" else data["padding"]
        kernel = [[1.0] * f for _ in range(f)]
        grids.update(
            input=_pattern(n, n), kernel=kernel, solve_for=exercise.kind,
            solver=[n, f, given, data["out"]],
            padding=0 if exercise.kind == "padding" else given,
            stride=given if exercise.kind == "padding" else 1,
        )  # fmt: skip
        return grids, ("conv", 0, 0)
    grids.update(
        input=data["grid"], pool_source="input", pool_size=data["size"],
        pool_stride=data["stride"], pool_mode=data["mode"], kernel=[[1.0]], padding=0, stride=1,
    )  # fmt: skip
    return grids, ("pool", data["row"], data["column"])
