"""Issue 16 in the backprop topic: a batch, deeper nets, other activations and losses, the
summary, per-sample gradients, the check of every parameter, hover texts, lessons, exports.

Gradients are checked against finite differences of a loss written here from scratch, the
batch against per-sample gradients of that loss, counts against the parameters' sizes.
"""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest

from tests.helpers import shown_tab
from visualizer.app import create_window
from visualizer.lesson import lesson_from_text, lesson_to_text
from visualizer.tabs.backprop.model import PRESETS, BackpropModel, BackpropSettings
from visualizer.tabs.backprop.tab import BackpropTab

DOUBLED = re.compile(r"[-−+]\s*[-−+]\s*\d|[-−]\s*\(\s*[-−]|e\^\([-−]\s*[-−]")
ACTS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "gelu": lambda z: z / (1 + np.exp(-1.702 * z)),
}


def hand_losses(x, y, Ws, bs, activation, loss):
    """Each sample's loss, written out independently of the app."""
    h = x
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        h = h @ W + b
        if k < len(Ws) - 1:
            h = ACTS[activation](h)
    if loss == "mse":
        return 0.5 * np.sum((h - y) ** 2, axis=1)
    z = h - h.max(axis=1, keepdims=True)
    return -np.sum(y * (z - np.log(np.exp(z).sum(axis=1, keepdims=True))), axis=1)


def arrays(model):
    t, L = model.result.tensors, model.settings.depth
    return (t["x"].copy(), t["y"].copy(), [t[f"W{k}"].copy() for k in range(1, L + 1)],
            [t[f"b{k}"].copy() for k in range(1, L + 1)])  # fmt: skip


def fd(model, name, index, per_sample=None, h=1e-6):
    """Central difference of E (or of one sample's own loss) for one parameter entry."""
    s = model.settings
    x, y, Ws, bs = arrays(model)
    kind, layer = name[0], int(name[1:])
    target = (Ws if kind == "W" else bs)[layer - 1]

    def E():
        losses = hand_losses(x, y, Ws, bs, s.activation, s.loss)
        if per_sample is not None:
            return losses[per_sample]
        return losses.mean() if s.reduction == "mean" else losses.sum()

    old = target[index]
    target[index] = old + h
    up = E()
    target[index] = old - h
    down = E()
    target[index] = old
    return (up - down) / (2 * h)


CASES = list(itertools.product(["sigmoid", "tanh", "relu", "gelu"], ["cross_entropy", "mse"],
                               ["mean", "sum"]))  # fmt: skip


@pytest.mark.parametrize(("activation", "loss", "reduction"), CASES)
def test_every_parameter_gradient_against_finite_differences(activation, loss, reduction):
    rng = np.random.default_rng(len(activation) + len(loss))
    model = BackpropModel()
    more = tuple(int(m) for m in rng.integers(2, 4, size=rng.integers(0, 3)))
    model.set_settings(BackpropSettings(
        N=3, M=int(rng.integers(2, 5)), more_hidden=more, K=3, batch=int(rng.integers(2, 6)),
        activation=activation, loss=loss, reduction=reduction, seed=int(rng.integers(0, 100)),
    ))  # fmt: skip
    t = model.result.tensors
    for layer in range(1, model.settings.depth + 1):
        for kind in "Wb":
            grad = t[f"dE/d{kind}{layer}"]
            for index in [(0, 0), tuple(np.array(grad.shape) - 1)]:
                assert grad[index] == pytest.approx(fd(model, f"{kind}{layer}", index), abs=1e-6)
    # The check covers every parameter of every layer, at this B, and passes.
    names = {c.name for c in model.result.checks}
    for layer in range(1, model.settings.depth + 1):
        assert {f"dE/dW{layer}", f"dE/db{layer}", f"dE/df{layer}"} <= names
    assert "dE/dx" in names and all(c.passed for c in model.result.checks)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_the_batch_gradient_is_the_sum_or_mean_of_the_samples_own(reduction):
    model = BackpropModel()
    model.set_settings(BackpropSettings(batch=4, more_hidden=(2,), activation="tanh",
                                        reduction=reduction))  # fmt: skip
    B = 4
    t = model.result.tensors
    for name, index in (("W1", (1, 2)), ("b2", (0, 1)), ("W3", (0, 0))):
        own = [fd(model, name, index, per_sample=b) for b in range(B)]
        combined = np.mean(own) if reduction == "mean" else np.sum(own)
        assert t[f"dE/d{name}"][index] == pytest.approx(combined, abs=1e-7)
    # The per-sample page says the same, for every parameter.
    from visualizer.tabs.backprop.texts import per_sample_rows

    rows = per_sample_rows(model.result)
    assert len(rows) == 2 * model.settings.depth
    assert all(float(row[3]) < 1e-12 for row in rows)
    assert all(reduction in row[2] for row in rows)


def test_raising_B_keeps_sample_1_and_the_weights_and_the_parameter_shapes():
    model = BackpropModel()
    before = {k: v.copy() for k, v in model.result.tensors.items()}
    model.set_batch(8)
    t = model.result.tensors
    assert t["x"].shape == (8, 4) and t["y"].shape == (8, 2) and t["f1"].shape == (8, 3)
    np.testing.assert_array_equal(t["x"][:1], before["x"])
    for name in ("W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(t[name], before[name])
        assert t[f"dE/d{name}"].shape == before[f"dE/d{name}"].shape  # no B in its shape
    # E is the mean of the samples' own losses, with the mean's 1/B in dE/df2.
    x, y, Ws, bs = arrays(model)
    losses = hand_losses(x, y, Ws, bs, "sigmoid", "cross_entropy")
    assert t["E"][0, 0] == pytest.approx(losses.mean(), rel=1e-12)
    o = np.exp(t["f2"]) / np.exp(t["f2"]).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(t["dE/df2"], (o - y) / 8, atol=1e-15)
    np.testing.assert_allclose(t["dE/db1"][0], t["dE/df1"].sum(axis=0), atol=1e-15)
    np.testing.assert_allclose(t["dE/dW1"], x.T @ t["dE/df1"], atol=1e-15)


@pytest.mark.parametrize("B", [1, 8, 64])
def test_the_summary_counts_the_parameters_and_never_depends_on_B(B):
    model = BackpropModel()
    model.set_settings(BackpropSettings(N=5, M=4, more_hidden=(6, 2), K=3, batch=B))
    _, _, Ws, bs = arrays(model)
    expected = sum(W.size for W in Ws) + sum(b.size for b in bs)  # 20+4 + 24+6 + 12+2 + 6+3
    assert expected == 77 and model.result.summary.total_params == expected
    rows = model.result.summary.rows
    counts = [W.size + b.size for W, b in zip(Ws, bs, strict=True)]
    assert [r.param_count for r in rows if r.kind == "linear"] == counts
    assert all(r.output_shape[0] == B for r in rows)


def test_the_chain_grows_by_one_weight_and_one_diagonal_per_hidden_layer():
    model = BackpropModel()
    counts = []
    for hidden in [(3,), (3, 4), (3, 4, 2), (3, 4, 2, 5)]:
        model.set_hidden(hidden)
        chain = model.result.chain
        counts.append(len(chain.factors))
        assert chain.ok and model.frame_count() == len(chain.factors)
        names = [f.name for f in chain.factors]
        assert names[:2] == ["dE/do", f"do/df{len(hidden) + 1}"] and names[-1] == "df1/dx"
    assert counts == [5, 7, 9, 11]
    # The "what if" chains still work on a deep net.
    model.set_variant("W2")
    assert not model.result.chain.ok and "W5 (not W5ᵀ)" in model.result.chain.note
    model.set_variant("no_diag")
    assert model.result.chain.ok and "values are wrong" in model.chain_verdict()[1]


def test_relu_derivative_at_exactly_zero_is_zero():
    model = BackpropModel()
    model.set_options(activation="relu")
    t = model.result.tensors
    # Make f1[1,1] exactly 0: b1 = −(x·W1)[0, 0] ... with x = 0 it is just b1 = 0.
    for n in range(4):
        model.select_cell("x", 0, n)
        model.type_value(0.0)
    model.select_cell("b1", 0, 0)
    model.type_value(0.0)
    t = model.result.tensors
    assert t["f1"][0, 0] == 0.0
    diag = model.result.chain.factors[3]
    assert diag.name == "da/df1" and diag.matrix[0, 0] == 0.0
    assert "(0 at z = 0, as in PyTorch)" in model.explain_backward("F3", 0, 0)


@pytest.mark.parametrize(
    ("activation", "loss"), list(itertools.product(ACTS, ["cross_entropy", "mse"]))
)
def test_every_hover_text_with_negative_values_writes_each_sign_once(activation, loss):
    model = BackpropModel()
    model.set_settings(BackpropSettings(N=2, M=2, more_hidden=(2,), K=2, batch=2,
                                        activation=activation, loss=loss))  # fmt: skip
    # Positive x, negative weights and biases: every pre-activation is negative.
    for name, value in (("x", 0.5), ("W1", -0.4177), ("b1", -0.3), ("W2", -0.2), ("b2", -0.1),
                        ("W3", -0.6), ("b3", -0.05)):  # fmt: skip
        rows, cols = model.result.tensors[name].shape
        for i, j in itertools.product(range(rows), range(cols)):
            model.select_cell(name, i, j)
            model.type_value(value)
    t = model.result.tensors
    assert np.all(t["f1"] < 0)
    texts = []
    for name in model.forward_names() + [n for n in t if n.startswith("dE/")]:
        key = name.replace("/", "_", 1)
        for i, j in itertools.product(*map(range, t[name].shape)):
            texts.append(model.explain_forward(key, i, j))
    for frame in range(model.frame_count()):
        model.set_frame(frame)
        P = model.result.chain.partials[frame]
        texts += [model.explain_backward("P", 0, j) for j in range(P.shape[1])]
    for k, factor in enumerate(model.result.chain.factors):
        for i, j in itertools.product(*map(range, factor.matrix.shape)):
            texts.append(model.explain_backward(f"F{k}", i, j))
    texts += [model.explain_shortcut("short", 0, j) for j in range(2)]
    assert len(texts) > 100
    for text in texts:
        assert not DOUBLED.search(text.replace("e-0", "e0")), text
        assert "nan" not in text and "(1/1)" not in text


# ----- lessons ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_round_trips_and_writes_only_the_keys_it_changes(name):
    model = BackpropModel()
    model.load_preset(name)
    state = json.loads(json.dumps(model.state()))
    sheet_keys = ["N", "M", "K", "true_class", "seed", "typed", "variant", "frame", "element",
                  "page", "letters"]  # fmt: skip
    extension = [k for k in state if k not in [*sheet_keys, "preset"]]
    settings, _ = PRESETS[name]
    changed = [k for k in ("batch", "more_hidden", "activation", "loss", "reduction", "sample")
               if getattr(settings, k) != getattr(BackpropSettings(), k)]  # fmt: skip
    assert extension == changed
    other = BackpropModel()
    other.restore_state(state)
    assert other.state() == state


def test_a_lesson_of_the_new_settings_round_trips_through_the_window(qtbot):
    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    model = window.models["backprop"]
    model.load_preset("B = 8 with two hidden layers: the summary")
    model.set_options(activation="gelu", reduction="sum")
    model.set_sample(5)
    text = lesson_to_text(window.lesson())
    saved = json.loads(text)["tabs"]["backprop"]
    assert saved["batch"] == 8 and saved["more_hidden"] == [3] and saved["sample"] == 5
    assert saved["activation"] == "gelu" and saved["reduction"] == "sum"
    other = create_window(initial_tab="descent")
    qtbot.addWidget(other)
    other.apply_lesson(lesson_from_text(text))
    assert other.models["backprop"].state() == model.state()
    tab = other.tab("backprop")
    assert tab.chain.sample_spin.value() == 6 and tab.controls.b_spin.value() == 8


# ----- the tab ---------------------------------------------------------------------------------
@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, BackpropTab())
    return widget


def test_batch_control_and_what_the_tab_shows(tab):
    strip, chain = tab.forward.strip, tab.chain
    assert not chain.sample_box.isVisible()
    tab.controls.b_spin.setValue(8)
    assert strip.block("x").values.shape == (8, 4)
    assert strip.block("x").shape_label == "B×N\n8×4"
    assert strip.block("W1").shape_label == "N×M\n4×3"
    assert chain.sample_box.isVisible() and "(sample 1 of 8)" in chain.title()
    chain.sample_spin.setValue(3)
    assert tab.model.settings.sample == 2
    np.testing.assert_allclose(
        chain.strip.block(f"F{len(tab.model.result.chain.factors) - 1}").values,
        tab.model.result.tensors["W1"].T,
    )
    assert "dE/dx of sample 3" in chain.verdict_text()
    # The gradients page: xᵀ [N×B] · dE/df1 [B×M] = dE/dW1 [N×M], and the column sums.
    params = tab.pages.params_strip
    assert params.block("T_x").shape_label == "N×B\n4×8"
    assert params.block("dE_df1").shape_label == "B×M\n8×3"
    assert params.block("dE_dW1").shape_label == "N×M\n4×3"
    assert params.block("dE_df2").title == "dE/df2 = (o − y)/B"
    assert tab.pages.per_sample_table.rowCount() == 4
    tab.pages.setCurrentIndex(5)
    assert tab.model.settings.page == 5
    summary = tab.pages.summary_table
    assert summary.item(summary.rowCount() - 1, 3).text() == "23"  # 4·3 + 3 + 3·2 + 2


def test_depth_activation_and_loss_controls(tab, qtbot):
    options = tab.controls.options
    options.hidden_field.setText("3, 4")
    options.hidden_field.editingFinished.emit()
    assert tab.model.settings.more_hidden == (4,)
    keys = [b.key for b in tab.forward.strip.blocks()]
    assert keys == ["x", "W1", "b1", "f1", "a1", "W2", "b2", "f2", "a2", "W3", "b3", "f3", "o",
                    "y", "E"]  # fmt: skip
    assert len(tab.chain.strip.blocks()) == 7 + 1
    with qtbot.waitSignal(tab.statusMessage) as message:
        options.hidden_field.setText("3, 4, 0")
        options.hidden_field.editingFinished.emit()
    assert "from 1 to 64" in message.args[0] and options.hidden_field.text() == "3, 4"
    options.activation_combo.setCurrentIndex(options.activation_combo.findData("tanh"))
    assert tab.model.settings.activation == "tanh"
    assert "tanh→" in tab.forward.strip.operators()
    assert "tanh" in tab.forward.formula_label.text()
    options.loss_combo.setCurrentIndex(options.loss_combo.findData("mse"))
    assert "o" not in [b.key for b in tab.forward.strip.blocks()]
    assert tab.pages.tabText(1) == "out − y" and tab.pages.shortcut_table.isHidden()
    assert tab.chain.strip.blocks()[0].title == "dE/df3"
    options.reduction_combo.setCurrentIndex(options.reduction_combo.findData("sum"))
    assert tab.model.settings.reduction == "sum"


def test_exports_of_a_batch(qtbot, tmp_path):
    window = create_window(initial_tab="backprop")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.models["backprop"].load_preset("B = 8 with two hidden layers: the summary")
    window.export_current("csv", tmp_path / "b.csv")
    csv = (tmp_path / "b.csv").read_text(encoding="utf-8").splitlines()
    assert csv[0].startswith("tensor,") and 'x,B×N,8×4,"input, one sample per row",' in csv
    dW1 = next(line for line in csv if line.startswith("dE/dW1,"))
    assert dW1.startswith("dE/dW1,N×M1,4×3,") and float(dW1.rsplit(",", 1)[1]) < 1e-6
    window.export_current("md", tmp_path / "b.md")
    md = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "dE/dW1 = xᵀ · dE/df1 [(N×B)·(B×M1) = N×M1 = 4×3]" in md
    assert "| Total (trainable, any B) |  |  | 35 |" in md
    assert "÷ B = 8 (the 1/B of the mean enters here)" in md
    window.export_current("svg", tmp_path / "b.svg")
    svg = (tmp_path / "b.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "dE/dx" in svg
    window.export_current("png", tmp_path / "b.png")
    assert (tmp_path / "b.png").stat().st_size > 10_000
