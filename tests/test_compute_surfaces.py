"""2-D surfaces: formulas typed in by hand, gradients by central differences, minima, views."""

import math
import warnings

import numpy as np
import pytest

from visualizer.compute import (
    SURFACES,
    Surface,
    gelu,
    gelu_grad,
    quadratic_surface,
    surface_grid,
)

NAMES = ["quadratic", "rosenbrock", "saddle", "himmelblau", "gelu_sum"]


def _by_hand(name, x, y):
    """The surfaces' values written out independently of the module."""
    if name == "rosenbrock":
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2
    if name == "saddle":
        return x**2 - y**2
    if name == "himmelblau":
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2
    if name == "gelu_sum":
        return gelu(x) + gelu(y)
    # quadratic default: kappa 10, angle 0.5 rad
    c, s = math.cos(0.5), math.sin(0.5)
    xr, yr = c * x + s * y, -s * x + c * y
    return 0.5 * (xr**2 + 10 * yr**2)


def _points_in_view(surface, n=7, seed=0):
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = surface.x_range, surface.y_range
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def test_all_surfaces_are_there():
    assert set(NAMES) <= set(SURFACES)
    for name, surface in SURFACES.items():
        assert isinstance(surface, Surface)
        assert surface.name == name
        assert surface.label and surface.description and surface.formula
        assert surface.minima.ndim == 2 and surface.minima.shape[1] == 2


@pytest.mark.parametrize("name", NAMES)
def test_values_match_the_formula(name):
    surface = SURFACES[name]
    for x, y in _points_in_view(surface):
        assert surface.value((x, y)) == pytest.approx(_by_hand(name, x, y), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_matches_central_differences(name):
    surface = SURFACES[name]
    h = 1e-6
    for p in _points_in_view(surface, n=9, seed=1):
        g = surface.grad(p)
        assert g.shape == (2,)
        for axis in range(2):
            e = np.zeros(2)
            e[axis] = h
            fd = (surface.value(p + e) - surface.value(p - e)) / (2 * h)
            scale = max(1.0, abs(fd))
            assert g[axis] == pytest.approx(fd, rel=1e-6, abs=1e-6 * scale), (name, p, axis)


@pytest.mark.parametrize("name", NAMES)
def test_vectorised_over_leading_axes(name):
    surface = SURFACES[name]
    pts = _points_in_view(surface, n=12).reshape(3, 4, 2)
    values = surface.value(pts)
    grads = surface.grad(pts)
    assert values.shape == (3, 4)
    assert grads.shape == (3, 4, 2)
    for i in range(3):
        for j in range(4):
            assert values[i, j] == surface.value(pts[i, j])
            np.testing.assert_array_equal(grads[i, j], surface.grad(pts[i, j]))
    assert isinstance(surface.value(pts[0, 0]), float)


def test_a_point_needs_two_coordinates():
    with pytest.raises(ValueError):
        SURFACES["rosenbrock"].value([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        SURFACES["rosenbrock"].grad(1.0)


@pytest.mark.parametrize("name", NAMES)
def test_minima_are_stationary_and_minimal(name):
    surface = SURFACES[name]
    h = 1e-4
    for m in surface.minima:
        assert np.max(np.abs(surface.grad(m))) < 1e-12, (name, m)
        # the Hessian by differences of the gradient is positive definite there
        hess = np.column_stack(
            [(surface.grad(m + e) - surface.grad(m - e)) / (2 * h) for e in np.eye(2) * h]
        )
        assert np.all(np.linalg.eigvalsh(0.5 * (hess + hess.T)) > 0)
        # and nothing nearby is lower
        ring = m + 1e-3 * np.column_stack([np.cos(np.arange(8)), np.sin(np.arange(8))])
        assert np.all(surface.value(ring) > surface.value(m))


def test_known_minima():
    np.testing.assert_array_equal(SURFACES["rosenbrock"].minima, [[1.0, 1.0]])
    np.testing.assert_array_equal(SURFACES["quadratic"].minima, [[0.0, 0.0]])
    assert SURFACES["saddle"].minima.shape == (0, 2)
    x_star = SURFACES["gelu_sum"].minima[0, 0]
    assert SURFACES["gelu_sum"].minima[0, 1] == x_star
    assert round(x_star, 6) == -0.751154  # REFERENCE.md section 1
    assert abs(gelu_grad(x_star)) < 1e-14


def test_himmelblau_four_minima_to_full_precision():
    surface = SURFACES["himmelblau"]
    minima = surface.minima
    assert minima.shape == (4, 2)
    textbook = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    for x, y in textbook:
        k, dist = surface.nearest_minimum((x, y))
        assert dist < 1e-6
        # f = 0 at every minimum, so each one is a root of both squares
        mx, my = minima[k]
        assert abs(mx**2 + my - 11) < 1e-13 and abs(mx + my**2 - 7) < 1e-13
        assert surface.value(minima[k]) < 1e-25
    np.testing.assert_array_equal(minima[0], [3.0, 2.0])
    assert not minima.flags.writeable


def test_nearest_minimum():
    himmelblau = SURFACES["himmelblau"]
    k, dist = himmelblau.nearest_minimum((3.5, 2.5))
    assert k == 0 and dist == pytest.approx(math.hypot(0.5, 0.5))
    assert SURFACES["saddle"].nearest_minimum((1.0, 1.0)) == (None, math.inf)
    assert himmelblau.nearest_minimum((math.nan, 0.0)) == (None, math.inf)


@pytest.mark.parametrize("name", NAMES)
def test_views_hold_the_start_and_the_minima(name):
    surface = SURFACES[name]
    (x0, x1), (y0, y1) = surface.x_range, surface.y_range
    assert x0 < x1 and y0 < y1
    for x, y in [surface.start, *surface.minima]:
        assert x0 <= x <= x1 and y0 <= y <= y1


@pytest.mark.parametrize("kappa", [1.0, 10.0, 250.0])
@pytest.mark.parametrize("angle", [0.0, 0.5, -2.0])
def test_quadratic_surface_rotation(kappa, angle):
    surface = quadratic_surface(kappa, angle)
    c, s = math.cos(angle), math.sin(angle)
    shallow = np.array([c, s])
    steep = np.array([-s, c])
    for t in (-2.0, 0.5, 3.0):
        assert surface.value(t * shallow) == pytest.approx(0.5 * t * t, rel=1e-12)
        assert surface.value(t * steep) == pytest.approx(0.5 * kappa * t * t, rel=1e-12)
        np.testing.assert_allclose(surface.grad(t * shallow), t * shallow, atol=1e-12 * kappa)
        np.testing.assert_allclose(surface.grad(t * steep), kappa * t * steep, rtol=1e-12)
    # the Hessian, by differences of the gradient, is R^T diag(1, kappa) R
    h = 1e-3
    hess = np.column_stack([(surface.grad(e) - surface.grad(-e)) / (2 * h) for e in np.eye(2) * h])
    expected = np.outer(shallow, shallow) + kappa * np.outer(steep, steep)
    np.testing.assert_allclose(hess, expected, atol=1e-9 * kappa)
    assert surface.hessian_eigenvalues == (1.0, kappa)
    np.testing.assert_allclose(np.linalg.eigvalsh(hess), [1.0, kappa], rtol=1e-9)


def test_quadratic_without_rotation_is_the_textbook_bowl():
    surface = quadratic_surface(4.0)
    assert surface.value((1.5, -2.0)) == 0.5 * (1.5**2 + 4.0 * 2.0**2)
    np.testing.assert_array_equal(surface.grad((1.5, -2.0)), [1.5, -8.0])
    default = SURFACES["quadratic"]
    assert default.hessian_eigenvalues == (1.0, 10.0)


@pytest.mark.parametrize(
    ("kappa", "angle"),
    [(0.5, 0.0), (math.nan, 0.0), (math.inf, 0.0), (10.0, math.nan), (10.0, math.inf), ("10", 0)],
)
def test_quadratic_surface_refuses_bad_settings(kappa, angle):
    with pytest.raises(ValueError):
        quadratic_surface(kappa, angle)


def test_surface_grid_is_row_major_value_image():
    surface = SURFACES["himmelblau"]
    image = surface_grid(surface, (-5.0, 5.0), (-4.0, 2.0), (7, 5))
    assert image.shape == (5, 7)
    xs = np.linspace(-5, 5, 7)
    ys = np.linspace(-4, 2, 5)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            assert image[i, j] == pytest.approx(_by_hand("himmelblau", x, y), rel=1e-13)
    assert surface_grid(surface, (-1.0, 1.0), (-1.0, 1.0), 4).shape == (4, 4)


@pytest.mark.parametrize(
    ("x_range", "y_range", "n"),
    [((0, 1), (0, 1), 1), ((1, 0), (0, 1), 4), ((0, math.inf), (0, 1), 4), ((0, 1), (0, 1), 2.5)],
)
def test_surface_grid_refuses_bad_input(x_range, y_range, n):
    with pytest.raises(ValueError):
        surface_grid(SURFACES["saddle"], x_range, y_range, n)


@pytest.mark.parametrize("name", NAMES)
def test_extreme_points_give_no_warning(name):
    surface = SURFACES[name]
    pts = np.array([[1e200, -1e200], [1.7976931348623157e308, 3.0], [-1e308, -1e308]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = surface.value(pts)
        grads = surface.grad(pts)
    assert values.shape == (3,) and grads.shape == (3, 2)
