"""One sample's chain of Jacobians for any depth, the random network, the shapes table.

Checked against a loss written here from scratch (finite differences of it), against the
sheet's own chain (``chain_product``) where the two must agree, and against array shapes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from visualizer.compute.backprop import (
    CHAIN_VARIANTS,
    chain_product,
    mlp_gradients,
    random_problem,
    symbolic_shapes,
)
from visualizer.compute.mlp import mlp_backprop
from visualizer.compute.mlp_chain import (
    chain_variant_labels,
    correct_factors,
    mlp_shape_rows,
    random_network,
    sample_chain,
    sample_shortcut,
    sample_worked_dx,
)

ACTS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "gelu": lambda z: z / (1 + np.exp(-1.702 * z)),
}


def hand_loss(x, y, Ws, bs, activation, loss, reduction):
    """E written out independently: forward layer by layer, then the per-sample losses."""
    h = x
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        h = h @ W + b
        if k < len(Ws) - 1:
            h = ACTS[activation](h)
    if loss == "mse":
        per = 0.5 * np.sum((h - y) ** 2, axis=1)
    else:
        z = h - h.max(axis=1, keepdims=True)
        per = -np.sum(y * (z - np.log(np.exp(z).sum(axis=1, keepdims=True))), axis=1)
    return per.mean() if reduction == "mean" else per.sum()


def fd_row(net_args, b, h=1e-6):
    x, y, Ws, bs, act, loss, red = net_args
    row = []
    for n in range(x.shape[1]):
        plus, minus = x.copy(), x.copy()
        plus[b, n] += h
        minus[b, n] -= h
        row.append((hand_loss(plus, y, Ws, bs, act, loss, red)
                    - hand_loss(minus, y, Ws, bs, act, loss, red)) / (2 * h))  # fmt: skip
    return np.array(row)


# ----- the random network ------------------------------------------------------------------------
@pytest.mark.parametrize(("N", "M", "K", "seed"), [(4, 3, 2, 0), (3, 3, 3, 5), (1, 7, 4, 2)])
def test_one_hidden_layer_and_one_sample_are_the_sheets_values(N, M, K, seed):
    p = random_problem(N, M, K, 1 % K, seed)
    r = random_network(N, [M], K, 1, 1 % K, seed)
    sheet = (p.x, p.y, p.W1, p.W2, p.b1, p.b2)
    for mine, theirs in zip((r.x, r.y, *r.weights, *r.biases), sheet, strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_a_bigger_batch_keeps_sample_1_and_the_weights():
    one = random_network(4, [3, 5], 2, 1, 1, 9)
    eight = random_network(4, [3, 5], 2, 8, 1, 9)
    np.testing.assert_array_equal(eight.x[:1], one.x)
    for a, b in zip(one.weights + one.biases, eight.weights + eight.biases, strict=True):
        np.testing.assert_array_equal(a, b)
    assert eight.x.shape == (8, 4) and eight.classes[0] == 1 and len(eight.classes) == 8
    np.testing.assert_array_equal(eight.y, np.eye(2)[list(eight.classes)])
    assert np.all(np.abs(eight.x) <= 1) and np.all(np.round(eight.x, 2) == eight.x)
    assert [W.shape for W in eight.weights] == [(4, 3), (3, 5), (5, 2)]


@pytest.mark.parametrize(
    ("args", "words"),
    [((0, [3], 2), "N must be"), ((4, [], 2), "1 to 4 hidden"), ((4, [3] * 5, 2), "1 to 4"),
     ((4, [65], 2), "hidden width"), ((4, [3], 2, 65), "B must be")],
)  # fmt: skip
def test_bad_sizes_are_refused(args, words):
    with pytest.raises(ValueError, match=words):
        random_network(*args)


# ----- the chain ---------------------------------------------------------------------------------
CASES = list(
    itertools.product(["sigmoid", "tanh", "relu", "gelu"], ["cross_entropy", "mse"],
                      ["mean", "sum"], [1, 2, 3])
)  # fmt: skip


@pytest.mark.parametrize(("activation", "loss", "reduction", "hidden"), CASES)
def test_every_samples_chain_is_its_row_of_dE_dx(activation, loss, reduction, hidden):
    rng = np.random.default_rng(hidden)
    widths = list(rng.integers(2, 5, size=hidden))
    B = int(rng.integers(1, 4))
    r = random_network(3, widths, 3, B, 0, hidden + 10)
    net = mlp_backprop(r.x, r.y, r.weights, r.biases, activation, loss, reduction)
    args = (r.x, r.y, [*r.weights], [*r.biases], activation, loss, reduction)
    for b in range(B):
        chain = sample_chain(net, b)
        assert chain.ok and chain.result.shape == (1, 3)
        np.testing.assert_allclose(chain.result[0], fd_row(args, b), atol=1e-6)
        np.testing.assert_allclose(chain.result, net.grad_x[b : b + 1], atol=1e-12)
        # One factor more per hidden layer: a weight transpose and a diagonal each.
        first = 2 if loss == "cross_entropy" else 1
        assert len(chain.factors) == first + 2 * hidden + 1
        assert chain.partial_names[-1] == "dE/dx"
        for factor in chain.factors:
            if factor.diagonal:
                np.testing.assert_array_equal(factor.matrix, np.diag(np.diag(factor.matrix)))


def test_relu_slope_at_exactly_zero_is_zero():
    x = np.array([[1.0, -1.0]])
    W1 = np.array([[1.0, 2.0], [1.0, 1.0]])  # f1 = [0, 1]: the first unit sits on the kink
    net = mlp_backprop(x, np.eye(2)[[0]], [W1, np.eye(2)], [np.zeros(2), np.zeros(2)], "relu")
    diag = next(f for f in correct_factors(net) if f.diagonal)
    np.testing.assert_array_equal(diag.matrix, np.diag([0.0, 1.0]))


@pytest.mark.parametrize("variant", list(CHAIN_VARIANTS))
@pytest.mark.parametrize(("N", "M", "K"), [(4, 3, 2), (3, 3, 3), (2, 1, 2), (3, 4, 4)])
def test_the_sheets_case_is_the_sheets_chain(variant, N, M, K):
    p = random_problem(N, M, K, 0, 3)
    sheet = chain_product(mlp_gradients(*p.args()), variant)
    mine = sample_chain(mlp_backprop(p.x, p.y, [p.W1, p.W2], [p.b1, p.b2]), 0, variant)
    assert [f.name for f in mine.factors] == [f.name for f in sheet.factors]
    assert [f.symbolic for f in mine.factors] == [f.symbolic for f in sheet.factors]
    assert mine.partial_names == sheet.partial_names and mine.note == sheet.note
    assert mine.mismatch == sheet.mismatch
    for a, b in zip(mine.partials, sheet.partials, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-15)


def test_a_wrong_factor_in_a_deep_net_stops_at_the_mismatch_in_words():
    r = random_network(4, [3, 5], 2, 2, 0, 1)
    net = mlp_backprop(r.x, r.y, r.weights, r.biases, "tanh")
    chain = sample_chain(net, 1, "W2")  # W3 is 5×2, W3ᵀ 2×5: untransposed it cannot follow
    assert not chain.ok and "W3 (not W3ᵀ)" in chain.mismatch and chain.result is None
    assert "inner dimensions do not match" in chain.note
    chain = sample_chain(net, 1, "no_diag")
    assert chain.ok and "yet the values are wrong" in chain.note and "of sample 2" in chain.note
    labels = chain_variant_labels(3, "tanh")
    assert labels["W2"] == "Wrong: W3 instead of W3ᵀ" and "diag(1−a²)" in labels["correct"]


def test_the_chain_of_one_sample_is_scaled_by_1_over_B_for_the_mean():
    r = random_network(3, [4], 2, 4, 0, 2)
    mean = sample_chain(mlp_backprop(r.x, r.y, r.weights, r.biases, reduction="mean"), 2)
    total = sample_chain(mlp_backprop(r.x, r.y, r.weights, r.biases, reduction="sum"), 2)
    np.testing.assert_allclose(4 * mean.result, total.result, atol=1e-14)
    assert mean.factors[0].formula == "−y / (4·o)" and total.factors[0].formula == "−y / o"


def test_shortcut_and_worked_sum_of_a_sample():
    r = random_network(3, [4], 3, 3, 2, 4)
    net = mlp_backprop(r.x, r.y, r.weights, r.biases)
    full, short, diff = sample_shortcut(net, 1)
    softmax = np.exp(net.output[1]) / np.exp(net.output[1]).sum()
    np.testing.assert_allclose(short[0], (softmax - r.y[1]) / 3, atol=1e-15)
    np.testing.assert_allclose(full, short, atol=1e-15) and diff < 1e-15
    worked = sample_worked_dx(net, 2, 1)
    assert worked.total == pytest.approx(net.grad_x[2, 1], abs=1e-15)
    np.testing.assert_allclose(worked.weights, r.weights[0][1])
    huge = mlp_backprop(r.x, np.eye(3)[[1, 1, 1]], r.weights, [r.biases[0], [[1000, -1000, 0]]])
    assert sample_shortcut(huge, 0)[2] == np.inf
    with pytest.raises(ValueError, match="sample must be between 1 and B = 3"):
        sample_chain(net, 3)


# ----- the shapes table --------------------------------------------------------------------------
def test_the_sheets_table_is_unchanged():
    assert mlp_shape_rows(4, [3], 2) == symbolic_shapes(4, 3, 2)


@pytest.mark.parametrize(("hidden", "B", "loss"), [([3, 5], 8, "mse"), ([2], 4, "cross_entropy"),
                                                   ([2, 3, 4, 5], 1, "cross_entropy")])  # fmt: skip
def test_every_shape_in_the_table_is_the_shape_of_its_array(hidden, B, loss):
    r = random_network(4, hidden, 3, B, 0, 0)
    net = mlp_backprop(r.x, r.y, r.weights, r.biases, "relu", loss)
    from visualizer.compute.mlp_text import mlp_tensors

    # The batched tensors win over one sample's factor of the same name (mse's dE/dfL).
    arrays = {f.name: f.matrix for f in correct_factors(net)} | mlp_tensors(net)
    rows = mlp_shape_rows(4, hidden, 3, B, "relu", loss)
    for row in rows:
        name = row.name.split(" =")[0]
        if name == "dE/do":
            continue  # one sample's row: checked with the factors below
        shape = arrays[name].shape
        assert row.numeric == f"{shape[0]}×{shape[1]}", row
    letters = {row.name.split(" =")[0]: row.symbolic for row in rows}
    assert letters["x"] == ("B×N" if B > 1 else "1×N") and letters["dE/dW1"].startswith("N×")
    assert not any("B" in letters[f"dE/dW{k}"] for k in range(1, len(hidden) + 2))
