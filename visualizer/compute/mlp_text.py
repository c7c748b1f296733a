"""How each entry of the batched perceptron was computed, written with its numbers.

The hover texts of the Backprop tab for any batch size and depth: one sentence per entry of
every tensor of :class:`visualizer.compute.mlp.MLPBackprop`, with indices 1-based as on the
sheet and every sign written once (see :mod:`visualizer.compute.number_text`). Names follow
:func:`visualizer.compute.mlp_check.mlp_gradient_names`: x, y, W1, b1, …, f1, a (or a1, a2
with several hidden layers), o, E and dE/d… of each.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from visualizer.compute.mlp import MLPBackprop, activation_slope
from visualizer.compute.number_text import (
    negated_text,
    number_text,
    products_text,
    signed_term,
)

__all__ = ["explain_mlp_entry", "mlp_tensors"]

Array = NDArray[np.float64]


def _a(layer: int, depth: int) -> str:
    return "a" if depth == 2 else f"a{layer}"


def _input_name(layer: int, depth: int) -> str:
    """What layer ``layer`` (1-based) reads: x, then the activations."""
    return "x" if layer == 1 else _a(layer - 1, depth)


def mlp_tensors(result: MLPBackprop) -> dict[str, Array]:
    """Every tensor by name, as 2-D arrays (biases and their gradients as 1×M rows, E 1×1)."""
    L = result.depth
    out: dict[str, Array] = {"x": result.x, "y": result.y}
    for li in range(L):
        out[f"W{li + 1}"] = result.weights[li]
        out[f"b{li + 1}"] = result.biases[li][None, :]
    for li in range(L):
        out[f"f{li + 1}"] = result.pre[li]
        if li < L - 1:
            out[_a(li + 1, L)] = result.post[li]
    if result.probabilities is not None:
        out["o"] = result.probabilities
    out["E"] = np.array([[result.loss]])
    for li in range(L - 1, -1, -1):
        out[f"dE/df{li + 1}"] = result.grad_pre[li]
        if li > 0:
            out[f"dE/d{_a(li, L)}"] = result.grad_post[li - 1]
    out["dE/dx"] = result.grad_x
    for li in range(L):
        out[f"dE/dW{li + 1}"] = result.grad_weights[li]
        out[f"dE/db{li + 1}"] = result.grad_biases[li][None, :]
    return out


def _terms(values: Array, max_terms: int = 6) -> str:
    """``v1 + v2 − v3 …`` with each sign folded into its operator."""
    shown = list(values[: max_terms if len(values) <= max_terms else max_terms - 1])
    text = number_text(shown[0]) + "".join(f" {signed_term(v)}" for v in shown[1:])
    if len(values) > len(shown):
        text += f" … {len(values) - len(shown)} more"
    return text


def _scaled(result: MLPBackprop, inner: str) -> str:
    """``(1/B)(inner)`` for the mean, ``inner`` for the sum (and for one sample)."""
    return (
        f"(1/{result.batch})({inner})" if result.reduction == "mean" and result.batch > 1 else inner
    )


def _activation_text(result: MLPBackprop, f: float, f_name: str) -> str:
    act = result.activation
    if act == "sigmoid":
        return f"σ({f_name}) = 1 / (1 + e^({negated_text(f)}))"
    if act == "tanh":
        return f"tanh({f_name}) = tanh({number_text(f)})"
    if act == "relu":
        return f"max(0, {f_name}) = max(0, {number_text(f)})"
    return f"{f_name} σ(1.702 {f_name}) = ({number_text(f)}) σ({number_text(1.702 * f)})"


_SLOPE_WORDS = {
    "sigmoid": "a(1 − a)",
    "tanh": "1 − a²",
    "relu": "1 if f > 0, else 0",
    "gelu": "GeLU'(f)",
}


def explain_mlp_entry(result: MLPBackprop, name: str, i: int, j: int) -> str:
    """How entry (i, j) of tensor ``name`` was obtained (0-based; written 1-based).

    Parameters
    ----------
    result : MLPBackprop
    name : a key of :func:`mlp_tensors`
    i, j : row (the sample, for batched tensors) and column
    """
    tensors = mlp_tensors(result)
    if name not in tensors:
        raise ValueError(f"Unknown tensor {name!r}; choose one of {', '.join(tensors)}.")
    T = tensors[name]
    if not (0 <= i < T.shape[0] and 0 <= j < T.shape[1]):
        raise ValueError(f"{name} is {T.shape[0]}×{T.shape[1]}; ({i + 1}, {j + 1}) is outside.")
    L = result.depth
    i1, j1 = i + 1, j + 1
    head = f"{name}[{i1},{j1}] = {number_text(float(T[i, j]), 6)}"
    kind = name.rstrip("0123456789")
    layer = int(name[len(kind) :] or 1)  # the sheet's single hidden layer is "a"

    if name == "x":
        return f"{head}: input {j1} of sample {i1}."
    if name == "y":
        return f"{head}: target {j1} of sample {i1}."
    if kind in ("W", "b"):
        return f"{head}: a parameter of layer {layer}."
    if kind == "f":
        a_in = result.inputs[layer - 1]
        W, b = result.weights[layer - 1], result.biases[layer - 1]
        s = products_text([(a_in[i, n], W[n, j]) for n in range(W.shape[0])])
        prev = _input_name(layer, L)
        return (
            f"{head} = Σ_n {prev}[{i1},n] W{layer}[n,{j1}] + b{layer}[{j1}] = "
            f"{s} {signed_term(b[j])}"
        )
    if kind == "a":
        f = float(result.pre[layer - 1][i, j])
        return f"{head} = " + _activation_text(result, f, f"f{layer}[{i1},{j1}]")
    if name == "o":
        z = result.output[i]
        if result.loss_name == "binary_cross_entropy":
            return f"{head} = σ(f{L}[{i1},{j1}]) = 1 / (1 + e^({negated_text(z[j])}))"
        return (
            f"{head} = e^(f{L}[{i1},{j1}] − m) / Σ_k e^(f{L}[{i1},k] − m), with "
            f"f{L}[{i1},{j1}] = {number_text(z[j])} and m = max_k f{L}[{i1},k] = "
            f"{number_text(float(z.max()))}"
        )
    if name == "E":
        per = {"cross_entropy": "−Σ_k y_k ln o_k", "mse": "½‖out − y‖²"}.get(
            result.loss_name, "Σ_k −y_k ln o_k − (1 − y_k) ln(1 − o_k)"
        )
        if result.batch == 1:
            return f"E = {per} = {number_text(result.loss, 6)}"
        return (
            f"E = {'(1/' + str(result.batch) + ') ' if result.reduction == 'mean' else ''}"
            f"Σ_b ℓ_b with ℓ_b = {per} of sample b; "
            f"E = {_scaled(result, _terms(result.sample_losses))} = {number_text(result.loss, 6)}"
        )
    return head + _explain_gradient(result, name, i, j)


def _explain_gradient(result: MLPBackprop, name: str, i: int, j: int) -> str:
    L = result.depth
    i1, j1 = i + 1, j + 1
    base = name[len("dE/d") :]
    if base == "x":
        W = result.weights[0]
        s = products_text([(result.grad_pre[0][i, k], W[j, k]) for k in range(W.shape[1])])
        return f" = Σ_k dE/df1[{i1},k] W1[{j1},k] = {s}"
    kind = base.rstrip("0123456789")
    layer = int(base[len(kind) :] or 1)
    if kind == "f" and layer == L:
        y = float(result.y[i, j])
        probabilities = result.probabilities
        what = "out" if probabilities is None else "o"  # mse reads the raw output
        value = result.output[i, j] if probabilities is None else probabilities[i, j]
        inner = f"{number_text(float(value))} {signed_term(-y)}"
        sym = f"{what}[{i1},{j1}] − y[{i1},{j1}]"
        return f" = {_scaled(result, sym)} = {_scaled(result, inner)}"
    if kind == "f":
        g = float(result.grad_post[layer - 1][i, j])
        slope = float(activation_slope(result.pre[layer - 1][i, j], result.activation))
        a = _a(layer, L)
        return (
            f" = dE/d{a}[{i1},{j1}] · φ'(f{layer}[{i1},{j1}]) = ({number_text(g)})"
            f"({number_text(slope)}), with φ' = {_SLOPE_WORDS[result.activation]}"
        )
    if kind == "a":
        nxt = layer + 1
        W = result.weights[layer]
        s = products_text([(result.grad_pre[layer][i, k], W[j, k]) for k in range(W.shape[1])])
        return f" = Σ_k dE/df{nxt}[{i1},k] W{nxt}[{j1},k] = {s}"
    delta = result.grad_pre[layer - 1]
    if kind == "W" and result.batch == 1:  # one sample: no sum over the batch
        a_in = result.inputs[layer - 1]
        prev = _input_name(layer, L)
        return (
            f" = {prev}[1,{i1}] dE/df{layer}[1,{j1}] = "
            f"({number_text(a_in[0, i])})({number_text(delta[0, j])})"
        )
    if kind == "W":
        a_in = result.inputs[layer - 1]
        prev = _input_name(layer, L)
        s = products_text([(a_in[b, i], delta[b, j]) for b in range(result.batch)])
        return (
            f" = Σ_b {prev}[b,{i1}] dE/df{layer}[b,{j1}] (the sum over the {result.batch} "
            f"samples) = {s}"
        )
    if result.batch == 1:
        return f" = dE/df{layer}[1,{j1}] = {number_text(float(delta[0, j]))}"
    return (
        f" = Σ_b dE/df{layer}[b,{j1}] (column {j1} summed over the batch) = {_terms(delta[:, j])}"
    )
