"""Activations: reference values, derivatives by finite differences, and extreme inputs."""

import math
import warnings

import numpy as np
import pytest

from visualizer.compute import (
    gelu,
    gelu_exact,
    gelu_exact_grad,
    gelu_grad,
    normal_cdf,
    sigmoid,
    sigmoid_grad,
)

EXTREMES = np.array(
    [
        -1.7976931348623157e308,
        -1e308,
        -1e300,
        -1e154,
        -800.0,
        -745.0,
        -40.0,
        -1e-300,
        -0.0,
        0.0,
        5e-324,
        1e-300,
        40.0,
        745.0,
        800.0,
        1e154,
        1e300,
        1e308,
        1.7976931348623157e308,
    ]
)


def _sheet_sigmoid(x: float) -> float:
    # The sheet's own code (gelu.py), valid for moderate x.
    return 1 / (1 + math.exp(-x))


def test_sigmoid_matches_the_definition():
    xs = np.linspace(-30, 30, 121)
    expected = [_sheet_sigmoid(x) for x in xs]
    np.testing.assert_allclose(sigmoid(xs), expected, rtol=1e-14, atol=0)
    assert sigmoid(0.0) == 0.5
    assert isinstance(sigmoid(1.0), float)


def test_gelu_at_reference_points():
    # REFERENCE.md section 1 (sheet's printed code output).
    cases = {
        -0.05: -0.02393689150943369,
        -0.09575013021851926: -0.04398265469655064,
        -0.13763771842581057: -0.06079478852684933,
        -0.5: -0.1496115633936199,
        -0.6207780880345858: -0.1601399925974373,
        -0.676497308917168: -0.16251748448720163,
        -2.997545167609435: -0.01813166529499688,
        -2.995082708753491: -0.018192396733478253,
        -2.9926125791343785: -0.018253507384506158,
        -2.9928733596019823: -0.01824704671202677,
        -2.986191702877126: -0.01841325299731993,
    }
    for x, g in cases.items():
        assert gelu(x) == pytest.approx(g, rel=1e-12)
    xs = np.array(list(cases))
    np.testing.assert_allclose(gelu(xs), list(cases.values()), rtol=1e-12)


def test_gelu_grad_formula_and_value_at_zero():
    assert gelu_grad(0.0) == 0.5  # sigma(0) * (1 + 0), the sheet's first step
    for x in np.linspace(-20, 20, 81):
        s = _sheet_sigmoid(1.702 * x)
        assert gelu_grad(x) == pytest.approx(s * (1 + 1.702 * x * (1 - s)), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    ("fn", "dfn"),
    [(gelu, gelu_grad), (gelu_exact, gelu_exact_grad), (sigmoid, sigmoid_grad)],
)
def test_derivatives_against_central_differences(fn, dfn):
    xs = np.linspace(-6, 6, 241)
    h = 1e-5
    numeric = np.array([(fn(x + h) - fn(x - h)) / (2 * h) for x in xs])
    np.testing.assert_allclose(dfn(xs), numeric, rtol=1e-7, atol=1e-9)
    # scalar and vector paths agree
    np.testing.assert_allclose([dfn(x) for x in xs], dfn(xs), rtol=1e-14, atol=1e-300)


def test_exact_gelu_against_erf_loop():
    # (1 + erf) cancels for very negative x, so the independent formula is checked on [-5, 8]
    for x in np.linspace(-5, 8, 53):
        expected = 0.5 * x * (1 + math.erf(x / math.sqrt(2)))
        assert gelu_exact(x) == pytest.approx(expected, rel=1e-11, abs=1e-15)
    assert normal_cdf(0.0) == 0.5
    # erfc keeps the far-left tail precise where 1 + erf would round to 0
    assert normal_cdf(-30.0) == pytest.approx(4.906713927148187e-198, rel=1e-12)


@pytest.mark.parametrize(
    "fn", [sigmoid, sigmoid_grad, gelu, gelu_grad, gelu_exact, gelu_exact_grad]
)
def test_extremes_are_finite_and_warning_free(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):  # any numpy floating-point issue raises here
            out = fn(EXTREMES)
            scalars = [fn(float(x)) for x in EXTREMES]
    assert np.all(np.isfinite(out))
    assert all(math.isfinite(v) for v in scalars)
    np.testing.assert_array_equal(out, scalars)


def test_limits():
    assert gelu(1e308) == 1e308
    assert gelu(-1e308) == 0.0
    assert gelu_grad(1e308) == 1.0
    assert gelu_grad(-1e308) == 0.0
    assert gelu_exact_grad(1e308) == 1.0
    assert gelu_exact_grad(-1e308) == 0.0
    assert sigmoid(-1e308) == 0.0
    assert sigmoid(1e308) == 1.0


def test_shapes_are_kept():
    x = np.zeros((2, 3))
    for fn in (sigmoid, gelu, gelu_grad, gelu_exact, gelu_exact_grad):
        assert fn(x).shape == (2, 3)
        assert isinstance(fn(np.float64(0.3)), float)
