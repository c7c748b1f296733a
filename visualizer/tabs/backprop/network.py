"""Everything the backprop tab computes from its settings, without Qt.

Settings -> :func:`compute_result`: the seeded random network and batch (typed values put
in), ``mlp_backprop`` (forward, loss, every gradient), the gradient check of every tensor of
every layer, the torchinfo-style summary, the per-sample gradients (B > 1), then for the
sample shown: its chain of Jacobians (or a "what if" chain), its softmax shortcut and the
worked sum of one element of dE/dx. The views only read :class:`BackpropResult`.

Names and shapes live in :mod:`~visualizer.tabs.backprop.names`, which needs no numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from visualizer.compute.backprop import (
    ChainProduct,
    GradientCheck,
    ShapeRow,
    WorkedSum,
)
from visualizer.compute.mlp import (
    MLPBackprop,
    MLPSummary,
    PerSampleGradients,
    mlp_backprop,
    mlp_summary,
    per_sample_gradients,
)
from visualizer.compute.mlp_chain import (
    layer_letters,
    mlp_shape_rows,
    random_network,
    sample_chain,
    sample_shortcut,
    sample_worked_dx,
)
from visualizer.compute.mlp_check import mlp_gradient_check
from visualizer.compute.mlp_text import mlp_tensors
from visualizer.tabs.backprop.names import name_of, widths_of

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropSettings

__all__ = ["BackpropResult", "compute_result", "letters", "worked_only"]

Array = NDArray[np.float64]
Cell = tuple[str, int, int]


def letters(name: str, depth: int, batch: int) -> tuple[str, str]:
    """The shape of tensor ``name`` in letters: x (1×N, or B×N for a batch), W1 (N×M) …;
    a gradient dE/dT is shaped like T."""
    if name.startswith("dE/d"):
        name = name[4:]
    widths = layer_letters(depth)
    rows = "B" if batch > 1 else "1"
    if name == "x":
        return rows, "N"
    if name in ("o", "y"):
        return rows, "K"
    if name == "E":
        return "1", "1"
    kind, number = name.rstrip("0123456789"), name.lstrip("Wbfa")
    layer = int(number) if number else 1
    if kind == "W":
        return widths[layer - 1], widths[layer]
    if kind == "b":
        return "1", widths[layer]
    if kind in ("f", "a"):
        return rows, widths[layer]
    return "", ""


@dataclass(frozen=True)
class BackpropResult:
    """Everything computed from one set of settings (the views only read it)."""

    net: MLPBackprop
    #: Every tensor by name (mlp_tensors), biases and their gradients as 1×M rows.
    tensors: dict[str, Array]
    classes: tuple[int, ...]
    seed: int
    typed: frozenset[Cell]
    checks: list[GradientCheck]
    summary: MLPSummary
    per_sample: PerSampleGradients | None
    shape_rows: list[ShapeRow]
    sample: int
    chain: ChainProduct
    #: (dE/do · do/dfL, its fused form, largest difference) of the sample; None for mse.
    shortcut: tuple[Array, Array, float] | None
    worked: WorkedSum

    @property
    def depth(self) -> int:
        return self.net.depth

    @property
    def batch(self) -> int:
        return self.net.batch

    @property
    def out(self) -> str:
        """The output layer's pre-activation: f2 on the sheet."""
        return f"f{self.depth}"

    def tensor(self, key: str) -> Array:
        """A tensor by name or block key."""
        return self.tensors[name_of(key)]

    def letters(self, name: str) -> tuple[str, str]:
        return letters(name_of(name), self.depth, self.batch)


def _network_part(s: BackpropSettings) -> dict[str, Any]:
    widths = widths_of(s)
    base = random_network(s.N, widths, s.K, s.batch, s.true_class, s.seed)
    arrays = {"x": base.x.copy()}
    for layer, (W, b) in enumerate(zip(base.weights, base.biases, strict=True), start=1):
        arrays[f"W{layer}"], arrays[f"b{layer}"] = W.copy(), b.copy()
    for name, i, j, value in s.typed:
        arrays[name][i, j] = value
    depth = len(widths) + 1
    weights = [arrays[f"W{layer}"] for layer in range(1, depth + 1)]
    biases = [arrays[f"b{layer}"] for layer in range(1, depth + 1)]
    net = mlp_backprop(arrays["x"], base.y, weights, biases, s.activation, s.loss, s.reduction)
    return {
        "net": net,
        "tensors": mlp_tensors(net),
        "classes": base.classes,
        "seed": s.seed,
        "typed": frozenset((name, i, j) for name, i, j, _ in s.typed),
        "checks": mlp_gradient_check(
            net.x, net.y, net.weights, net.biases, s.activation, s.loss, s.reduction, result=net
        ),
        "summary": mlp_summary(s.N, [*widths, s.K], s.batch, s.activation),
        "per_sample": (
            per_sample_gradients(net.x, net.y, net.weights, net.biases, s.activation, s.loss)
            if s.batch > 1
            else None
        ),
        "shape_rows": mlp_shape_rows(s.N, widths, s.K, s.batch, s.activation, s.loss),
    }


def _sample_part(net: MLPBackprop, s: BackpropSettings) -> dict[str, Any]:
    return {
        "sample": s.sample,
        "chain": sample_chain(net, s.sample, s.variant),
        "shortcut": sample_shortcut(net, s.sample) if s.loss == "cross_entropy" else None,
        "worked": sample_worked_dx(net, s.sample, s.element),
    }


def compute_result(s: BackpropSettings, reuse: BackpropResult | None = None) -> BackpropResult:
    """Compute everything for ``s``; ``reuse`` is a result of the same network (see
    :func:`~visualizer.tabs.backprop.names.network_key`), whose gradients and check are then
    kept."""
    if reuse is None:
        network = _network_part(s)
    else:
        network = {
            name: getattr(reuse, name)
            for name in ("net", "tensors", "classes", "seed", "typed", "checks", "summary",
                         "per_sample", "shape_rows")
        }  # fmt: skip
    return BackpropResult(**network, **_sample_part(network["net"], s))


def worked_only(result: BackpropResult, element: int) -> BackpropResult:
    """``result`` with another element of dE/dx worked out."""
    from dataclasses import replace

    return replace(result, worked=sample_worked_dx(result.net, result.sample, element))
