"""Practice mode for the Logic gates topic (no Qt): what is asked, what stays hidden, exercises.

The student works out, in this order: each hidden neuron's output for the current inputs,
then the output neuron's, then the output on the other three rows of the truth table
(0/1 for step neurons, a value to 3 significant digits for sigmoid ones). Every asked value
has a key; while ``practice.is_hidden(key)``, the views show "?" for the value and for
what gives it away (the neuron's z, its shade, the verdict of that row, the region
shading and the corner labels, and the sentences that judge the whole table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.compute.gates import (
    GATE_TARGETS,
    TRUTH_INPUTS,
    format_activation,
    format_number,
    node_arithmetic,
    worked_line,
)
from visualizer.practice import Question, question

if TYPE_CHECKING:
    from visualizer.exercises import Exercise
    from visualizer.tabs.gates.model import GatesModel

#: The generated gates exercises this tab can show: a net and (for "output") the inputs.
SHOWN_KINDS = ("output", "truth_table")


def key_row(key: str) -> str:
    """The truth-table row a question key asks about ("10")."""
    return key.split("@")[1].split(":")[0]


def row_name(row: int) -> str:
    a, b = (int(v) for v in TRUTH_INPUTS[row])
    return f"{a}{b}"


def value_key(model: GatesModel, layer: int, node: int, row: int) -> str | None:
    """The practice key of a neuron's output on a truth-table row (None: never asked).

    The output neuron is asked on every row; the hidden neurons only on the current row.
    """
    last = len(model.layers()) - 1
    # The activation is part of the key: a sigmoid value and a step bit are other questions.
    if layer == last:
        return f"out@{row_name(row)}:{model.activation}"
    if row == model.current_row:
        return f"hidden:{layer},{node}@{row_name(row)}:{model.activation}"
    return None


def is_value_hidden(model: GatesModel, layer: int, node: int, row: int) -> bool:
    """True while practice hides this neuron's output (and z) on that row."""
    key = value_key(model, layer, node, row)
    return key is not None and model.practice.is_hidden(key)


def is_row_hidden(model: GatesModel, row: int) -> bool:
    """True while the network's output on this row is still to be worked out."""
    return is_value_hidden(model, len(model.layers()) - 1, 0, row)


def any_output_hidden(model: GatesModel) -> bool:
    """True while some row's output is still hidden (the verdicts and regions would tell it)."""
    return any(is_row_hidden(model, row) for row in range(4))


def _value_question(model: GatesModel, key: str, label: str, value: float, solution: list[str]):
    if model.activation == "sigmoid":
        return question(
            key, label, topic="gates", kind="conv_cell", answer=float(value), solution=solution
        )
    return question(
        key, label, topic="gates", kind="output", answer=round(value), solution=solution,
        exact=True,
    )  # fmt: skip


def _row_lines(model: GatesModel, row: int) -> list[str]:
    layers = model.layers()
    inputs = tuple(int(v) for v in TRUTH_INPUTS[row])
    return [
        worked_line(node_arithmetic(layers, li, j, inputs, model.activation))
        for li, (W, _b) in enumerate(layers)
        for j in range(W.shape[1])
    ]


def questions(model: GatesModel) -> list[Question]:
    """Hidden neurons and the output for the current inputs, then the other rows' outputs."""
    ev = model.evaluation()
    row = model.current_row
    a, b = model.focus.inputs
    asked: list[Question] = []
    for li, names in enumerate(ev.names):
        for j, name in enumerate(names):
            key = value_key(model, li, j, row)
            assert key is not None
            line = worked_line(model.arithmetic(li, j))
            label = f"{name} for A = {a}, B = {b}:"
            asked.append(_value_question(model, key, label, ev.outputs[li][row, j], [line]))
    for r in range(4):
        if r == row:
            continue
        ra, rb = (int(v) for v in TRUTH_INPUTS[r])
        key = value_key(model, len(ev.names) - 1, 0, r)
        assert key is not None
        label = f"Out for A = {ra}, B = {rb}:"
        asked.append(_value_question(model, key, label, ev.outputs[-1][r, 0], _row_lines(model, r)))
    return asked


def neuron_of(key: str, n_layers: int) -> tuple[int, int] | None:
    """The (layer, node) a question key asks about on the current row, if it is a neuron."""
    if key.startswith("hidden:"):
        layer, node = key.split(":")[1].split("@")[0].split(",")
        return int(layer), int(node)
    if key.startswith("out@"):
        return n_layers - 1, 0
    return None


class PracticeMixin:
    """The practice half of ``GatesModel``: what it asks, and what an answer shows."""

    def practice_questions(self) -> list[Question]:
        """Hidden neurons and the output for the current inputs, then the truth table's
        output column; nothing in the playground."""
        model: GatesModel = self  # type: ignore[assignment]
        if model.is_playground():
            return []
        return questions(model)

    def answer(self, text: str) -> None:
        """Judge the answer; once a neuron of the current row is known, its worked line shows."""
        asked = self.current_question()  # type: ignore[attr-defined]
        super().answer(text)  # type: ignore[misc]
        self._show_answered(asked)

    def reveal_answer(self) -> None:
        asked = self.current_question()  # type: ignore[attr-defined]
        super().reveal_answer()  # type: ignore[misc]
        self._show_answered(asked)

    def _show_answered(self, asked: Question | None) -> None:
        model: GatesModel = self  # type: ignore[assignment]
        if asked is None or model.practice.outcome(asked.key) is None:
            return
        if key_row(asked.key) != row_name(model.current_row):
            return
        neuron = neuron_of(asked.key, len(model.layers()))
        if neuron is not None:
            model.select_node(*neuron)


# ----- what the views show while a value is hidden ---------------------------------------------
HIDDEN = "?"


def hidden_worked_line(model: GatesModel, layer: int, node: int) -> str:
    """The neuron's formula without its numbers: ``C = step(20*A + 20*B - 10) = ?``."""
    line = worked_line(model.arithmetic(layer, node))
    first = line.split(" = ")
    return f"{first[0]} = {first[1]} = {HIDDEN}"


def hidden_summary() -> str:
    return "Work out the outputs first: the verdict shows once every row is answered or revealed."


def value_text(value: float, activation: str) -> str:
    """A neuron's output as the table writes it."""
    return format_activation(value) if activation == "sigmoid" else format_number(value)


# ----- generated exercises ---------------------------------------------------------------------
def exercise_settings(model: GatesModel, exercise: Exercise) -> dict[str, Any]:
    """The settings and inputs a generated gates exercise opens with; ``ValueError`` if none."""
    if exercise.topic != "gates" or exercise.kind not in SHOWN_KINDS:
        raise ValueError(f"The Logic gates tab cannot show {exercise.kind} exercises.")
    data = exercise.data
    layers = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in data["layers"]]
    inputs = tuple(int(v) for v in data.get("inputs", model.focus.inputs))
    activation = data.get("activation", "step")
    if activation not in ("step", "step_strict", "sigmoid"):
        raise ValueError(f"The Logic gates tab cannot show {activation} neurons.")
    if model.target not in GATE_TARGETS:
        raise ValueError("The target gate is unknown.")
    return {"layers": layers, "inputs": inputs, "activation": activation}
