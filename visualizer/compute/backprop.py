"""Backprop through the sheet's 2-layer MLP (exercise 3), with every shape made explicit.

The network, with row vectors as on the sheet::

    x [1xN] -> f1 = x W1 + b1 [1xM] -> a = sigmoid(f1) [1xM]
            -> f2 = a W2 + b2 [1xK] -> o = softmax(f2) [1xK] -> E = -sum_k y_k ln o_k

and the chain rule for the input gradient, one Jacobian per arrow::

    dE/dx = dE/do [1xK] . do/df2 [KxK] . W2^T [KxM] . da/df1 [MxM diag] . W1^T [MxN]

Everything here is plain numpy: the backprop tab only draws what these functions return.
Softmax and log-softmax are computed by shifting with the maximum logit, so logits of size
1e3 (and far beyond) give a finite loss with no overflow, no ``log(0)`` and no numpy warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.mlp_choices import MAX_SIZE
from visualizer.compute.number_text import negated_text as _negated
from visualizer.compute.number_text import number_text as _fmt
from visualizer.compute.number_text import products_text as _sum_text
from visualizer.compute.number_text import signed_term as _signed_term

__all__ = [
    "CHAIN_VARIANTS",
    "GRADIENT_CHECK_TOLERANCE",
    "GRADIENT_NAMES",
    "MAX_SIZE",
    "ChainFactor",
    "ChainProduct",
    "ChainStep",
    "GradientCheck",
    "MLPProblem",
    "ShapeRow",
    "WorkedSum",
    "chain_factors",
    "chain_product",
    "compare_gradient",
    "explain_element",
    "gradient_check",
    "mlp_gradients",
    "mlp_loss",
    "numerical_gradients",
    "one_hot",
    "product_entry_text",
    "random_problem",
    "shape_text",
    "softmax_shortcut",
    "stable_log_softmax",
    "stable_softmax",
    "symbolic_shapes",
    "worked_dx_element",
]

Array = NDArray[np.float64]

#: A gradient whose largest relative error exceeds this is marked as failing the check.
GRADIENT_CHECK_TOLERANCE = 1e-6
#: The gradients ``mlp_gradients`` returns, in the order the tab lists them.
GRADIENT_NAMES: tuple[str, ...] = (
    "dE_df2",
    "dE_da",
    "dE_df1",
    "dE_dx",
    "dE_dW1",
    "dE_db1",
    "dE_dW2",
    "dE_db2",
)

# exp(-800) is exactly 0 in float64, so clipping a sigmoid argument there changes nothing
# but keeps exp() from overflowing.
_Z_CLIP = 800.0


# ----- building blocks ----------------------------------------------------------------------
def stable_log_softmax(z: ArrayLike) -> Array:
    r"""Log-softmax along the last axis, stable for any finite logits.

    .. math:: \ln \mathrm{softmax}(z)_k = (z_k - m) - \ln \sum_j e^{z_j - m}, \quad m = \max_j z_j

    After the shift every exponent is <= 0, so ``exp`` cannot overflow, and the sum is at
    least 1 (the largest term is ``e^0``), so the logarithm never sees 0.

    Parameters
    ----------
    z : array_like
        Logits; the softmax runs over the last axis.

    Returns
    -------
    ndarray
        Same shape as ``z``; every entry <= 0.
    """
    z = np.asarray(z, dtype=float)
    m = np.max(z, axis=-1, keepdims=True)
    # z - m can only overflow when logits differ by more than 1.8e308; then the far entry
    # is -inf, whose exp is exactly 0: the right limit, so the warning is silenced.
    with np.errstate(over="ignore", under="ignore"):
        shifted = z - m
        return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def stable_softmax(z: ArrayLike) -> Array:
    r"""Softmax along the last axis, :math:`o_k = e^{z_k - m} / \sum_j e^{z_j - m}`.

    Shifted by the maximum logit ``m`` (see :func:`stable_log_softmax`); entries that are
    smaller than about ``e^{-745}`` underflow to exactly 0 without a warning.
    """
    with np.errstate(under="ignore"):
        return np.exp(stable_log_softmax(z))


def _sigmoid(z: Array) -> Array:
    z = np.clip(z, -_Z_CLIP, _Z_CLIP)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_slope(z: Array) -> Array:
    """sigmoid'(z) = a (1 - a), written as e^{-|z|} / (1 + e^{-|z|})^2 to keep the tails exact."""
    z = np.clip(z, -_Z_CLIP, _Z_CLIP)
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        return e / (1.0 + e) ** 2


def _cross_entropy(log_o: Array, y: Array) -> Array:
    """-sum_k y_k ln o_k over the last axis; classes with y_k = 0 contribute exactly 0."""
    with np.errstate(invalid="ignore", over="ignore"):
        terms = np.where(y != 0, y * log_o, 0.0)
    return -np.sum(terms, axis=-1)


def one_hot(true_class: int, K: int) -> Array:
    """The row vector y [1xK] with a 1 at ``true_class`` (0-based) and 0 elsewhere."""
    if not 0 <= int(true_class) < int(K):
        raise ValueError(f"The true class must be between 0 and {K - 1} for K = {K}.")
    y = np.zeros((1, int(K)))
    y[0, int(true_class)] = 1.0
    return y


def shape_text(shape: tuple[int, ...]) -> str:
    """``(1, 4)`` -> ``"1×4"``."""
    return "×".join(str(int(s)) for s in shape)


# ----- forward and backward -----------------------------------------------------------------
def _as_row_problem(
    x: ArrayLike, y: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike
) -> tuple[Array, Array, Array, Array, Array, Array]:
    arrays = [np.asarray(v, dtype=float) for v in (x, y, W1, b1, W2, b2)]
    x_, y_, W1_, b1_, W2_, b2_ = (np.atleast_2d(v) for v in arrays)
    if x_.shape[0] != 1:
        raise ValueError(f"x must be one row [1xN]; it is {shape_text(x_.shape)}.")
    N = x_.shape[1]
    if W1_.ndim != 2 or W1_.shape[0] != N:
        raise ValueError(f"W1 must be N×M with N = {N} rows; it is {shape_text(W1_.shape)}.")
    M = W1_.shape[1]
    if b1_.shape != (1, M):
        raise ValueError(f"b1 must be 1×M = 1×{M}; it is {shape_text(b1_.shape)}.")
    if W2_.ndim != 2 or W2_.shape[0] != M:
        raise ValueError(f"W2 must be M×K with M = {M} rows; it is {shape_text(W2_.shape)}.")
    K = W2_.shape[1]
    if b2_.shape != (1, K):
        raise ValueError(f"b2 must be 1×K = 1×{K}; it is {shape_text(b2_.shape)}.")
    if y_.shape != (1, K):
        raise ValueError(f"y must be 1×K = 1×{K}; it is {shape_text(y_.shape)}.")
    for name, v in zip(
        ("x", "y", "W1", "b1", "W2", "b2"), (x_, y_, W1_, b1_, W2_, b2_), strict=True
    ):
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{name} contains a value that is not a finite number.")
    return x_, y_, W1_, b1_, W2_, b2_


def mlp_gradients(
    x: ArrayLike, y: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike
) -> dict[str, Array]:
    r"""Forward pass, loss, every gradient and every Jacobian of the chain for one example.

    Forward::

        f1 = x W1 + b1,  a = sigmoid(f1),  f2 = a W2 + b2,  o = softmax(f2),
        E = -sum_k y_k ln o_k          (with ln o from the stable log-softmax)

    Backward (row-vector convention, shapes in brackets):

    .. math::
        \frac{\partial E}{\partial f_2} = o\,{\textstyle\sum_k} y_k - y = o - y \;[1\times K]
        \qquad \frac{\partial E}{\partial a} = \frac{\partial E}{\partial f_2} W_2^T \;[1\times M]

        \frac{\partial E}{\partial f_1} = \frac{\partial E}{\partial a} \odot a(1-a) \;[1\times M]
        \qquad \frac{\partial E}{\partial x} = \frac{\partial E}{\partial f_1} W_1^T \;[1\times N]

        \frac{\partial E}{\partial W_1} = x^T \frac{\partial E}{\partial f_1} \;[N\times M],\;
        \frac{\partial E}{\partial b_1} = \frac{\partial E}{\partial f_1},\;
        \frac{\partial E}{\partial W_2} = a^T \frac{\partial E}{\partial f_2} \;[M\times K],\;
        \frac{\partial E}{\partial b_2} = \frac{\partial E}{\partial f_2}

    Jacobians: ``J_o_f2 = diag(o) - o^T o`` [KxK], ``J_f2_a = W2^T`` [KxM],
    ``J_a_f1 = diag(a(1-a))`` [MxM], ``J_f1_x = W1^T`` [MxN].

    Parameters
    ----------
    x : array_like, shape (1, N)
    y : array_like, shape (1, K)
        One-hot target (any non-negative weights summing to 1 also work).
    W1 : array_like, shape (N, M)
    b1 : array_like, shape (1, M)
    W2 : array_like, shape (M, K)
    b2 : array_like, shape (1, K)

    Returns
    -------
    dict of str to ndarray
        ``f1, a, f2, o, E`` (E has shape (1, 1)), ``dE_do``, ``dE_df2, dE_da, dE_df1, dE_dx,
        dE_dW1, dE_db1, dE_dW2, dE_db2``, ``J_o_f2, J_f2_a, J_a_f1, J_f1_x``, the
        sigmoid slope ``a_slope = a(1-a)`` [1xM] and ``log_o`` [1xK].
        ``dE_do = -y / o`` is kept for showing the unfused chain; it is not finite when a
        true-class probability underflows to 0 (huge logits), which is exactly why the fused
        ``o - y`` is used for every other gradient.

    Raises
    ------
    ValueError
        If the shapes do not fit together or a value is not finite.
    """
    x_, y_, W1_, b1_, W2_, b2_ = _as_row_problem(x, y, W1, b1, W2, b2)
    # Values typed into the app are bounded, but a notebook user may pass anything: overflow
    # must become inf quietly (the tab reports non-finite results), never a warning.
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        f1 = x_ @ W1_ + b1_
        a = _sigmoid(f1)
        a_slope = _sigmoid_slope(f1)
        f2 = a @ W2_ + b2_
        log_o = stable_log_softmax(f2)
        o = np.exp(log_o)
        E = _cross_entropy(log_o, y_).reshape(1, 1)
        # -y/o = -y e^{-ln o}: only the true class is non-zero.
        dE_do = np.where(y_ != 0, -y_ * np.exp(-log_o), 0.0)
        dE_df2 = o * np.sum(y_) - y_
        dE_da = dE_df2 @ W2_.T
        dE_df1 = dE_da * a_slope
        dE_dx = dE_df1 @ W1_.T
        dE_dW1 = x_.T @ dE_df1
        dE_dW2 = a.T @ dE_df2
        J_o_f2 = np.diag(o[0]) - o.T @ o
    return {
        "f1": f1,
        "a": a,
        "f2": f2,
        "o": o,
        "log_o": log_o,
        "E": E,
        "dE_do": dE_do,
        "dE_df2": dE_df2,
        "dE_da": dE_da,
        "dE_df1": dE_df1,
        "dE_dx": dE_dx,
        "dE_dW1": dE_dW1,
        "dE_db1": dE_df1.copy(),
        "dE_dW2": dE_dW2,
        "dE_db2": dE_df2.copy(),
        "J_o_f2": J_o_f2,
        "J_f2_a": W2_.T.copy(),
        "J_a_f1": np.diag(a_slope[0]),
        "J_f1_x": W1_.T.copy(),
        "a_slope": a_slope,
    }


# ----- the loss as a function of each stage (batched, for finite differences) ---------------
def _loss_from_f2(f2: Array, y: Array) -> Array:
    return _cross_entropy(stable_log_softmax(f2), y)


def _loss_from_a(a: Array, y: Array, W2: Array, b2: Array) -> Array:
    with np.errstate(over="ignore", invalid="ignore"):
        return _loss_from_f2(a @ W2 + b2, y)


def _loss_from_f1(f1: Array, y: Array, W2: Array, b2: Array) -> Array:
    return _loss_from_a(_sigmoid(f1), y, W2, b2)


def _loss_from_params(x: Array, y: Array, W1: Array, b1: Array, W2: Array, b2: Array) -> Array:
    with np.errstate(over="ignore", invalid="ignore"):
        return _loss_from_f1(x @ W1 + b1, y, W2, b2)


def mlp_loss(
    x: ArrayLike, y: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike
) -> float:
    """The loss E = -sum y ln softmax(sigmoid(x W1 + b1) W2 + b2) as a float."""
    x_, y_, W1_, b1_, W2_, b2_ = _as_row_problem(x, y, W1, b1, W2, b2)
    return float(_loss_from_params(x_, y_, W1_, b1_, W2_, b2_).reshape(-1)[0])


def _central_difference(loss: Callable[[Array], Array], at: Array, chunk: int = 256) -> Array:
    """Central differences (E(v + h e_i) - E(v - h e_i)) / 2h for every entry of ``at``.

    ``loss`` takes a stack (B, *at.shape) of perturbed copies and returns B losses, so the
    copies are evaluated together; h = 1e-5 max(1, |v_i|) balances the O(h^2) truncation
    error against the O(eps/h) rounding error.
    """
    flat = at.reshape(-1)
    grad = np.empty_like(flat)
    steps = 1e-5 * np.maximum(1.0, np.abs(flat))
    for start in range(0, flat.size, chunk):
        idx = np.arange(start, min(start + chunk, flat.size))
        plus = np.repeat(flat[None, :], idx.size, axis=0)
        minus = plus.copy()
        rows = np.arange(idx.size)
        plus[rows, idx] += steps[idx]
        minus[rows, idx] -= steps[idx]
        # The actual step is (v + h) - (v - h) in floating point, not exactly 2h.
        width = plus[rows, idx] - minus[rows, idx]
        e_plus = loss(plus.reshape(idx.size, *at.shape)).reshape(-1)
        e_minus = loss(minus.reshape(idx.size, *at.shape)).reshape(-1)
        grad[idx] = (e_plus - e_minus) / width
    return grad.reshape(at.shape)


def numerical_gradients(
    x: ArrayLike, y: ArrayLike, W1: ArrayLike, b1: ArrayLike, W2: ArrayLike, b2: ArrayLike
) -> dict[str, Array]:
    r"""Central finite-difference estimates of every gradient in :data:`GRADIENT_NAMES`.

    .. math::
        \frac{\partial E}{\partial v_i} \approx \frac{E(v + h e_i) - E(v - h e_i)}{2h},
        \qquad h = 10^{-5} \max(1, |v_i|)

    For parameters (x, W1, b1, W2, b2) the whole network is re-run with the perturbed value;
    for the intermediate tensors f2, a, f1 the network is re-run from that tensor onwards.

    Returns
    -------
    dict of str to ndarray
        Keys ``dE_df2, dE_da, dE_df1, dE_dx, dE_dW1, dE_db1, dE_dW2, dE_db2``, each with the
        shape of the tensor it differentiates.
    """
    x_, y_, W1_, b1_, W2_, b2_ = _as_row_problem(x, y, W1, b1, W2, b2)
    with np.errstate(over="ignore", invalid="ignore"):
        f1 = x_ @ W1_ + b1_
        a = _sigmoid(f1)
        f2 = a @ W2_ + b2_

    def params(**override: Array) -> Callable[[Array], Array]:
        name, _ = next(iter(override.items()))

        def loss(stack: Array) -> Array:
            kw = {"x": x_, "W1": W1_, "b1": b1_, "W2": W2_, "b2": b2_, name: stack}
            return _loss_from_params(kw["x"], y_, kw["W1"], kw["b1"], kw["W2"], kw["b2"])

        return loss

    return {
        "dE_df2": _central_difference(lambda s: _loss_from_f2(s, y_), f2),
        "dE_da": _central_difference(lambda s: _loss_from_a(s, y_, W2_, b2_), a),
        "dE_df1": _central_difference(lambda s: _loss_from_f1(s, y_, W2_, b2_), f1),
        "dE_dx": _central_difference(params(x=x_), x_),
        "dE_dW1": _central_difference(params(W1=W1_), W1_),
        "dE_db1": _central_difference(params(b1=b1_), b1_),
        "dE_dW2": _central_difference(params(W2=W2_), W2_),
        "dE_db2": _central_difference(params(b2=b2_), b2_),
    }


@dataclass(frozen=True)
class GradientCheck:
    """One gradient compared with its finite-difference estimate.

    ``max_rel_error`` is the largest |analytic - numeric| over the entries divided by the
    largest |entry| of the gradient (0 when both are exactly 0), so entries that are tiny
    only because the sigmoid saturates do not turn rounding noise into a false alarm.
    """

    name: str
    shape: tuple[int, ...]
    max_abs_error: float
    max_rel_error: float
    passed: bool
    numeric: Array = field(repr=False)


def gradient_check(
    x: ArrayLike,
    y: ArrayLike,
    W1: ArrayLike,
    b1: ArrayLike,
    W2: ArrayLike,
    b2: ArrayLike,
    grads: dict[str, Array] | None = None,
    tolerance: float = GRADIENT_CHECK_TOLERANCE,
) -> list[GradientCheck]:
    r"""Compare every analytic gradient with central finite differences.

    .. math::
        \text{rel. error} = \frac{\max_i |g_i - \hat g_i|}{\max(\max_i |g_i|, \max_i |\hat g_i|)}

    Parameters
    ----------
    grads : dict, optional
        The result of :func:`mlp_gradients` for the same arguments (computed if omitted).
    tolerance : float
        A gradient passes when its relative error is at most this.

    Returns
    -------
    list of GradientCheck
        In the order of :data:`GRADIENT_NAMES`. A non-finite analytic or numeric gradient
        fails, with error ``inf``.
    """
    if grads is None:
        grads = mlp_gradients(x, y, W1, b1, W2, b2)
    numeric = numerical_gradients(x, y, W1, b1, W2, b2)
    return [compare_gradient(n, grads[n], numeric[n], tolerance) for n in GRADIENT_NAMES]


def compare_gradient(
    name: str, analytic: Array, numeric: Array, tolerance: float = GRADIENT_CHECK_TOLERANCE
) -> GradientCheck:
    r"""One gradient against its finite-difference estimate, with the normwise relative error.

    .. math::
        \text{rel. error} = \frac{\max_i |g_i - \hat g_i|}{\max(\max_i |g_i|, \max_i |\hat g_i|)}

    A non-finite analytic or numeric gradient fails, with error ``inf``.
    """
    g, n = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(n))):
        return GradientCheck(name, g.shape, np.inf, np.inf, False, n)
    abs_err = float(np.max(np.abs(g - n))) if g.size else 0.0
    scale = float(max(np.max(np.abs(g)), np.max(np.abs(n)))) if g.size else 0.0
    rel = 0.0 if abs_err == 0.0 else (abs_err / scale if scale > 0 else np.inf)
    return GradientCheck(name, g.shape, abs_err, rel, rel <= tolerance, n)


def softmax_shortcut(grads: dict[str, Array]) -> tuple[Array, Array, float]:
    r"""The full product dE/do . do/df2 next to the fused shortcut o - y.

    .. math:: \left[-\tfrac{y_1}{o_1}, \dots\right] (\mathrm{diag}(o) - o^T o) = o - y

    Returns
    -------
    (full, shortcut, max_abs_difference)
        ``full`` may be non-finite when ``o`` of the true class underflows to 0; the
        difference is then ``inf``.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        full = grads["dE_do"] @ grads["J_o_f2"]
    shortcut = grads["dE_df2"]
    if not np.all(np.isfinite(full)):
        return full, shortcut, float("inf")
    return full, shortcut, float(np.max(np.abs(full - shortcut)))


# ----- the chain of factors and its shapes ----------------------------------------------------
@dataclass(frozen=True)
class ChainFactor:
    """One factor of the chain for dE/dx: its name, symbolic shape and matrix."""

    name: str  # e.g. "do/df2"
    formula: str  # e.g. "diag(o) − oᵀo"
    symbolic: tuple[str, str]  # e.g. ("K", "K")
    matrix: Array
    diagonal: bool = False
    wrong: bool = False  # a deliberately wrong factor of a "what if" chain


#: The chains the "what if" switch offers: key -> description.
CHAIN_VARIANTS: dict[str, str] = {
    "correct": "Correct chain: dE/do · do/df2 · W2ᵀ · diag(a(1−a)) · W1ᵀ",
    "W2": "Wrong: W2 instead of W2ᵀ",
    "W1": "Wrong: W1 instead of W1ᵀ",
    "slope_row": "Wrong: a(1−a) as a row [1×M] instead of the diagonal matrix",
    "no_diag": "Wrong: the diagonal da/df1 left out",
}


def chain_factors(grads: dict[str, Array], variant: str = "correct") -> list[ChainFactor]:
    """The factors of dE/dx in order, optionally with one deliberately wrong factor.

    Parameters
    ----------
    grads : dict
        The result of :func:`mlp_gradients`.
    variant : str
        A key of :data:`CHAIN_VARIANTS`: ``"correct"``, ``"W2"`` (W2 [MxK] where W2^T belongs),
        ``"W1"`` (W1 [NxM] where W1^T belongs), ``"slope_row"`` (the vector a(1-a) [1xM] in
        place of its diagonal matrix) or ``"no_diag"`` (the sigmoid's factor dropped).
    """
    if variant not in CHAIN_VARIANTS:
        raise ValueError(
            f"Unknown chain variant {variant!r}; choose one of {list(CHAIN_VARIANTS)}."
        )
    factors = [
        ChainFactor("dE/do", "−y / o", ("1", "K"), grads["dE_do"]),
        ChainFactor("do/df2", "diag(o) − oᵀo", ("K", "K"), grads["J_o_f2"]),
        ChainFactor("df2/da", "W2ᵀ", ("K", "M"), grads["J_f2_a"]),
        ChainFactor("da/df1", "diag(a(1−a))", ("M", "M"), grads["J_a_f1"], diagonal=True),
        ChainFactor("df1/dx", "W1ᵀ", ("M", "N"), grads["J_f1_x"]),
    ]
    if variant == "W2":
        factors[2] = ChainFactor(
            "W2 (not W2ᵀ)", "W2", ("M", "K"), grads["J_f2_a"].T.copy(), wrong=True
        )
    elif variant == "W1":
        factors[4] = ChainFactor(
            "W1 (not W1ᵀ)", "W1", ("N", "M"), grads["J_f1_x"].T.copy(), wrong=True
        )
    elif variant == "slope_row":
        factors[3] = ChainFactor(
            "a(1−a) as a row", "a(1−a)", ("1", "M"), grads["a_slope"].copy(), wrong=True
        )
    elif variant == "no_diag":
        del factors[3]
    return factors


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass(frozen=True)
class ChainStep:
    """Multiplying the running product by the next factor."""

    left_name: str
    right_name: str
    left_shape: tuple[int, int]
    right_shape: tuple[int, int]
    left_symbolic: tuple[str, str]
    right_symbolic: tuple[str, str]
    result: Array | None  # None when the inner dimensions do not match

    @property
    def inner_match(self) -> bool:
        return self.left_shape[1] == self.right_shape[0]

    @property
    def result_shape(self) -> tuple[int, int] | None:
        if not self.inner_match:
            return None
        return (self.left_shape[0], self.right_shape[1])

    def sentence(self) -> str:
        """What happens at this step, in words."""
        ls, rs = shape_text(self.left_shape), shape_text(self.right_shape)
        lsym, rsym = "×".join(self.left_symbolic), "×".join(self.right_symbolic)
        if self.inner_match:
            res = shape_text(self.result_shape or ())
            return (
                f"{self.left_name} [{lsym} = {ls}] · {self.right_name} [{rsym} = {rs}]: "
                f"inner dimensions {self.left_shape[1]} = {self.right_shape[0]} match, "
                f"giving [{res}]."
            )
        return (
            f"Cannot multiply {self.left_name} [{lsym} = {ls}] by {self.right_name} "
            f"[{rsym} = {rs}]: the left has {_count(self.left_shape[1], 'column')} "
            f"({self.left_symbolic[1]}) but the right has {_count(self.right_shape[0], 'row')} "
            f"({self.right_symbolic[0]}), so the inner dimensions do not match."
        )


@dataclass(frozen=True)
class ChainProduct:
    """The chain multiplied left to right, stopping at the first shape mismatch."""

    factors: list[ChainFactor]
    steps: list[ChainStep]
    #: Running products: partials[0] is the first factor, partials[i] the product of i + 1 factors.
    partials: list[Array]
    #: Short names of the running products: "dE/do", "dE/df2", ... or "P3" once a factor is wrong.
    partial_names: list[str]
    mismatch: str | None  # the sentence of the first mismatched step, or None
    result: Array | None  # the full product, None when a mismatch stopped it
    #: When shapes all fit: how far the result is from the true dE/dx (0 for the right chain).
    max_abs_deviation: float | None
    note: str  # a one-sentence verdict for the inspector

    @property
    def ok(self) -> bool:
        return self.mismatch is None


def chain_product(grads: dict[str, Array], variant: str = "correct") -> ChainProduct:
    r"""Multiply the chain for dE/dx left to right, checking every inner dimension first.

    .. math:: P_1 = \frac{\partial E}{\partial o},\qquad P_{i+1} = P_i\,F_{i+1}

    A product whose inner dimensions differ is not attempted: the step's ``result`` is None
    and ``mismatch`` says in words which product failed and why, instead of raising.
    When every shape fits but a factor is wrong (e.g. W2 with M = K, or the diagonal left
    out), ``note`` says the shapes hide the error and by how much the values are off.
    """
    factors = chain_factors(grads, variant)
    partials = [factors[0].matrix]
    partial_names = [factors[0].name]
    steps: list[ChainStep] = []
    mismatch = None
    left_name, left_sym = factors[0].name, factors[0].symbolic
    with np.errstate(over="ignore", invalid="ignore"):
        for factor in factors[1:]:
            left = partials[-1]
            rows, cols = factor.matrix.shape
            step_shape = (left.shape[0], left.shape[1])
            ok = left.shape[1] == rows
            result = left @ factor.matrix if ok else None
            step = ChainStep(
                left_name,
                factor.name,
                step_shape,
                (rows, cols),
                left_sym,
                factor.symbolic,
                result,
            )
            steps.append(step)
            if result is None:
                mismatch = step.sentence()
                break
            partials.append(result)
            # The running product has a meaning (dE/df2, dE/da, ...) only while every factor
            # so far is the right one.
            so_far = factors[: len(partials)]
            if not any(f.wrong for f in so_far) and len(steps) in _PARTIAL_NAMES:
                left_name = _PARTIAL_NAMES[len(steps)]
                partial_names.append(left_name)
            else:
                left_name = f"the running product of the first {len(partials)} factors"
                partial_names.append(f"P{len(partials)}")
            left_sym = (left_sym[0], factor.symbolic[1])
    result = partials[-1] if mismatch is None else None
    deviation = None
    if result is not None:
        truth = grads["dE_dx"]
        if result.shape == truth.shape and np.all(np.isfinite(result)):
            deviation = float(np.max(np.abs(result - truth)))
        else:
            deviation = float("inf")
    note = _chain_note(variant, mismatch, result, deviation, grads)
    return ChainProduct(factors, steps, partials, partial_names, mismatch, result, deviation, note)


# What the running product is after each step of the correct chain.
_PARTIAL_NAMES = {1: "dE/df2", 2: "dE/da", 3: "dE/df1", 4: "dE/dx"}


def _chain_note(
    variant: str,
    mismatch: str | None,
    result: Array | None,
    deviation: float | None,
    grads: dict[str, Array],
) -> str:
    if mismatch is not None:
        return mismatch
    assert result is not None
    if not np.all(np.isfinite(result)):
        return (
            "Every shape fits, but dE/do = −y/o is not finite: o of the true class underflowed "
            "to 0. The fused shortcut dE/df2 = o − y has no division and stays exact."
        )
    if variant == "correct":
        return f"Every inner dimension matches; the product is dE/dx [{shape_text(result.shape)}]."
    why = {
        "W2": "W2 is M×K and happens to fit only because M = K",
        "W1": "W1 is N×M and happens to fit only because N = M",
        "slope_row": "a(1−a) is 1×M and fits only because M = 1",
        "no_diag": "leaving the diagonal out keeps every shape valid",
    }[variant]
    if result.shape == grads["dE_dx"].shape and deviation is not None and deviation == 0.0:
        return (
            f"Every inner dimension matches ({why}), and for these numbers the values happen "
            "to agree too (every term is 0 here); with other values they would differ."
        )
    if result.shape != grads["dE_dx"].shape:
        got = shape_text(result.shape)
        return f"Every inner dimension matches ({why}), but the result is {got}, not 1×N."
    return (
        f"Every inner dimension matches ({why}), yet the values are wrong: they differ from the "
        f"true dE/dx by up to {deviation:.3g}. Shapes catch many mistakes, not all."
    )


# ----- worked arithmetic --------------------------------------------------------------------
@dataclass(frozen=True)
class WorkedSum:
    """dE/dx_j = sum_m dE/df1_m W1[j, m], with every term's numbers."""

    j: int  # 0-based
    delta: Array  # dE/df1 [M]
    weights: Array  # W1[j, :] [M]
    terms: Array  # delta * weights [M]
    total: float

    def text(self, digits: int = 4, max_terms: int = 8) -> str:
        """One line: ``dE/dx_j = Σ_m dE/df1_m · W1[j,m] = (d1)(w1) + ... = total`` (1-based)."""
        j1 = self.j + 1
        fmt = f"{{:.{digits}g}}"
        parts = [
            f"({fmt.format(d)})({fmt.format(w)})"
            for d, w in zip(self.delta, self.weights, strict=True)
        ]
        if len(parts) > max_terms:
            hidden = len(parts) - max_terms + 1
            parts = [*parts[: max_terms - 1], f"… {hidden} more terms"]
        return (
            f"dE/dx_{j1} = Σ_m dE/df1_m · W1[{j1},m] = "
            + " + ".join(parts)
            + f" = {fmt.format(self.total)}"
        )


def worked_dx_element(grads: dict[str, Array], W1: ArrayLike, j: int) -> WorkedSum:
    r"""The sum behind one element of dE/dx (``j`` 0-based).

    .. math:: \frac{\partial E}{\partial x_j} = \sum_m \frac{\partial E}{\partial f_{1,m}} W_1[j, m]
    """
    W1_ = np.atleast_2d(np.asarray(W1, dtype=float))
    if not 0 <= j < W1_.shape[0]:
        raise ValueError(f"The element must be between 1 and {W1_.shape[0]}.")
    delta = grads["dE_df1"][0].copy()
    weights = W1_[j].copy()
    terms = delta * weights
    return WorkedSum(j, delta, weights, terms, float(np.sum(terms)))


def product_entry_text(
    left: ArrayLike, right: ArrayLike, j: int, left_name: str, right_name: str, result_name: str
) -> str:
    r"""One entry of a row-times-matrix product written out (``j`` 0-based, shown 1-based).

    .. math:: R_{1j} = \sum_t L_{1t}\,F_{tj}
    """
    L = np.atleast_2d(np.asarray(left, dtype=float))
    F = np.atleast_2d(np.asarray(right, dtype=float))
    if L.shape[1] != F.shape[0]:
        raise ValueError("The inner dimensions do not match.")
    with np.errstate(over="ignore", invalid="ignore"):
        total = float(L[0] @ F[:, j])
    s = _sum_text([(L[0, t], F[t, j]) for t in range(F.shape[0])])
    j1 = j + 1
    return (
        f"{result_name}[1,{j1}] = Σ_t {left_name}[1,t] · {right_name}[t,{j1}] = {s} = "
        f"{_fmt(total, 6) if np.isfinite(total) else 'not finite'}"
    )


# How the keys of mlp_gradients are written for students.
_DISPLAY_NAMES = {
    "dE_do": "dE/do",
    "dE_df2": "dE/df2",
    "dE_da": "dE/da",
    "dE_df1": "dE/df1",
    "dE_dx": "dE/dx",
    "dE_dW1": "dE/dW1",
    "dE_db1": "dE/db1",
    "dE_dW2": "dE/dW2",
    "dE_db2": "dE/db2",
    "J_o_f2": "do/df2",
    "J_f2_a": "df2/da",
    "J_a_f1": "da/df1",
    "J_f1_x": "df1/dx",
}


def explain_element(problem: MLPProblem, grads: dict[str, Array], name: str, i: int, j: int) -> str:
    """How one entry of a tensor was obtained, with its numbers (indices 0-based, shown 1-based).

    ``name`` is one of x, W1, b1, W2, b2, y, f1, a, f2, o, E or a gradient / Jacobian key of
    :func:`mlp_gradients`.
    """
    i1, j1 = i + 1, j + 1
    x, y, W1, b1, W2, b2 = problem.args()
    value_of = {"x": x, "y": y, "W1": W1, "b1": b1, "W2": W2, "b2": b2, **grads}
    if name not in value_of:
        raise ValueError(f"Unknown tensor {name!r}.")
    v = float(value_of[name][i, j])
    head = f"{_DISPLAY_NAMES.get(name, name)}[{i1},{j1}] = {_fmt(v, 6)}"
    if name in ("x", "W1", "b1", "W2", "b2"):
        typed = (name, i, j) in problem.typed
        origin = "typed in" if typed else f"drawn at random (seed {problem.seed})"
        return f"{head}: an input, {origin}. Double-click to type a value."
    if name == "y":
        return f"{head}: one-hot target, 1 at the true class {problem.true_class + 1}."
    if name == "f1":
        s = _sum_text([(x[0, n], W1[n, j]) for n in range(x.shape[1])])
        return f"{head} = Σ_n x_n W1[n,{j1}] + b1_{j1} = {s} {_signed_term(b1[0, j])}"
    if name == "a":
        return f"{head} = sigmoid(f1_{j1}) = 1 / (1 + e^({_negated(grads['f1'][0, j])}))"
    if name == "f2":
        s = _sum_text([(grads["a"][0, m], W2[m, j]) for m in range(W2.shape[0])])
        return f"{head} = Σ_m a_m W2[m,{j1}] + b2_{j1} = {s} {_signed_term(b2[0, j])}"
    if name == "o":
        return (
            f"{head} = e^(f2_{j1} − max f2) / Σ_k e^(f2_k − max f2), "
            f"with f2_{j1} = {_fmt(grads['f2'][0, j])}, max f2 = {_fmt(float(grads['f2'].max()))}"
        )
    if name == "E":
        k = problem.true_class
        return (
            f"E = −Σ_k y_k ln o_k = −ln o_{k + 1} = {_fmt(v, 6)}, with ln o_{k + 1} = "
            f"{_fmt(grads['log_o'][0, k], 6)} from the stable log-softmax"
        )
    if name == "dE_do":
        return f"{head} = −y_{j1} / o_{j1} (0 where y is 0)"
    if name in ("dE_df2", "dE_db2"):
        return f"{head} = o_{j1} − y_{j1} = {_fmt(grads['o'][0, j])} {_signed_term(-y[0, j])}"
    if name == "dE_da":
        s = _sum_text([(grads["dE_df2"][0, k], W2[j, k]) for k in range(W2.shape[1])])
        return f"{head} = Σ_k dE/df2_k W2[{j1},k] = {s}"
    if name in ("dE_df1", "dE_db1"):
        return (
            f"{head} = dE/da_{j1} · a_{j1}(1 − a_{j1}) = "
            f"({_fmt(grads['dE_da'][0, j])})({_fmt(grads['a_slope'][0, j])})"
        )
    if name == "dE_dx":
        return f"{head} = " + worked_dx_element(grads, W1, j).text().split(" = ", 1)[1]
    if name == "dE_dW1":
        return f"{head} = x_{i1} · dE/df1_{j1} = ({_fmt(x[0, i])})({_fmt(grads['dE_df1'][0, j])})"
    if name == "dE_dW2":
        return (
            f"{head} = a_{i1} · dE/df2_{j1} = ({_fmt(grads['a'][0, i])})"
            f"({_fmt(grads['dE_df2'][0, j])})"
        )
    if name == "J_o_f2":
        if i == j:
            return f"{head} = o_{i1}(1 − o_{i1}) (diagonal of diag(o) − oᵀo)"
        return f"{head} = −o_{i1} o_{j1} (off the diagonal of diag(o) − oᵀo)"
    if name == "J_f2_a":
        return f"{head} = ∂f2_{i1}/∂a_{j1} = W2[{j1},{i1}] (W2ᵀ)"
    if name == "J_a_f1":
        if i == j:
            return f"{head} = a_{i1}(1 − a_{i1}) = sigmoid'(f1_{i1})"
        return f"{head} = 0: a_{i1} does not depend on f1_{j1}"
    if name == "J_f1_x":
        return f"{head} = ∂f1_{i1}/∂x_{j1} = W1[{j1},{i1}] (W1ᵀ)"
    return head


# ----- problems -----------------------------------------------------------------------------
@dataclass(frozen=True)
class MLPProblem:
    """One example and the network's parameters, with where each value came from."""

    x: Array
    W1: Array
    b1: Array
    W2: Array
    b2: Array
    true_class: int
    seed: int
    #: Entries the user typed in, as (tensor name, row, column); for "how was this computed".
    typed: frozenset[tuple[str, int, int]] = frozenset()

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(N, M, K)."""
        return self.x.shape[1], self.W1.shape[1], self.W2.shape[1]

    @property
    def y(self) -> Array:
        return one_hot(self.true_class, self.W2.shape[1])

    def args(self) -> tuple[Array, Array, Array, Array, Array, Array]:
        """(x, y, W1, b1, W2, b2), the argument order of :func:`mlp_gradients`."""
        return self.x, self.y, self.W1, self.b1, self.W2, self.b2


def random_problem(N: int, M: int, K: int, true_class: int = 0, seed: int = 0) -> MLPProblem:
    r"""A reproducible random example: the same (N, M, K, seed) always gives the same values.

    x ~ U(-1, 1); W1 ~ N(0, 1/N), W2 ~ N(0, 1/M) (so f1 and f2 stay of order 1 at every
    size and the sigmoid is not saturated); b1, b2 ~ N(0, 0.1^2). Everything is rounded to
    two decimals so that the numbers read well in cells and in worked sums.
    """
    for letter, n in (("N", N), ("M", M), ("K", K)):
        if not 1 <= int(n) <= MAX_SIZE:
            raise ValueError(f"{letter} must be a whole number from 1 to {MAX_SIZE}.")
    if not 0 <= int(true_class) < int(K):
        raise ValueError(f"The true class must be between 1 and {K}.")
    rng = np.random.default_rng(int(seed))
    x = rng.uniform(-1.0, 1.0, size=(1, N))
    W1 = rng.normal(0.0, 1.0 / np.sqrt(N), size=(N, M))
    b1 = rng.normal(0.0, 0.1, size=(1, M))
    W2 = rng.normal(0.0, 1.0 / np.sqrt(M), size=(M, K))
    b2 = rng.normal(0.0, 0.1, size=(1, K))
    # + 0.0 turns -0.0 into 0.0 so no cell reads "-0".
    x, W1, b1, W2, b2 = (np.round(v, 2) + 0.0 for v in (x, W1, b1, W2, b2))
    return MLPProblem(x, W1, b1, W2, b2, int(true_class), int(seed))


@dataclass(frozen=True)
class ShapeRow:
    """One tensor of exercise 3 with its symbolic and numeric shape."""

    name: str
    meaning: str
    symbolic: str  # e.g. "1×N"
    numeric: str  # e.g. "1×4"


def symbolic_shapes(N: int, M: int, K: int) -> list[ShapeRow]:
    """The shapes of exercise 3, with N, M, K as letters and as numbers."""
    sizes = {"1": 1, "N": N, "M": M, "K": K}
    rows = [
        ("x", "input", "1×N"),
        ("W1", "first-layer weights", "N×M"),
        ("b1", "first-layer bias", "1×M"),
        ("f1 = xW1 + b1", "hidden pre-activation", "1×M"),
        ("a = σ(f1)", "hidden activation (h on the sheet)", "1×M"),
        ("W2", "second-layer weights", "M×K"),
        ("b2", "second-layer bias", "1×K"),
        ("f2 = aW2 + b2", "logits", "1×K"),
        ("o = S(f2)", "softmax output", "1×K"),
        ("y", "one-hot target", "1×K"),
        ("E = −Σ y ln o", "loss", "1×1"),
        ("dE/do", "−y / o", "1×K"),
        ("do/df2", "softmax Jacobian diag(o) − oᵀo", "K×K"),
        ("dE/df2", "o − y", "1×K"),
        ("df2/da", "W2ᵀ", "K×M"),
        ("da/df1", "diag(a(1−a)), diagonal", "M×M"),
        ("df1/dx", "W1ᵀ", "M×N"),
        ("dE/dx", "(o − y) W2ᵀ diag(a(1−a)) W1ᵀ", "1×N"),
        ("dE/dW1", "xᵀ dE/df1", "N×M"),
        ("dE/db1", "dE/df1", "1×M"),
        ("dE/dW2", "aᵀ (o − y)", "M×K"),
        ("dE/db2", "o − y", "1×K"),
    ]
    out = []
    for name, meaning, sym in rows:
        r, c = sym.split("×")
        out.append(ShapeRow(name, meaning, sym, f"{sizes[r]}×{sizes[c]}"))
    return out
