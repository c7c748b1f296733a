"""What the network shown computes, read for the views (no Qt): every neuron's z and output,
the verdict against the target gate, the hidden neurons' own gates, the decision regions, one
neuron's worked arithmetic, and each weight's value and name.

Mixed into :class:`~visualizer.tabs.gates.model.GatesModel`, which decides which network is
shown (``layers()``: the run's network at the frame, or the hand-made one) and keeps the
cache these results live in until the network or its convention changes. The maths is
``visualizer.compute.gates``, which the model loads anyway, so this adds nothing to start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from visualizer.compute.gates import (
    GateDiagnosis,
    GateEvaluation,
    NodeArithmetic,
    decision_grid,
    diagnose_gate,
    evaluate_gate,
    gate_node_names,
    hidden_gates,
    line_in_box,
    node_arithmetic,
)

if TYPE_CHECKING:
    from visualizer.tabs.gates.model import GatesFocus

#: The square of (A, B) the decision-region plot shows, and its samples per side.
REGION_LO, REGION_HI = -0.25, 1.25
REGION_RESOLUTION = 121

Network = list[tuple[np.ndarray, np.ndarray]]
#: A parameter: ("w", layer, i, j) for W[layer][i, j] or ("b", layer, j).
ParamKey = tuple[Any, ...]


class ShownNetworkMixin:
    """Results of the network shown, each computed once per network; mixed into
    ``GatesModel`` (which provides ``layers``, ``_cached``, ``activation``, ``target`` and
    ``focus``)."""

    if TYPE_CHECKING:
        focus: GatesFocus

        @property
        def activation(self) -> str: ...

        @property
        def target(self) -> str: ...

        def layers(self) -> Network: ...

        def _cached(self, name: str, compute: Callable[[], Any]) -> Any: ...

    def evaluation(self) -> GateEvaluation:
        """Every neuron's z and output on the four rows (``evaluate_gate``)."""
        return self._cached("evaluation", lambda: evaluate_gate(self.layers(), self.activation))

    def diagnosis(self) -> GateDiagnosis:
        """The network judged against the target gate, row by row (``diagnose_gate``)."""
        return self._cached(
            "diagnosis", lambda: diagnose_gate(self.layers(), self.target, self.activation)
        )

    def hidden_roles(self) -> dict[str, str]:
        """The gate each hidden neuron computes on its own (``hidden_gates``)."""
        return self._cached("roles", lambda: hidden_gates(self.layers(), self.activation))

    def region_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """The output over the square of (A, B) the regions plot shows (``decision_grid``)."""
        return self._cached(
            "grid",
            lambda: decision_grid(
                self.layers(), self.activation, REGION_LO, REGION_HI, REGION_RESOLUTION
            ),
        )

    def region_lines(self) -> list[tuple[np.ndarray, np.ndarray] | None]:
        """Each first-layer neuron's line w . x + b = 0 inside the square (None: it misses)."""
        W, b = self.layers()[0]
        return [line_in_box(W[:, j], b[j], REGION_LO, REGION_HI) for j in range(W.shape[1])]

    def node_names(self) -> list[list[str]]:
        return gate_node_names(self.layers())

    def arithmetic(self, layer: int, node: int) -> NodeArithmetic:
        """The terms of one neuron for the current inputs (``node_arithmetic``)."""
        return node_arithmetic(self.layers(), layer, node, self.focus.inputs, self.activation)

    # ----- parameters ----------------------------------------------------------------------
    def param_value(self, key: ParamKey) -> float:
        layers = self.layers()
        if key[0] == "w":
            return float(layers[key[1]][0][key[2], key[3]])
        return float(layers[key[1]][1][key[2]])

    def param_name(self, key: ParamKey) -> str:
        """``"weight A → C"`` or ``"bias of Out"``."""
        names = self.node_names()
        if key[0] == "w":
            _w, layer, i, j = key
            source = "AB"[i] if layer == 0 else names[layer - 1][i]
            return f"weight {source} → {names[layer][j]}"
        return f"bias of {names[key[1]][key[2]]}"
