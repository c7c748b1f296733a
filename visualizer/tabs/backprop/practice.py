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
from visualizer.tabs.backprop.names import forward_names

if TYPE_CHECKING:
    from visualizer.tabs.backprop.network import BackpropResult

#: The gradient whose values the sheet asks for (dE/df3 with two hidden layers: dE/dfL).
VALUES_NAME = "dE/df2"


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
    """dE/dfL = o − y (or out − y, ÷B for the mean) of the sample shown, to 3 significant
    digits: the sheet's dE/df2 for one example."""
    net, b = result.net, result.sample
    name = f"dE/df{result.depth}"
    cross_entropy = net.probabilities is not None
    out = net.probabilities[b] if net.probabilities is not None else net.output[b]
    y = net.y[b]
    values = [float(v) for v in result.tensors[name][b]]
    what = "o" if cross_entropy else "out"
    divide = f" / {net.batch}" if net.scale != 1.0 else ""
    inner = ", ".join(f"{o_k:.4g} − {y_k:g}" for o_k, y_k in zip(out, y, strict=True))
    written = ", ".join(f"{v:.4g}" for v in values)
    first = (
        f"{name} = dE/do · do/df{result.depth} = [−y_k/o_k]·(diag(o) − oᵀo) = o − y "
        "(the sheet's 3a)"
        if cross_entropy
        else f"{name} = out − y: the derivative of ½‖out − y‖²"
    )
    if divide:
        first += f", divided by B = {net.batch} for the mean"
    whose = f" of sample {b + 1}" if net.batch > 1 else ""
    return question(
        values_key(name),
        f"{name}{whose} = ({what} − y){divide} (all {len(values)} values) =",
        topic="backprop",
        kind="dE_df2",
        answer=values,
        solution=[first, f"{name}{whose} = [{inner}]{divide} = [{written}]"],
    )


def questions(result: BackpropResult, first: str | None = None) -> list[Question]:
    """Every question for ``result``, in the order practice asks them (``first``: the name of
    the tensor a loaded exercise asks about, asked before the others)."""
    rows = _shape_rows(result)
    tensors = result.tensors
    asked: list[Question] = []
    for name in forward_names(result.depth, result.net.loss_name):
        meaning, letters = rows[name]
        asked.append(shape_question(name, tensors[name].shape, meaning, letters))
    chain = result.chain
    for factor in chain.factors:
        meaning = rows.get(factor.name, (factor.formula, ""))[0]
        letters = "×".join(factor.symbolic)
        asked.append(shape_question(factor.name, factor.matrix.shape, meaning, letters))
    if chain.result is not None and not any(f.wrong for f in chain.factors):
        meaning, letters = rows["dE/dx"]
        if result.batch > 1:
            meaning, letters = f"one sample's row of dE/dx ({meaning})", "1×N"
        asked.append(shape_question("dE/dx", chain.result.shape, meaning, letters))
    delta = f"dE/df{result.depth}"
    if np.all(np.isfinite(tensors[delta])):
        asked.append(values_question(result))
    if first is not None:
        keys = [q.key for q in asked]
        wanted = values_key(delta) if first == VALUES_NAME else shape_key(first)
        if wanted in keys:
            asked.insert(0, asked.pop(keys.index(wanted)))
        elif first.startswith("dE/") and first in tensors:
            # A gradient shown as a running product of the chain or on the gradients page.
            meaning, letters = rows.get(first, rows.get(first[4:], ("", "")))
            if first not in rows:
                meaning = f"the gradient of E with respect to {first[4:]}, shaped like it"
            asked.insert(0, shape_question(first, tensors[first].shape, meaning, letters))
    return asked


def entry_question(result: BackpropResult, row: int, col: int) -> Question:
    """One entry of dE/dW2 = aᵀ(o − y): a_m (o_k − y_k), to 3 significant digits."""
    t = result.tensors
    a, o, y = float(t["a"][0, row]), float(t["o"][0, col]), float(t["y"][0, col])
    value = float(t["dE/dW2"][row, col])
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
