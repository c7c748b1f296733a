"""Data sets of the classification playground: sizes, labels, symmetry, determinism, features."""

from __future__ import annotations

import math

import numpy as np
import pytest

from visualizer.compute import (
    DATASETS,
    feature_transform,
    make_dataset,
    split_dataset,
)

CLOUDS = ["xor", "circle", "gaussians", "spiral"]
CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]]
GATES = {"gates_and": [0, 0, 0, 1], "gates_or": [0, 1, 1, 1], "gates_xor": [0, 1, 1, 0]}


@pytest.mark.parametrize("name", CLOUDS)
@pytest.mark.parametrize("n", [20, 101, 500])
def test_clouds_have_the_stated_size_and_balanced_labels(name, n):
    X, y = make_dataset(name, n, noise=0.1, seed=4)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == {0, 1}
    assert np.count_nonzero(y == 0) == n // 2 and np.count_nonzero(y == 1) == n - n // 2
    assert np.all(np.isfinite(X))


@pytest.mark.parametrize(("name", "labels"), GATES.items())
def test_gate_data_are_the_truth_table(name, labels):
    X, y = make_dataset(name, 4)
    np.testing.assert_array_equal(X, CORNERS)
    np.testing.assert_array_equal(y, labels)
    X8, y8 = make_dataset(name, 8)
    np.testing.assert_array_equal(X8, CORNERS + CORNERS)
    np.testing.assert_array_equal(y8, labels + labels)
    # Noise moves the corners by about `noise` (their scale is the unit square).
    Xn, yn = make_dataset(name, 400, noise=0.05, seed=1)
    np.testing.assert_array_equal(yn, labels * 100)
    moved = Xn - np.tile(CORNERS, (100, 1))
    assert 0.04 < moved.std() < 0.06


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_arguments_give_identical_arrays(name):
    n = 4 if name.startswith("gates") else 60
    a = make_dataset(name, n, noise=0.2, seed=7)
    b = make_dataset(name, n, noise=0.2, seed=7)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    other = make_dataset(name, n, noise=0.2, seed=8)
    assert not np.array_equal(a[0], other[0])


def test_spiral_arms_are_each_other_turned_by_half_a_turn():
    X, y = make_dataset("spiral", 200)
    arm0, arm1 = X[y == 0], X[y == 1]
    np.testing.assert_allclose(arm1, -arm0, atol=1e-12)
    # Point i of 100: radius 5 i / 100, angle 3.5 pi i / 100 measured from the y axis.
    i = 37
    r, theta = 5 * i / 100, 3.5 * math.pi * i / 100
    np.testing.assert_allclose(arm0[i], [r * math.sin(theta), r * math.cos(theta)], atol=1e-12)


def test_circle_is_a_disc_inside_a_ring():
    X, y = make_dataset("circle", 500, seed=2)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 0].max() <= 2.5 and r[y == 1].min() >= 3.5 and r[y == 1].max() <= 5.0


def test_xor_cloud_labels_are_the_quadrants():
    X, y = make_dataset("xor", 500, seed=3)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.abs(X).min() >= 0.3 and np.abs(X).max() <= 5.0
    for sign_x in (-1, 1):
        for sign_y in (-1, 1):  # every quadrant is used
            assert np.any((np.sign(X[:, 0]) == sign_x) & (np.sign(X[:, 1]) == sign_y))


def test_gaussians_are_mirror_images_around_the_origin():
    X, y = make_dataset("gaussians", 500, seed=5)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.25)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.25)
    assert 0.85 < X[y == 1].std(axis=0).mean() < 1.15


def test_noise_is_a_fraction_of_the_cloud_radius():
    clean, _ = make_dataset("spiral", 400)
    noisy, _ = make_dataset("spiral", 400, noise=0.1, seed=0)
    assert 0.4 < (noisy - clean).std() < 0.6  # 0.1 x radius 5


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("moons", 100), "Unknown data set"),
        (("spiral", 19), "20 to 500"),
        (("spiral", 501), "20 to 500"),
        (("spiral", 50.0), "whole number"),
        (("spiral", True), "whole number"),
        (("gates_xor", 6), "4, 8"),
        (("gates_xor", 0), "4, 8"),
        (("circle", 100, -0.1), "noise"),
        (("circle", 100, float("nan")), "noise"),
        (("circle", 100, float("inf")), "noise"),
    ],
)
def test_bad_arguments_are_refused_in_one_sentence(args, match):
    with pytest.raises(ValueError, match=match):
        make_dataset(*args)


def test_split_is_reproducible_disjoint_and_complete():
    X, y = make_dataset("circle", 100, seed=1)
    s = split_dataset(X, y, 0.3, seed=9)
    assert len(s.test_index) == 30 and len(s.train_index) == 70
    assert sorted([*s.train_index, *s.test_index]) == list(range(100))
    np.testing.assert_array_equal(s.X_test, X[s.test_index])
    np.testing.assert_array_equal(s.y_train, y[s.train_index])
    again = split_dataset(X, y, 0.3, seed=9)
    np.testing.assert_array_equal(again.test_index, s.test_index)
    assert not np.array_equal(split_dataset(X, y, 0.3, seed=10).test_index, s.test_index)
    assert len(split_dataset(X, y, 0.0).test_index) == 0
    assert len(split_dataset(X[:2], y[:2], 0.99).train_index) == 1  # one point always trains
    for bad in (1.0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="test ratio"):
            split_dataset(X, y, bad)


def test_features_follow_their_formulas_in_the_order_asked():
    P = np.array([[0.5, -2.0], [-1.5, 3.0]])
    F = feature_transform(P, ["sin_y", "x", "x_times_y", "x_sq", "y_sq", "y", "sin_x"])
    for row, (x, y) in zip(F, P, strict=True):
        expected = [math.sin(y), x, x * y, x * x, y * y, y, math.sin(x)]
        np.testing.assert_allclose(row, expected, rtol=1e-15)
    np.testing.assert_array_equal(feature_transform(P), P)
    for bad, match in (([], "at least one"), (["x", "x"], "once"), (["z"], "Unknown feature")):
        with pytest.raises(ValueError, match=match):
            feature_transform(P, bad)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        feature_transform(np.zeros((3, 3)))
