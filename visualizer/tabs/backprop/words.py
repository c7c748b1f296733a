"""What the backprop model says and exports, without Qt: hover texts, the chain's verdict
and step lines, the table, the worked solution and the exported code.

Mixed into :class:`~visualizer.tabs.backprop.model.BackpropModel`. ``texts.py`` and
``code_export.py`` (and the maths they load) are imported inside the methods, which run once
the tab is shown or exported from: a lesson that opens on another tab never loads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from visualizer.tabs.backprop.model import BackpropSettings
    from visualizer.tabs.backprop.network import BackpropResult


class WordsMixin:
    """Words and exports; mixed into ``BackpropModel`` (which provides ``settings``,
    ``result``, ``frame``, ``values_hidden`` and ``shape_hidden``)."""

    if TYPE_CHECKING:

        @property
        def settings(self) -> BackpropSettings: ...

        @property
        def result(self) -> BackpropResult: ...

        @property
        def frame(self) -> int: ...

        def values_hidden(self, name: str) -> bool: ...

        def shape_hidden(self, name: str) -> bool: ...

    # ----- words -----------------------------------------------------------------------------
    def _tells_asked_values(self, key: str) -> bool:
        """True when the hover text of ``key`` would write out values practice asks for."""
        L = self.settings.depth
        out = self.output_delta()
        tells = {f"dE_dW{L}", f"dE_db{L}", f"dE_df{L}", f"dE_d{'a' if L == 2 else f'a{L - 1}'}"}
        if key in tells and self.values_hidden(out):
            return True
        return key == "dE_dW2" and self.values_hidden("dE/dW2")

    def output_delta(self) -> str:
        """The name of dE/d(output): dE/df2 on the sheet, dE/df3 with two hidden layers."""
        return f"dE/df{self.settings.depth}"

    def explain_forward(self, key: str, i: int, j: int) -> str:
        """Hover text of a forward tensor's or a parameter gradient's cell."""
        from visualizer.tabs.backprop import texts

        if self._tells_asked_values(key):
            return texts.HIDDEN_IN_PRACTICE
        return texts.explain_forward(self.result, key, i, j)

    def explain_backward(self, key: str, i: int, j: int) -> str:
        """Hover text of a factor (``F0`` ...) or of the running product (``P``) of the chain."""
        from visualizer.tabs.backprop import texts

        if key == "P" and self.frame > 0 and self.values_hidden(self.output_delta()):
            return texts.HIDDEN_IN_PRACTICE  # every product after the first uses dE/dfL
        return texts.explain_backward(self.result, self.frame, key, i, j)

    def explain_shortcut(self, key: str, i: int, j: int) -> str:
        """Hover text of the full product (``full``) or of o − y (``short``)."""
        from visualizer.tabs.backprop import texts

        if self.values_hidden(self.output_delta()):
            return texts.HIDDEN_IN_PRACTICE
        return texts.explain_shortcut(self.result, key, i, j)

    def chain_verdict(self) -> tuple[bool, str]:
        """(right, sentence) about the chain as a whole (dE/dx's shape as "?" while asked)."""
        from visualizer.tabs.backprop import texts

        right, sentence = texts.chain_verdict(self.result.chain, self.settings.variant)
        if self.shape_hidden("dE/dx"):
            sentence = texts.hide_shapes(sentence)
        return right, sentence

    def chain_step_lines(self) -> list[tuple[str, str]]:
        """One line per multiplication (shapes that practice asks for written "?")."""
        from visualizer.tabs.backprop import texts

        return texts.chain_step_lines(self.result.chain, self.frame, self.shape_hidden)

    def table_csv(self) -> str:
        from visualizer.tabs.backprop import texts

        return texts.table_csv(self.result)

    # ----- code ------------------------------------------------------------------------------
    def export_network(self) -> dict[str, Any]:
        """The network as the exported code writes it: x, y, the weights and biases (each
        bias a 1×M row, as shown), activation, loss, reduction, and what the tab shows for
        E and dE/dx."""
        net, s = self.result.net, self.settings
        return {
            "x": net.x, "y": net.y, "weights": list(net.weights),
            "biases": [b[None, :] for b in net.biases],
            "activation": s.activation, "loss": s.loss, "reduction": s.reduction,
            "E": net.loss, "dE_dx": net.grad_x,
        }  # fmt: skip

    def python_code(self) -> str:
        """A standalone numpy script recomputing what the tab shows (File > Export)."""
        from visualizer.tabs.backprop import code_export

        return code_export.python_code(self)

    def torch_code(self) -> str:
        """The same with PyTorch's autograd."""
        from visualizer.tabs.backprop import code_export

        return code_export.torch_code(self)

    def worked_solution_markdown(self) -> str:
        from visualizer.tabs.backprop import texts

        return texts.worked_solution_markdown(self.settings, self.result)
