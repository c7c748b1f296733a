"""What the backprop topic says in words: hover texts, table rows, verdicts, CSV and Markdown.

Plain Python (no Qt). Every function reads a computed :class:`BackpropResult` (and the frame
or settings where they matter) and returns text; the numbers and the sentences about the
maths come from ``visualizer.compute`` (``explain_mlp_entry`` for every tensor of the batched
network), this module only arranges them. Indices are written 1-based, signs once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute.backprop import (
    GRADIENT_CHECK_TOLERANCE,
    ChainFactor,
    ChainProduct,
    GradientCheck,
    product_entry_text,
    shape_text,
)
from visualizer.compute.mlp import ACTIVATION_RULES
from visualizer.compute.mlp_text import explain_mlp_entry
from visualizer.compute.number_text import negated_text
from visualizer.tabs.backprop.names import editable_names, name_of

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropSettings
    from visualizer.tabs.backprop.network import BackpropResult

#: What a hover over a value that practice mode hides says.
HIDDEN_IN_PRACTICE = "Hidden in practice mode: work it out and type it in the answer box."

#: How many dE/df1 entries the worked page writes out before "… and n more".
WORKED_DELTAS_SHOWN = 8


def number_text(value: float, digits: int = 6) -> str:
    """A number as the topic shows it; never 'nan' or 'inf'."""
    if not math.isfinite(value):
        return "not finite"
    return f"{value:.{digits}g}"


def gradient_label(name: str) -> str:
    """A key of ``mlp_gradients`` as students write it: ``dE_dW1`` -> ``dE/dW1``."""
    return name.replace("_", "/", 1)


# ----- hover texts ----------------------------------------------------------------------------
def explain_forward(result: BackpropResult, key: str, i: int, j: int) -> str:
    """How cell (i, j) of a forward tensor, a parameter gradient or a transposed input of the
    gradients page (``T_x``, ``T_a``) was obtained."""
    if key.startswith("T_"):
        name = key[2:]
        v = float(result.tensors[name][j, i])
        return (
            f"{name}ᵀ[{i + 1},{j + 1}] = {name}[{j + 1},{i + 1}] = {number_text(v)}: the "
            "transpose turns the samples into columns, so the product with dE/df adds them up."
        )
    name = name_of(key)
    value = float(result.tensors[name][i, j])
    head = f"{name}[{i + 1},{j + 1}] = {number_text(value)}"
    if name in editable_names(result.depth):
        typed = (name, i, j) in result.typed
        origin = "typed in" if typed else f"drawn at random (seed {result.seed})"
        what = (
            f"input {j + 1} of sample {i + 1}" if name == "x" and result.batch > 1 else "an input"
        )
        return f"{head}: {what}, {origin}. Double-click to type a value."
    if name == "y":
        c = result.classes[i]
        whose = f" of sample {i + 1}" if result.batch > 1 else ""
        return f"{head}: one-hot target{whose}, 1 at the true class {c + 1}."
    return explain_mlp_entry(result.net, name, i, j)


def _explain_factor(result: BackpropResult, factor: ChainFactor, i: int, j: int) -> str:
    """A cell of one of the chain's factors (of the sample shown), with its numbers."""
    net, b = result.net, result.sample
    i1, j1 = i + 1, j + 1
    v = float(factor.matrix[i, j])
    head = f"{factor.name}[{i1},{j1}] = {number_text(v)}"
    if factor.wrong:
        return f"{head}: the wrong factor {factor.formula} [{shape_text(factor.matrix.shape)}]"
    if factor.name == "dE/do":
        y, o = float(net.y[b, j]), float(net.probabilities[b, j])  # type: ignore[index]
        scale = "" if net.scale == 1.0 else f" ÷ {net.batch}"
        return (
            f"{head} = −y_{j1} / o_{j1}{scale} = {negated_text(y)} / {number_text(o)}{scale}"
            " (0 where y is 0)"
        )
    if factor.name.startswith("do/"):
        oi, oj = float(net.probabilities[b, i]), float(net.probabilities[b, j])  # type: ignore[index]
        if i == j:
            return (
                f"{head} = o_{i1}(1 − o_{i1}) = ({number_text(oi)})(1 − {number_text(oi)}) "
                "(diagonal of diag(o) − oᵀo)"
            )
        return (
            f"{head} = −o_{i1} o_{j1} = −({number_text(oi)})({number_text(oj)}) "
            "(off the diagonal of diag(o) − oᵀo)"
        )
    if factor.name.startswith("dE/df"):  # mse: the first factor is one row of dE/dfL
        return explain_mlp_entry(net, factor.name, b, j).replace(f"[{b + 1},", "[1,", 1)
    top, bottom = factor.name.split("/")
    if factor.formula.endswith("ᵀ"):
        W = factor.formula[:-1]
        return f"{head} = ∂{top[1:]}_{i1}/∂{bottom[1:]}_{j1} = {W}[{j1},{i1}] ({W}ᵀ)"
    a, f = top[1:], bottom[1:]
    if i != j:
        return f"{head} = 0: {a}_{i1} does not depend on {f}_{j1}"
    rule = ACTIVATION_RULES[net.activation]
    if net.activation == "sigmoid":
        return f"{head} = {a}_{i1}(1 − {a}_{i1}) = sigmoid'({f}_{i1})"
    return f"{head} = {rule.slope.split(' = ', 1)[0].replace('(z)', f'({f}_{i1})')}: {rule.slope}"


def explain_backward(result: BackpropResult, frame: int, key: str, i: int, j: int) -> str:
    """How a cell of the backward chain was obtained: factor ``F<n>`` or the product ``P``."""
    chain = result.chain
    if key == "P":
        if frame == 0:
            return _explain_factor(result, chain.factors[0], i, j)
        return product_entry_text(
            chain.partials[frame - 1], chain.factors[frame].matrix, j,
            chain.partial_names[frame - 1], chain.factors[frame].name,
            chain.partial_names[frame],
        )  # fmt: skip
    return _explain_factor(result, chain.factors[int(key[1:])], i, j)


def explain_shortcut(result: BackpropResult, key: str, i: int, j: int) -> str:
    """A cell of the full product dE/do · do/dfL (``full``) or of its fused form (``short``)."""
    chain, out = result.chain, f"f{result.depth}"
    if key == "full" and result.shortcut is not None:
        dE_do, J = chain.factors[0].matrix, chain.factors[1].matrix
        return product_entry_text(dE_do, J, j, "dE/do", f"do/d{out}", f"dE/d{out}")
    text = explain_mlp_entry(result.net, f"dE/d{out}", result.sample, j)
    return text if result.batch == 1 else f"{text} (sample {result.sample + 1})"


# ----- the chain ------------------------------------------------------------------------------
def chain_step_lines(
    chain: ChainProduct, frame: int, hidden: Callable[[str], bool] | None = None
) -> list[tuple[str, str]]:
    """One line per multiplication, each with ``"current"``, ``"done"`` or ``"later"``.

    ``hidden(name)`` says which shapes practice mode asks for: they are written ``?``.
    """

    def named(name: str, shape: tuple[int, ...]) -> str:
        return (
            f"{name} [?]"
            if hidden is not None and hidden(name)
            else f"{name} [{shape_text(shape)}]"
        )

    lines = []
    for k, step in enumerate(chain.steps, start=1):
        left = named(chain.partial_names[k - 1], step.left_shape)
        right = named(chain.factors[k].name, step.right_shape)
        if step.inner_match:
            product = named(chain.partial_names[k], step.result_shape or ())
            text = f"{k}. {left} · {right} = {product}"
        else:
            text = f"{k}. {left} · {right}: inner dimensions differ"
        lines.append((text, "current" if k == frame else "later" if k > frame else "done"))
    if frame == 0:
        start = "Start: " + named(chain.factors[0].name, chain.factors[0].matrix.shape)
        lines.insert(0, (start, "current"))
    return lines


def hide_shapes(text: str) -> str:
    """``text`` with every numeric shape ``[1×4]`` written ``[?]`` (practice mode)."""
    return re.sub(r"\[\d+×\d+\]", "[?]", text)


def chain_verdict(chain: ChainProduct, variant: str) -> tuple[bool, str]:
    """(right, sentence): right only for the correct chain with a finite product."""
    finite = chain.result is None or bool(np.all(np.isfinite(chain.result)))
    right = chain.ok and variant == "correct" and finite
    return right, ("✓ " if right else "✗ ") + chain.note


# ----- the softmax shortcut -------------------------------------------------------------------
def shortcut_rows(shortcut: tuple[np.ndarray, np.ndarray, float]) -> list[tuple[str, ...]]:
    """Rows (k, dE/do · do/df2, o − y, verdict) with ten significant digits."""
    full, short, _ = shortcut
    rows = []
    for k in range(short.shape[1]):
        a, b = number_text(float(full[0, k]), 10), number_text(float(short[0, k]), 10)
        rows.append((str(k + 1), a, b, "✓ equal" if a == b else "✗ differ"))
    return rows


MSE_SENTENCE = (
    "Mean squared error has no softmax: dE/dout = out − y (÷B for the mean) is the first "
    "factor itself, so there is no product to fuse."
)


def shortcut_sentence(shortcut: tuple[np.ndarray, np.ndarray, float]) -> str:
    """Whether the full product and o − y agree, or why the full product is not finite."""
    diff = shortcut[2]
    if not math.isfinite(diff):
        return (
            "The full product is not finite: o of the true class underflowed to 0, so "
            "dE/do = −y/o divides by 0. The fused o − y has no division and stays exact."
        )
    all_same = all(row[1] == row[2] for row in shortcut_rows(shortcut))
    verdict = "equal to every digit shown" if all_same else "they differ"
    return (
        f"[−y/o]·(diag(o) − oᵀo) = o − y: {verdict} (largest difference {diff:.1e}). "
        "The fused form needs no division by o."
    )


# ----- gradient check -------------------------------------------------------------------------
def check_cells(check: GradientCheck) -> list[str]:
    """The gradient-check table's row: gradient, shape, errors and the verdict."""

    def error(value: float) -> str:
        return f"{value:.1e}" if math.isfinite(value) else "not finite"

    tolerance = f"{GRADIENT_CHECK_TOLERANCE:g}"
    mark = f"✓ below {tolerance}" if check.passed else f"✗ ABOVE {tolerance}"
    return [
        gradient_label(check.name),
        shape_text(check.shape),
        error(check.max_rel_error),
        error(check.max_abs_error),
        mark,
    ]


CHECK_EXPLANATION = (
    "Central differences (E(v + h) − E(v − h)) / 2h for every entry, h = 1e-5·max(1, |v|). "
    "Relative error = largest |analytic − numeric| ÷ largest |entry|; "
    f"marked ✗ above {GRADIENT_CHECK_TOLERANCE:g}."
)


# ----- the worked element ---------------------------------------------------------------------
def worked_text(result: BackpropResult) -> str:
    """The worked page: dE/dx_j of the sample as a sum with numbers, and where dE/df1 comes
    from."""
    net, b = result.net, result.sample
    M = net.weights[0].shape[1]
    slope = ACTIVATION_RULES[net.activation].slope.split(" = ", 1)[-1]
    a1 = "a" if result.depth == 2 else "a1"
    whose = f" (sample {b + 1})" if result.batch > 1 else ""
    lines = [
        result.worked.text(digits=4, max_terms=16) + whose,
        "",
        f"where dE/df1 = dE/d{a1} ⊙ φ'(f1), φ' = {slope}:"
        if result.depth > 1
        else "where dE/df1 is the output's gradient:",
    ]
    lines += [explain_mlp_entry(net, "dE/df1", b, m) for m in range(min(M, WORKED_DELTAS_SHOWN))]
    if M > WORKED_DELTAS_SHOWN:
        lines.append(f"… and {M - WORKED_DELTAS_SHOWN} more")
    out = f"f{result.depth}"
    fused = "o − y" if net.loss_name == "cross_entropy" else "out − y"
    scale = "" if net.scale == 1.0 else f", ÷ B = {net.batch} for the mean"
    lines += ["", f"and the chain starts from dE/d{out} = {fused}{scale}."]
    return "\n".join(lines)


# ----- exports --------------------------------------------------------------------------------
def _csv(value: str) -> str:
    return f'"{value}"' if ("," in value or '"' in value) else value


def table_csv(result: BackpropResult) -> str:
    """The shapes table with each gradient's check, as CSV (header first)."""
    errors = {gradient_label(c.name): c for c in result.checks}
    lines = ["tensor,shape (letters),shape,what it is,largest relative error (finite differences)"]
    for row in result.shape_rows:
        check = errors.get(row.name)
        err = f"{check.max_rel_error:.3e}" if check else ""
        lines.append(
            ",".join(_csv(v) for v in (row.name, row.symbolic, row.numeric, row.meaning, err))
        )
    return "\n".join(lines) + "\n"


def summary_rows(result: BackpropResult) -> list[tuple[str, str, str, str]]:
    """The torchinfo-style summary: (layer, output shape, parameters, count), then the total."""
    rows = [
        (r.layer, r.output_text, r.params_text or "—", f"{r.param_count:,}")
        for r in result.summary.rows
    ]
    total = result.summary.total_params
    return [*rows, ("Total (trainable, any B)", "", "", f"{total:,}")]


def per_sample_rows(result: BackpropResult) -> list[tuple[str, str, str, str]]:
    """For every parameter: its shape, how the batch gradient is made of the samples' own
    gradients, and the largest difference between the two (B > 1)."""
    per = result.per_sample
    if per is None:
        return []
    reduction = result.net.reduction
    weights, biases = per.combined(reduction)
    how = f"{'mean' if reduction == 'mean' else 'sum'} of the {result.batch} samples'"
    rows = []
    for layer in range(1, result.depth + 1):
        for name, combined in ((f"dE/dW{layer}", weights[layer - 1]),
                               (f"dE/db{layer}", biases[layer - 1])):  # fmt: skip
            batched = np.ravel(result.tensors[name])
            diff = float(np.max(np.abs(batched - np.ravel(combined))))
            rows.append((name, shape_text(result.tensors[name].shape), how, f"{diff:.1e}"))
    return rows


def per_sample_sentence(result: BackpropResult) -> str:
    """What the per-sample page shows, in words."""
    if result.batch == 1:
        return (
            "With one sample the batch gradient is that sample's own gradient: raise B to see "
            "the batch sum."
        )
    mean = result.net.reduction == "mean"
    return (
        f"The chain above is sample {result.sample + 1}'s own. Each sample b has its own "
        "gradients (dE/dW1 of sample b is the outer product x_bᵀ dE/df1_b); the batched "
        f"product xᵀ·dE/df1 [(N×B)·(B×M)] adds them up over the B = {result.batch} samples"
        + (" (and the 1/B of the mean entered at dE/dfL = (o − y)/B)." if mean else ".")
    )


def worked_solution_markdown(settings: BackpropSettings, result: BackpropResult) -> str:
    """Exercise 3 solved for the current network: shapes, forward pass, a), b), gradients,
    summary and checks."""
    from visualizer.tabs.backprop.report import worked_solution_markdown as markdown

    return markdown(settings, result)
