"""Descent: the sheet's reference numbers, every update rule against a hand loop, overflow."""

import math
import warnings

import numpy as np
import pytest

from visualizer.compute import (
    DESCENT_PRESETS,
    METHODS,
    OBJECTIVES,
    DescentParams,
    classify_run,
    descend,
    double_well,
    double_well_grad,
    gelu,
    gelu_grad,
    gelu_minimum,
    run_descent,
    square_grad,
    worked_step,
)

# REFERENCE.md section 1, typed in: (x1, x2, x3) and GeLU at those points.
REFERENCE = {
    "1a": (
        {"method": "gd", "lr": 0.1, "x0": 0.0},
        [-0.05, -0.09575013021851926, -0.13763771842581057],
        [-0.02393689150943369, -0.04398265469655064, -0.06079478852684933],
    ),
    "1b": (
        {"method": "gd", "lr": 1.0, "x0": 0.0},
        [-0.5, -0.6207780880345858, -0.676497308917168],
        [-0.1496115633936199, -0.1601399925974373, -0.16251748448720163],
    ),
    "1c": (
        {"method": "gd", "lr": 0.1, "x0": -3.0},
        [-2.997545167609435, -2.995082708753491, -2.9926125791343785],
        [-0.01813166529499688, -0.018192396733478253, -0.018253507384506158],
    ),
    "1c momentum": (
        {"method": "momentum", "lr": 1.0, "x0": -3.0, "beta": 0.9},
        [-2.997545167609435, -2.9928733596019823, -2.986191702877126],
        [-0.01813166529499688, -0.01824704671202677, -0.01841325299731993],
    ),
}


@pytest.mark.parametrize("name", list(REFERENCE))
def test_reference_iterates_through_descend(name):
    kwargs, xs, fs = REFERENCE[name]
    traj = descend(gelu_grad, steps=3, f=gelu, **kwargs)
    assert traj.x.shape == (4,)
    assert traj.x[0] == kwargs["x0"]
    np.testing.assert_allclose(traj.x[1:], xs, rtol=1e-12)  # >= 9 significant digits
    np.testing.assert_allclose(traj.fx[1:], fs, rtol=1e-12)
    np.testing.assert_allclose(gelu(traj.x[1:]), fs, rtol=1e-12)
    assert traj.diverged_at is None


@pytest.mark.parametrize("name", list(REFERENCE))
def test_presets_are_the_exercises(name):
    kwargs, xs, fs = REFERENCE[name]
    params = DESCENT_PRESETS[name].params
    assert params.objective == "gelu"
    assert params.steps == 3
    for key, value in kwargs.items():
        assert getattr(params, key) == value
    traj = run_descent(params)
    np.testing.assert_allclose(traj.x[1:], xs, rtol=1e-12)
    np.testing.assert_allclose(traj.fx[1:], fs, rtol=1e-12)


def test_gelu_minimum_located_to_six_digits():
    x_star, f_star = gelu_minimum()
    assert round(x_star, 6) == -0.751154
    assert round(f_star, 6) == -0.163610
    assert OBJECTIVES["gelu"].minima()[0][0] == pytest.approx(-0.751154, abs=5e-7)
    assert abs(gelu_grad(x_star)) < 1e-14


def _hand_loop(method, grad, x0, lr, steps, beta=0.9, beta2=0.999, eps=1e-8):
    x, v, m, s = x0, 0.0, 0.0, 0.0
    xs, vs = [x], [0.0]
    for t in range(1, steps + 1):
        g = grad(x)
        if method == "gd":
            x = x - lr * g
        elif method == "momentum":
            v = beta * v + (1 - beta) * g
            x = x - lr * v
        elif method == "heavy_ball":
            v = beta * v + g
            x = x - lr * v
        elif method == "nesterov":
            # torch.optim.SGD(nesterov=True): buf = m*buf + g; g = g + m*buf; p -= lr*g
            v = beta * v + g
            x = x - lr * (g + beta * v)
        elif method == "adam":
            # torch.optim.Adam (single tensor, no weight decay, no amsgrad)
            m = beta * m + (1 - beta) * g
            s = beta2 * s + (1 - beta2) * g * g
            bias_correction1 = 1 - beta**t
            bias_correction2 = 1 - beta2**t
            step_size = lr / bias_correction1
            denom = math.sqrt(s) / math.sqrt(bias_correction2) + eps
            x = x - step_size * m / denom
            v = m
        elif method == "adagrad":
            # torch.optim.Adagrad (lr_decay 0, initial_accumulator_value 0)
            s = s + g * g
            x = x - lr * g / (math.sqrt(s) + eps)
        elif method == "rmsprop":
            # torch.optim.RMSprop (alpha = beta2, momentum 0, centered False)
            s = beta2 * s + (1 - beta2) * g * g
            x = x - lr * g / (math.sqrt(s) + eps)
        xs.append(x)
        vs.append(v)
    return np.array(xs), np.array(vs)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("grad", "x0", "lr"),
    [(gelu_grad, -3.0, 0.3), (gelu_grad, 1.5, 1.0), (double_well_grad, 2.0, 0.05)],
)
def test_each_method_against_a_hand_loop(method, grad, x0, lr):
    traj = descend(grad, x0, lr, 40, method, beta=0.8, beta2=0.99)
    xs, vs = _hand_loop(method, grad, x0, lr, 40, beta=0.8, beta2=0.99)
    np.testing.assert_allclose(traj.x, xs, rtol=1e-10, atol=1e-12)
    if method != "gd":
        np.testing.assert_allclose(traj.velocity, vs, rtol=1e-10, atol=1e-12)
    # the stored gradient is f'(x_t) at every iterate
    np.testing.assert_allclose(traj.grad, [grad(x) for x in xs], rtol=1e-12)


def test_momentum_forms_differ_as_documented():
    # EMA form with lr is heavy ball with lr * (1 - beta): same iterates.
    a = descend(gelu_grad, -3.0, 1.0, 20, "momentum", beta=0.9)
    b = descend(gelu_grad, -3.0, 0.1, 20, "heavy_ball", beta=0.9)
    np.testing.assert_allclose(a.x, b.x, rtol=1e-12)


def test_defaults_and_shapes():
    traj = descend(gelu_grad, 0.0, 0.1, 5)
    assert traj.method == "gd"
    assert traj.x.shape == traj.grad.shape == traj.velocity.shape == (6,)
    assert np.all(traj.velocity == 0)
    zero = descend(gelu_grad, 0.7, 0.1, 0)
    assert zero.x.tolist() == [0.7]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("lr", [1e10, 1e200, 1e308, 1.7976931348623157e308])
def test_huge_learning_rate_diverges_quietly(method, lr):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = descend(square_grad, 1.0, lr, 50, method, f=OBJECTIVES["square"].f)
        status = classify_run(traj, x_range=(-3, 3))
    assert traj.x.shape == (51,)
    if method in ("adam", "adagrad", "rmsprop"):
        # Their step is about lr in size whatever the gradient: it leaves the picture.
        assert status.kind == "diverged"
        return
    assert traj.diverged_at is not None
    k = traj.diverged_at
    assert np.all(np.isfinite(traj.x[:k]))
    assert np.all(np.isnan(traj.x[k:]))
    assert status.kind == "diverged"
    assert "nan" not in status.message and "inf" not in status.message
    text = " ".join(worked_step(traj, traj.steps))
    assert "nan" not in text and "inf" not in text


@pytest.mark.parametrize("x0", [-1e308, 1e308, -1.7976931348623157e308])
def test_extreme_starts_do_not_warn(x0):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for key, obj in OBJECTIVES.items():
            for method in METHODS:
                traj = descend(obj.df, x0, 0.1, 5, method, f=obj.f)
                assert math.isfinite(traj.x[0]), key
                classify_run(traj, x_range=obj.x_range)
                worked_step(traj, 1)


def test_bad_settings_raise_value_error():
    with pytest.raises(ValueError):
        descend(gelu_grad, 0.0, 0.1, 3, "sgd")
    with pytest.raises(ValueError):
        descend(gelu_grad, 0.0, -0.1, 3)
    with pytest.raises(ValueError):
        descend(gelu_grad, 0.0, 0.1, 3, "adam", beta=1.0)
    with pytest.raises(ValueError):
        descend(gelu_grad, math.nan, 0.1, 3)
    with pytest.raises(ValueError):
        DescentParams.from_dict({"lr": "fast"})
    with pytest.raises(ValueError):
        DescentParams.from_dict({"objective": "sine"})
    p = DescentParams(method="adam", lr=0.05, steps=7)
    assert DescentParams.from_dict(p.to_dict()) == p


def test_status_words():
    obj = OBJECTIVES["square"]
    osc = descend(obj.df, 1.0, 0.9, 10, f=obj.f)  # x *= -0.8 each step
    assert classify_run(osc, x_range=obj.x_range).kind == "oscillating"
    grow = descend(obj.df, 1.0, 1.1, 10, f=obj.f)  # x *= -1.2 each step
    status = classify_run(grow, x_range=obj.x_range)
    assert status.kind == "oscillating" and "growing" in status.message
    far = descend(obj.df, 1.0, 1.5, 40, f=obj.f)  # x *= -2: leaves the picture, stays finite
    assert far.diverged_at is None
    assert classify_run(far, x_range=obj.x_range).kind == "diverged"
    slow = descend(obj.df, 1.0, 0.1, 10, f=obj.f)
    assert classify_run(slow, x_range=obj.x_range).kind == "converging"
    done = descend(obj.df, 1.0, 0.5, 3, f=obj.f)  # lands exactly on 0
    assert classify_run(done, x_range=obj.x_range).kind == "converged"
    assert classify_run(slow, upto=0).kind == "start"


def test_double_well_gd_stuck_momentum_rolls_through():
    obj = OBJECTIVES["double_well"]
    (x_global, _), (x_local, _) = obj.minima()
    assert x_global < 0 < x_local
    gd = run_descent(DESCENT_PRESETS["local minimum: GD"].params)
    mom = run_descent(DESCENT_PRESETS["local minimum: momentum"].params)
    assert abs(gd.x[-1] - x_local) < 1e-3
    assert abs(mom.x[-1] - x_global) < 0.1
    # independent check of the curve's derivative
    for x in np.linspace(-2, 2, 9):
        h = 1e-6
        assert double_well_grad(x) == pytest.approx(
            (double_well(x + h) - double_well(x - h)) / (2 * h), rel=1e-6, abs=1e-8
        )


def test_worked_step_text_matches_the_sheet():
    traj = run_descent(DESCENT_PRESETS["1a"].params)
    lines = worked_step(traj, 2, "GeLU")
    assert "x2 = x1 - lr*f'(x1) = -0.05 - 0.1 × 0.457501 = -0.095750" in lines
    assert lines[0] == "f'(x1) = f'(-0.05) = 0.457501"
    assert lines[-1] == "GeLU(x2) = -0.0439827"
    # each line uses x as the previous line showed it, so the arithmetic checks by hand
    assert "x3 = x2 - lr*f'(x2) = -0.09575 - 0.1 × 0.418876 = -0.137638" in worked_step(
        traj, 3, "GeLU"
    )
    mom = run_descent(DESCENT_PRESETS["1c momentum"].params)
    lines = worked_step(mom, 1, "GeLU")
    v_line = next(i for i, s in enumerate(lines) if s.startswith("v1 ="))
    x_line = next(i for i, s in enumerate(lines) if s.startswith("x1 ="))
    assert v_line < x_line  # v update first, then x
    assert lines[v_line].endswith("= -0.00245483")
    assert lines[x_line].endswith("= -2.997545")
    lines = worked_step(mom, 2, "GeLU")
    assert "x2 = x1 - lr*v2 = -2.997545 - 1 × (-0.00467181) = -2.992873" in lines


def test_overshoot_is_named():
    traj = run_descent(DESCENT_PRESETS["local minimum: momentum"].params)
    words = [classify_run(traj, upto=t) for t in range(1, traj.steps + 1)]
    went_up = [t for t in range(1, traj.steps + 1) if traj.fx[t] > traj.fx[t - 1]]
    assert went_up
    for t in went_up:
        status = words[t - 1]
        assert status.kind == "oscillating" or status.message.startswith("Overshooting")
    assert any(w.message.startswith("Overshooting") for w in words)


@pytest.mark.parametrize("method", ["momentum", "heavy_ball", "nesterov"])
def test_worked_lines_reuse_the_numbers_they_show(method):
    # what one line ends with is what the next line starts from, as on paper
    traj = descend(gelu_grad, -3.0, 0.5, 4, method, f=gelu)
    for t in range(2, 5):
        lines = worked_step(traj, t)
        prev = worked_step(traj, t - 1)
        v_value = next(s for s in lines if s.startswith(f"v{t} =")).split(" = ")[-1]
        x_line = next(s for s in lines if s.startswith(f"x{t} ="))
        assert v_value.lstrip("-") in x_line
        prev_x = next(s for s in prev if s.startswith(f"x{t - 1} =")).split(" = ")[-1]
        assert f"= {prev_x.rstrip('0')}" in x_line or f"= {prev_x}" in x_line


def test_worked_steps_of_adagrad_and_rmsprop():
    # GeLU'(0) = 0.5: AdaGrad's first step is lr * 0.5 / (sqrt(0.25) + eps), about lr
    ada = descend(gelu_grad, 0.0, 0.1, 2, "adagrad", f=gelu)
    assert worked_step(ada, 0)[:2] == ["x0 = 0  (starting point)", "s0 = 0"]
    lines = worked_step(ada, 1, "GeLU")
    assert lines[0] == "f'(x0) = f'(0) = 0.5"
    assert lines[1] == "s1 = s0 + g² = 0 + 0.5² = 0.25"
    assert lines[2] == "x1 = x0 - lr*g/(√s1 + ε) = 0 - 0.1 × 0.5 / (√0.25 + 1e-08) = -0.100000"
    assert ada.x[1] == -0.1 * 0.5 / (0.5 + 1e-8)
    rms = descend(gelu_grad, 0.0, 0.1, 2, "rmsprop", beta2=0.99, f=gelu)
    lines = worked_step(rms, 1, "GeLU")
    assert lines[1] == "s1 = β2*s0 + (1-β2)*g² = 0.99 × 0 + 0.01 × 0.5² = 0.0025"
    assert lines[2] == "x1 = x0 - lr*g/(√s1 + ε) = 0 - 0.1 × 0.5 / (√0.0025 + 1e-08) = -1.000000"
    assert rms.x[1] == pytest.approx(-0.1 * 0.5 / (0.05 + 1e-8), rel=1e-15)
    assert np.all(rms.velocity == 0) and rms.velocity_step(1) is None
