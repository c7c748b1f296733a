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
from visualizer.tabs.backprop.model import BackpropModel
from visualizer.tabs.backprop.names import activation_name, key_of, name_of
from visualizer.widgets.plot_style import ERROR_COLOR

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
    name = name_of(key)
    parts = shape_parts(model.settings.letters, model.result.letters(name), values.shape)
    block = Block(key, title, values, parts, editable=name in model.editable_names(), **kw)
    return practice_view(model, block, name)


#: The operator written for each hidden activation, and for the softmax.
ACTIVATION_ARROWS = {"sigmoid": "σ→", "tanh": "tanh→", "relu": "ReLU→", "gelu": "GeLU→"}


def forward_items(model: BackpropModel) -> list[Block | str]:
    """x · W1 + b1 = f1 σ→ a · W2 + b2 = f2 S→ o vs y → E (more layers: more of the same;
    mse: f2 vs y → E)."""
    r = model.result
    t, L = r.tensors, r.depth
    arrow = ACTIVATION_ARROWS[r.net.activation]
    items: list[Block | str] = [_block(model, "x", "x", t["x"])]
    for layer in range(1, L + 1):
        W, b, f = f"W{layer}", f"b{layer}", f"f{layer}"
        items += ["·", _block(model, W, W, t[W]), "+", _block(model, b, b, t[b]), "=",
                  _block(model, f, f, t[f])]  # fmt: skip
        if layer < L:
            a = activation_name(L, layer)
            items += [arrow, _block(model, a, a, t[a])]
    if "o" in t:
        items += ["S→", _block(model, "o", "o", t["o"])]
    items += ["vs", _block(model, "y", "y", t["y"]), "→", _block(model, "E", "E", t["E"])]
    return items


def params_items(model: BackpropModel) -> list[Block | str]:
    """Per layer: aᵀ · dE/df = dE/dW (where the sum over the batch happens) and dE/db, the
    column sums of dE/df; with the mean, dE/dfL carries the 1/B."""
    r, s = model.result, model.settings
    t, L = r.tensors, r.depth
    letters, B = s.letters, r.batch
    fused = "o − y" if "o" in t else "out − y"
    delta_title = {L: f"dE/df{L} = {fused}" if r.net.scale == 1.0 else f"dE/df{L} = ({fused})/B"}
    out_hidden = model.values_hidden(model.output_delta())
    items: list[Block | str] = []
    for layer in range(1, L + 1):
        prev = "x" if layer == 1 else activation_name(L, layer - 1)
        delta = f"dE/df{layer}"
        rows_letter = r.letters(prev)[1]
        transposed = t[prev].T
        sym_t = (rows_letter, "B" if B > 1 else "1")
        t_block = Block(f"T_{prev}", f"{prev}ᵀ", transposed,
                        shape_parts(letters, sym_t, transposed.shape))  # fmt: skip
        d_block = _block(model, key_of(delta), delta_title.get(layer, delta), t[delta])
        W_block = _block(model, f"dE_dW{layer}", f"dE/dW{layer}", t[f"dE/dW{layer}"])
        sums = "dE/db{0} = Σ_b dE/df{0}" if B > 1 else "dE/db{0} = dE/df{0}"
        b_block = _block(model, f"dE_db{layer}", sums.format(layer), t[f"dE/db{layer}"])
        if layer == L and out_hidden:
            d_block, b_block = (
                block if block.placeholder else replace(block, values_hidden=True)
                for block in (d_block, b_block)
            )  # dE/dbL is dE/dfL summed: it would tell
        items += [practice_view(model, t_block, prev), "·", d_block, "=", W_block, "│", b_block]
    return items


def shortcut_items(model: BackpropModel) -> list[Block | str]:
    """dE/do · do/dfL vs its fused form o − y (÷B for the mean) of the sample shown; mse has
    no softmax: dE/dfL = out − y directly."""
    r, letters = model.result, model.settings.letters
    out = f"dE/df{r.depth}"
    scale = "" if r.net.scale == 1.0 else "/B"
    if r.shortcut is None:
        row = r.tensors[out][r.sample : r.sample + 1]
        block = Block("short", f"{out} = (out − y){scale}", row,
                      shape_parts(letters, ("1", "K"), row.shape))  # fmt: skip
        return [practice_view(model, block, out)]
    full, short, _ = r.shortcut
    blocks = [
        Block(
            "full", f"dE/do · do/df{r.depth}", full, shape_parts(letters, ("1", "K"), full.shape)
        ),
        Block("short", f"(o − y){scale}", short, shape_parts(letters, ("1", "K"), short.shape)),
    ]
    # Both are dE/dfL: hidden like it (its values, or its shape while fL's is asked).
    return [practice_view(model, blocks[0], out), "vs", practice_view(model, blocks[1], out)]


def forward_formula(model: BackpropModel) -> str:
    """The forward pass in one line: f1 = x·W1 + b1, a = σ(f1), …, E = −Σ y ln o."""
    s, L = model.settings, model.settings.depth
    phi = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "gelu": "GeLU"}[s.activation]
    parts = []
    for layer in range(1, L + 1):
        prev = "x" if layer == 1 else activation_name(L, layer - 1)
        parts.append(f"f{layer} = {prev}·W{layer} + b{layer}")
        if layer < L:
            parts.append(f"{activation_name(L, layer)} = {phi}(f{layer})")
    if s.loss == "cross_entropy":
        parts += [f"o = softmax(f{L})", "ℓ = −Σ y ln o" if s.batch > 1 else "E = −Σ y ln o"]
    else:
        parts.append(f"ℓ = ½‖f{L} − y‖²" if s.batch > 1 else f"E = ½‖f{L} − y‖²")
    if s.batch > 1:
        parts.append(f"E = {'mean' if s.reduction == 'mean' else 'sum'} of ℓ over the B rows")
    return ",  ".join(parts)


def factor_title(name: str, formula: str, diagonal: bool) -> str:
    """A factor's title: ``df2/da`` over ``= W2ᵀ``, ``da/df1`` over ``(diagonal)``."""
    if formula.endswith("ᵀ") and not name.startswith("W"):
        return f"{name}\n= {formula}"
    if diagonal:
        return f"{name}\n(diagonal)"
    return name


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
        title = factor_title(factor.name, factor.formula, factor.diagonal)
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
        sym = ("1", chain.factors[frame].symbolic[1])
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
        if what == "settings":
            self.formula_label.setText(forward_formula(self._model))
        if what in ("settings", "letters"):
            self.strip.set_items(forward_items(self._model))
        if what in ("settings", "letters", "selection"):
            self.strip.set_selected(self._model.selected)
