"""A multilayer perceptron of any depth on a batch: forward, backward, per-sample gradients.

The network, one sample per row as on the sheet (``B`` samples, layer widths ``M1 … K``)::

    x [B×N] -> f1 = x W1 + b1 [B×M1] -> a1 = φ(f1) -> … -> fL = a_{L−1} WL + bL [B×K]

Hidden layers use the activation φ (sigmoid, tanh, ReLU or the sheet's GeLU x·σ(1.702x));
the output layer is linear and the loss reads its output fL per sample:

- ``"cross_entropy"``: ℓ = −Σ_k y_k ln softmax(fL)_k (stable log-softmax),
- ``"mse"``: ℓ = ½‖fL − y‖² on the raw output,
- ``"binary_cross_entropy"``: ℓ = Σ_k softplus(fL_k) − y_k fL_k, i.e. sigmoid outputs with
  −y ln σ − (1 − y) ln(1 − σ) (the 2-D classifier's single output neuron).

The batch loss is E = s Σ_b ℓ_b with s = 1/B (``reduction="mean"``) or 1 (``"sum"``).
Backward, one layer at a time, with δ_l = dE/df_l [B×M_l]::

    δ_L = s (ψ(fL) − y)        ψ = softmax, identity or sigmoid: each loss's fused shortcut
    dE/dW_l = a_{l−1}ᵀ δ_l     [M_{l−1}×B]·[B×M_l]: the sum over the batch happens here
    dE/db_l = Σ_b δ_l[b, :]    the column sums of δ_l
    dE/da_{l−1} = δ_l W_lᵀ,    δ_{l−1} = dE/da_{l−1} ⊙ φ'(f_{l−1})  (a diagonal Jacobian)

``forward_pass`` / ``backward_pass`` / ``loss_head`` are the shared core (no input checks, for
training loops); :func:`mlp_backprop` validates its input and returns everything the Backprop
tab shows. The finite-difference check lives in :mod:`visualizer.compute.mlp_check`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.activations import gelu, gelu_grad, sigmoid, sigmoid_grad
from visualizer.compute.backprop import shape_text, stable_log_softmax
from visualizer.compute.mlp_choices import HIDDEN_ACTIVATIONS, REDUCTIONS

__all__ = [
    "ACTIVATION_RULES",
    "HIDDEN_ACTIVATIONS",
    "LOSSES",
    "REDUCTIONS",
    "ActivationRule",
    "MLPBackprop",
    "MLPSummary",
    "PerSampleGradients",
    "SummaryRow",
    "activate",
    "activation_jacobian",
    "activation_slope",
    "backward_pass",
    "check_network",
    "forward_pass",
    "loss_head",
    "mlp_backprop",
    "mlp_summary",
    "per_sample_gradients",
]

Array = NDArray[np.float64]

#: Losses on the linear output fL (see the module docstring).
LOSSES: tuple[str, ...] = ("cross_entropy", "mse", "binary_cross_entropy")


@dataclass(frozen=True)
class ActivationRule:
    """An activation written out for students: the function, its slope, its Jacobian."""

    name: str
    formula: str  # φ(z)
    slope: str  # φ'(z)
    jacobian: str  # da/df as a diagonal matrix


ACTIVATION_RULES: dict[str, ActivationRule] = {
    "sigmoid": ActivationRule(
        "sigmoid", "σ(z) = 1 / (1 + e^(−z))", "σ'(z) = σ(z)(1 − σ(z))", "diag(a ⊙ (1 − a))"
    ),
    "tanh": ActivationRule("tanh", "tanh(z)", "tanh'(z) = 1 − tanh²(z)", "diag(1 − a ⊙ a)"),
    "relu": ActivationRule(
        "relu",
        "ReLU(z) = max(0, z)",
        "ReLU'(z) = 1 if z > 0, else 0 (0 at z = 0, as in PyTorch)",
        "diag(1[f > 0])",
    ),
    "gelu": ActivationRule(
        "gelu",
        "GeLU(z) = z σ(1.702 z)",
        "GeLU'(z) = s (1 + 1.702 z (1 − s)), s = σ(1.702 z)",
        "diag(GeLU'(f))",
    ),
}


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _relu_slope(z: Array, _a: Array) -> Array:
    # Strictly positive: PyTorch's convention ReLU'(0) = 0.
    return (z > 0.0).astype(float)


def _tanh_slope(_z: Array, a: Array) -> Array:
    return 1.0 - a * a


def _sigmoid_slope(_z: Array, a: Array) -> Array:
    # The sheet's a(1 − a) from the forward value: no second exp in the backward pass (the
    # training loops call this thousands of times). It equals sigmoid_grad(z) to rounding;
    # only for |z| > ~36, where both are below 1e-15, does sigmoid_grad keep more digits.
    return a * (1.0 - a)


# name -> (φ, φ'(z, a)); the slope may use the already computed a = φ(z).
_HIDDEN: dict[str, tuple[Callable[[Array], Array], Callable[[Array, Array], Array]]] = {
    "sigmoid": (sigmoid, _sigmoid_slope),  # type: ignore[dict-item]
    "tanh": (np.tanh, _tanh_slope),
    "relu": (_relu, _relu_slope),
    "gelu": (gelu, lambda z, _a: gelu_grad(z)),  # type: ignore[dict-item]
}


def _check_choice(value: str, choices: Sequence[str], what: str) -> None:
    if value not in choices:
        raise ValueError(f"Unknown {what} {value!r}; choose one of {', '.join(choices)}.")


def activate(z: ArrayLike, activation: str) -> Array:
    """φ(z) elementwise for a hidden activation of :data:`HIDDEN_ACTIVATIONS`."""
    _check_choice(activation, HIDDEN_ACTIVATIONS, "activation")
    return np.asarray(_HIDDEN[activation][0](np.asarray(z, dtype=float)), dtype=float)


def activation_slope(z: ArrayLike, activation: str) -> Array:
    r"""φ'(z) elementwise: the diagonal of the activation's Jacobian.

    .. math::
        \sigma' = \sigma(1-\sigma),\quad \tanh' = 1-\tanh^2,\quad
        \mathrm{ReLU}'(z) = [z > 0],\quad \mathrm{GeLU}' = s(1 + 1.702z(1-s))

    ReLU'(0) is 0, as in PyTorch. The sigmoid's slope is :func:`sigmoid_grad`, exact in the
    far tails too (for display; the backward pass uses a(1 − a), equal to rounding).
    """
    _check_choice(activation, HIDDEN_ACTIVATIONS, "activation")
    zf = np.asarray(z, dtype=float)
    if activation == "sigmoid":
        return np.asarray(sigmoid_grad(zf), dtype=float)
    fn, slope = _HIDDEN[activation]
    return np.asarray(slope(zf, fn(zf)), dtype=float)


def activation_jacobian(z: ArrayLike, activation: str) -> Array:
    r"""The Jacobian da/df of a hidden layer: the diagonal matrix diag(φ'(f)).

    .. math:: \frac{\partial a_i}{\partial f_j} = \varphi'(f_i)\,[i = j]

    Parameters
    ----------
    z : array_like, shape (M,) or (B, M)
        Pre-activations of one sample or of a batch.

    Returns
    -------
    ndarray, shape (M, M) or (B, M, M)
        One diagonal M×M matrix per sample (a is elementwise, so nothing off the diagonal).
    """
    slope = activation_slope(z, activation)
    if slope.ndim not in (1, 2):
        raise ValueError(f"z must be one row (M,) or a batch (B, M); it has shape {slope.shape}.")
    M = slope.shape[-1]
    return slope[..., :, None] * np.eye(M)


# ----- the shared core: no checks, for loops that call it thousands of times ------------------
def forward_pass(
    x: Array, weights: Sequence[Array], biases: Sequence[Array], activation: str
) -> tuple[list[Array], list[Array]]:
    """``(pre, post)``: f_l = a_{l−1} W_l + b_l and a_l = φ(f_l); the output layer is linear.

    ``post[-1]`` is ``pre[-1]`` (the output fL). No input checks: see :func:`mlp_backprop`.
    """
    phi = _HIDDEN[activation][0]
    pre: list[Array] = []
    post: list[Array] = []
    a = x
    last = len(weights) - 1
    for li, (W, b) in enumerate(zip(weights, biases, strict=True)):
        f = a @ W + b
        a = f if li == last else phi(f)
        pre.append(f)
        post.append(a)
    return pre, post


def loss_head(z: Array, y: Array, loss: str) -> tuple[Array, Array, Array | None]:
    r"""Per-sample losses ℓ_b, their gradient dℓ_b/dz (unscaled) and the output probabilities.

    .. math::
        \text{cross\_entropy: } \ell = -\textstyle\sum_k y_k \ln\mathrm{softmax}(z)_k,\;
        \partial\ell/\partial z = \mathrm{softmax}(z) \textstyle\sum_k y_k - y

        \text{mse: } \ell = \tfrac12 \lVert z - y\rVert^2,\; \partial\ell/\partial z = z - y

        \text{binary\_cross\_entropy: } \ell = \textstyle\sum_k \mathrm{softplus}(z_k) - y_k z_k,\;
        \partial\ell/\partial z = \sigma(z) - y

    Returns
    -------
    (losses [B], dl_dz [B×K], probabilities [B×K] or None for mse)
    """
    if loss == "cross_entropy":
        log_o = stable_log_softmax(z)
        o = np.exp(log_o)
        # Classes with y_k = 0 contribute exactly 0, even where ln o_k is -inf.
        losses = -np.sum(np.where(y != 0, y * log_o, 0.0), axis=-1)
        return losses, o * np.sum(y, axis=-1, keepdims=True) - y, o
    if loss == "mse":
        diff = z - y
        return 0.5 * np.sum(diff * diff, axis=-1), diff, None
    # softplus(z) = max(z, 0) + ln(1 + e^{-|z|}): never log(0), never overflows; σ(z) comes
    # from the same e^{-|z|} (1 / (1 + e) for z >= 0, e / (1 + e) below), fused like softmax
    # with log-softmax.
    e = np.exp(-np.abs(z))
    softplus = np.maximum(z, 0.0) + np.log1p(e)
    p = np.where(z >= 0, 1.0, e) / (1.0 + e)
    return np.sum(softplus - y * z, axis=-1), p - y, p


def backward_pass(
    x: Array,
    pre: Sequence[Array],
    post: Sequence[Array],
    weights: Sequence[Array],
    grad_output: Array,
    activation: str,
) -> tuple[list[Array], list[Array], list[Array], list[Array], Array]:
    """Backpropagate dE/dfL through the layers (formulas in the module docstring).

    Returns
    -------
    (grad_pre, grad_post, grad_weights, grad_biases, grad_x)
        ``grad_pre[l]`` = dE/df_{l+1} [B×M], ``grad_post[l]`` = dE/da_{l+1} for the hidden
        layers only, then the parameter gradients and dE/dx [B×N].
    """
    slope_of = _HIDDEN[activation][1]
    L = len(weights)
    grad_pre: list[Array] = [grad_output] * L
    grad_post: list[Array] = [grad_output] * (L - 1)
    grad_W: list[Array] = [grad_output] * L
    grad_b: list[Array] = [grad_output] * L
    delta = grad_output
    for li in range(L - 1, -1, -1):
        a_in = x if li == 0 else post[li - 1]
        grad_W[li] = a_in.T @ delta
        grad_b[li] = delta.sum(axis=0)
        grad_pre[li] = delta
        upstream = delta @ weights[li].T  # uses W before any update: what backprop requires
        if li == 0:
            return grad_pre, grad_post, grad_W, grad_b, upstream
        grad_post[li - 1] = upstream
        delta = upstream * slope_of(pre[li - 1], post[li - 1])
    raise AssertionError("unreachable: a network has at least one layer")


# ----- input checks ---------------------------------------------------------------------------
def _as_matrix(value: ArrayLike, name: str) -> Array:
    # A copy: results keep their inputs, and a caller editing its arrays later changes nothing.
    arr = np.array(value, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array; it has shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains a value that is not a finite number.")
    return arr


def check_network(
    x: ArrayLike, weights: Sequence[ArrayLike], biases: Sequence[ArrayLike]
) -> tuple[Array, list[Array], list[Array]]:
    """Validate x [B×N], W_l [M_{l−1}×M_l] and b_l [M_l] (or 1×M_l); return float copies.

    Raises ValueError in one sentence naming the two sizes that differ when shapes do not chain.
    """
    x_ = _as_matrix(x, "x")
    if x_.shape[0] < 1 or x_.shape[1] < 1:
        raise ValueError(f"x must have at least one row and one column; it is {x_.shape}.")
    if len(weights) == 0:
        raise ValueError("A network needs at least one layer (one weight matrix).")
    if len(biases) != len(weights):
        raise ValueError(f"There are {len(weights)} weight matrices but {len(biases)} biases.")
    Ws: list[Array] = []
    bs: list[Array] = []
    width, source = x_.shape[1], "x has {} columns"
    for li, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
        W_ = _as_matrix(W, f"W{li}")
        if W_.shape[0] != width:
            raise ValueError(
                f"W{li} has {W_.shape[0]} rows but {source.format(width)}: they must be equal."
            )
        b_ = np.asarray(b, dtype=float)
        if b_.ndim == 2 and b_.shape[0] == 1:
            b_ = b_[0]
        if b_.ndim != 1 or b_.shape[0] != W_.shape[1]:
            raise ValueError(
                f"b{li} has shape {b_.shape} but W{li} has {W_.shape[1]} columns: "
                f"b{li} must hold {W_.shape[1]} entries."
            )
        if not np.all(np.isfinite(b_)):
            raise ValueError(f"b{li} contains a value that is not a finite number.")
        Ws.append(W_)
        bs.append(b_.copy())
        width, source = W_.shape[1], f"W{li} has {{}} columns"
    return x_, Ws, bs


def _check_targets(y: ArrayLike, B: int, K: int) -> Array:
    y_ = _as_matrix(y, "y")
    if y_.shape[0] != B:
        raise ValueError(f"y has {y_.shape[0]} rows but x has {B}: one target row per sample.")
    if y_.shape[1] != K:
        raise ValueError(f"y has {y_.shape[1]} columns but the output layer has {K}.")
    return y_


def _check_options(activation: str, loss: str, reduction: str) -> None:
    _check_choice(activation, HIDDEN_ACTIVATIONS, "activation")
    _check_choice(loss, LOSSES, "loss")
    _check_choice(reduction, REDUCTIONS, "reduction")


# ----- the batched backprop the tab shows -------------------------------------------------------
@dataclass(frozen=True)
class MLPBackprop:
    """Forward values, loss and every gradient of :func:`mlp_backprop` (layers numbered from 1).

    Index ``l`` of each tuple is layer ``l + 1``: ``pre[l]`` = f_{l+1} [B×M], ``post[l]`` =
    a_{l+1} (``post[-1]`` is the linear output fL, ``output``), ``grad_pre[l]`` = δ_{l+1} =
    dE/df_{l+1} (the upstream gradient of the chain), ``grad_post[l]`` = dE/da_{l+1} (hidden
    layers only), ``grad_weights[l]`` / ``grad_biases[l]`` the shape of W_{l+1} / b_{l+1}.
    """

    activation: str
    loss_name: str
    reduction: str
    x: Array
    y: Array
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    pre: tuple[Array, ...]
    post: tuple[Array, ...]
    output: Array
    #: softmax(fL) for cross-entropy, σ(fL) for binary cross-entropy, None for mse.
    probabilities: Array | None
    sample_losses: Array
    loss: float
    #: 1/B for the mean, 1 for the sum: the factor in δ_L = s (ψ(fL) − y).
    scale: float
    grad_pre: tuple[Array, ...]
    grad_post: tuple[Array, ...]
    grad_weights: tuple[Array, ...]
    grad_biases: tuple[Array, ...]
    grad_x: Array

    @property
    def batch(self) -> int:
        return int(self.x.shape[0])

    @property
    def depth(self) -> int:
        """Number of layers L (hidden layers + the output layer)."""
        return len(self.weights)

    @property
    def inputs(self) -> tuple[Array, ...]:
        """What each layer reads: (x, a1, …, a_{L−1})."""
        return (self.x, *self.post[:-1])

    @property
    def grad_output(self) -> Array:
        """δ_L = dE/dfL, the gradient the backward pass starts from."""
        return self.grad_pre[-1]

    def slopes(self) -> tuple[Array, ...]:
        """φ'(f_l) [B×M_l] for each hidden layer: the diagonals of the Jacobians da/df."""
        return tuple(activation_slope(f, self.activation) for f in self.pre[:-1])


def mlp_backprop(
    x: ArrayLike,
    y: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    activation: str = "sigmoid",
    loss: str = "cross_entropy",
    reduction: str = "mean",
) -> MLPBackprop:
    r"""Forward pass, loss and backward pass of an L-layer perceptron on a batch.

    .. math::
        f_l = a_{l-1} W_l + b_l,\; a_l = \varphi(f_l),\; a_0 = x,\;
        E = s \sum_b \ell(f_{L,b}, y_b),\; s \in \{1/B, 1\}

        \delta_L = s(\psi(f_L) - y),\;
        \frac{\partial E}{\partial W_l} = a_{l-1}^T \delta_l,\;
        \frac{\partial E}{\partial b_l} = \mathbf{1}^T \delta_l,\;
        \delta_{l-1} = \delta_l W_l^T \odot \varphi'(f_{l-1}),\;
        \frac{\partial E}{\partial x} = \delta_1 W_1^T

    Parameters
    ----------
    x : array_like, shape (B, N)
    y : array_like, shape (B, K)
        One-hot rows for cross-entropy (any rows summing to 1 work), targets for mse, 0/1 for
        binary cross-entropy.
    weights : sequence of array_like
        W1 (N, M1), W2 (M1, M2), …, WL (M_{L−1}, K).
    biases : sequence of array_like
        b1 (M1,), …, bL (K,); 1×M rows are accepted too.
    activation : {"sigmoid", "tanh", "relu", "gelu"}
        Hidden layers only; the output layer is linear.
    loss : {"cross_entropy", "mse", "binary_cross_entropy"}
    reduction : {"mean", "sum"}

    Returns
    -------
    MLPBackprop

    Raises
    ------
    ValueError
        One sentence naming the two sizes that differ when the shapes do not chain, or naming
        the bad option or non-finite input.
    """
    _check_options(activation, loss, reduction)
    x_, Ws, bs = check_network(x, weights, biases)
    y_ = _check_targets(y, x_.shape[0], Ws[-1].shape[1])
    scale = 1.0 / x_.shape[0] if reduction == "mean" else 1.0
    # Typed-in values are bounded, but a notebook may pass anything: overflow becomes inf
    # quietly (the caller sees a non-finite loss), never a warning.
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        pre, post = forward_pass(x_, Ws, bs, activation)
        sample_losses, dl_dz, probabilities = loss_head(pre[-1], y_, loss)
        grads = backward_pass(x_, pre, post, Ws, scale * dl_dz, activation)
        total = float(scale * np.sum(sample_losses))
    grad_pre, grad_post, grad_W, grad_b, grad_x = grads
    return MLPBackprop(
        activation=activation,
        loss_name=loss,
        reduction=reduction,
        x=x_,
        y=y_,
        weights=tuple(Ws),
        biases=tuple(bs),
        pre=tuple(pre),
        post=tuple(post),
        output=pre[-1],
        probabilities=probabilities,
        sample_losses=sample_losses,
        loss=total,
        scale=scale,
        grad_pre=tuple(grad_pre),
        grad_post=tuple(grad_post),
        grad_weights=tuple(grad_W),
        grad_biases=tuple(grad_b),
        grad_x=grad_x,
    )


# ----- one gradient per sample --------------------------------------------------------------------
@dataclass(frozen=True)
class PerSampleGradients:
    """Each sample's own gradients: entry ``[b]`` differentiates ℓ_b alone (no 1/B).

    ``grad_weights[l]`` has shape (B, *W_{l+1}.shape), ``grad_biases[l]`` (B, M_{l+1}),
    ``grad_x`` (B, N) and ``losses`` (B,).
    """

    losses: Array
    grad_weights: tuple[Array, ...]
    grad_biases: tuple[Array, ...]
    grad_x: Array

    def combined(self, reduction: str = "mean") -> tuple[list[Array], list[Array]]:
        """(Σ_b or mean_b of the weight gradients, the same for the biases): the batch gradient."""
        _check_choice(reduction, REDUCTIONS, "reduction")
        reduce = np.mean if reduction == "mean" else np.sum
        return (
            [reduce(g, axis=0) for g in self.grad_weights],
            [reduce(g, axis=0) for g in self.grad_biases],
        )


def per_sample_gradients(
    x: ArrayLike,
    y: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    activation: str = "sigmoid",
    loss: str = "cross_entropy",
) -> PerSampleGradients:
    r"""The gradient of every sample's own loss ℓ_b, whose sum (or mean) is the batch gradient.

    .. math::
        \frac{\partial \ell_b}{\partial W_l} = a_{l-1}[b]^T\,\delta_l[b] \quad (\text{an outer
        product}),\qquad
        \frac{\partial E}{\partial W_l} = s \sum_b \frac{\partial \ell_b}{\partial W_l}

    Samples do not interact in a perceptron, so δ_l[b] of the summed loss is exactly sample
    b's own δ; only the final contraction over b is left out.
    """
    result = mlp_backprop(x, y, weights, biases, activation, loss, "sum")
    grad_W = tuple(
        np.einsum("bi,bj->bij", a_in, delta)
        for a_in, delta in zip(result.inputs, result.grad_pre, strict=True)
    )
    grad_b = tuple(delta.copy() for delta in result.grad_pre)
    return PerSampleGradients(result.sample_losses.copy(), grad_W, grad_b, result.grad_x.copy())


# ----- a torchinfo-style summary ------------------------------------------------------------------
@dataclass(frozen=True)
class SummaryRow:
    """One row of the summary: a linear layer or an activation."""

    layer: str  # "Linear 1", "Sigmoid 1", …
    kind: str  # "linear" or "activation"
    output_shape: tuple[int, int]  # (B, M)
    output_symbolic: tuple[str, str]  # ("B", "M1")
    param_names: tuple[str, ...]  # ("W1", "b1") or ()
    param_shapes: tuple[tuple[int, ...], ...]  # ((N, M1), (M1,)) or ()
    param_count: int

    @property
    def output_text(self) -> str:
        """``"B×M1 = 8×3"``."""
        return f"{'×'.join(self.output_symbolic)} = {shape_text(self.output_shape)}"

    @property
    def params_text(self) -> str:
        """``"W1 4×3, b1 3"`` (empty for an activation)."""
        return ", ".join(
            f"{n} {shape_text(s)}" for n, s in zip(self.param_names, self.param_shapes, strict=True)
        )


@dataclass(frozen=True)
class MLPSummary:
    """All rows and the totals; the parameter count never depends on the batch size."""

    input_shape: tuple[int, int]  # (B, N)
    rows: tuple[SummaryRow, ...]
    total_params: int

    @property
    def trainable_params(self) -> int:
        return self.total_params

    def text(self) -> str:
        """The table as plain text, torchinfo-style."""
        head = f"{'Layer':<14}{'Output shape':<22}{'Parameters':<26}{'Param #':>9}"
        lines = [head, "=" * len(head)]
        for r in self.rows:
            lines.append(f"{r.layer:<14}{r.output_text:<22}{r.params_text:<26}{r.param_count:>9,}")
        lines += ["=" * len(head), f"Total parameters: {self.total_params:,} (trainable, any B)"]
        return "\n".join(lines)


def _width_names(n_hidden: int) -> list[str]:
    # The sheet's one hidden layer is "M"; deeper nets number theirs.
    if n_hidden == 1:
        return ["M"]
    return [f"M{i}" for i in range(1, n_hidden + 1)]


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or int(value) < 1:
        raise ValueError(f"{what} must be a whole number of at least 1, not {value!r}.")
    return int(value)


def mlp_summary(
    input_size: int, widths: Sequence[int], batch: int, activation: str = "sigmoid"
) -> MLPSummary:
    r"""The perceptron's layers in torchinfo's style: output shape with B, parameters, count.

    .. math:: \#W_l + \#b_l = M_{l-1} M_l + M_l

    Parameters
    ----------
    input_size : int
        N, the features per sample.
    widths : sequence of int
        M1, …, M_{L−1}, K: every layer's width, the output layer's last.
    batch : int
        B; it appears in every output shape and in no parameter count.
    activation : str
        Names the activation rows (one after each hidden linear layer).
    """
    _check_choice(activation, HIDDEN_ACTIVATIONS, "activation")
    N = _positive_int(input_size, "The input size N")
    B = _positive_int(batch, "The batch size B")
    sizes = [_positive_int(w, "Every layer width") for w in widths]
    if not sizes:
        raise ValueError("A network needs at least one layer width (the output's K).")
    names = ["N", *_width_names(len(sizes) - 1), "K"]
    act_title = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "gelu": "GeLU"}[activation]
    rows: list[SummaryRow] = []
    fan_in = N
    for li, width in enumerate(sizes, start=1):
        shapes = ((fan_in, width), (width,))
        out_sym = ("B", names[li])
        title = f"Linear {li}" if li < len(sizes) else f"Linear {li} (out)"
        count = fan_in * width + width
        rows.append(
            SummaryRow(title, "linear", (B, width), out_sym, (f"W{li}", f"b{li}"), shapes, count)
        )
        if li < len(sizes):
            rows.append(
                SummaryRow(f"{act_title} {li}", "activation", (B, width), out_sym, (), (), 0)
            )
        fan_in = width
    return MLPSummary((B, N), tuple(rows), sum(r.param_count for r in rows))
