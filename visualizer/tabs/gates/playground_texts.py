"""The words and numbers the playground shows, made from the model (no Qt).

The network picture (features in, small maps for the neurons, weights on the edges), the
status line, each neuron's formula with its numbers (the tooltips), and the exports: the
points as CSV and the whole run as Markdown.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute.classifier import predict
from visualizer.compute.datasets import DATASETS, FEATURES, feature_transform
from visualizer.compute.gates import format_number
from visualizer.tabs.gates.playground import EPOCHS_PER_FRAME

#: Networks with more edges than this draw weights by width and colour only (no labels).
MAX_LABELLED_EDGES = 16

if TYPE_CHECKING:
    from visualizer.tabs.gates.model import GatesModel
    from visualizer.tabs.gates.texts import NetworkPicture

#: How the activations are written in formulas.
_PHI = {"tanh": "tanh", "sigmoid": "σ", "relu": "ReLU"}


def neuron_name(layer: int, j: int, n_layers: int) -> str:
    """``H1.2`` for hidden neuron 2 of hidden layer 1; ``Out`` for the output neuron."""
    return "Out" if layer == n_layers - 1 else f"H{layer + 1}.{j + 1}"


def input_names(model: GatesModel) -> list[str]:
    return [FEATURES[f] for f in model.playground.features]


def network_picture(model: GatesModel) -> NetworkPicture:
    """Feature inputs, every neuron as a map (no text on it), weights by width and colour."""
    from visualizer.tabs.gates.texts import EdgeView, NetworkPicture, NodeView

    layers = model.play_layers()
    sizes = [layers[0][0].shape[0], *(W.shape[1] for W, _ in layers)]
    nodes = [NodeView(("in", i), name, "", 0.0, "", "input") for i, name in enumerate(
        input_names(model))]  # fmt: skip
    for li, (W, _b) in enumerate(layers):
        for j in range(W.shape[1]):
            name = neuron_name(li, j, len(layers))
            nodes.append(NodeView(("n", li, j), name, "", 0.0, "", "map"))
    offsets = np.cumsum([0, *sizes])
    edges = []
    labelled = sum(W.size for W, _b in layers) <= MAX_LABELLED_EDGES
    for li, (W, _b) in enumerate(layers):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = float(W[i, j])
                source, target = int(offsets[li] + i), int(offsets[li + 1] + j)
                # Only a small network writes its weights (a large one draws them).
                text = format_number(w, 2) if labelled else ""
                edges.append(EdgeView(("w", li, i, j), source, target, w, text))
    shown = model.shown_map
    selected = ("n", *shown) if shown is not None else ("n", len(layers) - 1, 0)
    return NetworkPicture(sizes, nodes, edges, selected)


def neuron_formula(model: GatesModel, layer: int, j: int) -> str:
    """The neuron's formula with its numbers, e.g. ``H1.2 = tanh(0.83·x − 1.2·y + 0.1)``."""
    layers = model.play_layers()
    W, b = layers[layer]
    inputs = (
        input_names(model)
        if layer == 0
        else [neuron_name(layer - 1, i, len(layers)) for i in range(W.shape[0])]
    )
    terms = []
    for i, name in enumerate(inputs):
        w = float(W[i, j])
        sign = "−" if w < 0 else "+"
        text = f"{format_number(abs(w), 3)}·{name}"
        terms.append(text if not terms and w >= 0 else f"{sign} {text}" if terms else f"−{text}")
    bias = float(b[j])
    terms.append(f"{'−' if bias < 0 else '+'} {format_number(abs(bias), 3)}")
    last = layer == len(layers) - 1
    phi = "σ" if last else _PHI[model.playground.activation]
    name = neuron_name(layer, j, len(layers))
    meaning = "  (p of class 1)" if last else ""
    return f"{name} = {phi}({' '.join(terms)}){meaning}"


def node_tooltip(model: GatesModel, key: tuple) -> str:
    if key[0] == "in":
        feature = model.playground.features[key[1]]
        return f"Input {FEATURES[feature]}: computed from each point (x, y)."
    return neuron_formula(model, int(key[1]), int(key[2])) + "\nClick to see its map large."


def map_title(model: GatesModel) -> str:
    """What the big map shows."""
    if model.shown_map is None:
        return "Output: probability of class 1"
    layer, j = model.shown_map
    name = neuron_name(layer, j, len(model.play_layers()))
    return f"Neuron {name} ({model.playground.activation}) — click Out for the output"


def status(model: GatesModel) -> str:
    """The run at the frame in one line: epoch, losses, test accuracy, divergence."""
    return model.cached_text("play_status", lambda: _status(model))


def _status(model: GatesModel) -> str:
    run = model.play
    assert run is not None
    f = model.frame
    epochs, train, test = run.losses(f)
    last = run.settings.epochs
    parts = [f"Epoch {int(epochs[-1])} of {last}", f"train loss {format_number(train[-1], 3)}"]
    if len(run.split.y_test):
        accuracy = run.accuracy(f, train=False)
        parts += [f"test loss {format_number(test[-1], 3)}", f"test accuracy {accuracy:.0%}"]
    text = " · ".join(parts)
    if run.diverged_at is not None and f >= run.last_frame:
        text += f" · diverged at epoch {run.diverged_at}"
    return text


#: A formula longer than this is summed up under the picture (its tooltip has it all).
_LINE_LIMIT = 90


def worked_line(model: GatesModel) -> str:
    """Under the picture: the run's state, then the shown neuron's formula (or its gist)."""
    layers = model.play_layers()
    layer, j = model.shown_map or (len(layers) - 1, 0)
    formula = neuron_formula(model, layer, j)
    if len(formula) > _LINE_LIMIT:
        name = neuron_name(layer, j, len(layers))
        n_in = layers[layer][0].shape[0]
        last = layer == len(layers) - 1
        phi = "σ" if last else _PHI[model.playground.activation]
        formula = (
            f"{name} = {phi}(its {n_in} weighted inputs + bias): hover a neuron for its numbers"
        )
    return f"{status(model)}\n{formula}"


def settings_text(model: GatesModel) -> str:
    s = model.playground
    batch = "full batch" if not s.batch_size else f"batches of {s.batch_size}"
    data = DATASETS[s.dataset] if s.points is None else "your own points"
    return (
        f"{data}, {len(model.play_points())} points ({s.test_ratio:.0%} for testing); "
        f"{s.architecture_text()} network, {s.activation}, inputs "
        f"{', '.join(FEATURES[f] for f in s.features)}; lr {format_number(s.lr, 4)}, "
        f"L2 {format_number(s.l2, 4)}, {batch}, seed {s.seed}, initial weights "
        + ("Glorot" if s.init_scale is None else f"σ = {format_number(s.init_scale, 4)}")
    )


def points_csv(model: GatesModel) -> str:
    """Every point with its class, whether it trains or tests, and p(class 1) at the frame."""
    run = model.play
    assert run is not None
    points = np.array([p[:2] for p in model.play_points()], dtype=float)
    labels = [p[2] for p in model.play_points()]
    p = predict(model.play_layers(), feature_transform(points, model.playground.features),
                model.playground.activation)  # fmt: skip
    test = set(run.split.test_index.tolist())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["x", "y", "class", "set", "p(class 1)"])
    for k, ((x, y), c) in enumerate(zip(points, labels, strict=True)):
        writer.writerow([repr(float(x)), repr(float(y)), c, "test" if k in test else "train",
                         repr(float(p[k]))])  # fmt: skip
    return out.getvalue()


def markdown(model: GatesModel) -> str:
    """The run written out: settings, the losses so far, every neuron's formula."""
    run = model.play
    assert run is not None
    layers = model.play_layers()
    epochs, train, test = run.losses(model.frame)
    step = max(1, -(-len(epochs) // 20))  # at most about 20 rows
    lines = [
        f"# {model.settings.preset}" + (" (edited)" if model.settings.edited else ""),
        "",
        settings_text(model) + ".",
        "",
        status(model) + ".",
        "",
        f"## Loss (mean cross-entropy) every {EPOCHS_PER_FRAME * step} epochs",
        "",
        "| epoch | train loss | test loss |",
        "|---:|---:|---:|",
    ]
    for k in [*range(0, len(epochs) - 1, step), len(epochs) - 1]:
        test_text = format_number(test[k], 4) if np.isfinite(test[k]) else "–"
        lines.append(f"| {int(epochs[k])} | {format_number(train[k], 4)} | {test_text} |")
    lines += ["", "## The network at this epoch", ""]
    for li, (W, _b) in enumerate(layers):
        for j in range(W.shape[1]):
            lines.append(f"- `{neuron_formula(model, li, j)}`")
    return "\n".join(lines) + "\n"
