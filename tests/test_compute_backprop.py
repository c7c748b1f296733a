"""Backprop compute core against independent derivations (no Qt).

Every expected value here is written from the definitions in the test itself: the loss by
hand loops, numerical derivatives by central differences of that hand loss, the Jacobians
element by element and their product by explicit loops. Nothing is compared with the
module's own finite differences.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from visualizer.compute import (
    CHAIN_VARIANTS,
    chain_product,
    gradient_check,
    mlp_gradients,
    mlp_loss,
    numerical_gradients,
    one_hot,
    random_problem,
    softmax_shortcut,
    stable_log_softmax,
    stable_softmax,
    symbolic_shapes,
    worked_dx_element,
)


# ----- the network from its definitions, by hand -------------------------------------------
def hand_sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def hand_loss_from_f2(f2: np.ndarray, y: np.ndarray) -> float:
    """E = -sum_k y_k ln(e^{f2_k} / sum_j e^{f2_j}), plain formula (fine for small logits)."""
    denom = sum(math.exp(v) for v in f2[0])
    return -sum(y[0, k] * math.log(math.exp(f2[0, k]) / denom) for k in range(f2.shape[1]))


def hand_loss_from_a(a, y, W2, b2):
    M, K = W2.shape
    f2 = np.array([[sum(a[0, m] * W2[m, k] for m in range(M)) + b2[0, k] for k in range(K)]])
    return hand_loss_from_f2(f2, y)


def hand_loss_from_f1(f1, y, W2, b2):
    a = np.array([[hand_sigmoid(v) for v in f1[0]]])
    return hand_loss_from_a(a, y, W2, b2)


def hand_loss(x, y, W1, b1, W2, b2):
    N, M = W1.shape
    f1 = np.array([[sum(x[0, n] * W1[n, m] for n in range(N)) + b1[0, m] for m in range(M)]])
    return hand_loss_from_f1(f1, y, W2, b2)


def central_diff(fun, at: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(at)
    for idx in np.ndindex(at.shape):
        plus, minus = at.copy(), at.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (fun(plus) - fun(minus)) / (2 * h)
    return grad


def random_case(seed: int):
    rng = np.random.default_rng(seed)
    N, M, K = (int(v) for v in rng.integers(1, 7, size=3))
    K = max(K, 2)
    x = rng.normal(size=(1, N))
    W1 = rng.normal(size=(N, M))
    b1 = rng.normal(size=(1, M))
    W2 = rng.normal(size=(M, K))
    b2 = rng.normal(size=(1, K))
    y = np.zeros((1, K))
    y[0, rng.integers(K)] = 1.0
    return x, y, W1, b1, W2, b2


SEEDS = list(range(8))


# ----- gradients against finite differences ---------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_parameter_and_input_gradients_match_central_differences(seed):
    x, y, W1, b1, W2, b2 = random_case(seed)
    g = mlp_gradients(x, y, W1, b1, W2, b2)
    expected = {
        "dE_dx": central_diff(lambda v: hand_loss(v, y, W1, b1, W2, b2), x),
        "dE_dW1": central_diff(lambda v: hand_loss(x, y, v, b1, W2, b2), W1),
        "dE_db1": central_diff(lambda v: hand_loss(x, y, W1, v, W2, b2), b1),
        "dE_dW2": central_diff(lambda v: hand_loss(x, y, W1, b1, v, b2), W2),
        "dE_db2": central_diff(lambda v: hand_loss(x, y, W1, b1, W2, v), b2),
    }
    for name, numeric in expected.items():
        assert g[name].shape == numeric.shape, name
        np.testing.assert_allclose(g[name], numeric, atol=1e-7, rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("seed", SEEDS)
def test_intermediate_gradients_match_central_differences(seed):
    x, y, W1, b1, W2, b2 = random_case(seed)
    g = mlp_gradients(x, y, W1, b1, W2, b2)
    N, M = W1.shape
    f1 = np.array([[sum(x[0, n] * W1[n, m] for n in range(N)) + b1[0, m] for m in range(M)]])
    a = np.array([[hand_sigmoid(v) for v in f1[0]]])
    f2 = a @ W2 + b2
    np.testing.assert_allclose(g["f1"], f1, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g["a"], a, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g["f2"], f2, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(g["E"][0, 0], hand_loss(x, y, W1, b1, W2, b2), rtol=1e-12)
    checks = {
        "dE_df2": central_diff(lambda v: hand_loss_from_f2(v, y), f2),
        "dE_da": central_diff(lambda v: hand_loss_from_a(v, y, W2, b2), a),
        "dE_df1": central_diff(lambda v: hand_loss_from_f1(v, y, W2, b2), f1),
    }
    for name, numeric in checks.items():
        np.testing.assert_allclose(g[name], numeric, atol=1e-7, rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("seed", SEEDS)
def test_dE_df2_is_o_minus_y(seed):
    x, y, W1, b1, W2, b2 = random_case(seed)
    g = mlp_gradients(x, y, W1, b1, W2, b2)
    f2 = g["f2"][0]
    o_hand = np.array([[math.exp(v) / sum(math.exp(u) for u in f2) for v in f2]])
    np.testing.assert_allclose(g["o"], o_hand, rtol=1e-13)
    np.testing.assert_array_equal(g["dE_df2"], g["o"] - y)
    np.testing.assert_allclose(g["dE_df2"], o_hand - y, atol=1e-15)
    np.testing.assert_array_equal(g["dE_db2"], g["dE_df2"])
    np.testing.assert_array_equal(g["dE_db1"], g["dE_df1"])


@pytest.mark.parametrize("seed", SEEDS)
def test_jacobians_and_their_product_by_hand(seed):
    x, y, W1, b1, W2, b2 = random_case(seed)
    g = mlp_gradients(x, y, W1, b1, W2, b2)
    N, M = W1.shape
    K = W2.shape[1]
    o, a = g["o"][0], g["a"][0]
    dE_do = np.array([[-y[0, k] / o[k] for k in range(K)]])
    J_o_f2 = np.array([[o[i] * ((i == j) - o[j]) for j in range(K)] for i in range(K)])
    J_f2_a = np.array([[W2[m, k] for m in range(M)] for k in range(K)])
    J_a_f1 = np.array([[a[i] * (1 - a[i]) if i == j else 0.0 for j in range(M)] for i in range(M)])
    J_f1_x = np.array([[W1[n, m] for n in range(N)] for m in range(M)])
    np.testing.assert_allclose(g["dE_do"], dE_do, rtol=1e-13)
    np.testing.assert_allclose(g["J_o_f2"], J_o_f2, atol=1e-15)
    np.testing.assert_array_equal(g["J_f2_a"], J_f2_a)
    np.testing.assert_allclose(g["J_a_f1"], J_a_f1, rtol=1e-13, atol=1e-300)
    np.testing.assert_array_equal(g["J_f1_x"], J_f1_x)

    def matmul(A, B):
        assert A.shape[1] == B.shape[0]
        return np.array(
            [
                [sum(A[i, t] * B[t, j] for t in range(A.shape[1])) for j in range(B.shape[1])]
                for i in range(A.shape[0])
            ]
        )

    product = dE_do
    for factor in (J_o_f2, J_f2_a, J_a_f1, J_f1_x):
        product = matmul(product, factor)
    assert product.shape == (1, N)
    np.testing.assert_allclose(g["dE_dx"], product, rtol=1e-9, atol=1e-12)
    # The chain as the module multiplies it gives the same, with the right partial shapes.
    chain = chain_product(g)
    assert chain.ok and chain.mismatch is None
    assert [p.shape for p in chain.partials] == [(1, K), (1, K), (1, M), (1, M), (1, N)]
    np.testing.assert_allclose(chain.result, product, rtol=1e-9, atol=1e-12)


def test_all_shapes_follow_the_reference():
    N, M, K = 5, 3, 4
    p = random_problem(N, M, K, true_class=2, seed=7)
    g = mlp_gradients(*p.args())
    shapes = {
        "f1": (1, M),
        "a": (1, M),
        "f2": (1, K),
        "o": (1, K),
        "E": (1, 1),
        "dE_do": (1, K),
        "dE_df2": (1, K),
        "dE_da": (1, M),
        "dE_df1": (1, M),
        "dE_dx": (1, N),
        "dE_dW1": (N, M),
        "dE_db1": (1, M),
        "dE_dW2": (M, K),
        "dE_db2": (1, K),
        "J_o_f2": (K, K),
        "J_f2_a": (K, M),
        "J_a_f1": (M, M),
        "J_f1_x": (M, N),
    }
    for name, shape in shapes.items():
        assert g[name].shape == shape, name


# ----- numbers that must not break --------------------------------------------------------------
def test_large_logits_stay_finite_without_warnings():
    # f2 = a W2 + b2 with logits of size 1e3 (and 1e5): E = max f2 - f2_true (+ log 1).
    x = np.array([[0.3, -0.2]])
    W1 = np.array([[1.0, -1.0, 0.5], [0.2, 0.4, -0.3]])
    b1 = np.zeros((1, 3))
    W2 = np.array([[1000.0, -1000.0], [-800.0, 600.0], [300.0, 900.0]])
    for scale in (1.0, 100.0):
        b2 = np.array([[1000.0, -1000.0]]) * scale
        for true in (0, 1):
            y = one_hot(true, 2)
            g = mlp_gradients(x, y, W1, b1, W2 * scale, b2)
            f2 = g["f2"][0]
            assert np.max(np.abs(f2)) > 1000 * scale
            for name in ("o", "E", "dE_df2", "dE_dx", "dE_dW1", "dE_dW2", "J_o_f2"):
                assert np.all(np.isfinite(g[name])), name
            expected = float(np.max(f2) - f2[true])
            assert g["E"][0, 0] == pytest.approx(expected, rel=1e-12, abs=1e-12)
            assert mlp_loss(x, y, W1, b1, W2 * scale, b2) == pytest.approx(expected, abs=1e-12)


def test_softmax_helpers_are_stable():
    z = np.array([[1e3, -1e3, 0.0], [1e308, -1e308, 0.0]])
    log_o = stable_log_softmax(z)
    assert log_o[0, 0] == 0.0 and log_o[0, 1] == pytest.approx(-2000.0)
    assert np.all(log_o <= 0)
    o = stable_softmax(z)
    np.testing.assert_allclose(o.sum(axis=-1), 1.0)
    np.testing.assert_allclose(
        stable_softmax([1.0, 2.0, 3.0]), np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum()
    )


def test_shortcut_equals_full_product_and_reports_underflow():
    p = random_problem(4, 3, 5, true_class=3, seed=11)
    g = mlp_gradients(*p.args())
    full, shortcut, diff = softmax_shortcut(g)
    # [-y/o] (diag(o) - o^T o) written out: only the true class row of the Jacobian survives.
    o, k = g["o"][0], 3
    by_hand = np.array([[-(1 / o[k]) * o[k] * ((k == j) - o[j]) for j in range(5)]])
    np.testing.assert_allclose(full, by_hand, atol=1e-15)
    np.testing.assert_allclose(shortcut, o - p.y, atol=1e-15)
    assert diff < 1e-15
    # A true class whose probability underflows to 0: the unfused chain cannot be finite.
    W2 = np.zeros((3, 2))
    W2[:, 0] = 600.0
    g = mlp_gradients(
        np.ones((1, 2)), one_hot(1, 2), np.ones((2, 3)), np.zeros((1, 3)), W2, np.zeros((1, 2))
    )
    full, shortcut, diff = softmax_shortcut(g)
    assert diff == float("inf")
    assert np.all(np.isfinite(shortcut))
    assert "underflowed" in chain_product(g).note


def test_single_class_gives_zero_gradients():
    p = random_problem(3, 2, 1, 0, seed=4)
    g = mlp_gradients(*p.args())
    assert g["E"][0, 0] == 0.0
    assert not np.any(g["dE_dx"])
    assert all(c.passed for c in gradient_check(*p.args()))


def test_bad_shapes_raise_value_error():
    p = random_problem(3, 2, 2, 0, seed=1)
    with pytest.raises(ValueError, match="W1"):
        mlp_gradients(p.x, p.y, p.W1.T, p.b1, p.W2, p.b2)
    with pytest.raises(ValueError, match="y"):
        mlp_gradients(p.x, np.ones((1, 3)), p.W1, p.b1, p.W2, p.b2)
    with pytest.raises(ValueError, match="finite"):
        mlp_gradients(p.x * np.nan, p.y, p.W1, p.b1, p.W2, p.b2)


# ----- gradient check, chain shapes, worked sum, problems ---------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_check_passes_for_random_sizes_and_catches_a_wrong_gradient(seed):
    rng = np.random.default_rng(100 + seed)
    N, M, K = (int(v) for v in rng.integers(1, 40, size=3))
    p = random_problem(N, M, K, int(rng.integers(K)), seed=seed)
    g = mlp_gradients(*p.args())
    checks = gradient_check(*p.args(), grads=g)
    assert [c.name for c in checks] == [
        "dE_df2", "dE_da", "dE_df1", "dE_dx", "dE_dW1", "dE_db1", "dE_dW2", "dE_db2",
    ]  # fmt: skip
    assert all(c.passed and c.max_rel_error < 1e-6 for c in checks)
    numeric = numerical_gradients(*p.args())
    assert numeric["dE_dW1"].shape == (N, M)
    wrong = dict(g)
    wrong["dE_dW1"] = g["dE_dW1"] * 1.001
    failed = {c.name for c in gradient_check(*p.args(), grads=wrong) if not c.passed}
    assert "dE_dW1" in failed


def test_wrong_factor_reports_the_mismatch_in_words():
    p = random_problem(4, 3, 2, 1, seed=0)
    g = mlp_gradients(*p.args())
    w2 = chain_product(g, "W2")
    assert not w2.ok and w2.result is None
    # dE/df2 is 1xK = 1x2, W2 is MxK = 3x2: the product dE/df2 . W2 fails at the inner 2 vs 3.
    assert "1×2" in w2.mismatch and "3×2" in w2.mismatch
    assert "2 columns" in w2.mismatch and "3 rows" in w2.mismatch
    assert "W2" in w2.factors[2].formula
    row = chain_product(g, "slope_row")
    assert not row.ok and "1×3" in row.mismatch and "1 row " in row.mismatch
    w1 = chain_product(g, "W1")
    assert not w1.ok and "4×3" in w1.mismatch
    no_diag = chain_product(g, "no_diag")
    assert no_diag.ok and no_diag.max_abs_deviation > 1e-3
    assert "values are wrong" in no_diag.note
    assert chain_product(g, "correct").max_abs_deviation < 1e-15
    assert set(CHAIN_VARIANTS) == {"correct", "W2", "W1", "slope_row", "no_diag"}


def test_wrong_W2_with_square_layer_fits_but_is_wrong():
    p = random_problem(4, 3, 3, 1, seed=5)
    g = mlp_gradients(*p.args())
    chain = chain_product(g, "W2")
    assert chain.ok
    assert "M = K" in chain.note and chain.max_abs_deviation > 0


def test_worked_sum_for_one_element_of_dE_dx():
    p = random_problem(4, 3, 2, 0, seed=3)
    g = mlp_gradients(*p.args())
    for j in range(4):
        w = worked_dx_element(g, p.W1, j)
        by_hand = sum(g["dE_df1"][0, m] * p.W1[j, m] for m in range(3))
        assert w.total == pytest.approx(by_hand, abs=1e-15)
        assert w.total == pytest.approx(g["dE_dx"][0, j], abs=1e-15)
        text = w.text()
        assert text.startswith(f"dE/dx_{j + 1} =") and text.count("(") == 2 * 3
        assert f"{p.W1[j, 0]:.4g}" in text
    with pytest.raises(ValueError):
        worked_dx_element(g, p.W1, 4)


def test_random_problem_is_reproducible_and_validated():
    a = random_problem(6, 5, 4, 2, seed=42)
    b = random_problem(6, 5, 4, 2, seed=42)
    c = random_problem(6, 5, 4, 2, seed=43)
    for name in ("x", "W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.W1, c.W1)
    assert a.sizes == (6, 5, 4)
    np.testing.assert_array_equal(a.y, [[0, 0, 1, 0]])
    for bad in ((0, 2, 2, 0), (65, 2, 2, 0), (2, 2, 2, 2)):
        with pytest.raises(ValueError):
            random_problem(*bad)


def test_symbolic_shapes_of_exercise_3():
    rows = {r.name: r for r in symbolic_shapes(4, 3, 2)}
    assert (rows["x"].symbolic, rows["x"].numeric) == ("1×N", "1×4")
    assert (rows["W1"].symbolic, rows["W1"].numeric) == ("N×M", "4×3")
    assert (rows["do/df2"].symbolic, rows["do/df2"].numeric) == ("K×K", "2×2")
    assert (rows["df2/da"].symbolic, rows["df2/da"].numeric) == ("K×M", "2×3")
    assert (rows["da/df1"].symbolic, rows["da/df1"].numeric) == ("M×M", "3×3")
    assert (rows["df1/dx"].symbolic, rows["df1/dx"].numeric) == ("M×N", "3×4")
    assert (rows["dE/dx"].symbolic, rows["dE/dx"].numeric) == ("1×N", "1×4")
    assert (rows["dE/dW1"].numeric, rows["dE/dW2"].numeric) == ("4×3", "3×2")
