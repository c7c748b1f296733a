"""File > Export > Python code for the Logic gates tab: a standalone numpy script (no Qt).

The script a student gets recomputes what the tab shows, with numpy alone and nothing from
this app: the settings at the top (the network's weights and biases, the activation), then
the arithmetic of the worked lines, neuron by neuron and row by row. It prints the truth table
and, on its last line, one JSON object ``{"truth_table": [[A, B, out], ...]}`` (out is 0/1
for step neurons and σ(z) for sigmoid ones). The gates topic has no PyTorch version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.compute.gates import GATE_TARGETS

if TYPE_CHECKING:
    from visualizer.tabs.gates.model import GatesModel

_ACTIVATION_WORDS = {
    "step": "step: output 1 when z >= 0, else 0",
    "step_strict": "step: output 1 when z > 0, else 0",
    "sigmoid": "sigmoid: output 1 / (1 + e^(-z)), read as 1 when it is >= 0.5",
}


def _number(value: float) -> str:
    """A float as Python reads it back exactly (``repr``), whole numbers as ``2.0``."""
    return repr(float(value))


def _matrix(rows) -> str:
    return "[" + ", ".join("[" + ", ".join(_number(v) for v in row) + "]" for row in rows) + "]"


def _vector(values) -> str:
    return "[" + ", ".join(_number(v) for v in values) + "]"


def python_code(model: GatesModel) -> str:
    """The script that recomputes the truth table of the network the tab shows."""
    layers = model.layers()
    names = model.node_names()
    inputs = ["A", "B"]
    layer_lines = []
    for (W, b), layer_names in zip(layers, names, strict=True):
        note = f"{', '.join(inputs)} -> {', '.join(layer_names)}"
        layer_lines.append(f"    ({_matrix(W.tolist())}, {_vector(b.tolist())}),  # {note}")
        inputs = layer_names
    title = model.settings.preset + (" (edited)" if model.settings.edited else "")
    if model.run is not None:
        title = f"trained for {model.run.target}, epoch {int(model.run.epochs[model.frame])}"
    return _TEMPLATE.format(
        title=title,
        activation=model.activation,
        activation_words=_ACTIVATION_WORDS[model.activation],
        target=model.target,
        target_bits=list(GATE_TARGETS[model.target]),
        layers="\n".join(layer_lines),
        names=repr(names),
    )


def torch_code(_model: GatesModel) -> str:
    """No PyTorch version for the gates (issue 13 offers one for the other topics)."""
    return ""


_TEMPLATE = '''"""Logic gates: the truth table of a small neural network ({title}).

Exported from the Deep Learning Visualizer. Every neuron adds its weighted inputs and its
bias, z = w1*x1 + w2*x2 + ... + b, then applies the activation. This script works out every
z and output on the four rows AB = 00, 01, 10, 11 with numpy alone.

Run it with:  python this_file.py
"""

import json
import math

import numpy as np

# ----- the settings (as in the app) ------------------------------------------------------
ACTIVATION = "{activation}"  # {activation_words}
TARGET = "{target}"  # the gate the truth table is checked against
TARGET_OUT = {target_bits}  # what {target} outputs for AB = 00, 01, 10, 11
# One (W, b) per layer: W[i][j] is the weight from input i to neuron j, b[j] neuron j's bias.
LAYERS = [
{layers}
]
NAMES = {names}  # the neurons of each layer, as the app names them


def activate(z):
    """The neuron's output for its sum z."""
    if ACTIVATION == "step":
        return 1.0 if z >= 0 else 0.0
    if ACTIVATION == "step_strict":
        return 1.0 if z > 0 else 0.0
    # sigmoid, written so that a large |z| never overflows
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def neuron(weights, inputs, bias):
    """z = w1*x1 + w2*x2 + ... + b, as the worked lines write it."""
    z = 0.0
    for w, x in zip(weights, inputs):
        z += w * x
    return z + bias


truth_table = []
header = ["A", "B"]
for layer_names in NAMES:
    for name in layer_names:
        header += ["z(" + name + ")", name]
print("  ".join(f"{{h:>8}}" for h in header))
for A, B in [(0, 0), (0, 1), (1, 0), (1, 1)]:
    values = [float(A), float(B)]
    cells = [A, B]
    for (W, b), layer_names in zip(LAYERS, NAMES):
        W = np.array(W, dtype=float)
        outputs = []
        for j, name in enumerate(layer_names):
            z = neuron(W[:, j], values, b[j])
            out = activate(z)
            cells += [z, out]
            outputs.append(out)
        values = outputs  # this layer's outputs are the next layer's inputs
    out = values[0]
    truth_table.append([A, B, int(out) if ACTIVATION != "sigmoid" else out])
    print("  ".join(f"{{c:>8.4g}}" for c in cells))

bits = [int(row[2] >= 0.5) if ACTIVATION == "sigmoid" else row[2] for row in truth_table]
verdict = "right" if bits == TARGET_OUT else "not " + TARGET
print("Out for AB = 00, 01, 10, 11:", bits, "-", TARGET, "needs", TARGET_OUT, "->", verdict)
print(json.dumps({{"truth_table": truth_table}}))
'''
