"""The backprop network's tensors by name and shape, and the choices its settings offer.

Plain Python: no numpy and none of the MLP maths, so the model checks a lesson's settings
(sizes, names, typed cells) without loading it; :mod:`~visualizer.tabs.backprop.network`
loads it when the result is first computed. The choices come from
:mod:`visualizer.compute.mlp_choices`, the maths' own (numpy-free) list of them.

Names are those of :func:`visualizer.compute.mlp_tensors`: x, y, W1, b1, …, f1, a (a1, a2,
… with several hidden layers), o, E, dE/df2, dE/dW1, …; a view's block key is the name with
its first "/" written "_" (``dE_dW1``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# (the choices, re-exported for the model and the views)
from visualizer.compute.mlp_choices import HIDDEN_ACTIVATIONS as HIDDEN_ACTIVATIONS
from visualizer.compute.mlp_choices import MAX_SIZE as MAX_SIZE
from visualizer.compute.mlp_choices import MLP_CHAIN_VARIANTS as MLP_CHAIN_VARIANTS
from visualizer.compute.mlp_choices import REDUCTIONS as REDUCTIONS

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropSettings


def key_of(name: str) -> str:
    """The block key of a tensor name: ``dE/dW1`` -> ``dE_dW1``."""
    return name.replace("/", "_", 1)


def name_of(key: str) -> str:
    """The tensor name of a block key: ``dE_dW1`` -> ``dE/dW1``."""
    return key.replace("_", "/", 1) if key.startswith("dE_") else key


def widths_of(s: BackpropSettings) -> tuple[int, ...]:
    """The hidden layers' widths M1, … (the first is the sheet's M)."""
    return (s.M, *s.more_hidden)


def editable_names(depth: int) -> tuple[str, ...]:
    """The tensors whose values can be typed in: x and every W and b."""
    return ("x", *(f"{p}{layer}" for layer in range(1, depth + 1) for p in ("W", "b")))


def tensor_shapes(s: BackpropSettings) -> dict[str, tuple[int, int]]:
    """The shapes of the tensors that can be typed into (biases as 1×M rows)."""
    sizes = [s.N, *widths_of(s), s.K]
    shapes = {"x": (s.batch, s.N)}
    for layer in range(1, len(sizes)):
        shapes[f"W{layer}"] = (sizes[layer - 1], sizes[layer])
        shapes[f"b{layer}"] = (1, sizes[layer])
    return shapes


def activation_name(depth: int, layer: int) -> str:
    return "a" if depth == 2 else f"a{layer}"


def forward_names(depth: int, loss: str) -> list[str]:
    """The forward chain in reading order: x, W1, b1, f1, a, W2, b2, f2, o, y, E."""
    names = ["x"]
    for layer in range(1, depth + 1):
        names += [f"W{layer}", f"b{layer}", f"f{layer}"]
        if layer < depth:
            names.append(activation_name(depth, layer))
    if loss == "cross_entropy":
        names.append("o")
    return [*names, "y", "E"]


def network_key(s: BackpropSettings) -> tuple[Any, ...]:
    """What the network, its gradients and their check depend on."""
    return (s.N, s.M, s.more_hidden, s.K, s.batch, s.true_class, s.seed, s.typed,
            s.activation, s.loss, s.reduction)  # fmt: skip


def correct_chain_frames(depth: int, loss: str) -> int:
    """How many frames the correct chain of dE/dx has: one per factor.

    The factors are dE/do and do/dfL (cross-entropy) or dE/dfL (mse), then Wlᵀ and the
    activation's diagonal for each layer l = L … 2, then W1ᵀ: 2L + 1 or 2L factors. Every
    shape fits, so the chain never stops early (a "what if" chain may: its length needs the
    computed chain).
    """
    return 2 * depth + (1 if loss == "cross_entropy" else 0)
