"""Descent on 2-D surfaces: every method against hand loops, steps validation, divergence, the
worked arithmetic in vector form and the heavy-ball (lr, β) convergence map."""

import math
import warnings

import numpy as np
import pytest

from visualizer.compute import (
    METHODS,
    SURFACES,
    best_rates,
    classify_run,
    descend,
    ema_to_heavy_ball,
    gelu,
    gelu_grad,
    heavy_ball_map,
    heavy_ball_rate,
    heavy_ball_to_ema,
    optimal_gd_lr,
    optimal_heavy_ball,
    quadratic_surface,
    worked_solution,
    worked_step,
)


def _hand_loop_2d(method, grad, x0, lr, steps, beta, beta2, eps):
    """Each update written per coordinate on Python floats (PyTorch's definitions)."""
    x = [float(c) for c in x0]
    v = [0.0, 0.0]
    s = [0.0, 0.0]
    xs, vs, ss = [list(x)], [list(v)], [list(s)]
    for t in range(1, steps + 1):
        g = [float(c) for c in grad(np.array(x))]
        for i in range(2):
            if method == "gd":
                x[i] = x[i] - lr * g[i]
            elif method == "momentum":
                v[i] = beta * v[i] + (1 - beta) * g[i]
                x[i] = x[i] - lr * v[i]
            elif method == "heavy_ball":
                v[i] = beta * v[i] + g[i]
                x[i] = x[i] - lr * v[i]
            elif method == "nesterov":
                v[i] = beta * v[i] + g[i]
                x[i] = x[i] - lr * (g[i] + beta * v[i])
            elif method == "adam":
                v[i] = beta * v[i] + (1 - beta) * g[i]
                s[i] = beta2 * s[i] + (1 - beta2) * g[i] * g[i]
                step_size = lr / (1 - beta**t)
                denom = math.sqrt(s[i]) / math.sqrt(1 - beta2**t) + eps
                x[i] = x[i] - step_size * v[i] / denom
            elif method == "adagrad":
                s[i] = s[i] + g[i] * g[i]
                x[i] = x[i] - lr * g[i] / (math.sqrt(s[i]) + eps)
            elif method == "rmsprop":
                s[i] = beta2 * s[i] + (1 - beta2) * g[i] * g[i]
                x[i] = x[i] - lr * g[i] / (math.sqrt(s[i]) + eps)
            else:
                raise AssertionError(method)
        xs.append(list(x))
        vs.append(list(v))
        ss.append(list(s))
    return np.array(xs), np.array(vs), np.array(ss)


CASES = [  # (surface, start, lr) tame enough for every method
    ("quadratic", (-2.4, -0.8), 0.05),
    ("rosenbrock", (-1.2, 1.0), 0.001),
    ("himmelblau", (0.5, -0.5), 0.01),
]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(("name", "start", "lr"), CASES)
def test_each_method_in_2d_against_a_hand_loop(method, name, start, lr):
    surface = SURFACES[name]
    traj = descend(surface.grad, np.array(start), lr, 30, method, 0.8, 0.99, 1e-8, f=surface.value)
    xs, vs, ss = _hand_loop_2d(method, surface.grad, start, lr, 30, 0.8, 0.99, 1e-8)
    assert traj.x.shape == traj.grad.shape == traj.velocity.shape == (31, 2)
    assert traj.second_moment.shape == (31, 2)
    assert traj.fx.shape == (31,)
    assert traj.point_shape == (2,)
    assert traj.diverged_at is None
    np.testing.assert_allclose(traj.x, xs, rtol=1e-12, atol=1e-14)
    if method in ("momentum", "heavy_ball", "nesterov", "adam"):
        np.testing.assert_allclose(traj.velocity, vs, rtol=1e-12, atol=1e-14)
    else:
        assert np.all(traj.velocity == 0)
    if method in ("adam", "adagrad", "rmsprop"):
        np.testing.assert_allclose(traj.second_moment, ss, rtol=1e-12, atol=1e-14)
    else:
        assert np.all(traj.second_moment == 0)
    np.testing.assert_allclose(traj.grad, [surface.grad(p) for p in xs], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(traj.fx, [surface.value(p) for p in xs], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("method", METHODS)
def test_a_separable_surface_runs_as_two_1d_runs(method):
    # GeLU(x) + GeLU(y) and every update rule act per coordinate: the 2-D run is two runs of
    # the 1-D code (itself checked against the sheet's numbers), bit for bit.
    surface = SURFACES["gelu_sum"]
    traj = descend(surface.grad, np.array([-3.0, 1.0]), 0.5, 25, method, 0.85, 0.95)
    for axis, x0 in enumerate((-3.0, 1.0)):
        one = descend(gelu_grad, x0, 0.5, 25, method, 0.85, 0.95, f=gelu)
        np.testing.assert_array_equal(traj.x[:, axis], one.x)
        np.testing.assert_array_equal(traj.velocity[:, axis], one.velocity)
        np.testing.assert_array_equal(traj.second_moment[:, axis], one.second_moment)


def _torch_run(torch, method, grad, start, lr, steps, beta, beta2, eps):
    p = torch.tensor(np.atleast_1d(np.asarray(start, dtype=float)), requires_grad=True)
    make = {
        "gd": lambda: torch.optim.SGD([p], lr=lr),
        "heavy_ball": lambda: torch.optim.SGD([p], lr=lr, momentum=beta),
        "nesterov": lambda: torch.optim.SGD([p], lr=lr, momentum=beta, nesterov=True),
        "adam": lambda: torch.optim.Adam([p], lr=lr, betas=(beta, beta2), eps=eps),
        "adagrad": lambda: torch.optim.Adagrad([p], lr=lr, eps=eps),
        "rmsprop": lambda: torch.optim.RMSprop([p], lr=lr, alpha=beta2, eps=eps),
    }
    opt = make[method]()
    xs = [p.detach().numpy().copy()]
    for _ in range(steps):
        opt.zero_grad()
        point = p.detach().numpy().copy()
        g = grad(point) if point.shape == (2,) else np.atleast_1d(grad(float(point[0])))
        p.grad = torch.tensor(np.asarray(g, dtype=float))
        opt.step()
        xs.append(p.detach().numpy().copy())
    return np.array(xs)


@pytest.mark.parametrize("method", ["gd", "heavy_ball", "nesterov", "adam", "adagrad", "rmsprop"])
def test_against_pytorch_when_installed(method):
    torch = pytest.importorskip("torch")
    surface = SURFACES["rosenbrock"]
    start = np.array([-1.2, 1.0])
    traj = descend(surface.grad, start, 0.001, 40, method, 0.8, 0.99, 1e-8)
    ref = _torch_run(torch, method, surface.grad, start, 0.001, 40, 0.8, 0.99, 1e-8)
    np.testing.assert_allclose(traj.x, ref, rtol=1e-10, atol=1e-12)
    one = descend(gelu_grad, -3.0, 0.3, 40, method, 0.8, 0.99, 1e-8)
    ref1 = _torch_run(torch, method, gelu_grad, -3.0, 0.3, 40, 0.8, 0.99, 1e-8)
    np.testing.assert_allclose(one.x, ref1[:, 0], rtol=1e-10, atol=1e-12)


# ----- settings -------------------------------------------------------------------------------
@pytest.mark.parametrize("steps", [2.7, True, False, math.nan, math.inf, -1, -1.0, 10_001, "3"])
def test_steps_must_be_a_whole_number(steps):
    with pytest.raises(ValueError):
        descend(gelu_grad, 0.0, 0.1, steps)
    with pytest.raises(ValueError):
        descend(SURFACES["saddle"].grad, np.array([1.0, 0.5]), 0.1, steps)


def test_whole_floats_and_numpy_integers_are_steps():
    assert descend(gelu_grad, 0.0, 0.1, 3.0).steps == 3
    assert descend(gelu_grad, 0.0, 0.1, np.int64(4)).steps == 4
    assert descend(SURFACES["saddle"].grad, [1.0, 0.5], 0.1, np.float64(2.0)).x.shape == (3, 2)


@pytest.mark.parametrize("x0", [[math.nan, 0.0], [0.0, math.inf], [], [["a", "b"]]])
def test_bad_start_points_are_refused(x0):
    with pytest.raises(ValueError):
        descend(SURFACES["saddle"].grad, x0, 0.1, 3)


def test_gradient_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError):
        descend(lambda p: np.zeros(3), np.array([1.0, 2.0]), 0.1, 3)


def test_vector_helpers_of_a_2d_run():
    surface = quadratic_surface(4.0)
    traj = descend(surface.grad, np.array([1.0, 2.0]), 0.1, 3, "heavy_ball", beta=0.5)
    np.testing.assert_allclose(traj.gradient_step(0), [-0.1, -0.8])
    np.testing.assert_allclose(traj.velocity_step(1), [-0.1, -0.8])
    assert descend(surface.grad, [1.0, 2.0], 0.1, 3).velocity_step(1) is None
    with pytest.raises(ValueError):
        traj.tangent(0, 1.0)


# ----- divergence ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("lr", [1e3, 1e200, 1.7976931348623157e308])
def test_diverging_2d_run_is_quiet_and_marked(method, lr):
    surface = SURFACES["rosenbrock"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = descend(surface.grad, np.array([-1.2, 1.0]), lr, 300, method, f=surface.value)
        status = classify_run(traj, x_range=surface.x_range, y_range=surface.y_range)
        text = worked_solution(traj, max_steps=300)
    assert status.kind == "diverged"
    assert "nan" not in status.message and "inf" not in status.message
    assert not any("nan" in line or "inf" in line for line in text)
    if traj.diverged_at is None:  # the adaptive methods step about lr: they leave the view
        assert method in ("adam", "adagrad", "rmsprop")
        return
    k = traj.diverged_at
    assert np.all(np.isfinite(traj.x[:k])) and np.all(np.isnan(traj.x[k:]))
    assert np.all(np.isnan(traj.velocity[k:])) and np.all(np.isnan(traj.second_moment[k:]))


def test_saddle_run_leaves_the_view_and_is_said_to_diverge():
    surface = SURFACES["saddle"]
    traj = descend(surface.grad, np.array(surface.start), 0.1, 100, f=surface.value)
    assert traj.diverged_at is None  # y grows by 1.2 per step: large but finite
    assert abs(traj.x[-1, 1]) > 1e6 and abs(traj.x[-1, 0]) < 1e-6
    status = classify_run(traj, x_range=surface.x_range, y_range=surface.y_range)
    assert status.kind == "diverged" and "outside the view" in status.message
    assert classify_run(traj, upto=5, x_range=surface.x_range, y_range=surface.y_range).kind in (
        "converging",
        "oscillating",
    )


def test_status_words_on_a_surface():
    ravine = quadratic_surface(10.0)
    # lr 0.18: the steep coordinate is multiplied by 1 - 1.8 = -0.8 each step, a zig-zag
    zig = descend(ravine.grad, np.array([-2.5, 1.0]), 0.18, 12, f=ravine.value)
    status = classify_run(zig, x_range=(-3, 3), y_range=(-2, 2))
    assert status.kind == "oscillating" and "valley" in status.message
    done = descend(ravine.grad, np.array([-2.5, 1.0]), 0.1, 400, f=ravine.value)
    assert classify_run(done).kind == "converged"
    start = classify_run(done, upto=0)
    assert start.kind == "start" and "(-2.5, 1)" in start.message
    glide = descend(ravine.grad, np.array([-2.5, 0.0]), 0.1, 5, f=ravine.value)
    assert classify_run(glide).kind == "converging"


# ----- worked arithmetic in vector form -----------------------------------------------------
def test_worked_step_in_vector_form():
    surface = quadratic_surface(4.0)  # f = (x² + 4y²)/2, ∇f = (x, 4y)
    gd = descend(surface.grad, np.array([1.0, 2.0]), 0.1, 2, f=surface.value)
    lines = worked_step(gd, 1)
    assert lines[0] == "∇f(x0) = ∇f(1, 2) = (1, 8)"
    assert lines[1] == "x1 = x0 - lr*∇f(x0) = (1, 2) - 0.1 × (1, 8) = (0.900000, 1.200000)"
    assert lines[2] == "f(x1) = 3.285"  # (0.81 + 4 × 1.44) / 2
    assert worked_step(gd, 0)[0] == "x0 = (1, 2)  (starting point)"
    # the next step starts from x1 as the line before showed it
    assert worked_step(gd, 2)[1].startswith("x2 = x1 - lr*∇f(x1) = (0.9, 1.2) - 0.1 × (0.9, 4.8)")
    mom = descend(surface.grad, np.array([1.0, 2.0]), 0.1, 2, "momentum", beta=0.9)
    lines = worked_step(mom, 1)
    assert lines[1] == "v1 = β*v0 + (1-β)*∇f(x0) = 0.9 × (0, 0) + 0.1 × (1, 8) = (0.1, 0.8)"
    assert lines[2] == "x1 = x0 - lr*v1 = (1, 2) - 0.1 × (0.1, 0.8) = (0.990000, 1.920000)"
    ada = descend(surface.grad, np.array([1.0, 2.0]), 0.1, 1, "adagrad")
    lines = worked_step(ada, 1)
    assert lines[1] == "s1 = s0 + g² = (0, 0) + (1, 8)² = (1, 64)"
    assert lines[2] == (
        "x1 = x0 - lr*g/(√s1 + ε) = (1, 2) - 0.1 × (1, 8) / (√(1, 64) + 1e-08) = "
        "(0.900000, 1.900000)"
    )


# ----- the heavy-ball (lr, β) map -------------------------------------------------------------
def _eigvals_rate(eigenvalues, lr, beta):
    """Spectral radius of the 2x2 companion matrix, the worst over the eigenvalues."""
    worst = 0.0
    for lam in eigenvalues:
        m = np.array([[1.0 + beta - lr * lam, -beta], [1.0, 0.0]])
        worst = max(worst, float(np.max(np.abs(np.linalg.eigvals(m)))))
    return worst


def test_rate_equals_companion_matrix_eigenvalues():
    rng = np.random.default_rng(7)
    lam = rng.uniform(0.1, 20.0, size=3)
    lr = rng.uniform(0.0, 0.3, size=(15, 20))
    beta = rng.uniform(0.0, 1.0, size=(15, 20))
    rate = heavy_ball_rate(lam, lr, beta)
    assert rate.shape == (15, 20)
    for idx in np.ndindex(rate.shape):
        assert rate[idx] == pytest.approx(_eigvals_rate(lam, lr[idx], beta[idx]), abs=1e-7)


def test_rate_broadcasts_over_a_grid():
    lrs = np.linspace(0.0, 0.25, 9)
    betas = np.linspace(0.0, 0.95, 7)
    grid = heavy_ball_rate([1.0, 10.0], lrs[None, :], betas[:, None])
    assert grid.shape == (7, 9)
    for i, b in enumerate(betas):
        for j, a in enumerate(lrs):
            assert grid[i, j] == pytest.approx(_eigvals_rate([1.0, 10.0], a, b), abs=1e-7)
    image = heavy_ball_map([1.0, 10.0], lrs, betas)
    np.testing.assert_array_equal(image, grid)


def test_beta_zero_is_plain_gradient_descent():
    lam = np.array([1.0, 3.0, 10.0])
    lrs = np.linspace(0.0, 0.5, 51)
    rate = heavy_ball_rate(lam, lrs, 0.0)
    expected = np.max(np.abs(1.0 - np.outer(lrs, lam)), axis=1)
    np.testing.assert_allclose(rate, expected, rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize(("mu", "L"), [(1.0, 10.0), (1.0, 100.0), (0.5, 2.0), (3.0, 3.0)])
def test_optimal_heavy_ball(mu, L):
    kappa = L / mu
    lr, beta = optimal_heavy_ball(mu, L)
    assert lr == pytest.approx((2 / (math.sqrt(L) + math.sqrt(mu))) ** 2, rel=1e-14)
    assert beta == pytest.approx(((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2, abs=1e-15)
    best = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)
    # a double root at both ends of the spectrum: only ~sqrt(eps) of precision is available
    assert heavy_ball_rate([mu, L], lr, beta) == pytest.approx(best, abs=2e-8)
    assert best_rates(kappa)[1] == pytest.approx(best, rel=1e-15, abs=1e-15)
    # no cell of a fine grid around it does better
    lrs = lr * np.linspace(0.8, 1.2, 41)
    betas = np.clip(beta + np.linspace(-0.1, 0.1, 41), 0, 0.999)
    grid = heavy_ball_rate([mu, L], lrs[None, :], betas[:, None])
    assert grid.min() >= best - 2e-8


@pytest.mark.parametrize("kappa", [1.0, 10.0, 100.0])
def test_best_rates_and_gd_optimum(kappa):
    gd_rate, hb_rate = best_rates(kappa)
    assert gd_rate == pytest.approx((kappa - 1) / (kappa + 1), abs=1e-15)
    assert hb_rate <= gd_rate
    lr = optimal_gd_lr(1.0, kappa)
    assert lr == 2 / (1 + kappa)
    assert heavy_ball_rate([1.0, kappa], lr, 0.0) == pytest.approx(gd_rate, abs=1e-15)


@pytest.mark.parametrize(("lr", "beta"), [(0.05, 0.0), (0.15, 0.3), (0.1, 0.6), (0.02, 0.9)])
def test_rate_matches_what_a_run_does(lr, beta):
    # the distance to the minimum shrinks by the predicted rate per step
    surface = quadratic_surface(10.0, 0.3)
    traj = descend(surface.grad, np.array([-2.0, 1.5]), lr, 400, "heavy_ball", beta)
    d = np.hypot(traj.x[:, 0], traj.x[:, 1])
    measured = (d[400] / d[200]) ** (1 / 200)
    assert measured == pytest.approx(heavy_ball_rate([1.0, 10.0], lr, beta), rel=0.02)


def test_ema_form_is_heavy_ball_with_a_smaller_lr():
    assert ema_to_heavy_ball(1.0, 0.9) == pytest.approx(0.1)
    assert heavy_ball_to_ema(0.1, 0.9) == pytest.approx(1.0)
    np.testing.assert_allclose(ema_to_heavy_ball([1.0, 2.0], [0.5, 0.75]), [0.5, 0.5])
    surface = SURFACES["quadratic"]
    ema = descend(surface.grad, np.array([-2.0, 1.0]), 0.5, 30, "momentum", 0.8)
    hb = descend(surface.grad, np.array([-2.0, 1.0]), ema_to_heavy_ball(0.5, 0.8), 30,
                 "heavy_ball", 0.8)  # fmt: skip
    np.testing.assert_allclose(ema.x, hb.x, rtol=1e-12, atol=1e-14)
    lrs = np.linspace(0.0, 2.0, 5)
    betas = np.linspace(0.0, 0.9, 4)
    image = heavy_ball_map([1.0, 10.0], lrs, betas, form="ema")
    for i, b in enumerate(betas):
        for j, a in enumerate(lrs):
            assert image[i, j] == pytest.approx(
                _eigvals_rate([1.0, 10.0], a * (1 - b), b), abs=1e-7
            )


def test_rate_of_huge_steps_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rate = heavy_ball_rate([1.0, 10.0], np.array([1e300, 1e308]), 0.5)
    assert np.all(rate >= 1)


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (heavy_ball_rate, ([], 0.1, 0.5)),
        (heavy_ball_rate, ([1.0, math.nan], 0.1, 0.5)),
        (heavy_ball_rate, ([1.0], -0.1, 0.5)),
        (heavy_ball_rate, ([1.0], 0.1, -0.5)),
        (heavy_ball_rate, ([1.0], math.nan, 0.5)),
        (optimal_heavy_ball, (0.0, 1.0)),
        (optimal_heavy_ball, (2.0, 1.0)),
        (optimal_heavy_ball, (1.0, math.inf)),
        (optimal_gd_lr, (-1.0, 1.0)),
        (best_rates, (0.5,)),
        (heavy_ball_to_ema, (0.1, 1.0)),
        (heavy_ball_map, ([1.0], [0.1], [0.5], "nesterov")),
        (heavy_ball_map, ([1.0], [0.1], [1.0], "ema")),
    ],
)
def test_map_functions_refuse_bad_input(call, args):
    with pytest.raises(ValueError):
        call(*args)
