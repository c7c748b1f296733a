"""What each strip of matrices shows, read from the model, and the forward chain's view.

The functions turn the model's result into :class:`Block` lists (shape labels with or
without the letters N, M, K; inner-dimension colours along the chain). :class:`ForwardView`
is the forward chain x · W1 + b1 = f1 ... E; it redraws when the model changes and reports
clicks, double-clicks and hovers through its strip's signals.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from visualizer.tabs.backprop.blocks import Block, BlockStrip
from visualizer.tabs.backprop.model import EDITABLE, BackpropModel
from visualizer.widgets.plot_style import ERROR_COLOR

# Each tensor's shape in the sheet's letters (rows, columns).
SYMBOLIC: dict[str, tuple[str, str]] = {
    "x": ("1", "N"),
    "W1": ("N", "M"),
    "b1": ("1", "M"),
    "f1": ("1", "M"),
    "a": ("1", "M"),
    "W2": ("M", "K"),
    "b2": ("1", "K"),
    "f2": ("1", "K"),
    "o": ("1", "K"),
    "y": ("1", "K"),
    "E": ("1", "1"),
    "dE_dW1": ("N", "M"),
    "dE_db1": ("1", "M"),
    "dE_dW2": ("M", "K"),
    "dE_db2": ("1", "K"),
    "dE_df2": ("1", "K"),
}
FACTOR_TITLES = {
    "dE/do": "dE/do",
    "do/df2": "do/df2",
    "df2/da": "df2/da\n= W2ᵀ",
    "da/df1": "da/df1\n(diagonal)",
    "df1/dx": "df1/dx\n= W1ᵀ",
}
# One colour per adjacent pair of factors, for the matching inner dimensions.
PAIR_COLORS = ("#E69F00", "#009E73", "#CC79A7", "#0072B2")

ShapeParts = list[tuple[str, str | None]]


def shape_parts(
    letters: bool,
    sym: tuple[str, str],
    shape: tuple[int, ...],
    row_color: str | None = None,
    col_color: str | None = None,
) -> ShapeParts:
    """The label under a block: ``4×3``, or ``N×M`` over ``4×3`` with letters on."""
    rows, cols = str(shape[0]), str(shape[1])
    numeric: ShapeParts = [(rows, row_color), ("×", None), (cols, col_color)]
    if letters and sym != (rows, cols):
        return [(sym[0], row_color), ("×", None), (sym[1], col_color), ("\n", None), *numeric]
    return numeric


#: The size of the "?" box that stands in for a block whose shape practice asks for.
PLACEHOLDER_SHAPE = (2, 2)


def practice_view(model: BackpropModel, block: Block, name: str) -> Block:
    """``block`` as practice mode shows it: a "?" box while its shape is asked (its size
    would tell), "?" cells while its values are asked, else unchanged."""
    if model.shape_hidden(name):
        return replace(
            block, values=np.zeros(PLACEHOLDER_SHAPE), shape_parts=[("?×?", None)],
            placeholder=True, row_bar=None, col_bar=None, editable=False,
        )  # fmt: skip
    if model.values_hidden(name):
        return replace(block, values_hidden=True)
    return block


def _block(model: BackpropModel, key: str, title: str, values: np.ndarray, **kw: Any) -> Block:
    parts = shape_parts(model.settings.letters, SYMBOLIC.get(key, ("", "")), values.shape)
    block = Block(key, title, values, parts, editable=key in EDITABLE, **kw)
    return practice_view(model, block, key.replace("_", "/", 1))


def forward_items(model: BackpropModel) -> list[Block | str]:
    """x · W1 + b1 = f1 σ→ a · W2 + b2 = f2 S→ o vs y → E."""
    g, p = model.result.grads, model.result.problem
    x, y, W1, b1, W2, b2 = p.args()
    return [
        _block(model, "x", "x", x), "·", _block(model, "W1", "W1", W1), "+",
        _block(model, "b1", "b1", b1), "=", _block(model, "f1", "f1", g["f1"]), "σ→",
        _block(model, "a", "a", g["a"]), "·", _block(model, "W2", "W2", W2), "+",
        _block(model, "b2", "b2", b2), "=", _block(model, "f2", "f2", g["f2"]), "S→",
        _block(model, "o", "o", g["o"]), "vs", _block(model, "y", "y", y), "→",
        _block(model, "E", "E", g["E"]),
    ]  # fmt: skip


def params_items(model: BackpropModel) -> list[Block | str]:
    """The four parameter gradients."""
    g = model.result.grads
    db2 = _block(model, "dE_db2", "dE/db2 = o − y", g["dE_db2"])
    if model.values_hidden("dE/df2") and not db2.placeholder:
        db2 = replace(db2, values_hidden=True)  # dE/db2 is o − y itself
    return [
        _block(model, "dE_dW1", "dE/dW1 = xᵀ·dE/df1", g["dE_dW1"]),
        _block(model, "dE_db1", "dE/db1 = dE/df1", g["dE_db1"]),
        _block(model, "dE_dW2", "dE/dW2 = aᵀ·(o − y)", g["dE_dW2"]),
        db2,
    ]


def shortcut_items(model: BackpropModel) -> list[Block | str]:
    """dE/do · do/df2 vs o − y."""
    full, short, _ = model.result.shortcut
    letters = model.settings.letters
    blocks = [
        Block("full", "dE/do · do/df2", full, shape_parts(letters, ("1", "K"), full.shape)),
        Block("short", "o − y", short, shape_parts(letters, ("1", "K"), short.shape)),
    ]
    # Both are dE/df2: hidden like it (its values, or its shape while f2's is asked).
    return [
        practice_view(model, blocks[0], "dE/df2"),
        "vs",
        practice_view(model, blocks[1], "dE/df2"),
    ]


def chain_items(model: BackpropModel) -> tuple[list[Block | str], tuple[str, str]]:
    """The factors ``F0``... with their inner-dimension colours, then ``= P`` (the running
    product at the current frame) or ``= ✗``; and the run of factors multiplied so far."""
    chain, frame, letters = model.result.chain, model.frame, model.settings.letters
    items: list[Block | str] = []
    n = len(chain.factors)
    for i, factor in enumerate(chain.factors):
        step_before = chain.steps[i - 1] if 0 < i <= len(chain.steps) else None
        step_after = chain.steps[i] if i < len(chain.steps) else None
        row_color = col_color = None
        if step_before is not None:
            row_color = PAIR_COLORS[(i - 1) % 4] if step_before.inner_match else ERROR_COLOR
        if step_after is not None:
            col_color = PAIR_COLORS[i % 4] if step_after.inner_match else ERROR_COLOR
        if i > 0:
            items.append("·" if step_before is None or step_before.inner_match else "≠")
        parts = shape_parts(letters, factor.symbolic, factor.matrix.shape, row_color, col_color)
        title = FACTOR_TITLES.get(factor.name, factor.name)
        block = Block(
            f"F{i}",
            title,
            factor.matrix,
            parts,
            row_bar=row_color,
            col_bar=col_color,
            faded=i > frame,
            emphasized=i == frame and i > 0,
        )
        items.append(practice_view(model, block, factor.name))  # fmt: skip
    if frame < len(chain.partials):
        partial = chain.partials[frame]
        items.append("=")
        sym = ("1", chain.factors[frame].symbolic[1]) if frame > 0 else ("1", "K")
        parts = shape_parts(letters, sym, partial.shape)
        name = chain.partial_names[frame]
        items.append(practice_view(model, Block("P", name, partial, parts), name))
    else:
        items.append("= ✗")
    return items, ("F0", f"F{min(frame, n - 1)}")


class ForwardView(QGroupBox):
    """The forward chain as one strip of blocks; the selected cell is outlined."""

    TITLE = "Forward"
    FORMULA = "f1 = x·W1 + b1,  a = σ(f1),  f2 = a·W2 + b2,  o = softmax(f2),  E = −Σ y ln o"

    def __init__(self, model: BackpropModel, parent: QWidget | None = None) -> None:
        super().__init__(self.TITLE, parent)
        self._model = model
        self._drawn_in_practice = False
        self.strip = BlockStrip()
        self.strip.set_explainer(model.explain_forward)
        # A label, not the group's title: a title never wraps and would set the minimum width.
        self.formula_label = QLabel(self.FORMULA)
        self.formula_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self.formula_label)
        layout.addWidget(self.strip, 1)
        unsubscribe = model.subscribe(self._on_model_changed)
        unsubscribe_practice = model.practice.subscribe(self._on_practice_changed)
        self.destroyed.connect(lambda *_: (unsubscribe(), unsubscribe_practice()))
        self._on_model_changed("settings")

    def _on_practice_changed(self, _what: str) -> None:
        # Practice hides shapes and values until they are answered (nothing to redraw while
        # it is off and was off).
        if self._model.practice.on or self._drawn_in_practice:
            self._drawn_in_practice = self._model.practice.on
            self._on_model_changed("settings")

    def _on_model_changed(self, what: str) -> None:
        if what in ("settings", "letters"):
            self.strip.set_items(forward_items(self._model))
        if what in ("settings", "letters", "selection"):
            self.strip.set_selected(self._model.selected)
