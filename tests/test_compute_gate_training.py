"""Gate training: gradients against finite differences, XOR learned by 2-2-1 and not by 1 neuron."""

import math

import numpy as np
import pytest

from visualizer.compute import GATE_TARGETS, gate_truth_table, train_gate

ROWS = [(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)]


def hand_loss(layers, target):
    """Mean cross-entropy -[y ln p + (1-y) ln(1-p)] with plain-Python loops."""
    total = 0.0
    for (a, b), y in zip(ROWS, GATE_TARGETS[target], strict=True):
        x = [a, b]
        for W, bias in layers:
            x = [
                1.0 / (1.0 + math.exp(-(sum(x[i] * W[i][j] for i in range(len(x))) + bias[j])))
                for j in range(len(bias))
            ]
        p = x[0]
        total += -(y * math.log(p) + (1 - y) * math.log(1 - p))
    return total / 4


@pytest.mark.parametrize("architecture", ["single", "2-2-1"])
@pytest.mark.parametrize("target", ["XOR", "AND"])
def test_one_step_is_minus_lr_times_finite_difference_gradient(architecture, target):
    lr = 0.5
    run = train_gate(target, architecture, lr=lr, seed=3, epochs=1, frames=2)
    before = run.layers_at(0)
    after = run.layers_at(1)
    h = 1e-6
    for li, (W, b) in enumerate(before):
        for arr_index, arr in enumerate((W, b)):
            for idx in np.ndindex(arr.shape):

                def loss_with(delta, li=li, arr_index=arr_index, idx=idx):
                    layers = [(W_.tolist(), b_.tolist()) for W_, b_ in before]
                    target_arr = np.array(layers[li][arr_index], dtype=float)
                    target_arr[idx] += delta
                    layers[li] = (
                        (target_arr.tolist(), layers[li][1])
                        if arr_index == 0
                        else (layers[li][0], target_arr.tolist())
                    )
                    return hand_loss(layers, target)

                fd = (loss_with(h) - loss_with(-h)) / (2 * h)
                step = (arr[idx] - after[li][arr_index][idx]) / lr
                assert step == pytest.approx(fd, rel=1e-5, abs=1e-8)


def test_loss_matches_hand_loss_at_every_recorded_frame():
    run = train_gate("XOR", "2-2-1", lr=2.0, seed=0, epochs=200, frames=11)
    np.testing.assert_array_equal(run.epochs, np.arange(0, 201, 20))
    for f in range(run.n_frames):
        layers = [(W.tolist(), b.tolist()) for W, b in run.layers_at(f)]
        assert run.loss[f] == pytest.approx(hand_loss(layers, "XOR"), rel=1e-10)
        np.testing.assert_allclose(
            run.outputs[f], gate_truth_table(run.layers_at(f), "sigmoid")[:, 2], rtol=1e-12
        )


def test_two_two_one_learns_xor_from_fixed_seed():
    run = train_gate("XOR", "2-2-1", lr=2.0, seed=0, epochs=2000)
    np.testing.assert_array_equal(run.bits_at(run.n_frames - 1), [0, 1, 1, 0])
    assert run.learned()
    assert run.loss[-1] < 0.05 < run.loss[0]
    again = train_gate("XOR", "2-2-1", lr=2.0, seed=0, epochs=2000)
    np.testing.assert_array_equal(again.loss, run.loss)  # repeatable from the seed


def test_single_neuron_fails_on_xor():
    run = train_gate("XOR", "single", lr=2.0, seed=0, epochs=2000)
    assert not run.learned()
    # One line cannot separate XOR: the best a single sigmoid can do is 0.5 everywhere, ln 2.
    assert run.loss[-1] == pytest.approx(math.log(2), abs=1e-3)
    assert (run.bits_at(run.n_frames - 1) != np.array(GATE_TARGETS["XOR"])).sum() >= 1


@pytest.mark.parametrize("target", ["AND", "OR", "NAND", "NOR"])
def test_single_neuron_learns_linear_gates(target):
    assert train_gate(target, "single", lr=2.0, seed=1, epochs=2000).learned()


def test_different_seeds_start_differently():
    a = train_gate("XOR", seed=0, epochs=10)
    b = train_gate("XOR", seed=1, epochs=10)
    assert not np.array_equal(a.weights[0][0], b.weights[0][0])


def test_huge_learning_rate_no_warnings():
    run = train_gate("XOR", "2-2-1", lr=1e300, seed=0, epochs=50)
    assert run.n_frames > 1
    for f in range(run.n_frames):
        for W, b in run.layers_at(f):
            assert np.isfinite(W).all() and np.isfinite(b).all()


def test_bad_arguments():
    with pytest.raises(ValueError, match="target"):
        train_gate("MAYBE")
    with pytest.raises(ValueError, match="architecture"):
        train_gate("XOR", "3-3-3")
    with pytest.raises(ValueError, match="learning rate"):
        train_gate("XOR", lr=-1)
    with pytest.raises(ValueError, match="epoch"):
        train_gate("XOR", epochs=0)
