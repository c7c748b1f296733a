"""What practice mode asks in the backprop topic, without Qt.

Issue 12's order: the shape of every tensor of the forward chain, then of every factor of the
backward chain (the Jacobians) and of the product dE/dx, typed as ``1x3``, ``1×3``, ``(1, 3)``
or ``1 3``; then the values of dE/df2 = o − y. A generated exercise shown in the tab puts
its own question first. The views hide a shape (the block becomes a "?" box, the tables and
step lines write "?") or the values of dE/df2 while practice says the question is open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from visualizer.compute.backprop import shape_text
from visualizer.practice import Question, question

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropResult

#: Forward-chain tensors in reading order (the names the shape questions use).
FORWARD_NAMES = ("x", "W1", "b1", "f1", "a", "W2", "b2", "f2", "o", "y", "E")
#: The gradient whose values are asked after the shapes.
VALUES_NAME = "dE/df2"
#: Block keys of the parameter-gradient strip, by the names questions use.
GRADIENT_KEYS = {"dE/dW1": "dE_dW1", "dE/db1": "dE_db1", "dE/dW2": "dE_dW2", "dE/db2": "dE_db2"}


def shape_key(name: str) -> str:
    """The practice key of the question "shape of ``name``"."""
    return f"shape:{name}"


def values_key(name: str = VALUES_NAME) -> str:
    return f"values:{name}"


def _shape_rows(result: BackpropResult) -> dict[str, tuple[str, str]]:
    """name -> (what it is, letters) from the shapes table ("f1 = xW1 + b1" -> "f1")."""
    return {row.name.split(" =")[0]: (row.meaning, row.symbolic) for row in result.shape_rows}


def shape_question(name: str, shape: tuple[int, ...], meaning: str, letters: str) -> Question:
    numeric = shape_text(shape)
    solution = [f"{name} ({meaning}) is" if meaning else f"{name} is", f"{letters} = {numeric}."]
    return question(
        shape_key(name),
        f"shape of {name} (rows × columns) =",
        topic="backprop",
        kind="shape",
        answer=tuple(int(n) for n in shape),
        solution=solution,
        exact=True,
    )


def values_question(result: BackpropResult) -> Question:
    """dE/df2 = o − y of the example, to 3 significant digits."""
    g = result.grads
    o, y = g["o"][0], result.problem.y[0]
    values = [float(v) for v in g["dE_df2"][0]]
    terms = ", ".join(f"{o_k:.4g} − {y_k:g}" for o_k, y_k in zip(o, y, strict=True))
    written = ", ".join(f"{v:.4g}" for v in values)
    solution = [
        "dE/df2 = dE/do · do/df2 = [−y_k/o_k]·(diag(o) − oᵀo) = o − y (the sheet's 3a)",
        f"dE/df2 = [{terms}] = [{written}]",
    ]
    return question(
        values_key(),
        f"{VALUES_NAME} = o − y (all {len(values)} values) =",
        topic="backprop",
        kind="dE_df2",
        answer=values,
        solution=solution,
    )


def questions(result: BackpropResult, first: str | None = None) -> list[Question]:
    """Every question for ``result``, in the order practice asks them (``first``: the name of
    the tensor a loaded exercise asks about, asked before the others)."""
    rows = _shape_rows(result)
    g, p = result.grads, result.problem
    tensors = {"x": p.x, "y": p.y, "W1": p.W1, "b1": p.b1, "W2": p.W2, "b2": p.b2, **g}
    asked: list[Question] = []
    for name in FORWARD_NAMES:
        meaning, letters = rows[name]
        asked.append(shape_question(name, tensors[name].shape, meaning, letters))
    chain = result.chain
    for factor in chain.factors:
        meaning = rows.get(factor.name, (factor.formula, ""))[0]
        letters = "×".join(factor.symbolic)
        asked.append(shape_question(factor.name, factor.matrix.shape, meaning, letters))
    if chain.result is not None and not any(f.wrong for f in chain.factors):
        meaning, letters = rows["dE/dx"]
        asked.append(shape_question("dE/dx", chain.result.shape, meaning, letters))
    if np.all(np.isfinite(g["dE_df2"])):
        asked.append(values_question(result))
    if first is not None:
        keys = [q.key for q in asked]
        wanted = values_key() if first == VALUES_NAME else shape_key(first)
        if wanted in keys:
            asked.insert(0, asked.pop(keys.index(wanted)))
        elif first.startswith("dE/") and first.replace("/", "_", 1) in g:
            # A gradient shown as a running product of the chain or on the gradients page.
            meaning, letters = rows.get(first, rows.get(first[3:], ("", "")))
            if first not in rows:
                meaning = f"the gradient of E with respect to {first[3:]}, shaped like it"
            shape = g[first.replace("/", "_", 1)].shape
            asked.insert(0, shape_question(first, shape, meaning, letters))
    return asked


def entry_question(result: BackpropResult, row: int, col: int) -> Question:
    """One entry of dE/dW2 = aᵀ(o − y): a_m (o_k − y_k), to 3 significant digits."""
    g = result.grads
    a, o, y = float(g["a"][0, row]), float(g["o"][0, col]), float(result.problem.y[0, col])
    value = float(g["dE_dW2"][row, col])
    m1, k1 = row + 1, col + 1
    solution = [
        f"dE/dW2 = aᵀ·(o − y) [M×K], so dE/dW2[{m1},{k1}] = a_{m1}·(o_{k1} − y_{k1})",
        f"dE/dW2[{m1},{k1}] = {a:.4g}·({o:.4g} − {y:g}) = {value:.4g}",
    ]
    return question(
        values_key(f"dE/dW2[{m1},{k1}]"),
        f"dE/dW2[{m1},{k1}] =",
        topic="backprop",
        kind="conv_cell",
        answer=value,
        solution=solution,
    )
