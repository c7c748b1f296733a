"""Backprop exercises on the sheet's MLP: shapes of tensors and Jacobians, dE/df2, dE/dW2.

x [B×N] -> f1 = xW1 + b1 -> a = σ(f1) -> f2 = aW2 + b2 -> o = softmax(f2) -> E = −Σ y ln o,
with B = 1 (one example, as on the sheet) or a batch of B rows. N, M, K (and B) are all
different, so a shape with two letters swapped is a wrong answer, not a lucky one.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

from visualizer.exercises.formatting import as_fraction, num, plain, term, vector_text
from visualizer.exercises.model import EXACT, Call, Dice, Exercise

KINDS: tuple[str, ...] = ("shape", "dE_df2", "dE_dW2")
VARIANTS: tuple[str, ...] = ("shape", "dE_df2", "shape", "dE_dW2")

_NETWORK = (
    "The sheet's network: f1 = x·W1 + b1, a = σ(f1), f2 = a·W2 + b2, o = softmax(f2), "
    "E = −Σ_k y_k·ln o_k"
)

#: (name, key of mlp_gradients, rows, columns, why). "B" is the batch (1 for one example);
#: Jacobians are those of one example, as on the sheet.
_TENSORS: tuple[tuple[str, str, str, str, str], ...] = (
    ("f1", "f1", "B", "M", "f1 = x·W1 + b1: [B×N]·[N×M] gives B×M (b1 is added to each row)"),
    ("a", "a", "B", "M", "a = σ(f1) works entry by entry: the shape of f1, B×M"),
    ("f2", "f2", "B", "K", "f2 = a·W2 + b2: [B×M]·[M×K] gives B×K"),
    ("o", "o", "B", "K", "o = softmax(f2) works row by row: the shape of f2, B×K"),
    ("dE/do", "dE_do", "B", "K", "dE/do = −y/o entry by entry: the shape of o, B×K"),
    ("dE/df2", "dE_df2", "B", "K", "dE/df2 = o − y: the shape of f2, B×K"),
    ("dE/da", "dE_da", "B", "M", "dE/da = dE/df2·W2ᵀ: [B×K]·[K×M] gives B×M"),
    ("dE/df1", "dE_df1", "B", "M", "dE/df1 = dE/da ⊙ a(1 − a): the shape of f1, B×M"),
    ("dE/dx", "dE_dx", "B", "N", "dE/dx = dE/df1·W1ᵀ: [B×M]·[M×N] gives B×N"),
    ("dE/dW1", "dE_dW1", "N", "M", "dE/dW1 = xᵀ·dE/df1: [N×B]·[B×M] gives N×M, the shape of W1"),
    ("dE/db1", "dE_db1", "1", "M", "dE/db1 = dE/df1 summed over the rows: 1×M, the shape of b1"),
    ("dE/dW2", "dE_dW2", "M", "K", "dE/dW2 = aᵀ·dE/df2: [M×B]·[B×K] gives M×K, the shape of W2"),
    ("dE/db2", "dE_db2", "1", "K", "dE/db2 = dE/df2 summed over the rows: 1×K, the shape of b2"),
    ("do/df2", "J_o_f2", "K", "K", "do/df2 = diag(o) − oᵀo: each o_i against each f2_j, K×K"),
    ("df2/da", "J_f2_a", "K", "M", "df2/da = W2ᵀ: one row per f2_k, one column per a_m, K×M"),
    ("da/df1", "J_a_f1", "M", "M", "da/df1 = diag(a(1 − a)): M×M, zero off the diagonal"),
    ("df1/dx", "J_f1_x", "M", "N", "df1/dx = W1ᵀ: one row per f1_m, one column per x_n, M×N"),
)
_JACOBIANS = frozenset({"do/df2", "df2/da", "da/df1", "df1/dx"})


def make(code: str, dice: Dice, kind: str) -> Exercise:
    """Draw the numbers of one backprop exercise of the given kind."""
    if kind == "shape":
        n, m, k = dice.sample(range(2, 8), 3)
        batch = dice.choice((1, 0))
        if batch == 0:  # a batch size different from N, M and K
            batch = dice.choice([b for b in range(2, 10) if b not in (n, m, k)])
        return shape_exercise(code, dice.choice([t[0] for t in _TENSORS]), n, m, k, batch)
    n_classes = dice.choice((2, 3, 3, 4))
    o = _probabilities(dice, n_classes)
    true_class = dice.integer(0, n_classes - 1)
    if kind == "dE_df2":
        return de_df2_exercise(code, o, true_class)
    n_hidden = dice.choice((2, 3))
    a = [dice.integer(1, 9) / 10 for _ in range(n_hidden)]
    return de_dw2_exercise(
        code, a, o, true_class, dice.integer(0, n_hidden - 1), dice.integer(0, n_classes - 1)
    )


def _probabilities(dice: Dice, count: int) -> list[float]:
    """``count`` positive multiples of 0.05 that add up to exactly 1."""
    cuts = sorted(dice.sample(range(1, 20), count - 1))
    edges = [0, *cuts, 20]
    return [(hi - lo) / 20 for lo, hi in pairwise(edges)]


def _letters(text: str, batch: int) -> str:
    return (
        text if batch > 1 else text.replace("[B×", "[1×").replace("×B]", "×1]").replace("B×", "1×")
    )


def shape_exercise(code: str, tensor: str, n: int, m: int, k: int, batch: int) -> Exercise:
    """The shape of ``tensor`` for sizes N, M, K and batch B (1: one example)."""
    name, key, rows, cols, why = next(t for t in _TENSORS if t[0] == tensor)
    sizes = {"1": 1, "B": batch, "N": n, "M": m, "K": k}
    answer = (sizes[rows], sizes[cols])
    if batch > 1:
        setting = (
            f"A batch of B = {batch} examples is stacked as the rows of x [B×N], "
            "and E adds up their losses."
        )
    else:
        setting = "One example: x is a row [1×N]."
    what = f"the Jacobian {name} of one example" if name in _JACOBIANS else name
    prompt = (
        f"{_NETWORK}. The input has N = {n} features, the hidden layer M = {m} units and "
        f"there are K = {k} classes. {setting} What is the shape of {what}? "
        "Write rows × columns, like 1×3."
    )
    sizes_text = f"N = {n}, M = {m}, K = {k}" + (f", B = {batch}" if batch > 1 else "")
    solution = [
        _letters(why, batch),
        f"With {sizes_text}: {name} is {answer[0]}×{answer[1]}",
    ]
    # mlp_gradients takes one example; a batch only adds rows to tensors that have B rows.
    call = None
    if batch == 1 or "B" not in (rows, cols):
        zeros = {
            "x": [[0.0] * n],
            "y": [[1.0] + [0.0] * (k - 1)],
            "W1": [[0.0] * m for _ in range(n)],
            "b1": [[0.0] * m],
            "W2": [[0.0] * k for _ in range(m)],
            "b2": [[0.0] * k],
        }
        call = Call("mlp_gradients", zeros, (key, "shape"))
    return Exercise(
        code=code,
        topic="backprop",
        kind="shape",
        prompt=prompt,
        data={"N": n, "M": m, "K": k, "B": batch, "tensor": name},
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=call,
    )


def _one_hot(true_class: int, count: int) -> list[int]:
    return [1 if c == true_class else 0 for c in range(count)]


def de_df2_exercise(code: str, o: list[float], true_class: int) -> Exercise:
    """dE/df2 = o − y for a given softmax output o and true class."""
    y = _one_hot(true_class, len(o))
    answer = [plain(as_fraction(ok) - yk) for ok, yk in zip(o, y, strict=True)]
    prompt = (
        f"{_NETWORK}. For one example the softmax output is o = {vector_text(o)} and the true "
        f"class is {true_class + 1}, so y = {vector_text(y)}. What is dE/df2? "
        f"Write its K = {len(o)} entries."
    )
    differences = ", ".join(f"{num(ok)} − {yk}" for ok, yk in zip(o, y, strict=True))
    solution = [
        "dE/df2 = dE/do·do/df2 = [−y_k/o_k]·(diag(o) − oᵀo) = o − y (the sheet's 3a)",
        f"dE/df2 = [{differences}] = {vector_text(answer)}",
    ]
    call = Call("mlp_gradients", _inputs_for(None, o, y), ("dE_df2", 0))
    return Exercise(
        code=code,
        topic="backprop",
        kind="dE_df2",
        prompt=prompt,
        data={"o": o, "y": y, "true_class": true_class},
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=call,
    )


def _inputs_for(a: list[float] | None, o: list[float], y: list[int]) -> dict[str, Any]:
    """Arguments of ``mlp_gradients`` whose forward pass gives exactly this a and o.

    With x = 0 and W1 = 0, f1 = b1, so b1 = ln(a/(1 − a)) gives σ(f1) = a; with W2 = 0,
    f2 = b2, and b2 = ln o gives softmax(f2) = o / Σo = o.
    """
    hidden = [0.5] if a is None else a
    return {
        "x": [[0.0]],
        "y": [[float(v) for v in y]],
        "W1": [[0.0] * len(hidden)],
        "b1": [[math.log(v / (1 - v)) for v in hidden]],
        "W2": [[0.0] * len(o) for _ in hidden],
        "b2": [[math.log(v) for v in o]],
    }


def de_dw2_exercise(
    code: str, a: list[float], o: list[float], true_class: int, row: int, col: int
) -> Exercise:
    """One entry of dE/dW2 = aᵀ(o − y): a_m·(o_k − y_k)."""
    y = _one_hot(true_class, len(o))
    delta = as_fraction(o[col]) - y[col]
    answer = plain(as_fraction(a[row]) * delta)
    prompt = (
        f"{_NETWORK}. For one example the hidden activations are a = {vector_text(a)}, the "
        f"softmax output is o = {vector_text(o)} and the true class is {true_class + 1}, so "
        f"y = {vector_text(y)}. What is the entry of dE/dW2 in row {row + 1}, column {col + 1}?"
    )
    m1, k1 = row + 1, col + 1
    solution = [
        f"dE/dW2 = aᵀ·(o − y) [M×K], so dE/dW2[{m1},{k1}] = a_{m1}·(o_{k1} − y_{k1})",
        f"dE/dW2[{m1},{k1}] = {num(a[row])}·({num(o[col])} − {y[col]}) = "
        f"{num(a[row])}·{term(plain(delta))} = {num(answer)}",
    ]
    call = Call("mlp_gradients", _inputs_for(a, o, y), ("dE_dW2", row, col))
    return Exercise(
        code=code,
        topic="backprop",
        kind="dE_dW2",
        prompt=prompt,
        data={"a": a, "o": o, "y": y, "true_class": true_class, "row": row, "column": col},
        answer=answer,
        tolerance=EXACT,
        solution=solution,
        call=call,
    )
