"""The backprop topic's worked solution as Markdown (File > Export > worked solution).

Plain Python (no Qt). The sheet's exercise 3 for the network on screen: the shapes in letters
and numbers, the forward pass, a) dE/d(output) (o − y, ÷B for the mean), b) dE/dx as a chain
of factors, the parameter gradients with the sum over the batch written out, the
torchinfo-style summary and the gradient check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute.backprop import GRADIENT_CHECK_TOLERANCE, shape_text
from visualizer.compute.mlp import ACTIVATION_RULES
from visualizer.tabs.backprop.texts import gradient_label, number_text, summary_rows

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropSettings
    from visualizer.tabs.backprop.network import BackpropResult

#: Matrices with more entries than this are not written out.
WRITE_OUT = 64


def _row(a: np.ndarray) -> str:
    return "[" + ", ".join(number_text(float(v), 4) for v in np.ravel(a)) + "]"


def _matrix(a: np.ndarray) -> str:
    a = np.atleast_2d(a)
    if a.size > WRITE_OUT:
        return "(too large to write out; see the tab)"
    if a.shape[0] == 1:
        return _row(a)
    return "[" + "; ".join(_row(r)[1:-1] for r in a) + "]"


def _network_line(s: BackpropSettings, result: BackpropResult) -> str:
    widths = [s.N, s.M, *s.more_hidden, s.K]
    phi = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "gelu": "GeLU"}[s.activation]
    parts = ["x[1×N]" if s.batch == 1 else "x[B×N]"]
    for layer in range(1, result.depth + 1):
        prev = "x" if layer == 1 else ("a" if result.depth == 2 else f"a{layer - 1}")
        parts.append(f"f{layer} = {prev}W{layer} + b{layer}")
        if layer < result.depth:
            parts.append(f"{'a' if result.depth == 2 else f'a{layer}'} = {phi}(f{layer})")
    out = f"f{result.depth}"
    if s.loss == "cross_entropy":
        parts += [f"o = softmax({out})", "E = −Σ y ln o"]
    else:
        parts.append(f"E = ½‖{out} − y‖²")
    reduction = "" if s.batch == 1 else f" ({s.reduction} over the batch)"
    return " → ".join(parts) + reduction + f"; widths {' → '.join(map(str, widths))}"


def worked_solution_markdown(s: BackpropSettings, result: BackpropResult) -> str:
    """Exercise 3 solved for the current network (see the module docstring)."""
    net, t, chain = result.net, result.tensors, result.chain
    L, out = result.depth, result.out
    batch = f", B = {s.batch}" if s.batch > 1 else ""
    hidden = ", ".join(str(m) for m in (s.M, *s.more_hidden))
    lines = [
        f"# Exercise 3: backprop shapes (N = {s.N}, hidden {hidden}, K = {s.K}{batch}, "
        f"seed {s.seed})",
        "",
        _network_line(s, result),
        "",
        "| tensor | what it is | shape (letters) | shape |",
        "|---|---|---|---|",
        *(f"| {r.name} | {r.meaning} | {r.symbolic} | {r.numeric} |" for r in result.shape_rows),
        "",
        "## Forward",
    ]
    for layer in range(1, L + 1):
        lines.append(f"- f{layer} = {_matrix(t[f'f{layer}'])}")
        a = "a" if L == 2 else f"a{layer}"
        if layer < L:
            lines.append(f"- {a} = {_matrix(t[a])}")
    if s.loss == "cross_entropy":
        classes = ", ".join(str(c + 1) for c in result.classes)
        lines.append(f"- o = {_matrix(t['o'])}, y = {_matrix(t['y'])} (true classes {classes})")
    else:
        lines.append(f"- y = {_matrix(t['y'])}")
    lines += [f"- E = {number_text(net.loss)}", ""]
    fused = "o − y" if s.loss == "cross_entropy" else f"{out} − y"
    scale = "" if net.scale == 1.0 else f" ÷ B = {s.batch} (the 1/B of the mean enters here)"
    lines += [f"## a) dE/d{out}"]
    if s.loss == "cross_entropy":
        dE_do, J = chain.factors[0].matrix, chain.factors[1].matrix
        lines += [
            f"- dE/do = −y / o = {_row(dE_do)} [1×K = {shape_text(dE_do.shape)}]"
            + (f" (sample {result.sample + 1})" if s.batch > 1 else ""),
            f"- do/d{out} = diag(o) − oᵀo = {_matrix(J)} [K×K = {shape_text(J.shape)}]",
            f"- dE/d{out} = dE/do · do/d{out} = [−y_k/o_k] (diag(o) − oᵀo) = o − y",
        ]
    lines += [f"- dE/d{out} = ({fused}){scale} = {_matrix(t[f'dE/d{out}'])}", ""]
    lines += ["## b) dE/dx as a chain of factors"]
    if s.batch > 1:
        lines.append(f"(the chain of sample {result.sample + 1})")
    lines += [f"{k}. {step.sentence()}" for k, step in enumerate(chain.steps, start=1)]
    lines += [
        "",
        f"Result: {chain.note}",
        "",
        f"dE/dx = {_matrix(t['dE/dx'])}",
        "",
        "Worked element: " + result.worked.text(digits=4, max_terms=64),
        "",
        "## Parameter gradients (the sum over the batch happens in the products)",
    ]
    letters = ["N", *(["M"] if L == 2 else [f"M{i}" for i in range(1, L)]), "K"]
    B = "B" if s.batch > 1 else "1"
    for layer in range(1, L + 1):
        prev = "x" if layer == 1 else ("a" if L == 2 else f"a{layer - 1}")
        rows, cols = letters[layer - 1], letters[layer]
        W, b = t[f"dE/dW{layer}"], t[f"dE/db{layer}"]
        lines += [
            f"- dE/dW{layer} = {prev}ᵀ · dE/df{layer} [({rows}×{B})·({B}×{cols}) = {rows}×{cols}"
            f" = {shape_text(W.shape)}] = {_matrix(W)}",
            f"- dE/db{layer} = the column sums of dE/df{layer} [1×{cols} = "
            f"{shape_text(b.shape)}] = {_matrix(b)}",
        ]
    lines += [
        "",
        "## Summary (torchinfo style)",
        "| layer | output shape | parameters | count |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in summary_rows(result)),
        "",
        f"Hidden activation: {ACTIVATION_RULES[s.activation].formula}; "
        f"its Jacobian {ACTIVATION_RULES[s.activation].jacobian}.",
        "",
        "## Gradient check (central differences)",
        "| gradient | shape | largest relative error | check |",
        "|---|---|---|---|",
    ]
    tolerance = f"{GRADIENT_CHECK_TOLERANCE:g}"
    lines += [
        f"| {gradient_label(c.name)} | {shape_text(c.shape)} | {c.max_rel_error:.1e} | "
        f"{'ok' if c.passed else f'ABOVE {tolerance}'} |"
        for c in result.checks
    ]
    return "\n".join(lines) + "\n"
