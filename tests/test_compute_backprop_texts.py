"""The backprop explanation texts never write a doubled sign, whatever the values' signs."""

from __future__ import annotations

import re

import numpy as np
import pytest

from visualizer.compute import (
    MLPProblem,
    explain_element,
    mlp_gradients,
    product_entry_text,
    worked_dx_element,
)

# Two signs with only spaces between ("−-0.4", "+ -0.3", "− −1"), or a sign negating a
# parenthesised negative number ("-(-0.5)").
DOUBLED = re.compile(r"[-−+]\s*[-−+]|[-−]\s*\(\s*[-−]")


def negative_problem() -> MLPProblem:
    rng = np.random.default_rng(3)
    x = -rng.uniform(0.2, 1.0, size=(1, 3))
    W1 = rng.uniform(0.2, 1.0, size=(3, 4))  # x < 0, W1 > 0: every f1 < 0
    b1 = -rng.uniform(0.1, 0.5, size=(1, 4))
    W2 = -rng.uniform(0.2, 1.0, size=(4, 3))
    b2 = -rng.uniform(0.1, 0.5, size=(1, 3))
    return MLPProblem(np.round(x, 2), np.round(W1, 2), np.round(b1, 2), W2, b2, 1, 0)


def all_texts(problem: MLPProblem) -> list[str]:
    grads = mlp_gradients(*problem.args())
    names = ["x", "y", "W1", "b1", "W2", "b2", *grads]
    tensors = dict(zip(("x", "y", "W1", "b1", "W2", "b2"), problem.args(), strict=True))
    texts = []
    for name in names:
        value = grads.get(name, tensors.get(name))
        rows, cols = np.atleast_2d(value).shape
        for i in range(rows):
            for j in range(cols):
                texts.append(explain_element(problem, grads, name, i, j))
    for j in range(problem.x.shape[1]):
        texts.append(worked_dx_element(grads, problem.W1, j).text())
        texts.append(product_entry_text(grads["dE_df1"], problem.W1.T, j, "dE/df1", "W1ᵀ", "dE/dx"))
    return texts


def test_no_text_writes_a_doubled_sign_for_negative_values():
    problem = negative_problem()
    grads = mlp_gradients(*problem.args())
    assert np.all(grads["f1"] < 0) and np.all(problem.b1 < 0) and np.all(problem.b2 < 0)
    texts = all_texts(problem)
    assert len(texts) > 60
    bad = [t for t in texts if DOUBLED.search(t)]
    assert not bad, bad[:5]


@pytest.mark.parametrize(
    ("f1", "exponent"), [(-0.4177, "e^(0.4177)"), (0.4177, "e^(−0.4177)"), (0.0, "e^(−0)")]
)
def test_sigmoid_hover_writes_the_exponent_once(f1, exponent):
    # x = 1, W1 = f1, b1 = 0 puts exactly f1 into the hidden unit.
    problem = MLPProblem(
        np.array([[1.0]]),
        np.array([[f1]]),
        np.array([[0.0]]),
        np.array([[1.0, -1.0]]),
        np.zeros((1, 2)),
        0,
        0,
    )
    grads = mlp_gradients(*problem.args())
    text = explain_element(problem, grads, "a", 0, 0)
    assert text.endswith(f"1 / (1 + {exponent})"), text
    assert not DOUBLED.search(text)


def test_bias_terms_fold_their_sign():
    problem = negative_problem()
    grads = mlp_gradients(*problem.args())
    text = explain_element(problem, grads, "f1", 0, 0)
    assert text.endswith(f"− {abs(problem.b1[0, 0]):.4g}"), text
    loss_text = explain_element(problem, grads, "E", 0, 0)
    assert "-(" not in loss_text and "−(" not in loss_text
