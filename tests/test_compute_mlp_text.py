"""Hover texts of the batched perceptron: every tensor, negative values, arithmetic that checks."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from visualizer.compute import (
    HIDDEN_ACTIVATIONS,
    explain_mlp_entry,
    mlp_backprop,
    mlp_tensors,
)

DOUBLED = re.compile(r"[-−+]\s*[-−+]|[-−]\s*\(\s*[-−]")


def negative_case(loss: str, depth: int, reduction: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    sizes = [3, *[4] * (depth - 1), 2]
    Ws = [-rng.uniform(0.1, 1.0, size=(a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [-rng.uniform(0.1, 1.0, size=b) for b in sizes[1:]]
    x = rng.uniform(0.1, 1.0, size=(3, 3))  # x > 0, W < 0: every f1 < 0
    y = np.eye(2)[[0, 1, 1]] if loss != "mse" else -rng.uniform(0.1, 1.0, size=(3, 2))
    return x, y, Ws, bs


def evaluate(arithmetic: str) -> float:
    """Evaluate "(a)(b) + (c)(d) − e" as written (Unicode minus, juxtaposed factors)."""
    expression = arithmetic.replace("−", "-").replace(")(", ")*(")
    assert re.fullmatch(r"[-+*() .0-9e]+", expression), expression
    return float(eval(expression))  # digits and operators only, checked above


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "binary_cross_entropy"])
@pytest.mark.parametrize(("depth", "reduction"), [(2, "mean"), (3, "sum")])
def test_every_entry_of_every_tensor_has_a_text_without_doubled_signs(
    activation, loss, depth, reduction
):
    r = mlp_backprop(*negative_case(loss, depth, reduction), activation, loss, reduction)
    assert np.all(r.pre[0] < 0) and all(np.all(b < 0) for b in r.biases)
    tensors = mlp_tensors(r)
    expected = {"x", "y", "E", "dE/dx", *(f"W{k}" for k in range(1, depth + 1))}
    assert expected <= set(tensors)
    assert ("a" in tensors) == (depth == 2) and ("o" in tensors) == (loss != "mse")
    for name, T in tensors.items():
        for i, j in np.ndindex(T.shape):
            text = explain_mlp_entry(r, name, i, j)
            assert not DOUBLED.search(text), text
            assert text.startswith(f"{name}[{i + 1},{j + 1}] = ") or name == "E"


def test_written_arithmetic_adds_up_to_the_value():
    r = mlp_backprop(*negative_case("cross_entropy", 3, "mean"), "tanh")
    for name in ("f1", "f2", "dE/dx", "dE/da1", "dE/dW1", "dE/dW3", "dE/db2", "dE/db3"):
        T = mlp_tensors(r)[name]
        for i, j in itertools.product(range(T.shape[0]), range(T.shape[1])):
            text = explain_mlp_entry(r, name, i, j)
            arithmetic = text.rsplit(" = ", 1)[1]
            arithmetic = re.sub(r"^[^(0-9-]*", "", arithmetic)  # drop a leading "(…) = "
            assert evaluate(arithmetic) == pytest.approx(T[i, j], rel=2e-3, abs=1e-4), text


def test_the_sigmoid_exponent_and_the_mean_are_written_once():
    x = np.array([[1.0], [2.0]])
    r = mlp_backprop(x, np.eye(2), [np.array([[-0.4177]]), np.ones((1, 2))], [[0.0], [0.0, 0.0]])
    assert explain_mlp_entry(r, "a", 0, 0).endswith("1 / (1 + e^(0.4177))")
    assert explain_mlp_entry(r, "f1", 1, 0).endswith("(2)(-0.4177) + 0")
    dz = explain_mlp_entry(r, "dE/df2", 0, 0)
    assert "(1/2)(o[1,1] − y[1,1])" in dz and dz.endswith("(1/2)(0.5 − 1)")
    assert "the sum over the 2 samples" in explain_mlp_entry(r, "dE/dW2", 0, 1)
    with pytest.raises(ValueError, match="Unknown tensor"):
        explain_mlp_entry(r, "g1", 0, 0)
    with pytest.raises(ValueError, match="outside"):
        explain_mlp_entry(r, "x", 2, 0)
