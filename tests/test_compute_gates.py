"""Logic-gate compute: checked against hand-written truth tables, hand loops and REFERENCE.md §2."""

import math

import numpy as np
import pytest

from visualizer.compute import (
    GATE_PRESETS,
    SHEET_NETWORKS,
    decision_grid,
    diagnose_gate,
    evaluate_gate,
    gate_forward,
    gate_name,
    gate_truth_table,
    line_in_box,
    node_arithmetic,
    realised_gate,
    worked_line,
)

# Written out by hand: output for rows AB = 00, 01, 10, 11.
HAND_TRUTH = {
    "AND": [0, 0, 0, 1],
    "OR": [0, 1, 1, 1],
    "NAND": [1, 1, 1, 0],
    "NOR": [1, 0, 0, 0],
    "XOR": [0, 1, 1, 0],
    "XNOR": [1, 0, 0, 1],
}
ROWS = [(0, 0), (0, 1), (1, 0), (1, 1)]


def hand_forward(layers, a, b, act):
    """Plain-Python loops: z_j = sum_i x_i W[i][j] + b_j, then the activation."""
    x = [float(a), float(b)]
    outs = []
    for W, bias in layers:
        W = np.asarray(W).tolist()
        bias = np.asarray(bias).tolist()
        new = []
        for j in range(len(bias)):
            z = sum(x[i] * W[i][j] for i in range(len(x))) + bias[j]
            if act == "step":
                new.append(1.0 if z >= 0 else 0.0)
            elif act == "step_strict":
                new.append(1.0 if z > 0 else 0.0)
            else:
                new.append(1.0 / (1.0 + math.exp(-z)))
        outs.append(new)
        x = new
    return outs


def sheet(name):
    for key, net in SHEET_NETWORKS.items():
        if name in key:
            return net.layers
    raise KeyError(name)


@pytest.mark.parametrize("gate", sorted(HAND_TRUTH))
@pytest.mark.parametrize("act", ["step", "step_strict"])
def test_presets_match_hand_truth_tables_under_step(gate, act):
    table = gate_truth_table(GATE_PRESETS[gate], act)
    assert table.shape == (4, 3)
    np.testing.assert_array_equal(table[:, :2], np.array(ROWS))
    np.testing.assert_array_equal(table[:, 2], HAND_TRUTH[gate])


@pytest.mark.parametrize("gate", sorted(HAND_TRUTH))
def test_presets_are_decisive_under_sigmoid(gate):
    out = gate_truth_table(GATE_PRESETS[gate], "sigmoid")[:, 2]
    expected = np.array(HAND_TRUTH[gate], dtype=float)
    # Margin: every output within 0.01 of the right bit, far from the 0.5 threshold.
    assert np.all(np.abs(out - expected) < 0.01)
    assert realised_gate(GATE_PRESETS[gate], "sigmoid") == gate


def test_preset_shapes():
    for gate in ("AND", "OR", "NAND", "NOR"):
        assert len(GATE_PRESETS[gate]) == 1
    for gate in ("XOR", "XNOR"):
        (W1, b1), (W2, b2) = GATE_PRESETS[gate]
        assert W1.shape == (2, 2) and b1.shape == (2,) and W2.shape == (2, 1) and b2.shape == (1,)


@pytest.mark.parametrize("act", ["step", "step_strict", "sigmoid"])
@pytest.mark.parametrize(
    "layers",
    [
        [
            (np.array([[0.3, -1.2], [0.7, 0.4]]), np.array([-0.2, 0.5])),
            (np.array([[1.5], [-2.0]]), np.array([0.1])),
        ],
        [(np.array([[2.0], [-3.0]]), np.array([1.0]))],
        [
            (np.array([[1.0, -1.0, 0.5], [-1.0, 1.0, 0.5]]), np.array([-0.5, -0.5, 0.0])),
            (np.array([[1.0], [1.0], [-0.3]]), np.array([-0.5])),
        ],
    ],
)
def test_forward_matches_hand_loop(layers, act):
    batch = np.array(ROWS, dtype=float)
    got = gate_forward(layers, batch, act)
    assert len(got) == len(layers)
    for r, (a, b) in enumerate(ROWS):
        want = hand_forward(layers, a, b, act)
        single = gate_forward(layers, np.array([a, b], dtype=float), act)
        for li in range(len(layers)):
            np.testing.assert_allclose(got[li][r], want[li], rtol=1e-12, atol=0)
            np.testing.assert_allclose(single[li], want[li], rtol=1e-12, atol=0)
            assert single[li].shape == (len(want[li]),)


def test_step_conventions_differ_only_at_zero():
    layer = [(np.array([[1.0], [1.0]]), np.array([-1.0]))]  # z = A + B - 1
    assert gate_forward(layer, [1, 0], "step")[0][0] == 1.0  # z = 0 counts as 1
    assert gate_forward(layer, [1, 0], "step_strict")[0][0] == 0.0  # z = 0 counts as 0
    assert gate_forward(layer, [1, 0], "sigmoid")[0][0] == 0.5


# ----- the sheet's networks, REFERENCE.md section 2 -------------------------------------------
def test_sheet_and_works_only_with_z_geq_0():
    layers = sheet("AND")
    ((W, b),) = layers
    np.testing.assert_array_equal(W[:, 0], [0.25, 0.25])
    np.testing.assert_array_equal(b, [-0.5])
    np.testing.assert_array_equal(gate_truth_table(layers, "step")[:, 2], [0, 0, 0, 1])
    np.testing.assert_array_equal(gate_truth_table(layers, "step_strict")[:, 2], [0, 0, 0, 0])
    ev = evaluate_gate(layers, "step")
    assert ev.sums[0][3, 0] == 0.0
    np.testing.assert_array_equal(ev.fragile, [False, False, False, True])
    d = diagnose_gate(layers, "AND", "step")
    assert d.ok and d.fragile_rows == [3]
    assert diagnose_gate(layers, "AND", "step_strict").missed_rows == [3]


def test_sheet_or_is_and():
    layers = sheet("OR")
    np.testing.assert_array_equal(layers[0][0][:, 0], [0.25, 0.25])
    np.testing.assert_array_equal(layers[0][1], [-0.5])
    assert realised_gate(layers, "step") == "AND"
    d = diagnose_gate(layers, "OR", "step")
    assert d.gate == "AND"
    assert d.missed_rows == [1, 2]
    assert d.rows[2].reason == (
        "A=1, B=0: z = 0.25*1 + 0.25*0 - 0.5 = -0.25 < 0, output 0; OR needs 1."
    )
    assert d.summary == "These weights make AND."
    # The fix REFERENCE.md gives: w = (0.5, 0.5), b = -0.5 is an OR.
    fixed = [(np.array([[0.5], [0.5]]), np.array([-0.5]))]
    assert realised_gate(fixed, "step") == "OR"


def test_sheet_xor_right_under_both_conventions():
    layers = sheet("XOR")
    (W1, b1), (W2, b2) = layers
    np.testing.assert_array_equal(W1, [[1, -1], [-1, 1]])  # C: (1, -1), D: (-1, 1)
    np.testing.assert_array_equal(b1, [-0.5, -0.5])
    np.testing.assert_array_equal(W2[:, 0], [1, 1])
    np.testing.assert_array_equal(b2, [-0.5])
    for act in ("step", "step_strict"):
        np.testing.assert_array_equal(gate_truth_table(layers, act)[:, 2], [0, 1, 1, 0])
        assert not evaluate_gate(layers, act).fragile.any()


def test_sheet_xnor_fails_01_and_10_under_geq_and_passes_under_gt():
    layers = sheet("XNOR")
    (W1, b1), _ = layers
    np.testing.assert_array_equal(W1[:, 0], [-1, -1])  # C
    np.testing.assert_array_equal(W1[:, 1], [1, 1])  # D
    np.testing.assert_array_equal(b1, [0.5, -1])
    np.testing.assert_array_equal(gate_truth_table(layers, "step")[:, 2], [1, 1, 1, 1])
    np.testing.assert_array_equal(gate_truth_table(layers, "step_strict")[:, 2], [1, 0, 0, 1])
    d = diagnose_gate(layers, "XNOR", "step")
    assert d.missed_rows == [1, 2]
    assert "D: z = 1*0 + 1*1 - 1 = 0 ≥ 0, so D = 1" in d.rows[1].reason
    assert d.rows[1].reason.endswith(
        "XNOR needs 0. Fragile: this row is decided by a sum of "
        "exactly 0, so it depends on the convention."
    )
    assert diagnose_gate(layers, "XNOR", "step_strict").ok
    assert diagnose_gate(layers, "XNOR", "step_strict").fragile_rows == [1, 2]


def test_gate_names_cover_all_sixteen():
    names = {gate_name([(k >> 3) & 1, (k >> 2) & 1, (k >> 1) & 1, k & 1]) for k in range(16)}
    assert len(names) == 16
    assert gate_name([0, 1, 1, 0]) == "XOR"
    assert gate_name([0, 0, 1, 0]) == "A AND NOT B"
    with pytest.raises(ValueError):
        gate_name([0, 2, 1, 0])


def test_worked_line_for_hidden_node():
    arith = node_arithmetic(sheet("XOR"), 0, 0, (1, 0), "step")
    assert arith.name == "C"
    assert arith.z == 0.5 and arith.output == 1.0
    assert worked_line(arith) == (
        "C = step(1*A + (-1)*B - 0.5) = step(1*1 + (-1)*0 - 0.5) = step(0.5) = 1"
    )
    out = node_arithmetic(sheet("XOR"), 1, 0, (1, 0), "step")
    assert out.name == "Out" and out.input_names == ("C", "D") and out.input_values == (1.0, 0.0)


def test_worked_line_flags_zero_margin():
    arith = node_arithmetic(sheet("AND"), 0, 0, (1, 1), "step")
    assert arith.zero_margin
    assert "zero margin" in worked_line(arith)
    assert not node_arithmetic(sheet("AND"), 0, 0, (1, 0), "step").zero_margin


def test_rounding_zero_is_fragile():
    # 0.1 + 0.2 - 0.3 is 5.6e-17 in floating point: treated as a zero margin, not a clear 1.
    layers = [(np.array([[0.1], [0.2]]), np.array([-0.3]))]
    assert evaluate_gate(layers, "step").fragile[3]


def test_huge_weights_no_warnings():
    layers = [(np.array([[1e300], [-1e300]]), np.array([1e300]))]
    for act in ("step", "step_strict", "sigmoid"):
        table = gate_truth_table(layers, act)
        assert np.all(np.isfinite(table))
    assert gate_forward(layers, [0, 1], "sigmoid")[0][0] == 0.5  # z = 0
    big = [(np.array([[1e308], [1e308]]), np.array([1e308]))]  # the sum overflows to inf
    np.testing.assert_array_equal(gate_truth_table(big, "sigmoid")[:, 2], [1, 1, 1, 1])
    diagnose_gate(big, "AND", "step")  # words, no warnings


def test_decision_grid_matches_hand_loop():
    layers = GATE_PRESETS["XOR"]
    coords, grid = decision_grid(layers, "sigmoid", resolution=7)
    assert grid.shape == (7, 7)
    for i, bb in enumerate(coords):
        for j, aa in enumerate(coords):
            assert grid[i, j] == pytest.approx(hand_forward(layers, aa, bb, "sigmoid")[-1][0])
    coords, grid = decision_grid(sheet("OR"), "step", resolution=5, lo=0, hi=1)
    np.testing.assert_array_equal(coords, [0, 0.25, 0.5, 0.75, 1])
    # Row = B, column = A: 0.25 A + 0.25 B - 0.5 >= 0  <=>  A + B >= 2.
    want = np.array([[1.0 if a + b >= 2 else 0.0 for a in coords] for b in coords])
    np.testing.assert_array_equal(grid, want)


def test_line_in_box():
    seg = line_in_box((1, -1), -0.5, lo=-0.25, hi=1.25)  # A - B = 0.5
    a, b = seg
    np.testing.assert_allclose(a - b, [0.5, 0.5])
    assert np.all((a >= -0.25) & (a <= 1.25) & (b >= -0.25) & (b <= 1.25))
    assert line_in_box((0, 0), 1.0) is None
    assert line_in_box((1, 1), 10.0) is None  # A + B = -10 misses the square
    seg = line_in_box((0, 2), -1)  # B = 0.5, horizontal
    np.testing.assert_allclose(seg[1], [0.5, 0.5])
    np.testing.assert_allclose(sorted(seg[0]), [-0.25, 1.25])
    assert line_in_box((1e300, 1e-300), 1.0) is not None


def test_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        gate_forward(GATE_PRESETS["AND"], [0, 1], "relu")
    with pytest.raises(ValueError, match="shape"):
        gate_forward([(np.ones((3, 1)), np.zeros(1))], [0, 1])
    with pytest.raises(ValueError, match="target"):
        diagnose_gate(GATE_PRESETS["AND"], "MAYBE")


def test_hidden_gates_name_each_hidden_neuron():
    from visualizer.compute import hidden_gates

    assert hidden_gates(GATE_PRESETS["XOR"]) == {"C": "OR", "D": "NAND"}
    assert hidden_gates(GATE_PRESETS["XNOR"]) == {"C": "AND", "D": "NOR"}
    # The sheet's XOR: C fires only for A=1, B=0; D only for A=0, B=1.
    assert hidden_gates(sheet("XOR")) == {"C": "A AND NOT B", "D": "B AND NOT A"}
    assert hidden_gates(GATE_PRESETS["AND"]) == {}
