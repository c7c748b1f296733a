"""Neurons as logic gates: forward passes, truth tables, diagnosis and decision regions.

A network is a list of layers ``[(W, b), ...]`` with ``W`` of shape ``(n_in, n_out)`` and
``b`` of shape ``(n_out,)``; each neuron computes ``z = w . x + b`` and then an activation:

- ``"step"``        : 1 where z >= 0, else 0 (the usual textbook convention),
- ``"step_strict"`` : 1 where z > 0, else 0,
- ``"sigmoid"``     : sigma(z) = 1 / (1 + exp(-z)), read as 1 when sigma(z) >= 0.5.

The two step conventions differ only when a sum lands exactly on 0, which is exactly what
happens in the exercise sheet's hand-made networks (see ``SHEET_NETWORKS``). Everything here
is pure numpy, so a teacher can script it in a notebook; the Logic gates tab only renders it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "GATE_ARCHITECTURES",
    "GATE_PRESETS",
    "GATE_TARGETS",
    "SHEET_NETWORKS",
    "TRUTH_INPUTS",
    "GateDiagnosis",
    "GateEvaluation",
    "NodeArithmetic",
    "RowDiagnosis",
    "SheetNetwork",
    "activation_rule",
    "decision_grid",
    "diagnose_gate",
    "evaluate_gate",
    "format_activation",
    "format_number",
    "gate_activate",
    "gate_forward",
    "gate_name",
    "gate_node_names",
    "gate_phrase",
    "gate_truth_table",
    "hidden_gates",
    "line_in_box",
    "node_arithmetic",
    "output_bits",
    "realised_gate",
    "worked_line",
]

Layer = tuple[np.ndarray, np.ndarray]

#: The activations ``gate_forward`` understands, with the words the app shows for each.
ACTIVATIONS: dict[str, str] = {
    "step": "step: z ≥ 0 counts as 1",
    "step_strict": "step: z > 0 counts as 1 (z = 0 gives 0)",
    "sigmoid": "sigmoid σ(z), read as 1 when σ(z) ≥ 0.5",
}

#: The four input rows of a two-input truth table, in the order 00, 01, 10, 11 (columns A, B).
TRUTH_INPUTS: np.ndarray = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
TRUTH_INPUTS.setflags(write=False)

#: Layer sizes of the networks the tab can train (``visualizer.compute.gate_training``), from
#: the two inputs to the one output.
GATE_ARCHITECTURES: dict[str, tuple[int, ...]] = {
    "single": (2, 1),
    "2-2-1": (2, 2, 1),
}

#: Target outputs of the six named gates for rows 00, 01, 10, 11.
GATE_TARGETS: dict[str, tuple[int, int, int, int]] = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
    "XNOR": (1, 0, 0, 1),
}

# All 16 two-input Boolean functions, so a network that realises none of the six named
# gates can still be described in words ("these weights make A AND NOT B").
_ALL_GATE_NAMES: dict[tuple[int, int, int, int], str] = {
    (0, 0, 0, 0): "always 0",
    (0, 0, 0, 1): "AND",
    (0, 0, 1, 0): "A AND NOT B",
    (0, 0, 1, 1): "A (ignores B)",
    (0, 1, 0, 0): "B AND NOT A",
    (0, 1, 0, 1): "B (ignores A)",
    (0, 1, 1, 0): "XOR",
    (0, 1, 1, 1): "OR",
    (1, 0, 0, 0): "NOR",
    (1, 0, 0, 1): "XNOR",
    (1, 0, 1, 0): "NOT B",
    (1, 0, 1, 1): "A OR NOT B",
    (1, 1, 0, 0): "NOT A",
    (1, 1, 0, 1): "B OR NOT A",
    (1, 1, 1, 0): "NAND",
    (1, 1, 1, 1): "always 1",
}


def _frozen(layers: Sequence[tuple[Sequence, Sequence]]) -> tuple[Layer, ...]:
    out = []
    for W, b in layers:
        W_arr = np.array(W, dtype=float)
        b_arr = np.array(b, dtype=float)
        W_arr.setflags(write=False)
        b_arr.setflags(write=False)
        out.append((W_arr, b_arr))
    return tuple(out)


# Weights on a 20 / -10 scale: every sum is at least 10 away from 0, so sigma(z) is within
# 5e-5 of 0 or 1 and the sigmoid network reads exactly like the step network.
#: Textbook gates with margin: right under "step", "step_strict" and "sigmoid" (>= 0.5).
GATE_PRESETS: dict[str, tuple[Layer, ...]] = {
    "AND": _frozen([([[20.0], [20.0]], [-30.0])]),
    "OR": _frozen([([[20.0], [20.0]], [-10.0])]),
    "NAND": _frozen([([[-20.0], [-20.0]], [30.0])]),
    "NOR": _frozen([([[-20.0], [-20.0]], [10.0])]),
    # XOR = AND(OR(A, B), NAND(A, B)): hidden C is OR, hidden D is NAND.
    "XOR": _frozen([([[20.0, -20.0], [20.0, -20.0]], [-10.0, 30.0]), ([[20.0], [20.0]], [-30.0])]),
    # XNOR = OR(AND(A, B), NOR(A, B)): hidden C is AND, hidden D is NOR.
    "XNOR": _frozen([([[20.0, -20.0], [20.0, -20.0]], [-30.0, 10.0]), ([[20.0], [20.0]], [-10.0])]),
}


@dataclass(frozen=True)
class SheetNetwork:
    """One of exercise 2's hand-made networks, exactly as the sheet writes it.

    ``target`` is the gate the sheet meant to build; ``note`` says in words what the
    network really does (see REFERENCE.md section 2).
    """

    label: str
    target: str
    layers: tuple[Layer, ...]
    note: str


#: Exercise 2's four networks as written on the sheet (weights w, bias b, z = w.x + b).
SHEET_NETWORKS: dict[str, SheetNetwork] = {
    "Sheet 2a: AND": SheetNetwork(
        label="Sheet 2a: AND",
        target="AND",
        layers=_frozen([([[0.25], [0.25]], [-0.5])]),
        note=(
            "The sheet's AND: w = (0.25, 0.25), b = -0.5. At A=B=1, z = 0 exactly, so it is "
            "AND only when z = 0 counts as 1 (zero margin: fragile)."
        ),
    ),
    "Sheet 2b: “OR”": SheetNetwork(
        label="Sheet 2b: “OR”",
        target="OR",
        layers=_frozen([([[0.25], [0.25]], [-0.5])]),
        note=(
            "The sheet's OR uses the same weights as its AND, so it is an AND: A=1, B=0 gives "
            "z = -0.25 and output 0. An OR needs e.g. w = (0.5, 0.5), b = -0.5."
        ),
    ),
    "Sheet 2c: XOR": SheetNetwork(
        label="Sheet 2c: XOR",
        target="XOR",
        layers=_frozen([([[1.0, -1.0], [-1.0, 1.0]], [-0.5, -0.5]), ([[1.0], [1.0]], [-0.5])]),
        note="The sheet's XOR is right under either step convention: no sum is ever 0.",
    ),
    "Sheet 2d: XNOR": SheetNetwork(
        label="Sheet 2d: XNOR",
        target="XNOR",
        layers=_frozen([([[-1.0, 1.0], [-1.0, 1.0]], [0.5, -1.0]), ([[1.0], [1.0]], [-0.5])]),
        note=(
            "The sheet's XNOR needs z = 0 to count as 0: at A=0, B=1 (and A=1, B=0) hidden D "
            "has z = 0. Under 'z ≥ 0 counts as 1' it fails rows 01 and 10."
        ),
    ),
}


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"Unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}."
        )


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp of -|z| never overflows, so sigma is warning-free for |z| up to 1e308.
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gate_activate(z: np.ndarray, activation: str = "step") -> np.ndarray:
    """Apply a gate activation elementwise.

    ``step``: 1 if z >= 0 else 0; ``step_strict``: 1 if z > 0 else 0;
    ``sigmoid``: sigma(z) = 1 / (1 + exp(-z)) (computed without overflow).
    """
    _check_activation(activation)
    z = np.asarray(z, dtype=float)
    if activation == "step":
        return (z >= 0).astype(float)
    if activation == "step_strict":
        return (z > 0).astype(float)
    return _sigmoid(z)


def _layer_sum(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    # Weights beyond ~1e307 could overflow to inf; never warn, let inf flow to the step.
    with np.errstate(over="ignore", invalid="ignore"):
        return x @ W + b


def _check_layers(layers: Sequence[tuple]) -> list[Layer]:
    if len(layers) == 0:
        raise ValueError("A network needs at least one layer.")
    checked: list[Layer] = []
    n_in = 2
    for i, (W, b) in enumerate(layers):
        W = np.asarray(W, dtype=float)
        b = np.asarray(b, dtype=float).reshape(-1)
        if W.ndim != 2 or W.shape[0] != n_in:
            raise ValueError(f"Layer {i + 1}'s W must have shape ({n_in}, n_out), not {W.shape}.")
        if b.shape != (W.shape[1],):
            raise ValueError(f"Layer {i + 1}'s b must have {W.shape[1]} entries, not {b.size}.")
        checked.append((W, b))
        n_in = W.shape[1]
    return checked


def _forward_with_sums(
    layers: Sequence[tuple], inputs: np.ndarray, activation: str
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    _check_activation(activation)
    x = np.asarray(inputs, dtype=float)
    sums: list[np.ndarray] = []
    outs: list[np.ndarray] = []
    for W, b in _check_layers(layers):
        z = _layer_sum(x, W, b)
        x = gate_activate(z, activation)
        sums.append(z)
        outs.append(x)
    return sums, outs


def gate_forward(
    layers: Sequence[tuple], inputs: np.ndarray, activation: str = "step"
) -> list[np.ndarray]:
    """Run a gate network forward and return every layer's outputs.

    Each layer computes ``z = x W + b`` and ``a = f(z)``, where ``f`` is the chosen
    activation (see the module docstring), and ``a`` is the next layer's ``x``.

    Parameters
    ----------
    layers : list of (W, b)
        ``W`` of shape ``(n_in, n_out)``, ``b`` of shape ``(n_out,)``; the first ``n_in`` is 2.
    inputs : array of shape (2,) or (batch, 2)
        Values of A and B.
    activation : {"step", "step_strict", "sigmoid"}

    Returns
    -------
    list of arrays
        One array per layer, shaped ``(n_out,)`` or ``(batch, n_out)`` like ``inputs``.
    """
    return _forward_with_sums(layers, inputs, activation)[1]


def output_bits(output: np.ndarray, activation: str = "step") -> np.ndarray:
    """Read a network output as 0/1: step outputs already are; sigmoid counts >= 0.5 as 1."""
    _check_activation(activation)
    return (np.asarray(output, dtype=float) >= 0.5).astype(int)


def gate_truth_table(layers: Sequence[tuple], activation: str = "step") -> np.ndarray:
    """The network's truth table as a (4, 3) array of rows (A, B, output).

    Rows are AB = 00, 01, 10, 11. For ``"sigmoid"`` the output column holds sigma(z) itself;
    read it with ``output_bits`` (>= 0.5 counts as 1).
    """
    out = gate_forward(layers, TRUTH_INPUTS, activation)[-1]
    if out.shape[1] != 1:
        raise ValueError("A gate network must end in exactly one output neuron.")
    return np.column_stack([TRUTH_INPUTS, out[:, 0]])


def gate_name(bits: Sequence[int]) -> str:
    """Name of the Boolean function with outputs ``bits`` for rows 00, 01, 10, 11."""
    key = tuple(int(v) for v in bits)
    if key not in _ALL_GATE_NAMES:
        raise ValueError("A two-input gate has four output bits, each 0 or 1.")
    return _ALL_GATE_NAMES[key]  # type: ignore[index]


def realised_gate(layers: Sequence[tuple], activation: str = "step") -> str:
    """Which gate the network realises (sigmoid outputs read as 1 when >= 0.5)."""
    table = gate_truth_table(layers, activation)
    return gate_name(output_bits(table[:, 2], activation))


def gate_node_names(layers: Sequence[tuple]) -> list[list[str]]:
    """Names of the neurons in each layer: hidden ones C, D, E, ... (as the sheet), last "Out"."""
    names: list[list[str]] = []
    letter = ord("C")
    for i, (W, _b) in enumerate(layers):
        n_out = np.shape(W)[1]
        if i == len(layers) - 1 and n_out == 1:
            names.append(["Out"])
            continue
        layer_names = []
        for _ in range(n_out):
            layer_names.append(chr(letter) if letter <= ord("Z") else f"h{letter - ord('C') + 1}")
            letter += 1
        names.append(layer_names)
    return names


# ----- formatting the numbers for the words the app shows ------------------------------------
def format_number(value: float, digits: int = 6) -> str:
    """A number as a student writes it: 0.25, -0.5, 1, 20, 1e+300; never "nan" as a result."""
    value = float(value)
    if np.isnan(value):
        return "undefined"
    if np.isinf(value):
        return "+huge" if value > 0 else "-huge"
    if value == 0:
        return "0"  # no "-0"
    return f"{value:.{digits}g}"


def format_activation(value: float) -> str:
    """An activation in [0, 1] to 4 digits, but never rounded onto 0 or 1 when it is not."""
    value = float(value)
    text = format_number(value, 4)
    if value not in (0.0, 1.0) and text in ("0", "1"):
        text = format_number(value, 6)
        if text in ("0", "1"):
            text = "≈" + text
    return text


def gate_phrase(name: str) -> str:
    """A gate's name as it reads after "These weights make ...": "AND", "a constant 1"."""
    if name.startswith("always"):
        return f"a constant: the output is {name}"
    return name


def activation_rule(activation: str) -> str:
    """The convention in force, in words."""
    _check_activation(activation)
    return ACTIVATIONS[activation]


def _fires(z: float, activation: str) -> bool:
    if activation == "step_strict":
        return z > 0
    return z >= 0


def _compare(z: float, activation: str) -> str:
    # The comparison that decided the output, written the way the convention reads it.
    if activation == "step_strict":
        return "> 0" if z > 0 else "≤ 0"
    return "≥ 0" if z >= 0 else "< 0"


def _is_zero_margin(z: float, terms: Sequence[float], bias: float) -> bool:
    # Exactly 0, or 0 up to rounding (0.1 + 0.2 - 0.3 is 5.6e-17, not 0, in floating point).
    scale = sum(abs(t) for t in terms) + abs(bias)
    return bool(np.isfinite(z)) and abs(z) <= 1e-12 * max(scale, 1e-300)


@dataclass(frozen=True)
class NodeArithmetic:
    """The numbers behind one neuron for one input row: z = sum(w_i * x_i) + b, a = f(z)."""

    name: str
    input_names: tuple[str, ...]
    weights: tuple[float, ...]
    input_values: tuple[float, ...]
    bias: float
    z: float
    output: float
    activation: str
    zero_margin: bool


def node_arithmetic(
    layers: Sequence[tuple],
    layer: int,
    node: int,
    inputs: Sequence[float],
    activation: str = "step",
) -> NodeArithmetic:
    """The terms of neuron ``node`` in layer ``layer`` (0-based) for inputs (A, B)."""
    checked = _check_layers(layers)
    sums, outs = _forward_with_sums(checked, np.asarray(inputs, dtype=float), activation)
    names = gate_node_names(checked)
    if layer == 0:
        in_names: list[str] = ["A", "B"]
        in_values = np.asarray(inputs, dtype=float)
    else:
        in_names = names[layer - 1]
        in_values = outs[layer - 1]
    W, b = checked[layer]
    weights = tuple(float(w) for w in W[:, node])
    values = tuple(float(v) for v in in_values)
    with np.errstate(over="ignore", invalid="ignore"):
        terms = [w * v for w, v in zip(weights, values, strict=True)]
    z = float(sums[layer][node])
    return NodeArithmetic(
        name=names[layer][node],
        input_names=tuple(in_names),
        weights=weights,
        input_values=values,
        bias=float(b[node]),
        z=z,
        output=float(outs[layer][node]),
        activation=activation,
        zero_margin=_is_zero_margin(z, terms, float(b[node])),
    )


def _weighted_sum_text(weights: Sequence[float], symbols: Sequence[str], bias: float) -> str:
    parts = []
    for i, (w, s) in enumerate(zip(weights, symbols, strict=True)):
        w_text = format_number(w)
        if i > 0 and w < 0:
            w_text = f"({w_text})"
        parts.append(f"{w_text}*{s}")
    bias_text = format_number(abs(bias))
    sign = "-" if bias < 0 else "+"
    return " + ".join(parts) + f" {sign} {bias_text}"


def worked_line(arith: NodeArithmetic) -> str:
    """One line of worked arithmetic, e.g. ``C = step(1*A + (-1)*B - 0.5) = step(1*1 + (-1)*0 - 0.5) = step(0.5) = 1``.

    A sum of exactly 0 gets the convention that decided it, e.g. ``(z = 0 counts as 1)``.
    """  # noqa: E501 - the example is one line on purpose
    fname = "σ" if arith.activation == "sigmoid" else "step"
    symbolic = _weighted_sum_text(arith.weights, arith.input_names, arith.bias)
    values = [format_activation(v) for v in arith.input_values]
    numeric = _weighted_sum_text(arith.weights, values, arith.bias)
    out = format_activation(arith.output) if arith.activation == "sigmoid" else None
    line = (
        f"{arith.name} = {fname}({symbolic}) = {fname}({numeric}) = "
        f"{fname}({format_number(arith.z)}) = {out or format_number(arith.output)}"
    )
    if arith.zero_margin and arith.activation != "sigmoid":
        counts = "1" if arith.activation == "step" else "0"
        line += f"  (z = 0 counts as {counts} here: zero margin, fragile)"
    elif arith.activation == "sigmoid":
        line += f"  (reads as {1 if arith.output >= 0.5 else 0})"
    return line


@dataclass(frozen=True)
class GateEvaluation:
    """Every node's sum and output on all four rows (00, 01, 10, 11).

    ``sums[l]`` and ``outputs[l]`` are (4, n_out) arrays for layer ``l``; ``names[l]`` names
    its neurons; ``bits`` is the output read as 0/1; ``fragile[r]`` is True when some neuron's
    sum on row ``r`` is 0 (up to rounding), so the row's answer depends on the convention.
    """

    activation: str
    names: list[list[str]]
    sums: list[np.ndarray]
    outputs: list[np.ndarray]
    bits: np.ndarray
    fragile: np.ndarray
    zero_margin: list[np.ndarray]
    gate: str


def evaluate_gate(layers: Sequence[tuple], activation: str = "step") -> GateEvaluation:
    """Evaluate a gate network on the four rows, with every node's z and output."""
    checked = _check_layers(layers)
    if checked[-1][0].shape[1] != 1:
        raise ValueError("A gate network must end in exactly one output neuron.")
    sums, outs = _forward_with_sums(checked, TRUTH_INPUTS, activation)
    zero_margin = []
    x = TRUTH_INPUTS
    for (W, b), z in zip(checked, sums, strict=True):
        # Scale of each sum: sum |w_i x_i| + |b|, to tell a true 0 from a small number.
        with np.errstate(over="ignore", invalid="ignore"):
            scale = np.abs(x) @ np.abs(W) + np.abs(b)
            zero_margin.append(np.isfinite(z) & (np.abs(z) <= 1e-12 * np.maximum(scale, 1e-300)))
        x = gate_activate(z, activation)
    fragile = np.zeros(4, dtype=bool)
    for zm in zero_margin:
        fragile |= zm.any(axis=1)
    bits = output_bits(outs[-1][:, 0], activation)
    return GateEvaluation(
        activation=activation,
        names=gate_node_names(checked),
        sums=sums,
        outputs=outs,
        bits=bits,
        fragile=fragile,
        zero_margin=zero_margin,
        gate=gate_name(bits),
    )


@dataclass(frozen=True)
class RowDiagnosis:
    """One truth-table row judged against a target gate."""

    a: int
    b: int
    output: float
    bit: int
    expected: int
    ok: bool
    fragile: bool
    reason: str


@dataclass(frozen=True)
class GateDiagnosis:
    """A network judged against a target gate, row by row, with the verdict in words."""

    target: str
    gate: str
    rows: list[RowDiagnosis]
    summary: str

    @property
    def missed_rows(self) -> list[int]:
        return [i for i, r in enumerate(self.rows) if not r.ok]

    @property
    def fragile_rows(self) -> list[int]:
        return [i for i, r in enumerate(self.rows) if r.fragile]

    @property
    def ok(self) -> bool:
        return not self.missed_rows

    def text(self) -> str:
        """The missed and fragile rows' reasons followed by the summary."""
        lines = [r.reason for r in self.rows if not r.ok or r.fragile]
        return "\n".join([*lines, self.summary])


def _node_clause(arith: NodeArithmetic, is_output: bool) -> str:
    values = [format_activation(v) for v in arith.input_values]
    numeric = _weighted_sum_text(arith.weights, values, arith.bias)
    if arith.activation == "sigmoid":
        s = format_activation(arith.output)
        cmp = "≥ 0.5" if arith.output >= 0.5 else "< 0.5"
        head = f"z = {numeric} = {format_number(arith.z)}, σ(z) = {s} {cmp}"
    else:
        head = f"z = {numeric} = {format_number(arith.z)} {_compare(arith.z, arith.activation)}"
    value = format_activation(arith.output)
    if is_output:
        bit = int(arith.output >= 0.5)
        text = f"{head}, output {bit}"
    else:
        text = f"{arith.name}: {head}, so {arith.name} = {value}"
    if arith.zero_margin:
        text += " (z is exactly 0: zero margin)"
    return text


def diagnose_gate(layers: Sequence[tuple], target: str, activation: str = "step") -> GateDiagnosis:
    """Judge a network against a target gate, explaining every missed or fragile row in words.

    For each row AB the reason spells out the arithmetic, e.g. for the sheet's "OR"
    ``"A=1, B=0: z = 0.25*1 + 0.25*0 - 0.5 = -0.25 < 0, output 0; OR needs 1."``; the
    summary names the gate the weights really make (``"These weights make AND."``).
    """
    if target not in GATE_TARGETS:
        raise ValueError(
            f"Unknown target gate {target!r}; choose one of {', '.join(GATE_TARGETS)}."
        )
    checked = _check_layers(layers)
    ev = evaluate_gate(checked, activation)
    expected = GATE_TARGETS[target]
    rows: list[RowDiagnosis] = []
    for r, (a, b) in enumerate(TRUTH_INPUTS.astype(int)):
        bit = int(ev.bits[r])
        ok = bit == expected[r]
        clauses = []
        for li in range(len(checked)):
            for ni in range(checked[li][0].shape[1]):
                arith = node_arithmetic(checked, li, ni, (a, b), activation)
                clauses.append(_node_clause(arith, is_output=li == len(checked) - 1))
        if len(clauses) > 1:
            clauses[-1] = "Out: " + clauses[-1]
        reason = f"A={a}, B={b}: " + "; ".join(clauses)
        reason += f"; {target} needs {expected[r]}." if not ok else f"; {target} gives {bit}."
        if ev.fragile[r]:
            reason += " Fragile: this row is decided by a sum of exactly 0"
            reason += ", so it depends on the convention." if activation != "sigmoid" else "."
        rows.append(
            RowDiagnosis(
                a=int(a),
                b=int(b),
                output=float(ev.outputs[-1][r, 0]),
                bit=bit,
                expected=int(expected[r]),
                ok=ok,
                fragile=bool(ev.fragile[r]),
                reason=reason,
            )
        )
    if ev.gate == target:
        summary = f"These weights make {target} on all four rows."
        if ev.fragile.any():
            summary += " But some rows have zero margin: the other step convention breaks them."
    else:
        summary = f"These weights make {gate_phrase(ev.gate)}."
    return GateDiagnosis(target=target, gate=ev.gate, rows=rows, summary=summary)


def hidden_gates(layers: Sequence[tuple], activation: str = "step") -> dict[str, str]:
    """The gate each first-layer neuron computes on its own, e.g. ``{"C": "OR", "D": "NAND"}``.

    A neuron's output on the four rows (read as 1 when >= 0.5) is a two-input Boolean
    function; naming it shows how a hidden layer splits XOR into gates a single line can do.
    Only for networks with a hidden layer (an empty dict otherwise).
    """
    checked = _check_layers(layers)
    if len(checked) < 2:
        return {}
    ev = evaluate_gate(checked, activation)
    return {
        name: gate_name((ev.outputs[0][:, j] >= 0.5).astype(int))
        for j, name in enumerate(ev.names[0])
    }


# ----- decision regions --------------------------------------------------------------------------
def decision_grid(
    layers: Sequence[tuple],
    activation: str = "step",
    lo: float = -0.25,
    hi: float = 1.25,
    resolution: int = 121,
) -> tuple[np.ndarray, np.ndarray]:
    """The network's output over the square [lo, hi]^2 of (A, B).

    Returns ``(coords, grid)``: ``coords`` the ``resolution`` sample positions (same for A and
    B) and ``grid[i, j]`` the output at A = coords[j], B = coords[i] (row = B, so a row-major
    image shows B upwards when drawn with B on the y axis). Step outputs are 0/1, sigmoid
    outputs continuous.
    """
    coords = np.linspace(lo, hi, int(resolution))
    A, B = np.meshgrid(coords, coords)
    points = np.column_stack([A.ravel(), B.ravel()])
    out = gate_forward(layers, points, activation)[-1][:, 0]
    return coords, out.reshape(A.shape)


def line_in_box(
    w: Sequence[float], b: float, lo: float = -0.25, hi: float = 1.25
) -> tuple[np.ndarray, np.ndarray] | None:
    """The segment of the line w1*A + w2*B + b = 0 inside the square [lo, hi]^2.

    Returns ``(A_points, B_points)`` with two points each, or None when the line misses the
    square or w = (0, 0) (then z = b everywhere and there is no line).
    """
    w1, w2 = float(w[0]), float(w[1])
    b = float(b)
    if w1 == 0 and w2 == 0:
        return None
    points: list[tuple[float, float]] = []
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if w2 != 0:  # crossings of the left and right edges
            for a in (lo, hi):
                bb = -(w1 * a + b) / w2
                if np.isfinite(bb) and lo <= bb <= hi:
                    points.append((a, float(bb)))
        if w1 != 0:  # crossings of the bottom and top edges
            for bb in (lo, hi):
                a = -(w2 * bb + b) / w1
                if np.isfinite(a) and lo <= a <= hi:
                    points.append((float(a), bb))
    unique: list[tuple[float, float]] = []
    for p in points:
        if all(abs(p[0] - q[0]) > 1e-12 or abs(p[1] - q[1]) > 1e-12 for q in unique):
            unique.append(p)
    if len(unique) < 2:
        return None
    p, q = unique[0], unique[1]
    return np.array([p[0], q[0]]), np.array([p[1], q[1]])
