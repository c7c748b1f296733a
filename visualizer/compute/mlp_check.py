"""Central finite differences for every gradient of the batched perceptron of :mod:`.mlp`.

Each entry v of a parameter or tensor is moved by ±h, the loss is evaluated again, and

.. math::
    \\frac{\\partial E}{\\partial v} \\approx \\frac{E(v + h) - E(v - h)}{2h},
    \\qquad h = 10^{-5} \\max(1, |v|)

(the denominator is the step actually taken in floating point, ``(v + h) − (v − h)``).

Nothing here uses a derivative: only forward evaluations of the loss. What makes it fast is
where those evaluations start. The loss is a sum over samples, so moving one sample's x, f_l
or a_l changes one row only, and the layers before the moved tensor are not recomputed; the
next layer's input changes by a rank-one term. All the perturbed copies of a chunk are
evaluated as one stack of rows (one matrix product per layer), the way
:func:`visualizer.compute.backprop.numerical_gradients` stacks its copies. Parameters are
estimated either by moving each of them (every sample's row re-run) or, by default, from
the pre-activation differences through the exact linear map f = a W + b (see
:func:`mlp_numerical_gradients`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from visualizer.compute.backprop import (
    GRADIENT_CHECK_TOLERANCE,
    GradientCheck,
    compare_gradient,
)
from visualizer.compute.mlp import (
    MLPBackprop,
    activate,
    forward_pass,
    loss_head,
    mlp_backprop,
)

__all__ = ["CHECK_METHODS", "mlp_gradient_check", "mlp_gradient_names", "mlp_numerical_gradients"]

Array = NDArray[np.float64]

#: How parameter gradients are estimated (see :func:`mlp_numerical_gradients`).
CHECK_METHODS: tuple[str, ...] = ("layerwise", "per_parameter")
#: Relative finite-difference step: h = _STEP max(1, |v|) balances truncation (h²) and rounding
#: (eps / h) errors.
_STEP = 1e-5
#: Rows evaluated together. At width 64 a stack of 128 rows is 64 KB, so the elementwise
#: passes (activations, differences) stay in the L2 cache, and each matrix product stays small
#: enough for OpenBLAS to run it on one thread. Measured on 64-64-64-64-10 at B = 64: stacks
#: of 8192 rows were 2-3x slower; stacks of 256 rows were as fast on an idle machine but 4-5x
#: slower on a busy one, where the threads of a split product wait for each other.
_ROWS = 128


def _steps(values: Array) -> tuple[Array, Array]:
    """The steps up and down actually taken in floating point: (v + h) − v and v − (v − h)."""
    h = _STEP * np.maximum(1.0, np.abs(values))
    return (values + h) - values, values - (values - h)


@dataclass(frozen=True)
class _Network:
    """The network and its forward values, to evaluate the loss from any layer onwards."""

    result: MLPBackprop

    @property
    def depth(self) -> int:
        return self.result.depth

    def row_losses(self, k: int, f_rows: Array, y_rows: Array) -> Array:
        """ℓ for each row, given the pre-activations f_{k+1} of those rows (k is 0-based)."""
        r = self.result
        if k == self.depth - 1:
            return loss_head(f_rows, y_rows, r.loss_name)[0]
        a = activate(f_rows, r.activation)
        pre, _ = forward_pass(a, r.weights[k + 1 :], r.biases[k + 1 :], r.activation)
        return loss_head(pre[-1], y_rows, r.loss_name)[0]


def _entry_fd(
    net: _Network, values: Array, base: Array, direction: Array, k: int, squash: bool = False
) -> Array:
    """Central differences for every entry [b, e] of a per-sample tensor (x, f_l or a_l).

    Moving entry e of sample b changes only row b of ``base``, the pre-activations of layer
    k (0-based), by amount·direction[e]; only that sample's loss changes, so each perturbation
    is one row. The amount is the step itself, or with ``squash`` (``values`` are
    pre-activations f feeding ``base`` through φ) the change φ(f ± h) − φ(f) of the
    activation, so the layer of ``values`` is not re-run for the whole row.
    """
    B, E = values.shape
    y = net.result.y
    grad = np.empty((B, E))
    group = max(1, _ROWS // (2 * E))
    for start in range(0, B, group):
        rows = slice(start, min(start + group, B))
        v = values[rows]
        hp, hm = _steps(v)  # (G, E)
        up, down = hp, -hm
        if squash:
            a = activate(v, net.result.activation)
            up = activate(v + hp, net.result.activation) - a
            down = activate(v - hm, net.result.activation) - a
        base_rows = base[rows][:, None, :]
        stack = np.stack(
            [base_rows + up[..., None] * direction, base_rows + down[..., None] * direction]
        )  # (2, G, E, M)
        y_rows = np.broadcast_to(y[rows][None, :, None, :], (*stack.shape[:3], y.shape[1]))
        losses = net.row_losses(
            k, stack.reshape(-1, stack.shape[-1]), y_rows.reshape(-1, y.shape[1])
        ).reshape(stack.shape[:3])
        grad[rows] = net.result.scale * (losses[0] - losses[1]) / (hp + hm)
    return grad


def _parameter_fd(net: _Network, k: int) -> tuple[Array, Array]:
    """Central differences for every entry of W_{k+1} and b_{k+1} (k is 0-based).

    Moving W[i, j] by t changes column j of f = a W + b by t·a[:, i] for every sample (b[j]
    is the same with a column of ones); the loss is re-evaluated from there.
    """
    r = net.result
    W, bias = r.weights[k], r.biases[k]
    f = r.pre[k]
    a_in = np.hstack([r.inputs[k], np.ones((r.batch, 1))])  # (B, P): the bias reads a 1
    values = np.vstack([W, bias[None, :]])  # (P, M): column j holds W[:, j] and b[j]
    P, M = values.shape
    hp_all, hm_all = _steps(values)
    grad = np.empty((P, M))
    hidden = k < r.depth - 1
    group = max(1, _ROWS // (2 * P * r.batch))
    for start in range(0, M, group):
        cols = np.arange(start, min(start + group, M))
        hp, hm = hp_all[:, cols].T, hm_all[:, cols].T  # (G, P)
        # shift[s, g, p, b]: how far f[b, cols[g]] moves when entry p of column g moves.
        shift = np.stack([hp[..., None] * a_in.T, -hm[..., None] * a_in.T])
        if hidden:
            f_col = f[:, cols].T[None, :, None, :]  # (1, G, 1, B)
            a_col = r.post[k][:, cols].T[None, :, None, :]
            delta_a = activate(f_col + shift, r.activation) - a_col
            w_next = r.weights[k + 1][cols][None, :, None, None, :]
            rows = r.pre[k + 1] + delta_a[..., None] * w_next  # (2, G, P, B, M_next)
            start_layer = k + 1
        else:
            onehot = np.eye(M)[cols][None, :, None, None, :]
            rows = f + shift[..., None] * onehot  # only column cols[g] moves
            start_layer = k
        y_rows = np.broadcast_to(r.y, (*rows.shape[:-1], r.y.shape[1]))
        losses = net.row_losses(
            start_layer, rows.reshape(-1, rows.shape[-1]), y_rows.reshape(-1, r.y.shape[1])
        ).reshape(rows.shape[:-1])
        # Difference per sample first, then the sum: the big common part cancels exactly.
        diff = np.sum(losses[0] - losses[1], axis=-1)  # (G, P)
        grad[:, cols] = (r.scale * diff / (hp + hm)).T
    return grad[:-1], grad[-1]


def mlp_gradient_names(depth: int) -> list[str]:
    """The names :func:`mlp_numerical_gradients` uses, in its order, for ``depth`` layers.

    Backward first (dE/dfL, dE/da_{L−1}, dE/df_{L−1}, …, dE/df1, dE/dx), then the parameters
    (dE/dW1, dE/db1, …, dE/dWL, dE/dbL). With one hidden layer its activation is ``a`` as on
    the sheet; deeper nets number them.
    """
    names = []
    for layer in range(depth, 0, -1):
        if layer < depth:
            names.append(f"dE/d{_a_name(layer, depth)}")
        names.append(f"dE/df{layer}")
    names.append("dE/dx")
    for layer in range(1, depth + 1):
        names += [f"dE/dW{layer}", f"dE/db{layer}"]
    return names


def _a_name(layer: int, depth: int) -> str:
    return "a" if depth == 2 else f"a{layer}"


def _analytic(result: MLPBackprop) -> dict[str, Array]:
    L = result.depth
    grads: dict[str, Array] = {"dE/dx": result.grad_x}
    for li in range(L):
        layer = li + 1
        grads[f"dE/df{layer}"] = result.grad_pre[li]
        grads[f"dE/dW{layer}"] = result.grad_weights[li]
        grads[f"dE/db{layer}"] = result.grad_biases[li]
        if layer < L:
            grads[f"dE/d{_a_name(layer, L)}"] = result.grad_post[li]
    return grads


def _numerical(result: MLPBackprop, method: str) -> dict[str, Array]:
    if method not in CHECK_METHODS:
        raise ValueError(
            f"Unknown gradient-check method {method!r}; choose one of {', '.join(CHECK_METHODS)}."
        )
    net = _Network(result)
    L = result.depth
    numeric: dict[str, Array] = {}
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for li in range(L):
            layer = li + 1
            f = result.pre[li]
            if layer < L:  # f_layer -> a_layer feeds f_{layer+1} through W_{layer+1}
                following = (result.pre[li + 1], result.weights[li + 1], li + 1)
                numeric[f"dE/df{layer}"] = _entry_fd(net, f, *following, squash=True)
                numeric[f"dE/d{_a_name(layer, L)}"] = _entry_fd(net, result.post[li], *following)
            else:
                numeric[f"dE/df{layer}"] = _entry_fd(net, f, f, np.eye(f.shape[1]), li)
            if method == "per_parameter":
                numeric[f"dE/dW{layer}"], numeric[f"dE/db{layer}"] = _parameter_fd(net, li)
            else:  # f = a W + b is linear: dE/dW_ij = Σ_b a_bi dE/df_bj, dE/db_j = Σ_b dE/df_bj
                delta = numeric[f"dE/df{layer}"]
                numeric[f"dE/dW{layer}"] = result.inputs[li].T @ delta
                numeric[f"dE/db{layer}"] = delta.sum(axis=0)
        numeric["dE/dx"] = _entry_fd(net, result.x, result.pre[0], result.weights[0], 0)
    return {name: numeric[name] for name in mlp_gradient_names(L)}


def mlp_numerical_gradients(
    x: ArrayLike,
    y: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    activation: str = "sigmoid",
    loss: str = "cross_entropy",
    reduction: str = "mean",
    method: str = "layerwise",
) -> dict[str, Array]:
    r"""Central finite-difference estimates of every gradient, from loss evaluations only.

    .. math::
        \frac{\partial E}{\partial v} \approx \frac{E(v + h) - E(v - h)}{2h},
        \qquad h = 10^{-5} \max(1, |v|)

    for every entry of x and of every f_l and a_l (the loss re-run from that tensor onwards,
    one sample's row per perturbation), and an estimate for every entry of every W_l and b_l.
    Arguments as :func:`visualizer.compute.mlp.mlp_backprop`, plus:

    method : {"layerwise", "per_parameter"}
        ``"per_parameter"`` moves each W_l[i, j] and b_l[j] by ±h and re-runs the loss of all
        B samples from layer l on: 2·B rows per parameter, about 2.2 million rows for B = 64
        and 64-64-64-64-10, seconds of work. ``"layerwise"`` (the default) uses that f_l =
        a_{l−1} W_l + b_l is linear in its parameters, so
        ∂E/∂W_l[i, j] = Σ_b a_{l−1}[b, i] ∂E/∂f_l[b, j] and ∂E/∂b_l[j] = Σ_b ∂E/∂f_l[b, j]
        exactly, with ∂E/∂f_l the central differences above: every parameter still gets a
        number that owes nothing to backpropagation (only the forward values and loss
        evaluations), from 2·B·M_l rows per layer. Both agree to O(h²).

    Returns
    -------
    dict of str to ndarray
        Keys of :func:`mlp_gradient_names`, each the shape of what it differentiates.
    """
    return _numerical(mlp_backprop(x, y, weights, biases, activation, loss, reduction), method)


def mlp_gradient_check(
    x: ArrayLike,
    y: ArrayLike,
    weights: Sequence[ArrayLike],
    biases: Sequence[ArrayLike],
    activation: str = "sigmoid",
    loss: str = "cross_entropy",
    reduction: str = "mean",
    result: MLPBackprop | None = None,
    tolerance: float = GRADIENT_CHECK_TOLERANCE,
    method: str = "layerwise",
) -> list[GradientCheck]:
    r"""Every analytic gradient of :func:`mlp_backprop` against central finite differences.

    .. math::
        \text{rel. error} = \frac{\max_i |g_i - \hat g_i|}{\max(\max_i |g_i|, \max_i |\hat g_i|)}

    Parameters
    ----------
    result : MLPBackprop, optional
        :func:`mlp_backprop` of the same arguments, if already computed (its x, y, weights,
        biases and options are the ones checked).
    tolerance : float
        A gradient passes when its normwise relative error is at most this.
    method : {"layerwise", "per_parameter"}
        How parameter gradients are estimated (see :func:`mlp_numerical_gradients`).

    Returns
    -------
    list of GradientCheck
        In the order of :func:`mlp_gradient_names`: every parameter of every layer, dE/dx and
        the upstream gradients dE/df_l, dE/da_l.
    """
    if result is None:
        result = mlp_backprop(x, y, weights, biases, activation, loss, reduction)
    analytic = _analytic(result)
    numeric = _numerical(result, method)
    return [compare_gradient(name, analytic[name], numeric[name], tolerance) for name in numeric]
