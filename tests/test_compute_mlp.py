"""The batched perceptron (mlp_backprop and friends) against independent derivations (no Qt).

The loss is written again here from its definitions (plain formulas, one layer at a time) and
differentiated by central differences entry by entry; nothing is compared with the module's
own finite differences except where the module's check is itself under test.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest

from visualizer.compute import (
    ACTIVATION_RULES,
    HIDDEN_ACTIVATIONS,
    activation_jacobian,
    activation_slope,
    mlp_backprop,
    mlp_gradient_check,
    mlp_gradient_names,
    mlp_gradients,
    mlp_numerical_gradients,
    mlp_summary,
    per_sample_gradients,
)


# ----- the network from its definitions ---------------------------------------------------------
def hand_activation(z: np.ndarray, name: str) -> np.ndarray:
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    return z / (1.0 + np.exp(-1.702 * z))  # the sheet's GeLU, x σ(1.702 x)


def hand_sample_loss(out: np.ndarray, y: np.ndarray, loss: str) -> float:
    if loss == "cross_entropy":
        log_norm = math.log(sum(math.exp(v) for v in out))
        return -sum(yk * (ok - log_norm) for yk, ok in zip(y, out, strict=True))
    if loss == "mse":
        return 0.5 * sum((ok - yk) ** 2 for ok, yk in zip(out, y, strict=True))
    total = 0.0  # binary cross-entropy of sigmoid outputs
    for ok, yk in zip(out, y, strict=True):
        p = 1.0 / (1.0 + math.exp(-ok))
        total -= yk * math.log(p) + (1 - yk) * math.log(1 - p)
    return total


def hand_loss_from(layer, value, net, y, activation, loss, reduction):
    """E with the pre-activations of layer ``layer`` (0-based) set to ``value`` (B x M)."""
    weights, biases = net
    f = value
    for li in range(layer + 1, len(weights)):
        f = hand_activation(f, activation) @ weights[li] + biases[li]
    per_sample = [hand_sample_loss(f[b], y[b], loss) for b in range(f.shape[0])]
    return sum(per_sample) / (len(per_sample) if reduction == "mean" else 1)


def hand_loss(x, net, y, activation, loss, reduction):
    weights, biases = net
    return hand_loss_from(0, x @ weights[0] + biases[0], net, y, activation, loss, reduction)


def central_diff(fun, at: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(at)
    for idx in np.ndindex(at.shape):
        plus, minus = at.copy(), at.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (fun(plus) - fun(minus)) / (2 * h)
    return grad


def random_case(seed: int, loss: str):
    rng = np.random.default_rng(seed)
    B = int(rng.integers(1, 5))
    depth = int(rng.integers(1, 4))
    sizes = [int(v) for v in rng.integers(1, 5, size=depth + 1)]
    sizes[-1] = max(sizes[-1], 2) if loss == "cross_entropy" else sizes[-1]
    weights = [rng.normal(size=(a, b)) for a, b in itertools.pairwise(sizes)]
    biases = [rng.normal(size=b) for b in sizes[1:]]
    x = rng.normal(size=(B, sizes[0]))
    K = sizes[-1]
    if loss == "cross_entropy":
        y = np.eye(K)[rng.integers(K, size=B)]
    elif loss == "mse":
        y = rng.normal(size=(B, K))
    else:
        y = rng.integers(0, 2, size=(B, K)).astype(float)
    return x, y, weights, biases


LOSSES = ["cross_entropy", "mse", "binary_cross_entropy"]


# ----- gradients against central differences of the hand loss ---------------------------------
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_every_gradient_matches_central_differences_of_the_hand_loss(activation, loss, reduction):
    seed = 100 * HIDDEN_ACTIVATIONS.index(activation) + 10 * LOSSES.index(loss) + len(reduction)
    x, y, Ws, bs = random_case(seed, loss)
    r = mlp_backprop(x, y, Ws, bs, activation, loss, reduction)
    net = (Ws, bs)
    assert r.loss == pytest.approx(hand_loss(x, net, y, activation, loss, reduction), rel=1e-12)
    expected_dx = central_diff(lambda v: hand_loss(v, net, y, activation, loss, reduction), x)
    np.testing.assert_allclose(r.grad_x, expected_dx, rtol=1e-6, atol=1e-8)
    for li in range(len(Ws)):

        def with_W(v, li=li):
            return hand_loss(x, ([*Ws[:li], v, *Ws[li + 1 :]], bs), y, activation, loss, reduction)

        def with_b(v, li=li):
            return hand_loss(x, (Ws, [*bs[:li], v, *bs[li + 1 :]]), y, activation, loss, reduction)

        assert r.grad_weights[li].shape == Ws[li].shape
        assert r.grad_biases[li].shape == bs[li].shape
        np.testing.assert_allclose(
            r.grad_weights[li], central_diff(with_W, Ws[li]), rtol=1e-6, atol=1e-8
        )
        np.testing.assert_allclose(
            r.grad_biases[li], central_diff(with_b, bs[li]), rtol=1e-6, atol=1e-8
        )
        # The upstream gradient dE/df of every layer, from the loss re-run from that layer.
        f = r.pre[li]
        expected = central_diff(
            lambda v, li=li: hand_loss_from(li, v, net, y, activation, loss, reduction), f
        )
        np.testing.assert_allclose(r.grad_pre[li], expected, rtol=1e-6, atol=1e-8)


def test_forward_values_follow_the_definitions():
    x, y, Ws, bs = random_case(7, "cross_entropy")
    r = mlp_backprop(x, y, Ws, bs, "tanh")
    a = x
    for li, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        f = a @ W + b
        np.testing.assert_allclose(r.pre[li], f, rtol=1e-13, atol=1e-13)
        a = f if li == len(Ws) - 1 else np.tanh(f)
        np.testing.assert_allclose(r.post[li], a, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(r.output, a)
    e = np.exp(a - a.max(axis=1, keepdims=True))
    np.testing.assert_allclose(r.probabilities, e / e.sum(axis=1, keepdims=True), rtol=1e-13)
    assert r.batch == x.shape[0] and r.depth == len(Ws)


def test_mean_puts_one_over_B_into_the_output_gradient():
    x, y, Ws, bs = random_case(3, "cross_entropy")
    mean = mlp_backprop(x, y, Ws, bs, reduction="mean")
    total = mlp_backprop(x, y, Ws, bs, reduction="sum")
    B = x.shape[0]
    assert mean.scale == 1 / B and total.scale == 1
    e = np.exp(total.output - total.output.max(axis=1, keepdims=True))
    o = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(total.grad_output, o - y, atol=1e-14)
    np.testing.assert_allclose(mean.grad_output, (o - y) / B, atol=1e-14)
    for g_mean, g_sum in zip(mean.grad_weights, total.grad_weights, strict=True):
        np.testing.assert_allclose(g_mean * B, g_sum, rtol=1e-12, atol=1e-14)
    # The bias gradient is the column sum of dE/df.
    for db, delta in zip(total.grad_biases, total.grad_pre, strict=True):
        np.testing.assert_allclose(db, [sum(delta[:, j]) for j in range(delta.shape[1])])


def test_sheet_case_agrees_with_mlp_gradients():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(1, 4))
    W1, b1 = rng.normal(size=(4, 3)), rng.normal(size=(1, 3))
    W2, b2 = rng.normal(size=(3, 5)), rng.normal(size=(1, 5))
    y = np.eye(5)[[2]]
    sheet = mlp_gradients(x, y, W1, b1, W2, b2)
    r = mlp_backprop(x, y, [W1, W2], [b1, b2])
    pairs = {
        "dE_dx": r.grad_x,
        "dE_dW1": r.grad_weights[0],
        "dE_dW2": r.grad_weights[1],
        "dE_df1": r.grad_pre[0],
        "dE_df2": r.grad_pre[1],
        "dE_da": r.grad_post[0],
    }
    for key, ours in pairs.items():
        np.testing.assert_allclose(ours, sheet[key], rtol=1e-12, atol=1e-15, err_msg=key)
    np.testing.assert_allclose(r.grad_biases[0], sheet["dE_db1"][0], rtol=1e-12)
    assert r.loss == pytest.approx(float(sheet["E"][0, 0]), rel=1e-14)


# ----- per sample ---------------------------------------------------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse"])
def test_batch_gradient_is_the_sum_or_mean_of_single_sample_gradients(reduction, loss):
    rng = np.random.default_rng(5)
    B, sizes = 6, [3, 4, 4, 2]
    Ws = [rng.normal(size=(a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [rng.normal(size=b) for b in sizes[1:]]
    x = rng.normal(size=(B, 3))
    y = np.eye(2)[rng.integers(2, size=B)] if loss == "cross_entropy" else rng.normal(size=(B, 2))
    batch = mlp_backprop(x, y, Ws, bs, "relu", loss, reduction)
    singles = [mlp_backprop(x[b : b + 1], y[b : b + 1], Ws, bs, "relu", loss) for b in range(B)]
    per = per_sample_gradients(x, y, Ws, bs, "relu", loss)
    factor = 1 / B if reduction == "mean" else 1.0
    for li in range(len(Ws)):
        by_hand = factor * sum(s.grad_weights[li] for s in singles)
        np.testing.assert_allclose(batch.grad_weights[li], by_hand, rtol=1e-12, atol=1e-14)
        for b in range(B):
            np.testing.assert_allclose(per.grad_weights[li][b], singles[b].grad_weights[li])
            np.testing.assert_allclose(per.grad_biases[li][b], singles[b].grad_biases[li])
    combined_W, combined_b = per.combined(reduction)
    for li in range(len(Ws)):
        np.testing.assert_allclose(combined_W[li], batch.grad_weights[li], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(combined_b[li], batch.grad_biases[li], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(per.losses, [s.loss for s in singles], rtol=1e-14)


# ----- activations --------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_activation_jacobian_is_the_diagonal_of_the_slope(activation):
    z = np.array([[-2.5, -0.4, 0.3, 1.7], [0.9, -1.1, 2.2, -0.05]])
    J = activation_jacobian(z, activation)
    assert J.shape == (2, 4, 4)
    h = 1e-6
    slope = (hand_activation(z + h, activation) - hand_activation(z - h, activation)) / (2 * h)
    for b in range(2):
        np.testing.assert_allclose(np.diag(J[b]), slope[b], rtol=1e-7, atol=1e-9)
        assert np.count_nonzero(J[b] - np.diag(np.diag(J[b]))) == 0
    assert activation_jacobian(z[0], activation).shape == (4, 4)
    assert activation in ACTIVATION_RULES and ACTIVATION_RULES[activation].jacobian


def test_relu_slope_at_zero_is_zero_as_in_pytorch():
    np.testing.assert_array_equal(activation_slope([-1.0, 0.0, 1e-300, 2.0], "relu"), [0, 0, 1, 1])
    np.testing.assert_allclose(activation_slope([-30.0, 0.0, 30.0], "sigmoid")[1], 0.25)


# ----- summary ------------------------------------------------------------------------------
def test_summary_counts_equal_parameter_sizes_and_never_depend_on_B():
    N, widths = 5, [7, 3, 4]
    rng = np.random.default_rng(0)
    sizes = [N, *widths]
    Ws = [rng.normal(size=(a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [rng.normal(size=b) for b in widths]
    totals = set()
    for B in (1, 8, 64):
        s = mlp_summary(N, widths, B, "tanh")
        linear = [row for row in s.rows if row.kind == "linear"]
        assert [row.param_count for row in linear] == [
            W.size + b.size for W, b in zip(Ws, bs, strict=True)
        ]
        assert [row.param_shapes for row in linear] == [
            (W.shape, b.shape) for W, b in zip(Ws, bs, strict=True)
        ]
        assert all(row.param_count == 0 for row in s.rows if row.kind == "activation")
        assert [row.output_shape for row in s.rows] == [(B, 7), (B, 7), (B, 3), (B, 3), (B, 4)]
        assert s.total_params == sum(W.size + b.size for W, b in zip(Ws, bs, strict=True))
        totals.add(s.trainable_params)
        assert "Total parameters" in s.text()
    assert totals == {5 * 7 + 7 + 7 * 3 + 3 + 3 * 4 + 4}


def test_summary_of_the_sheet_uses_the_sheets_letters():
    s = mlp_summary(4, [3, 2], 8)
    assert s.rows[0].output_text == "B×M = 8×3"
    assert s.rows[0].params_text == "W1 4×3, b1 3"
    assert s.rows[-1].output_text == "B×K = 8×2"
    deep = mlp_summary(4, [3, 5, 2], 1)
    assert [r.output_symbolic[1] for r in deep.rows] == ["M1", "M1", "M2", "M2", "K"]


def test_summary_rejects_bad_sizes():
    for args in ((0, [3], 1), (4, [], 1), (4, [3, 0], 1), (4, [3], 0), (4, [3.5], 1)):
        with pytest.raises(ValueError):
            mlp_summary(*args)


# ----- bad input --------------------------------------------------------------------------------
def test_shapes_that_do_not_chain_name_both_sizes():
    x, y = np.zeros((2, 4)), np.eye(3)[[0, 1]]
    W1, b1, W2, b2 = np.zeros((4, 5)), np.zeros(5), np.zeros((6, 3)), np.zeros(3)
    with pytest.raises(ValueError, match=r"W2 has 6 rows but W1 has 5 columns"):
        mlp_backprop(x, y, [W1, W2], [b1, b2])
    with pytest.raises(ValueError, match=r"W1 has 4 rows but x has 3 columns"):
        mlp_backprop(np.zeros((2, 3)), y, [W1, np.zeros((5, 3))], [b1, b2])
    with pytest.raises(ValueError, match=r"b1 has shape \(4,\) but W1 has 5 columns"):
        mlp_backprop(x, y, [W1, np.zeros((5, 3))], [np.zeros(4), b2])
    with pytest.raises(ValueError, match=r"y has 3 rows but x has 2"):
        mlp_backprop(x, np.eye(3), [W1, np.zeros((5, 3))], [b1, b2])
    with pytest.raises(ValueError, match=r"y has 2 columns but the output layer has 3"):
        mlp_backprop(x, np.zeros((2, 2)), [W1, np.zeros((5, 3))], [b1, b2])
    with pytest.raises(ValueError, match="activation"):
        mlp_backprop(x, y, [W1, np.zeros((5, 3))], [b1, b2], activation="swish")
    with pytest.raises(ValueError, match="loss"):
        mlp_backprop(x, y, [W1, np.zeros((5, 3))], [b1, b2], loss="hinge")
    with pytest.raises(ValueError, match="reduction"):
        mlp_backprop(x, y, [W1, np.zeros((5, 3))], [b1, b2], reduction="max")
    with pytest.raises(ValueError, match="finite"):
        mlp_backprop(x, y, [W1, np.full((5, 3), np.nan)], [b1, b2])


def test_huge_values_give_no_warning():
    x = np.full((2, 3), 1e200)
    Ws, bs = [np.full((3, 4), 1e200), np.ones((4, 2))], [np.zeros(4), np.zeros(2)]
    for activation in HIDDEN_ACTIVATIONS:
        r = mlp_backprop(x, np.eye(2), Ws, bs, activation)
        assert isinstance(r.loss, float)


# ----- the module's own finite-difference check -----------------------------------------------
@pytest.mark.parametrize("method", ["layerwise", "per_parameter"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_check_passes_on_random_networks(method, seed):
    loss = LOSSES[seed]
    x, y, Ws, bs = random_case(20 + seed, loss)
    activation = HIDDEN_ACTIVATIONS[seed]
    checks = mlp_gradient_check(x, y, Ws, bs, activation, loss, method=method)
    assert [c.name for c in checks] == mlp_gradient_names(len(Ws))
    assert all(c.passed for c in checks), [(c.name, c.max_rel_error) for c in checks]
    # Independent numbers: the module's estimate equals the test's own central differences.
    numeric = {c.name: c.numeric for c in checks}
    net = (Ws, bs)
    for li in range(len(Ws)):

        def with_W(v, li=li):
            return hand_loss(x, ([*Ws[:li], v, *Ws[li + 1 :]], bs), y, activation, loss, "mean")

        np.testing.assert_allclose(
            numeric[f"dE/dW{li + 1}"], central_diff(with_W, Ws[li]), rtol=1e-5, atol=1e-8
        )
    np.testing.assert_allclose(
        numeric["dE/dx"],
        central_diff(lambda v: hand_loss(v, net, y, activation, loss, "mean"), x),
        rtol=1e-5,
        atol=1e-8,
    )


def test_gradient_check_catches_a_wrong_gradient():
    x, y, Ws, bs = random_case(4, "cross_entropy")
    r = mlp_backprop(x, y, Ws, bs)
    bad_W = list(r.grad_weights)
    bad_W[0] = bad_W[0] * 1.01
    tampered = dataclasses.replace(r, grad_weights=tuple(bad_W))
    checks = {c.name: c for c in mlp_gradient_check(x, y, Ws, bs, result=tampered)}
    assert not checks["dE/dW1"].passed
    assert all(c.passed for name, c in checks.items() if name != "dE/dW1")


def test_both_methods_estimate_the_same_parameter_gradients():
    x, y, Ws, bs = random_case(9, "mse")
    a = mlp_numerical_gradients(x, y, Ws, bs, "gelu", "mse", "sum")
    b = mlp_numerical_gradients(x, y, Ws, bs, "gelu", "mse", "sum", method="per_parameter")
    assert list(a) == list(b)
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=1e-6, atol=1e-8, err_msg=name)
    with pytest.raises(ValueError, match="method"):
        mlp_numerical_gradients(x, y, Ws, bs, method="guess")


def test_gradient_names_follow_the_sheet():
    assert mlp_gradient_names(2) == [
        "dE/df2", "dE/da", "dE/df1", "dE/dx", "dE/dW1", "dE/db1", "dE/dW2", "dE/db2",
    ]  # fmt: skip
    assert mlp_gradient_names(3)[:4] == ["dE/df3", "dE/da2", "dE/df2", "dE/da1"]
