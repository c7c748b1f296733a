"""What the backprop topic says in words: hover texts, table rows, verdicts, CSV and Markdown.

Plain Python (no Qt). Every function reads a computed :class:`BackpropResult` (and the frame
or settings where they matter) and returns text; the numbers and the sentences about the
maths come from ``visualizer.compute.backprop``, this module only arranges them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute.backprop import (
    GRADIENT_CHECK_TOLERANCE,
    ChainProduct,
    GradientCheck,
    explain_element,
    product_entry_text,
    shape_text,
)

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropResult, BackpropSettings

#: The keys of ``mlp_gradients`` behind the chain's correct factors (by factor name).
FACTOR_KEYS = {
    "dE/do": "dE_do",
    "do/df2": "J_o_f2",
    "df2/da": "J_f2_a",
    "da/df1": "J_a_f1",
    "df1/dx": "J_f1_x",
}

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
    """How cell (i, j) of a forward tensor or parameter gradient was obtained."""
    return explain_element(result.problem, result.grads, key, i, j)


def explain_backward(result: BackpropResult, frame: int, key: str, i: int, j: int) -> str:
    """How a cell of the backward chain was obtained: factor ``F<n>`` or the product ``P``."""
    chain = result.chain
    if key == "P":
        name = chain.partial_names[frame]
        if frame == 0:
            return explain_element(result.problem, result.grads, "dE_do", i, j)
        return product_entry_text(
            chain.partials[frame - 1], chain.factors[frame].matrix, j,
            chain.partial_names[frame - 1], chain.factors[frame].name, name,
        )  # fmt: skip
    factor = chain.factors[int(key[1:])]
    grads_key = FACTOR_KEYS.get(factor.name)
    if not factor.wrong and grads_key is not None:
        # The correct factors are the Jacobians of mlp_gradients, in order.
        return explain_element(result.problem, result.grads, grads_key, i, j)
    what = f"the wrong factor {factor.formula}" if factor.wrong else factor.formula
    return (
        f"{factor.name}[{i + 1},{j + 1}] = {number_text(float(factor.matrix[i, j]))}: "
        f"{what} [{shape_text(factor.matrix.shape)}]"
    )


def explain_shortcut(result: BackpropResult, key: str, i: int, j: int) -> str:
    """A cell of the full product dE/do · do/df2 (``full``) or of o − y (``short``)."""
    g = result.grads
    if key == "full":
        return product_entry_text(g["dE_do"], g["J_o_f2"], j, "dE/do", "do/df2", "dE/df2")
    return explain_element(result.problem, g, "dE_df2", i, j)


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
    """The worked page: dE/dx_j as a sum with numbers, and where dE/df1 comes from."""
    M = result.problem.sizes[1]
    lines = [result.worked.text(digits=4, max_terms=16), "", "where dE/df1 = dE/da ⊙ a(1 − a):"]
    lines += [
        explain_element(result.problem, result.grads, "dE_df1", 0, m)
        for m in range(min(M, WORKED_DELTAS_SHOWN))
    ]
    if M > WORKED_DELTAS_SHOWN:
        lines.append(f"… and {M - WORKED_DELTAS_SHOWN} more")
    lines += ["", "and dE/da = (o − y)·W2ᵀ, dE/df2 = o − y."]
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


def worked_solution_markdown(settings: BackpropSettings, result: BackpropResult) -> str:
    """Exercise 3 solved for the current network: shapes, forward pass, a), b), checks."""
    s, g, p, chain = settings, result.grads, result.problem, result.chain

    def fmt(a: np.ndarray) -> str:
        return "[" + ", ".join(number_text(float(v), 4) for v in np.ravel(a)) + "]"

    def matrix(a: np.ndarray) -> str:
        if max(a.shape) > 8:
            return "(too large to write out; see the tab)"
        return "[" + "; ".join(fmt(row)[1:-1] for row in a) + "]"

    lines = [
        f"# Exercise 3: backprop shapes (N = {s.N}, M = {s.M}, K = {s.K}, seed {s.seed})",
        "",
        "x[1×N] → f1 = xW1 + b1 → a = σ(f1) → f2 = aW2 + b2 → o = softmax(f2) → E = −Σ y ln o",
        "",
        "| tensor | what it is | shape (letters) | shape |",
        "|---|---|---|---|",
        *(f"| {r.name} | {r.meaning} | {r.symbolic} | {r.numeric} |" for r in result.shape_rows),
        "",
        "## Forward",
        f"- f1 = {fmt(g['f1'])}",
        f"- a = {fmt(g['a'])}",
        f"- f2 = {fmt(g['f2'])}",
        f"- o = {fmt(g['o'])}, y = {fmt(p.y)} (true class {s.true_class + 1})",
        f"- E = −ln o_{s.true_class + 1} = {number_text(float(g['E'][0, 0]))}",
        "",
        "## a) dE/df2",
        f"- dE/do = −y / o = {fmt(g['dE_do'])} [1×K = {shape_text(g['dE_do'].shape)}]",
        f"- do/df2 = diag(o) − oᵀo = {matrix(g['J_o_f2'])} [K×K = {shape_text(g['J_o_f2'].shape)}]",
        f"- dE/df2 = dE/do · do/df2 = [−y_k/o_k] (diag(o) − oᵀo) = o − y = {fmt(g['dE_df2'])}",
        "",
        "## b) dE/dx as a chain of factors",
    ]
    lines += [f"{k}. {step.sentence()}" for k, step in enumerate(chain.steps, start=1)]
    lines += [
        "",
        f"Result: {chain.note}",
        "",
        f"dE/dx = (o − y) W2ᵀ diag(a(1−a)) W1ᵀ = {fmt(g['dE_dx'])}",
        "",
        "Worked element: " + result.worked.text(digits=4, max_terms=64),
        "",
        "## Parameter gradients",
        f"- dE/dW1 = xᵀ dE/df1 [N×M = {shape_text(g['dE_dW1'].shape)}] = {matrix(g['dE_dW1'])}",
        f"- dE/db1 = dE/df1 = {fmt(g['dE_db1'])}",
        f"- dE/dW2 = aᵀ (o − y) [M×K = {shape_text(g['dE_dW2'].shape)}] = {matrix(g['dE_dW2'])}",
        f"- dE/db2 = o − y = {fmt(g['dE_db2'])}",
        "",
        "## Gradient check (central differences)",
        "| gradient | shape | largest relative error | check |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {gradient_label(c.name)} | {shape_text(c.shape)} | {c.max_rel_error:.1e} | "
        f"{'ok' if c.passed else 'ABOVE 1e-6'} |"
        for c in result.checks
    ]
    return "\n".join(lines) + "\n"
