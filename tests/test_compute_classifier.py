"""train_mlp and friends against an objective written here from its definition (no Qt)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from visualizer.compute import (
    DIVERGENCE_LIMIT,
    classifier_loss,
    evaluate_grid,
    feature_transform,
    init_layers,
    make_dataset,
    predict,
    train_gate,
    train_mlp,
)


# ----- the objective by hand ------------------------------------------------------------------
def act(z: float, name: str) -> float:
    if name == "tanh":
        return math.tanh(z)
    if name == "sigmoid":
        return 1 / (1 + math.exp(-z))
    return max(z, 0.0)


def neg_log_sigmoid(z: float) -> float:
    """−ln σ(z) = ln(1 + e^{−z})."""
    return math.log1p(math.exp(-z)) if z >= 0 else -z + math.log1p(math.exp(z))


def hand_objective(layers, X, y, activation, l2):
    """mean_b [−y ln p − (1 − y) ln(1 − p)] + l2/2 Σ W², p = σ(output), plain loops."""
    total = 0.0
    for point, label in zip(X, y, strict=True):
        values = list(point)
        for li, (W, b) in enumerate(layers):
            sums = [
                sum(values[i] * W[i][j] for i in range(len(values))) + b[j] for j in range(len(b))
            ]
            values = sums if li == len(layers) - 1 else [act(s, activation) for s in sums]
        # −ln p and −ln(1 − p) = −ln σ(−z), written so huge |z| stays finite.
        total += label * neg_log_sigmoid(values[0]) + (1 - label) * neg_log_sigmoid(-values[0])
    penalty = 0.5 * l2 * sum(float(np.sum(np.asarray(W) ** 2)) for W, _ in layers)
    return total / len(y) + penalty


def fd_gradient(layers, X, y, activation, l2, h=1e-6):
    grads = []
    for li, (W, b) in enumerate(layers):
        pair = []
        for which, arr in enumerate((W, b)):
            g = np.zeros_like(arr)
            for idx in np.ndindex(arr.shape):
                values = []
                for step in (h, -h):
                    moved = [(Wk.copy(), bk.copy()) for Wk, bk in layers]
                    moved[li][which][idx] += step
                    values.append(hand_objective(moved, X, y, activation, l2))
                g[idx] = (values[0] - values[1]) / (2 * h)
            pair.append(g)
        grads.append(tuple(pair))
    return grads


def small_problem(seed=0, n=10):
    X, y = make_dataset("gaussians", 20, noise=0.1, seed=seed)
    pick = np.r_[0 : n // 2, 10 : 10 + n - n // 2]  # the first 10 are class 0, the rest 1
    return X[pick] * 0.4, y[pick]  # a few points of order 1, both classes


# ----- gradient descent, step by step ----------------------------------------------------------
@pytest.mark.parametrize(("activation", "l2"), [("tanh", 0.0), ("sigmoid", 0.05), ("relu", 0.2)])
def test_every_epoch_moves_by_minus_lr_times_the_finite_difference_gradient(activation, l2):
    X, y = small_problem()
    lr = 0.3
    run = train_mlp(X, y, init_layers((2, 3, 1), seed=1), activation, lr=lr, epochs=3, l2=l2)
    for t in range(3):
        before, after = run.layers_at(t), run.layers_at(t + 1)
        expected = fd_gradient(before, X, y, activation, l2)
        for (W0, b0), (W1, b1), (gW, gb) in zip(before, after, expected, strict=True):
            np.testing.assert_allclose((W0 - W1) / lr, gW, rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose((b0 - b1) / lr, gb, rtol=1e-6, atol=1e-9)
    for t in range(4):
        expected_loss = hand_objective(run.layers_at(t), X, y, activation, l2)
        assert run.losses[t] == pytest.approx(expected_loss, rel=1e-12)


def test_mini_batches_step_through_the_documented_shuffle():
    X, y = small_problem(seed=2, n=10)
    lr, bs, seed = 0.5, 4, 3
    start = init_layers((2, 2, 1), seed=0)
    run = train_mlp(X, y, start, "tanh", lr=lr, epochs=2, batch_size=bs, seed=seed)
    layers = [(W.copy(), b.copy()) for W, b in start]
    for epoch in range(2):
        order = np.random.default_rng([seed, epoch]).permutation(len(y))
        for first in range(0, len(y), bs):
            idx = order[first : first + bs]
            grads = fd_gradient(layers, X[idx], y[idx], "tanh", 0.0)
            layers = [
                (W - lr * gW, b - lr * gb) for (W, b), (gW, gb) in zip(layers, grads, strict=True)
            ]
        for (W, b), (Wr, br) in zip(layers, run.layers_at(epoch + 1), strict=True):
            np.testing.assert_allclose(Wr, W, rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose(br, b, rtol=1e-6, atol=1e-9)
        assert run.losses[epoch + 1] == pytest.approx(
            hand_objective(run.layers_at(epoch + 1), X, y, "tanh", 0.0), rel=1e-12
        )


@pytest.mark.parametrize("batch_size", [None, 7])
def test_runs_are_deterministic_and_continue_exactly(batch_size):
    X, y = make_dataset("xor", 40, noise=0.05, seed=1)
    start = init_layers((2, 4, 4, 1), seed=2)
    kw = {"activation": "tanh", "lr": 0.05, "l2": 0.01, "batch_size": batch_size, "seed": 5}
    a = train_mlp(X, y, start, epochs=20, **kw)
    b = train_mlp(X, y, start, epochs=20, **kw)
    np.testing.assert_array_equal(a.losses, b.losses)
    np.testing.assert_array_equal(a.parameters, b.parameters)
    first = train_mlp(X, y, start, epochs=8, **kw)
    rest = train_mlp(X, y, first.layers_at(8), epochs=12, start_epoch=8, **kw)
    np.testing.assert_allclose(rest.losses, a.losses[8:], rtol=1e-13)
    for (W, bias), (W2, b2) in zip(rest.layers_at(12), a.layers_at(20), strict=True):
        np.testing.assert_allclose(W, W2, rtol=1e-13)
        np.testing.assert_allclose(bias, b2, rtol=1e-13, atol=1e-15)
    assert a.diverged_at is None and a.message is None and a.last_epoch == 20


# ----- divergence ------------------------------------------------------------------------------
def test_a_learning_rate_that_blows_up_the_weights_stops_the_run():
    X, y = small_problem()
    # With l2 = 1 every step multiplies the weights by about (1 − lr) = −9: a real blow-up.
    run = train_mlp(X, y, init_layers((2, 3, 1), seed=0), "tanh", lr=10.0, epochs=200, l2=1.0)
    t = run.diverged_at
    assert t is not None and 2 <= t < 20
    assert run.message == f"diverged at epoch {t}"
    assert np.all(np.isfinite(run.losses[:t])) and np.all(np.isnan(run.losses[t:]))
    assert run.last_epoch == t - 1 and run.parameters.shape[0] == t
    sizes = [
        np.abs(np.concatenate([W.ravel() for W, _ in run.layers_at(e)])).max() for e in range(t)
    ]
    assert sizes[-1] <= DIVERGENCE_LIMIT
    assert sizes[-1] > 100 * sizes[0]  # growing by a factor ~9 per epoch, not a false alarm
    # The next step, taken by hand, really passes the limit.
    last = run.layers_at(t - 1)
    grads = fd_gradient(last, X, y, "tanh", 1.0, h=1e-3)
    stepped = [W - 10.0 * gW for (W, _), (gW, _) in zip(last, grads, strict=True)]
    assert max(np.abs(W).max() for W in stepped) > DIVERGENCE_LIMIT
    np.testing.assert_array_equal(run.layers_at(10**6)[0][0], run.layers_at(t - 1)[0][0])


def test_an_absurd_learning_rate_diverges_at_the_first_epoch_without_warnings():
    X, y = small_problem()
    run = train_mlp(X, y, init_layers((2, 3, 1), seed=0), "relu", lr=1e300, epochs=5)
    assert run.diverged_at == 1 and np.isnan(run.losses[1:]).all()
    gate = train_gate("XOR", "2-2-1", lr=1e300, seed=0, epochs=50)
    assert gate.diverged_at == 1  # the gate trainer's divergence path now runs
    assert np.isfinite(gate.loss).all()


def test_ordinary_training_does_not_diverge_and_learns():
    X, y = make_dataset("gaussians", 100, seed=0)
    run = train_mlp(X, y, init_layers((2, 4, 1), seed=0), "tanh", lr=0.1, epochs=300)
    assert run.diverged_at is None and run.losses[-1] < 0.1 < run.losses[0]
    accuracy = np.mean((predict(run.layers_at(300), X) >= 0.5) == y)
    assert accuracy >= 0.97


# ----- initial layers -------------------------------------------------------------------------
def test_init_layers_are_reproducible_and_scaled():
    layers = init_layers((2, 8, 8, 1), seed=4)
    assert [(W.shape, b.shape) for W, b in layers] == [
        ((2, 8), (8,)),
        ((8, 8), (8,)),
        ((8, 1), (1,)),
    ]
    assert all(np.all(b == 0) for _, b in layers)
    again = init_layers((2, 8, 8, 1), seed=4)
    assert all(np.array_equal(W, W2) for (W, _), (W2, _) in zip(layers, again, strict=True))
    rng = np.random.default_rng(4)
    scaled = init_layers((2, 8, 8, 1), seed=4, scale=0.5)
    for W, _ in scaled:
        np.testing.assert_array_equal(W, rng.normal(0.0, 0.5, size=W.shape))
    wide = init_layers((300, 500), seed=0)[0][0]
    assert wide.std() == pytest.approx(math.sqrt(2 / 800), rel=0.02)


@pytest.mark.parametrize("scale", [0, -1.0, float("nan"), float("inf"), float("-inf")])
def test_a_scale_that_is_not_finite_positive_is_refused(scale):
    with pytest.raises(ValueError, match="finite positive"):
        init_layers((2, 2, 1), seed=0, scale=scale)
    with pytest.raises(ValueError, match="finite positive"):
        train_gate("XOR", init_scale=scale)


# ----- predictions and grids -------------------------------------------------------------------
def test_grid_output_and_hidden_maps_match_the_network_by_hand():
    layers = init_layers((4, 3, 2, 1), seed=6, scale=0.8)
    features = ["x", "y", "x_sq", "sin_y"]
    grid = evaluate_grid(layers, (-3, 3, -1, 2), resolution=7, activation="tanh", features=features)
    assert grid.output.shape == (7, 7) and [h.shape for h in grid.hidden] == [(3, 7, 7), (2, 7, 7)]
    (W1, b1), (W2, b2), (W3, b3) = layers
    for i in (0, 3, 6):
        for j in (0, 2, 6):
            x, y = grid.xs[j], grid.ys[i]
            inputs = np.array([x, y, x * x, math.sin(y)])
            h1 = np.tanh(inputs @ W1 + b1)
            h2 = np.tanh(h1 @ W2 + b2)
            p = 1 / (1 + math.exp(-(h2 @ W3 + b3)[0]))
            assert grid.output[i, j] == pytest.approx(p, rel=1e-12)
            np.testing.assert_allclose(grid.hidden[0][:, i, j], h1, rtol=1e-12)
            np.testing.assert_allclose(grid.hidden[1][:, i, j], h2, rtol=1e-12)
    assert grid.xs[0] == -3 and grid.xs[-1] == 3 and grid.ys[0] == -1 and grid.ys[-1] == 2
    points = np.array([[grid.xs[2], grid.ys[5]]])
    assert predict(layers, feature_transform(points, features))[0] == pytest.approx(
        grid.output[5, 2]
    )


def test_test_loss_curve_is_the_plain_cross_entropy_of_each_epoch():
    X, y = make_dataset("circle", 40, seed=0)
    Xt, yt = make_dataset("circle", 20, seed=1)
    run = train_mlp(X, y, init_layers((2, 3, 1), seed=0), "tanh", lr=0.1, epochs=5, l2=0.1)
    curve = run.losses_on(Xt, yt)
    for t in (0, 5):
        assert curve[t] == pytest.approx(hand_objective(run.layers_at(t), Xt, yt, "tanh", 0.0))
    assert classifier_loss(run.layers_at(5), X, y, "tanh", l2=0.1) == pytest.approx(run.losses[5])


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (
            {"layers": [(np.zeros((2, 3)), np.zeros(3)), (np.zeros((3, 2)), np.zeros(2))]},
            "one neuron",
        ),
        ({"layers": [(np.zeros((3, 1)), np.zeros(1))]}, "W1 has 3 rows but x has 2 columns"),
        ({"y": np.array([0, 1, 2, 0])}, "from 0 to 1"),
        ({"y": np.array([0, 1])}, "one label per point"),
        ({"lr": 0.0}, "learning rate"),
        ({"lr": float("nan")}, "learning rate"),
        ({"l2": -1.0}, "L2"),
        ({"epochs": -1}, "epochs"),
        ({"epochs": 2.5}, "epochs"),
        ({"batch_size": 0}, "batch size"),
        ({"activation": "step"}, "activation"),
    ],
)
def test_bad_training_input_is_refused(change, match):
    kw = {
        "X": np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]),
        "y": np.array([0, 1, 1, 0]),
        "layers": init_layers((2, 2, 1), seed=0),
    }
    kw.update(change)
    with pytest.raises(ValueError, match=match):
        train_mlp(**kw)
