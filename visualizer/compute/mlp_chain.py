"""One sample's backward chain of Jacobians through a perceptron of any depth, and its shapes.

The Backprop tab shows dE/dx of one sample b (a row of the batch) as a product of factors,
multiplied left to right; every hidden layer adds two (its weights' transpose and its
activation's diagonal Jacobian)::

    cross-entropy:  dE/dx_b = dE/do_b · do_b/dfL · WLᵀ · diag(φ'(f_{L−1,b})) · … · W1ᵀ
    mse:            dE/dx_b = dE/dfL_b · WLᵀ · diag(φ'(f_{L−1,b})) · … · W1ᵀ

with dE/do_b = −s y_b / o_b, do/dfL = diag(o_b) − o_bᵀ o_b and dE/dfL_b = s (fL_b − y_b),
s = 1/B for the mean, 1 for the sum. For one hidden layer, one sample, sigmoid and
cross-entropy the factors and products are exactly those of
:func:`visualizer.compute.backprop.chain_product` (the sheet's names). A "what if" chain puts
one wrong factor in, and the product stops at the first shape mismatch, as the sheet's does.

Also here: the reproducible random network the tab starts from (:func:`random_network`),
the softmax shortcut and the worked sum of one sample, and the table of every tensor's
shape in letters and numbers (:func:`mlp_shape_rows`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from visualizer.compute.backprop import (
    MAX_SIZE,
    ChainFactor,
    ChainProduct,
    ChainStep,
    ShapeRow,
    WorkedSum,
    shape_text,
    stable_log_softmax,
    symbolic_shapes,
)
from visualizer.compute.mlp import ACTIVATION_RULES, MLPBackprop, activation_slope
from visualizer.compute.mlp_choices import MLP_CHAIN_VARIANTS

__all__ = [
    "MLP_CHAIN_VARIANTS",
    "RandomNetwork",
    "chain_variant_labels",
    "correct_factors",
    "layer_letters",
    "mlp_shape_rows",
    "random_network",
    "sample_chain",
    "sample_shortcut",
    "sample_worked_dx",
]

Array = NDArray[np.float64]


def layer_letters(depth: int) -> list[str]:
    """The letters of every width: N, then M (one hidden layer) or M1, M2, …, then K."""
    hidden = ["M"] if depth == 2 else [f"M{i}" for i in range(1, depth)]
    return ["N", *hidden, "K"]


def _a(layer: int, depth: int) -> str:
    """The name of hidden layer ``layer``'s activation: the sheet's a, or a1, a2, …"""
    return "a" if depth == 2 else f"a{layer}"


def _phi(activation: str) -> str:
    return {"sigmoid": "a(1−a)", "tanh": "1−a²", "relu": "1[f>0]", "gelu": "GeLU'(f)"}[activation]


def chain_variant_labels(
    depth: int, activation: str, loss: str = "cross_entropy"
) -> dict[str, str]:
    """What the "what if" switch offers for a net of ``depth`` layers, in words."""
    L = depth
    slope = _phi(activation)
    a1 = _a(1, L)
    middle = " · ".join(
        f"W{layer}ᵀ · diag({slope})" if layer > 1 else "W1ᵀ" for layer in range(L, 0, -1)
    )
    start = f"dE/do · do/df{L}" if loss == "cross_entropy" else f"dE/df{L}"
    return {
        "correct": f"Correct chain: {start} · {middle}",
        "W2": f"Wrong: W{L} instead of W{L}ᵀ",
        "W1": "Wrong: W1 instead of W1ᵀ",
        "slope_row": f"Wrong: d{a1}/df1 as a row [1×{layer_letters(L)[1]}] instead of the "
        "diagonal matrix",
        "no_diag": f"Wrong: the diagonal d{a1}/df1 left out",
    }


# ----- the random network ---------------------------------------------------------------------
@dataclass(frozen=True)
class RandomNetwork:
    """A reproducible network and batch: x [B×N], one-hot y [B×K], W_l, b_l (1×M rows)."""

    x: Array
    y: Array
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    classes: tuple[int, ...]  # the true class of every sample (0-based)


def random_network(
    N: int, widths: Sequence[int], K: int, batch: int = 1, true_class: int = 0, seed: int = 0
) -> RandomNetwork:
    r"""A reproducible random network: the same arguments always give the same values.

    Sample 1 and the layers are drawn from one generator in the order x, W1, b1, W2, b2, …,
    so one hidden layer and one sample give exactly
    :func:`visualizer.compute.backprop.random_problem`'s values; the other samples (and
    their classes) come from a second generator, so raising B keeps sample 1 and the
    weights. x ~ U(−1, 1), W_l ~ N(0, 1/M_{l−1}), b_l ~ N(0, 0.1²), all rounded to two
    decimals; sample 1's class is ``true_class``.

    Parameters
    ----------
    N, K : int
        Input size and number of classes (1 to 64).
    widths : sequence of int
        The hidden layers' widths M1, …, M_{L−1} (1 to 4 layers, each 1 to 64).
    batch : int
        B, 1 to 64.
    """
    hidden = [int(m) for m in widths]
    for letter, n in (("N", N), ("K", K), ("B", batch), *(("a hidden width", m) for m in hidden)):
        if not 1 <= int(n) <= MAX_SIZE:
            raise ValueError(f"{letter} must be a whole number from 1 to {MAX_SIZE}, not {n}.")
    if not 1 <= len(hidden) <= 4:
        raise ValueError(f"A network has 1 to 4 hidden layers, not {len(hidden)}.")
    if not 0 <= int(true_class) < int(K):
        raise ValueError(f"The true class must be between 1 and {K}.")
    rng = np.random.default_rng(int(seed))
    first = rng.uniform(-1.0, 1.0, size=(1, N))
    sizes = [N, *hidden, K]
    weights, biases = [], []
    for fan_in, fan_out in itertools.pairwise(sizes):
        weights.append(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out)))
        biases.append(rng.normal(0.0, 0.1, size=(1, fan_out)))
    more = np.random.default_rng([int(seed), 1])
    rest = more.uniform(-1.0, 1.0, size=(batch - 1, N))
    classes = (int(true_class), *(int(c) for c in more.integers(0, K, size=batch - 1)))
    x = np.vstack([first, rest])
    # + 0.0 turns -0.0 into 0.0 so no cell reads "-0".
    return RandomNetwork(
        x=np.round(x, 2) + 0.0,
        y=np.eye(K)[list(classes)],
        weights=tuple(np.round(W, 2) + 0.0 for W in weights),
        biases=tuple(np.round(b, 2) + 0.0 for b in biases),
        classes=classes,
    )


# ----- one sample's chain ---------------------------------------------------------------------
def _check_sample(result: MLPBackprop, sample: int) -> int:
    if not 0 <= int(sample) < result.batch:
        raise ValueError(f"The sample must be between 1 and B = {result.batch}.")
    return int(sample)


def _dE_do(result: MLPBackprop, b: int) -> Array:
    """−s y/o for sample b, as −s y e^{−ln o} (0 where y is 0; not finite where o underflows)."""
    y = result.y[b : b + 1]
    log_o = stable_log_softmax(result.output[b : b + 1])
    with np.errstate(over="ignore", invalid="ignore"):
        return result.scale * np.where(y != 0, -y * np.exp(-log_o), 0.0)


def correct_factors(result: MLPBackprop, sample: int = 0) -> list[ChainFactor]:
    """The factors of sample ``sample``'s dE/dx, in order (see the module docstring)."""
    b = _check_sample(result, sample)
    L = result.depth
    letters = layer_letters(L)
    out = f"f{L}"
    factors: list[ChainFactor] = []
    if result.loss_name == "cross_entropy":
        assert result.probabilities is not None
        o = result.probabilities[b : b + 1]
        scaled = "−y / o" if result.scale == 1.0 else f"−y / ({result.batch}·o)"
        factors.append(ChainFactor("dE/do", scaled, ("1", "K"), _dE_do(result, b)))
        factors.append(
            ChainFactor(f"do/d{out}", "diag(o) − oᵀo", ("K", "K"), np.diag(o[0]) - o.T @ o)
        )
    elif result.loss_name == "mse":
        diff = "out − y" if result.scale == 1.0 else f"(out − y) / {result.batch}"
        delta = result.grad_pre[-1][b : b + 1].copy()
        factors.append(ChainFactor(f"dE/d{out}", diff, ("1", "K"), delta))
    else:
        raise ValueError("The chain is drawn for the cross_entropy and mse losses.")
    slopes = result.slopes()
    rule = ACTIVATION_RULES[result.activation]
    for layer in range(L, 0, -1):
        W = result.weights[layer - 1]
        if layer == 1:
            factors.append(ChainFactor("df1/dx", "W1ᵀ", (letters[1], "N"), W.T.copy()))
            break
        a = _a(layer - 1, L)
        factors.append(
            ChainFactor(
                f"df{layer}/d{a}", f"W{layer}ᵀ", (letters[layer], letters[layer - 1]), W.T.copy()
            )
        )
        slope = slopes[layer - 2][b]
        factors.append(
            ChainFactor(
                f"d{a}/df{layer - 1}", rule.jacobian, (letters[layer - 1], letters[layer - 1]),
                np.diag(slope), diagonal=True,
            )
        )  # fmt: skip
    return factors


def _with_variant(
    factors: list[ChainFactor], result: MLPBackprop, sample: int, variant: str
) -> list[ChainFactor]:
    if variant not in MLP_CHAIN_VARIANTS:
        raise ValueError(
            f"Unknown chain variant {variant!r}; choose one of {', '.join(MLP_CHAIN_VARIANTS)}."
        )
    L = result.depth
    factors = list(factors)
    names = [f.name for f in factors]
    if variant == "W2":  # the last weights untransposed
        k = next(i for i, f in enumerate(factors) if f.formula == f"W{L}ᵀ")
        W = factors[k]
        factors[k] = ChainFactor(
            f"W{L} (not W{L}ᵀ)", f"W{L}", W.symbolic[::-1], W.matrix.T.copy(), wrong=True
        )
    elif variant == "W1":
        k = names.index("df1/dx")
        W = factors[k]
        factors[k] = ChainFactor("W1 (not W1ᵀ)", "W1", ("N", W.symbolic[0]), W.matrix.T.copy(),
                                 wrong=True)  # fmt: skip
    elif variant in ("slope_row", "no_diag"):
        k = names.index(f"d{_a(1, L)}/df1")
        if variant == "no_diag":
            del factors[k]
        else:
            slope = activation_slope(result.pre[0][sample], result.activation)[None, :]
            factors[k] = ChainFactor(
                f"{_phi(result.activation)} as a row", _phi(result.activation),
                ("1", factors[k].symbolic[0]), slope, wrong=True,
            )  # fmt: skip
    return factors


def _partial_names(result: MLPBackprop) -> list[str]:
    """What the running product of the correct chain is after each factor."""
    L = result.depth
    names = ["dE/do"] if result.loss_name == "cross_entropy" else []
    names.append(f"dE/df{L}")
    for layer in range(L - 1, 0, -1):
        names += [f"dE/d{_a(layer, L)}", f"dE/df{layer}"]
    return [*names, "dE/dx"]


def sample_chain(result: MLPBackprop, sample: int = 0, variant: str = "correct") -> ChainProduct:
    r"""Sample ``sample``'s dE/dx as the product of its chain, left to right.

    .. math:: P_1 = F_1,\qquad P_{i+1} = P_i F_{i+1}

    Every inner dimension is checked before a product; the first mismatch stops the chain
    and says why in words (``mismatch``). ``max_abs_deviation`` compares a finished product
    with row ``sample`` of ``result.grad_x``.
    """
    b = _check_sample(result, sample)
    factors = _with_variant(correct_factors(result, b), result, b, variant)
    truth_names = _partial_names(result)
    partials = [factors[0].matrix]
    partial_names = [factors[0].name]
    steps: list[ChainStep] = []
    mismatch = None
    left_name, left_sym = factors[0].name, factors[0].symbolic
    with np.errstate(over="ignore", invalid="ignore"):
        for factor in factors[1:]:
            left = partials[-1]
            rows, cols = factor.matrix.shape
            ok = left.shape[1] == rows
            step = ChainStep(
                left_name, factor.name, (left.shape[0], left.shape[1]), (rows, cols), left_sym,
                factor.symbolic, left @ factor.matrix if ok else None,
            )  # fmt: skip
            steps.append(step)
            if step.result is None:
                mismatch = step.sentence()
                break
            partials.append(step.result)
            if not any(f.wrong for f in factors[: len(partials)]):
                left_name = truth_names[len(steps)]
                partial_names.append(left_name)
            else:
                left_name = f"the running product of the first {len(partials)} factors"
                partial_names.append(f"P{len(partials)}")
            left_sym = (left_sym[0], factor.symbolic[1])
    product = partials[-1] if mismatch is None else None
    deviation = None
    truth = result.grad_x[b : b + 1]
    if product is not None:
        same = product.shape == truth.shape and np.all(np.isfinite(product))
        deviation = float(np.max(np.abs(product - truth))) if same else float("inf")
    note = _note(result, b, variant, mismatch, product, deviation)
    return ChainProduct(factors, steps, partials, partial_names, mismatch, product, deviation, note)


def _note(
    result: MLPBackprop,
    b: int,
    variant: str,
    mismatch: str | None,
    product: Array | None,
    deviation: float | None,
) -> str:
    if mismatch is not None:
        return mismatch
    assert product is not None
    L = result.depth
    whose = "" if result.batch == 1 else f" of sample {b + 1}"
    if not np.all(np.isfinite(product)):
        return (
            "Every shape fits, but dE/do = −y/o is not finite: o of the true class underflowed "
            f"to 0. The fused shortcut dE/df{L} = o − y has no division and stays exact."
        )
    if variant == "correct":
        return (
            f"Every inner dimension matches; the product is dE/dx{whose} "
            f"[{shape_text(product.shape)}]."
        )
    letters = layer_letters(L)
    why = {
        "W2": f"W{L} is {letters[L - 1]}×K and happens to fit only because {letters[L - 1]} = K",
        "W1": f"W1 is N×{letters[1]} and happens to fit only because N = {letters[1]}",
        "slope_row": f"{_phi(result.activation)} is 1×{letters[1]} and fits only because "
        f"{letters[1]} = 1",
        "no_diag": "leaving the diagonal out keeps every shape valid",
    }[variant]
    scale = max(1.0, float(np.max(np.abs(result.grad_x[b]))))
    if deviation is not None and deviation <= 1e-12 * scale:  # equal up to rounding
        return (
            f"Every inner dimension matches ({why}), and for these numbers the values happen "
            "to agree too (every term is 0 here); with other values they would differ."
        )
    if product.shape != (1, result.x.shape[1]):
        return (
            f"Every inner dimension matches ({why}), but the result is "
            f"{shape_text(product.shape)}, not 1×N."
        )
    return (
        f"Every inner dimension matches ({why}), yet the values are wrong: they differ from the "
        f"true dE/dx{whose} by up to {deviation:.3g}. Shapes catch many mistakes, not all."
    )


def sample_shortcut(result: MLPBackprop, sample: int = 0) -> tuple[Array, Array, float]:
    r"""The full product dE/do · do/dfL of one sample next to the fused s (o − y).

    .. math:: \left[-\tfrac{s y_1}{o_1}, \dots\right] (\mathrm{diag}(o) - o^T o) = s (o - y)

    Returns (full, shortcut, largest difference); the difference is ``inf`` when the full
    product is not finite (o of the true class underflowed).
    """
    b = _check_sample(result, sample)
    if result.loss_name != "cross_entropy" or result.probabilities is None:
        raise ValueError("The softmax shortcut needs the cross_entropy loss.")
    o = result.probabilities[b : b + 1]
    with np.errstate(over="ignore", invalid="ignore"):
        full = _dE_do(result, b) @ (np.diag(o[0]) - o.T @ o)
    short = result.grad_pre[-1][b : b + 1].copy()
    if not np.all(np.isfinite(full)):
        return full, short, float("inf")
    return full, short, float(np.max(np.abs(full - short)))


def sample_worked_dx(result: MLPBackprop, sample: int, j: int) -> WorkedSum:
    r"""The sum behind dE/dx[sample, j] (both 0-based).

    .. math:: \frac{\partial E}{\partial x_{bj}} = \sum_m \frac{\partial E}{\partial f_{1,bm}}
              W_1[j, m]
    """
    b = _check_sample(result, sample)
    W1 = result.weights[0]
    if not 0 <= j < W1.shape[0]:
        raise ValueError(f"The element must be between 1 and {W1.shape[0]}.")
    delta = result.grad_pre[0][b].copy()
    weights = W1[j].copy()
    terms = delta * weights
    return WorkedSum(j, delta, weights, terms, float(np.sum(terms)))


# ----- the shapes table -----------------------------------------------------------------------
def mlp_shape_rows(
    N: int,
    widths: Sequence[int],
    K: int,
    batch: int = 1,
    activation: str = "sigmoid",
    loss: str = "cross_entropy",
) -> list[ShapeRow]:
    """Every tensor and Jacobian of the chain with its shape in letters and numbers.

    One hidden sigmoid layer, one sample and cross-entropy give exactly the sheet's table
    (:func:`visualizer.compute.backprop.symbolic_shapes`). With B > 1 the batched tensors
    have B rows, the Jacobians stay one sample's, and the parameter gradients have no B.
    """
    hidden = list(widths)
    L = len(hidden) + 1
    if L == 2 and batch == 1 and activation == "sigmoid" and loss == "cross_entropy":
        return symbolic_shapes(N, hidden[0], K)
    letters = layer_letters(L)
    sizes = {"1": 1, "B": batch, "N": N, "K": K, **dict(zip(letters[1:-1], hidden, strict=True))}
    rows_letter = "B" if batch > 1 else "1"
    rule = ACTIVATION_RULES[activation]
    word = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "gelu": "GeLU"}[activation]
    rows: list[tuple[str, str, str]] = [("x", "input, one sample per row", f"{rows_letter}×N")]
    fan_in, previous = "N", "x"
    for layer in range(1, L + 1):
        width = letters[layer]
        rows += [
            (f"W{layer}", f"layer {layer} weights", f"{fan_in}×{width}"),
            (f"b{layer}", f"layer {layer} bias (added to every row)", f"1×{width}"),
            (f"f{layer} = {previous}W{layer} + b{layer}",
             "logits" if layer == L else f"hidden pre-activation {layer}",
             f"{rows_letter}×{width}"),
        ]  # fmt: skip
        if layer < L:
            a = _a(layer, L)
            rows.append((f"{a} = {word}(f{layer})", f"hidden activation {layer}",
                         f"{rows_letter}×{width}"))  # fmt: skip
            fan_in, previous = width, a
    out = f"f{L}"
    if loss == "cross_entropy":
        rows += [(f"o = S({out})", "softmax output", f"{rows_letter}×K")]
    rows += [("y", "one-hot targets", f"{rows_letter}×K")]
    mean = " (mean over B)" if batch > 1 else ""
    rows += [("E", f"loss{mean}", "1×1")]
    if loss == "cross_entropy":
        rows += [
            ("dE/do", "−y / o, one sample", "1×K"),
            (f"do/d{out}", "softmax Jacobian diag(o) − oᵀo, one sample", "K×K"),
        ]
    delta = "(o − y)" if loss == "cross_entropy" else "(out − y)"
    rows += [(f"dE/d{out}", f"{delta}/B for the mean, one row per sample", f"{rows_letter}×K")]
    for layer in range(L, 1, -1):
        a = _a(layer - 1, L)
        width = letters[layer - 1]
        rows += [
            (f"df{layer}/d{a}", f"W{layer}ᵀ, one sample",
             f"{letters[layer]}×{width}"),
            (f"d{a}/df{layer - 1}", f"{rule.jacobian}, diagonal, one sample", f"{width}×{width}"),
        ]  # fmt: skip
    rows += [
        ("df1/dx", "W1ᵀ, one sample", f"{letters[1]}×N"),
        ("dE/dx", "one row per sample", f"{rows_letter}×N"),
    ]
    fan_in, previous = "N", "x"
    for layer in range(1, L + 1):
        width = letters[layer]
        sum_words = " (the sum over B happens here)" if batch > 1 else ""
        rows += [
            (f"dE/dW{layer}", f"{previous}ᵀ dE/df{layer}{sum_words}", f"{fan_in}×{width}"),
            (f"dE/db{layer}", f"column sums of dE/df{layer}", f"1×{width}"),
        ]
        fan_in, previous = width, _a(layer, L)
    out_rows = []
    for name, meaning, sym in rows:
        r, c = sym.split("×")
        out_rows.append(ShapeRow(name, meaning, sym, f"{sizes[r]}×{sizes[c]}"))
    return out_rows
