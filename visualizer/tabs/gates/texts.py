"""The words and numbers the Logic gates views show, made from the model (no Qt).

Views put these on screen; exports (CSV, Markdown) and tests read them without a window.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from visualizer.compute.gate_training import NOT_LINEARLY_SEPARABLE
from visualizer.compute.gates import (
    ACTIVATIONS,
    GATE_TARGETS,
    SHEET_NETWORKS,
    TRUTH_INPUTS,
    format_activation,
    format_number,
    node_arithmetic,
    worked_line,
)
from visualizer.tabs.gates import asking, playground_texts
from visualizer.tabs.gates.model import GatesModel


@dataclass(frozen=True)
class NodeView:
    """What one node shows: its name, value text, fill level (0..1) and info lines."""

    key: tuple  # ("in", i) or ("n", layer, j)
    name: str
    value_text: str
    fill: float
    info: str  # bias, z and activation lines ("" for inputs)
    shape: str = "circle"  # "circle" (a value), "input" or "map" (the playground's)


@dataclass(frozen=True)
class EdgeView:
    """One weighted edge: node indices, the weight and its label text."""

    key: tuple  # ("w", layer, i, j)
    source: int
    target: int
    weight: float
    text: str


@dataclass(frozen=True)
class NetworkPicture:
    """Everything the network drawing shows: layer sizes, nodes, edges, the selected item."""

    layer_sizes: list[int]
    nodes: list[NodeView]
    edges: list[EdgeView]
    selected: tuple


def short_activation(value: float, digits: int) -> str:
    """An activation in few characters (0.96, 0.0003), never rounded onto a clean 0 or 1."""
    text = format_number(value, digits if abs(value) >= 0.01 else 1)
    if text in ("0", "1") and value not in (0.0, 1.0):
        text = format_activation(value)
    return text


def network_picture(model: GatesModel) -> NetworkPicture:
    """Inputs with their values; neurons with their output, bias and z; weighted edges
    (in the playground: features in, a small map per neuron)."""
    if model.is_playground():
        return playground_texts.network_picture(model)
    ev = model.evaluation()
    layers = model.layers()
    row = model.current_row
    inputs = model.focus.inputs
    sizes = [2, *[W.shape[1] for W, _ in layers]]
    nodes = [NodeView(("in", i), "AB"[i], str(inputs[i]), float(inputs[i]), "") for i in range(2)]
    for li, (_W, b) in enumerate(layers):
        for j, name in enumerate(ev.names[li]):
            z = float(ev.sums[li][row, j])
            a = float(ev.outputs[li][row, j])
            if asking.is_value_hidden(model, li, j, row):  # practice: the student works it out
                info = f"b = {format_number(b[j], 4)}\nz = {asking.HIDDEN}"
                nodes.append(NodeView(("n", li, j), name, asking.HIDDEN, 0.0, info))
                continue
            zero = " (0 margin!)" if ev.zero_margin[li][row, j] else ""
            info = f"b = {format_number(b[j], 4)}\nz = {format_number(z, 4)}{zero}"
            nodes.append(NodeView(("n", li, j), name, short_activation(a, 2), a, info))
    offsets = np.cumsum([0, *sizes])
    edges = []
    for li, (W, _b) in enumerate(layers):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = float(W[i, j])
                source, target = int(offsets[li] + i), int(offsets[li + 1] + j)
                edges.append(EdgeView(("w", li, i, j), source, target, w, format_number(w, 4)))
    param = model.focus.selected_param
    selected = tuple(param) if param[0] == "w" else ("n", param[1], param[2])
    return NetworkPicture(sizes, nodes, edges, selected)


def convention_text(model: GatesModel) -> str:
    return f"Convention: {ACTIVATIONS[model.activation]}"


def edited_text(model: GatesModel) -> str:
    """Beside the preset: whether the weights shown are still the preset's."""
    if model.run is not None:
        return "(trained)"
    return "(edited)" if model.settings.edited else ""


def selected_worked_line(model: GatesModel) -> str:
    """The selected neuron's arithmetic for the current inputs, on one line (in practice,
    only its formula while its value is still to be worked out)."""
    layer, node = model.focus.selected_node
    if asking.is_value_hidden(model, layer, node, model.current_row):
        return asking.hidden_worked_line(model, layer, node)
    return worked_line(model.arithmetic(layer, node))


# ----- the truth table ----------------------------------------------------------------------
def truth_headers(model: GatesModel) -> list[str]:
    """A, B, then z and output of every neuron, then what the target needs and the verdict."""
    ev = model.evaluation()
    several = len(model.layers()) > 1
    headers = ["A", "B"]
    for li, layer_names in enumerate(ev.names):
        for name in layer_names:
            headers.append(f"z({name})" if several or li > 0 else "z")
            headers.append(name)
    return [*headers, f"{model.target} needs", "verdict"]


def verdict(ok: bool, fragile: bool) -> str:
    text = "✓" if ok else "✗ miss"
    if fragile:
        text += " fragile" if ok else ", fragile"
    return text


def truth_rows(model: GatesModel) -> list[list[str]]:
    """The four rows (00, 01, 10, 11) as the table shows them."""
    ev = model.evaluation()
    diagnosis = model.diagnosis()
    layers = model.layers()
    sigmoid = model.activation == "sigmoid"
    rows = []
    for r in range(4):
        cells = [str(int(TRUTH_INPUTS[r, 0])), str(int(TRUTH_INPUTS[r, 1]))]
        for li, (W, _b) in enumerate(layers):
            for j in range(W.shape[1]):
                if asking.is_value_hidden(model, li, j, r):  # practice: z and output to find
                    cells += [asking.HIDDEN, asking.HIDDEN]
                    continue
                cells.append(format_number(ev.sums[li][r, j], 3))
                a = float(ev.outputs[li][r, j])
                if sigmoid:
                    text = short_activation(a, 3)
                    if li == len(layers) - 1:
                        text += f" → {int(ev.bits[r])}"
                    cells.append(text)
                else:
                    cells.append(format_number(a))
        d = diagnosis.rows[r]
        cells.append(str(d.expected))
        cells.append(asking.HIDDEN if asking.is_row_hidden(model, r) else verdict(d.ok, d.fragile))
        rows.append(cells)
    return rows


def table_csv(model: GatesModel) -> str:
    """The truth table (in the playground: every point with its class and p)."""
    if model.is_playground():
        return playground_texts.points_csv(model)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(truth_headers(model))
    writer.writerows(truth_rows(model))
    return out.getvalue()


# ----- the verdict in words -----------------------------------------------------------------
def roles_sentence(model: GatesModel) -> str:
    """What each hidden neuron computes on its own ("" without a hidden layer, or while
    practice hides outputs: the roles would tell them)."""
    roles = model.hidden_roles()
    if not roles or asking.any_output_hidden(model):
        return ""
    acts = ", ".join(f"{name} acts as {gate}" for name, gate in roles.items())
    return f"Hidden neurons on their own: {acts}; Out combines them."


def preset_note(model: GatesModel) -> str:
    """What the sheet's network really does, while it is shown as the sheet wrote it."""
    s = model.settings
    hidden = asking.any_output_hidden(model)
    if s.preset in SHEET_NETWORKS and not s.edited and model.run is None and not hidden:
        return SHEET_NETWORKS[s.preset].note
    return ""


def problem_lines(model: GatesModel) -> list[str]:
    """The reasons of the missed and fragile rows (none while practice hides outputs)."""
    if asking.any_output_hidden(model):
        return []
    return [r.reason for r in model.diagnosis().rows if not r.ok or r.fragile]


def verdict_summary(model: GatesModel) -> str:
    """The verdict's first sentence (in practice, a request to work the outputs out first)."""
    if asking.any_output_hidden(model):
        return asking.hidden_summary()
    return model.diagnosis().summary


def verdict_tone(model: GatesModel) -> str:
    """ "ok" (right and robust), "warn" (right but fragile), "bad" (wrong rows) or "ask"
    (practice: the outputs are still to be worked out)."""
    if asking.any_output_hidden(model):
        return "ask"
    diagnosis = model.diagnosis()
    if not diagnosis.ok:
        return "bad"
    return "warn" if diagnosis.fragile_rows else "ok"


# ----- training -----------------------------------------------------------------------------
def train_status(model: GatesModel) -> str:
    """The run at the frame in one sentence: epoch, loss, outputs, and whether it learned."""
    run = model.run
    if run is None:
        return "Pick a network and press Train: the loss curve, network and regions update."
    f = model.frame
    if asking.any_output_hidden(model):
        return f"Epoch {int(run.epochs[f])} of {int(run.epochs[-1])}: work the outputs out first."
    outs = " ".join(format_number(v, 2) for v in run.outputs[f])
    bits = run.bits_at(f)
    ok = np.array_equal(bits, GATE_TARGETS[run.target])
    verdict_text = f"= {run.target} ✓" if ok else f"≠ {run.target}"
    text = (
        f"Epoch {int(run.epochs[f])} of {int(run.epochs[-1])}: loss "
        f"{format_number(run.loss[f], 4)}; outputs {outs} → {''.join(map(str, bits))} "
        f"{verdict_text}"
    )
    if not model.run_is_current():
        text = "Settings changed: press Train for a new run. Shown: " + text
    if run.architecture == "single" and run.target in NOT_LINEARLY_SEPARABLE:
        text += (
            f". One neuron draws one line, and no line splits {run.target}'s corners: "
            "its best is 0.5 everywhere, loss ln 2 ≈ 0.693. Try 2-2-1."
        )
    return text


# ----- the worked solution ------------------------------------------------------------------
def worked_solution_markdown(model: GatesModel) -> str:
    """Every row, every neuron, the verdict: the whole exercise written out (in the
    playground: the run's settings, losses and every neuron's formula)."""
    if model.is_playground():
        return playground_texts.markdown(model)
    s = model.settings
    layers = model.layers()
    diagnosis = model.diagnosis()
    title = s.preset + (" (edited)" if s.edited else "")
    if model.run is not None:
        run = model.run
        title = (
            f"trained {run.architecture} network for {run.target}, epoch "
            f"{int(run.epochs[model.frame])}"
        )
    lines = [
        f"# Logic gates: {title}",
        "",
        f"Convention: {ACTIVATIONS[s.activation]}. Target gate: {s.target}.",
        "",
        "## Weights",
        "",
    ]
    for key in model.param_keys():
        value = format_number(model.param_value(key), 10)
        lines.append(f"- {model.param_name(key)} = {value}")
    lines += ["", "## Every row, every neuron", ""]
    for r in range(4):
        a, b = (int(v) for v in TRUTH_INPUTS[r])
        lines += [f"### A = {a}, B = {b}", ""]
        for li, (W, _b) in enumerate(layers):
            for j in range(W.shape[1]):
                arith = node_arithmetic(layers, li, j, (a, b), s.activation)
                lines.append(f"- `{worked_line(arith)}`")
        d = diagnosis.rows[r]
        lines += [f"- {s.target} needs {d.expected}: {'right' if d.ok else 'WRONG'}.", ""]
    lines += ["## Verdict", "", diagnosis.summary, ""]
    lines += [f"- {reason}" for reason in problem_lines(model)]
    if roles := roles_sentence(model):
        lines += ["", roles]
    lines.append("")
    bits = " ".join(map(str, model.evaluation().bits))
    lines.append(f"Truth table outputs (00, 01, 10, 11): {bits}.")
    if note := preset_note(model):
        lines += ["", f"Note: {note}"]
    return "\n".join(lines) + "\n"


# ----- the selectors ------------------------------------------------------------------------
#: Short words for the activation and network selectors (keys come from visualizer.compute).
ACTIVATION_WORDS: dict[str, str] = {
    "step": "step, z ≥ 0 → 1",
    "step_strict": "step, z > 0 → 1",
    "sigmoid": "sigmoid, ≥ 0.5 → 1",
}
ARCHITECTURE_WORDS: dict[str, str] = {
    "2-2-1": "2-2-1 (two hidden neurons)",
    "single": "single neuron",
}


def choices(words: dict[str, str], keys: Iterable[str]) -> list[tuple[str, str]]:
    """(key, words) for a selector: keys with words in their order, then any new key as is."""
    keys = list(keys)
    known = [(key, text) for key, text in words.items() if key in keys]
    return known + [(key, key) for key in keys if key not in words]
