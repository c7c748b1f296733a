"""File > Export > Python code for the Logic gates tab: a standalone numpy script (no Qt).

In the playground the script trains the network instead (see :func:`playground_code`).

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
    """The script that recomputes the truth table of the network the tab shows (in the
    playground: the script that trains its network, :func:`playground_code`)."""
    if model.is_playground():
        return playground_code(model)
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


# ----- the playground ---------------------------------------------------------------------------
def playground_code(model: GatesModel) -> str:
    """The script that trains the playground's network from the same start, with numpy alone.

    It holds the points, the train/test split and the initial weights (the app draws them
    from the seed), runs the epochs shown with the same arithmetic as the app (forward pass,
    mean binary cross-entropy, backpropagation, plain gradient descent with the L2 term on
    the weights), prints the loss every 10 epochs and ends with
    ``{"train_loss": [...], "test_loss": [...], "p": [...]}`` (p: each point's probability
    of class 1 at the end).
    """
    run = model.play
    assert run is not None
    s = model.playground
    start = run.layers_at(0)
    points = model.play_points()
    point_lines = ",\n".join(f"    [{_number(x)}, {_number(y)}, {c}]" for x, y, c in points)
    layer_lines = "\n".join(
        f"    ({_matrix(W.tolist())}, {_vector(b.tolist())})," for W, b in start
    )
    return _PLAYGROUND.format(
        preset=model.settings.preset,
        dataset=s.dataset if s.points is None else "own points",
        activation=s.activation,
        lr=_number(s.lr),
        l2=_number(s.l2),
        batch=s.batch_size or None,
        seed=s.seed,
        epochs=run.epoch_of(model.frame),
        features=repr(list(s.features)),
        points=point_lines,
        test_index=repr(run.split.test_index.tolist()),
        layers=layer_lines,
        sizes="-".join(str(n) for n in s.sizes),
    )


_PLAYGROUND = '''"""A small neural network learns to split two classes of points ({preset}).

Exported from the Deep Learning Visualizer's playground: {sizes} network, {activation} hidden
neurons, one sigmoid output p = probability of class 1. Training is plain gradient descent
on the mean binary cross-entropy (plus L2/2 times the sum of the squared weights), with the
same numbers as the app: its points, its train/test split and its initial weights.

Run it with:  python this_file.py
"""

import json

import numpy as np

# ----- the settings (as in the app) ------------------------------------------------------
ACTIVATION = "{activation}"  # the hidden neurons' activation: tanh, sigmoid or relu
LR = {lr}  # learning rate
L2 = {l2}  # L2 strength (weights only, not biases)
BATCH = {batch}  # points per step; None = all training points at once (full batch)
SEED = {seed}  # shuffles the mini-batches (not used with full batch)
EPOCHS = {epochs}  # the epoch the app shows
FEATURES = {features}  # what the network sees of each point (x, y)

# ----- the data ({dataset}): x, y, class ----------------------------------------------------
POINTS = np.array([
{points}
])
TEST_INDEX = {test_index}  # the points held out for testing

# ----- the initial network: (W, b) per layer, W[i][j] from input i to neuron j -------------
LAYERS = [
{layers}
]


def features(xy):
    """The network's inputs, one column per feature."""
    x, y = xy[:, 0], xy[:, 1]
    columns = {{
        "x": x, "y": y, "x_sq": x * x, "y_sq": y * y, "x_times_y": x * y,
        "sin_x": np.sin(x), "sin_y": np.sin(y),
    }}
    return np.column_stack([columns[f] for f in FEATURES])


def sigmoid(z):
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def phi(z):
    """The hidden activation."""
    if ACTIVATION == "tanh":
        return np.tanh(z)
    if ACTIVATION == "relu":
        return np.maximum(z, 0.0)
    return sigmoid(z)


def phi_slope(z, a):
    """Its derivative, from z and a = phi(z)."""
    if ACTIVATION == "tanh":
        return 1.0 - a * a
    if ACTIVATION == "relu":
        return (z > 0.0).astype(float)  # ReLU'(0) = 0, as in PyTorch
    return a * (1.0 - a)


def forward(x, layers):
    """Every layer's sum f = a W + b and output a; the last layer's f is the output logit."""
    sums, outs, a = [], [], x
    for k, (W, b) in enumerate(layers):
        f = a @ W + b
        a = f if k == len(layers) - 1 else phi(f)
        sums.append(f)
        outs.append(a)
    return sums, outs


def cross_entropy(x, y, layers):
    """Mean of -y ln p - (1 - y) ln(1 - p), written stably as softplus(z) - y z."""
    z = forward(x, layers)[0][-1][:, 0]
    return float(np.mean(np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - y * z))


def step(x, y, layers):
    """One gradient-descent step on a batch: backpropagation, then W -= LR * gradient."""
    sums, outs = forward(x, layers)
    delta = (sigmoid(sums[-1]) - y[:, None]) / len(y)  # dJ/dz of the output, for the mean
    grads = []
    for k in range(len(layers) - 1, -1, -1):
        a_in = x if k == 0 else outs[k - 1]
        W, b = layers[k]
        grads.append((a_in.T @ delta + L2 * W, delta.sum(axis=0)))
        if k > 0:
            delta = (delta @ W.T) * phi_slope(sums[k - 1], outs[k - 1])
    grads.reverse()
    return [(W - LR * gW, b - LR * gb) for (W, b), (gW, gb) in zip(layers, grads)]


inputs = features(POINTS[:, :2])
labels = POINTS[:, 2]
test = np.zeros(len(POINTS), dtype=bool)
test[TEST_INDEX] = True
x_train, y_train = inputs[~test], labels[~test]
x_test, y_test = inputs[test], labels[test]
layers = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in LAYERS]

train_loss, test_loss = [], []
print(f"{{'epoch':>6}}  {{'train loss':>10}}  {{'test loss':>10}}")
for epoch in range(EPOCHS + 1):
    if epoch % 10 == 0:  # the app shows one frame every 10 epochs
        train_loss.append(cross_entropy(x_train, y_train, layers))
        test_loss.append(cross_entropy(x_test, y_test, layers) if len(y_test) else None)
        shown = test_loss[-1] if test_loss[-1] is not None else float("nan")
        print(f"{{epoch:>6}}  {{train_loss[-1]:>10.4f}}  {{shown:>10.4f}}")
    if epoch == EPOCHS:
        break
    if BATCH is None:
        layers = step(x_train, y_train, layers)
    else:  # mini-batches in the order the app's seed gives
        order = np.random.default_rng([SEED, epoch]).permutation(len(y_train))
        for first in range(0, len(y_train), BATCH):
            batch = order[first:first + BATCH]
            layers = step(x_train[batch], y_train[batch], layers)

p = sigmoid(forward(inputs, layers)[0][-1][:, 0])
accuracy = float(np.mean((p >= 0.5) == (labels == 1)))
print(f"After {{EPOCHS}} epochs: {{accuracy:.0%}} of all points on the right side of p = 0.5")
print(json.dumps({{"train_loss": train_loss, "test_loss": test_loss, "p": p.tolist()}}))
'''
