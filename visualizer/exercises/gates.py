"""Gate exercises: a net's output for given inputs, its truth table, weights for a named gate.

Nets use the sheet's kind of numbers: whole weights and biases that end in .5, so no sum
is ever exactly 0 and the two step conventions (z ≥ 0 or z > 0 counts as 1) agree.
"""

from __future__ import annotations

from typing import Any

from visualizer.compute.gates import GATE_TARGETS, gate_name
from visualizer.exercises.formatting import num, term
from visualizer.exercises.model import EXACT, Call, Dice, Exercise

KINDS: tuple[str, ...] = ("output", "truth_table", "weights")
VARIANTS: tuple[str, ...] = KINDS

_WEIGHTS = (-2, -1, 1, 2)
_BIASES = (-1.5, -0.5, 0.5, 1.5)
_ROWS = ((0, 0), (0, 1), (1, 0), (1, 1))
#: Weights of one neuron that make each gate with a margin of 0.5 on every row.
SINGLE_NEURON: dict[str, tuple[float, float, float]] = {
    "AND": (1, 1, -1.5),
    "OR": (1, 1, -0.5),
    "NAND": (-1, -1, 1.5),
    "NOR": (-1, -1, 0.5),
}
#: The gates asked for in "find the weights"; XOR and XNOR need a hidden layer.
_TARGETS = ("AND", "AND", "OR", "OR", "NAND", "NAND", "NOR", "NOR", "XOR", "XNOR")
_STEP_RULE = (
    "Each neuron computes z = (its weights times its inputs) + b and outputs 1 when z ≥ 0, else 0."
)

Layers = list[list[list[Any]]]


def make(code: str, dice: Dice, kind: str) -> Exercise:
    """Draw the numbers of one gates exercise of the given kind."""
    if kind == "weights":
        return weights_exercise(code, dice.choice(_TARGETS))
    if kind == "output":
        layers = _random_net(dice, hidden=dice.choice((True, True, True, False)))
        return output_exercise(code, layers, dice.choice((0, 1)), dice.choice((0, 1)))
    for _ in range(64):
        layers = _random_net(dice, hidden=dice.choice((True, False)))
        if len(set(truth_column(layers))) == 2:  # a constant output is a dull table
            break
    return truth_table_exercise(code, layers)


def _random_net(dice: Dice, hidden: bool) -> Layers:
    if not hidden:
        return [[[[dice.choice(_WEIGHTS)], [dice.choice(_WEIGHTS)]], [dice.choice(_BIASES)]]]
    w_hidden = [[dice.choice(_WEIGHTS), dice.choice(_WEIGHTS)] for _ in range(2)]
    b_hidden = [dice.choice(_BIASES), dice.choice(_BIASES)]
    w_out = [[dice.choice(_WEIGHTS)], [dice.choice(_WEIGHTS)]]
    return [[w_hidden, b_hidden], [w_out, [dice.choice(_BIASES)]]]


def _names(layers: Layers) -> list[list[str]]:
    return [["Out"]] if len(layers) == 1 else [["C", "D"], ["Out"]]


def forward(layers: Layers, a: int, b: int) -> list[list[tuple[float, int]]]:
    """(z, output) of every neuron, layer by layer, for inputs A = a, B = b."""
    values: list[float] = [a, b]
    result = []
    for weights, biases in layers:
        layer = []
        for j, bias in enumerate(biases):
            z = sum(weights[i][j] * values[i] for i in range(len(values))) + bias
            layer.append((z, 1 if z >= 0 else 0))
        result.append(layer)
        values = [out for _, out in layer]
    return result


def truth_column(layers: Layers) -> list[int]:
    """Out for AB = 00, 01, 10, 11."""
    return [forward(layers, a, b)[-1][0][1] for a, b in _ROWS]


def _net_text(layers: Layers) -> str:
    lines = []
    inputs = ["A", "B"]
    for (weights, biases), names in zip(layers, _names(layers), strict=True):
        for j, name in enumerate(names):
            w = ", ".join(num(weights[i][j]) for i in range(len(inputs)))
            lines.append(f"- {name} (inputs {', '.join(inputs)}): w = ({w}), b = {num(biases[j])}")
        inputs = names
    return "\n".join(lines)


def _neuron_lines(layers: Layers, a: int, b: int, prefix: str = "") -> list[str]:
    """``C = step(1·A + (−1)·B − 0.5) = step(1·1 + (−1)·0 − 0.5) = step(0.5) = 1``."""
    lines = []
    names, values = ["A", "B"], [a, b]
    for (weights, biases), layer_names, layer in zip(
        layers, _names(layers), forward(layers, a, b), strict=True
    ):
        for j, (name, (z, out)) in enumerate(zip(layer_names, layer, strict=True)):
            w = [weights[i][j] for i in range(len(names))]
            symbolic = _weighted_sum(w, names, biases[j])
            numeric = _weighted_sum(w, [str(v) for v in values], biases[j])
            lines.append(
                f"{prefix}{name} = step({symbolic}) = step({numeric}) = step({num(z)}) = {out}"
            )
        names, values = layer_names, [out for _, out in layer]
    return lines


def _weighted_sum(weights: list[Any], symbols: list[str], bias: float) -> str:
    parts = [
        f"{num(w) if i == 0 else term(w)}·{s}"
        for i, (w, s) in enumerate(zip(weights, symbols, strict=True))
    ]
    sign = "−" if bias < 0 else "+"
    return " + ".join(parts) + f" {sign} {num(abs(bias))}"


def output_exercise(code: str, layers: Layers, a: int, b: int) -> Exercise:
    """What does the net output for A = a, B = b?"""
    answer = forward(layers, a, b)[-1][0][1]
    prompt = f"{_STEP_RULE}\n\n{_net_text(layers)}\n\nWhat is Out for A = {a}, B = {b}?"
    return Exercise(
        code=code,
        topic="gates",
        kind="output",
        prompt=prompt,
        data={"layers": layers, "activation": "step", "inputs": [a, b]},
        answer=answer,
        tolerance=EXACT,
        solution=_neuron_lines(layers, a, b),
        call=Call(
            "gate_forward",
            {"layers": layers, "inputs": [a, b], "activation": "step"},
            (-1, 0),
        ),
    )


def truth_table_exercise(code: str, layers: Layers) -> Exercise:
    """The net's output column for AB = 00, 01, 10, 11."""
    column = truth_column(layers)
    prompt = (
        f"{_STEP_RULE}\n\n{_net_text(layers)}\n\n"
        "Fill in the truth table: what is Out for AB = 00, 01, 10 and 11? "
        "Write the four 0/1 values in that order."
    )
    solution = []
    for a, b in _ROWS:
        if len(layers) == 1:
            solution.extend(_neuron_lines(layers, a, b, prefix=f"A = {a}, B = {b}: "))
        else:
            solution.append(f"A = {a}, B = {b}:")
            solution.extend(_neuron_lines(layers, a, b, prefix="    "))
    solution.append(
        f"Out for 00, 01, 10, 11: {', '.join(map(str, column))} (these weights make "
        f"{gate_name(column)})"
    )
    return Exercise(
        code=code,
        topic="gates",
        kind="truth_table",
        prompt=prompt,
        data={"layers": layers, "activation": "step"},
        answer=column,
        tolerance=EXACT,
        solution=solution,
        call=Call(
            "gate_forward",
            {"layers": layers, "inputs": [list(row) for row in _ROWS], "activation": "step"},
            (-1,),
        ),
    )


def _conditions(targets: tuple[int, ...]) -> list[str]:
    sums = ("b", "w2 + b", "w1 + b", "w1 + w2 + b")
    return [
        f"row {a}{b}: {s} {'≥' if t else '<'} 0"
        for (a, b), s, t in zip(_ROWS, sums, targets, strict=True)
    ]


def weights_exercise(code: str, gate: str) -> Exercise:
    """Weights and bias of one step neuron that computes ``gate``, or "impossible"."""
    targets = GATE_TARGETS[gate]
    table = ", ".join(f"{a}{b} → {t}" for (a, b), t in zip(_ROWS, targets, strict=True))
    prompt = (
        "Find weights w1, w2 and a bias b for one step neuron, z = w1·A + w2·B + b, "
        f"output 1 when z ≥ 0, else 0, that computes {gate} (AB = {table}). "
        "Write them as w1, w2, b; if no single neuron can, write “impossible”."
    )
    solution = [f"{gate} needs, row by row:", *_conditions(targets)]
    if gate in SINGLE_NEURON:
        w1, w2, bias = SINGLE_NEURON[gate]
        zs = [w1 * a + w2 * b + bias for a, b in _ROWS]
        outs = [1 if z >= 0 else 0 for z in zs]
        solution.append(
            f"For example w1 = {num(w1)}, w2 = {num(w2)}, b = {num(bias)}: z = "
            f"{', '.join(num(z) for z in zs)} → {', '.join(map(str, outs))} ✓"
        )
        solution.append("Any w1, w2, b that meet all four conditions are right.")
        answer: Any = [w1, w2, bias]
    else:
        middle = "w1 + w2 + 2b ≥ 0" if gate == "XOR" else "w1 + w2 + 2b < 0"
        last = "w1 + w2 + b ≥ −b > 0" if gate == "XOR" else "w1 + w2 + b < −b ≤ 0"
        solution.append(
            f"Adding the conditions of rows 01 and 10 gives {middle}, so {last}: "
            "row 11 cannot hold as well."
        )
        solution.append(
            "One straight line cannot separate these rows: impossible. "
            f"{gate} needs a hidden layer (as on the sheet)."
        )
        answer = "impossible"
    return Exercise(
        code=code,
        topic="gates",
        kind="weights",
        prompt=prompt,
        data={"gate": gate, "targets": list(targets), "activation": "step"},
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=None,
    )
