"""Backprop shapes: every tensor and Jacobian of exercise 3's MLP, drawn to scale.

Controls -> settings -> ``visualizer.compute.backprop`` -> render. The tab keeps no maths of
its own: the forward pass, the gradients, the chain of factors with its shape checks, the
finite-difference check and the worked sums all come from the compute module; the tab only
places them on screen and formats numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from visualizer.compute.backprop import (
    CHAIN_VARIANTS,
    GRADIENT_CHECK_TOLERANCE,
    MAX_SIZE,
    ChainProduct,
    GradientCheck,
    MLPProblem,
    chain_product,
    explain_element,
    gradient_check,
    mlp_gradients,
    product_entry_text,
    random_problem,
    shape_text,
    softmax_shortcut,
    symbolic_shapes,
    worked_dx_element,
)
from visualizer.tabs.base import TopicTab
from visualizer.tabs.backprop.blocks import Block, BlockStrip
from visualizer.widgets.number_field import NumberField
from visualizer.widgets.play_controls import PlayControls
from visualizer.widgets.plot_style import ERROR_COLOR, OK_COLOR

#: The tensors whose values can be typed in.
EDITABLE = ("x", "W1", "b1", "W2", "b2")
#: Typed values are kept within this size so nothing downstream can overflow.
VALUE_LIMIT = 1e6
MAX_SEED = 2**31 - 1

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
# Readable names of the gradient keys.
GRADIENT_LABELS = {
    "dE_df2": "dE/df2",
    "dE_da": "dE/da",
    "dE_df1": "dE/df1",
    "dE_dx": "dE/dx",
    "dE_dW1": "dE/dW1",
    "dE_db1": "dE/db1",
    "dE_dW2": "dE/dW2",
    "dE_db2": "dE/db2",
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
PAGES = ("Shapes", "o − y", "dE/dW, dE/db", "Grad check", "dE/dx_j sum")


@dataclass(frozen=True)
class BackpropSettings:
    """Everything the user set; the whole view is a function of this."""

    N: int = 4
    M: int = 3
    K: int = 2
    true_class: int = 0  # 0-based
    seed: int = 0
    #: Typed values: ((tensor, row, col), value) pairs, sorted.
    typed: tuple[tuple[tuple[str, int, int], float], ...] = ()
    variant: str = "correct"
    frame: int = 4
    element: int = 0  # 0-based index of the worked element of dE/dx
    page: int = 0
    letters: bool = True


PRESETS: dict[str, BackpropSettings] = {
    "Exercise 3: the MLP's shapes": BackpropSettings(),
    "Exercise 3a: dE/df2 = o − y": BackpropSettings(frame=1, page=1),
    "Exercise 3b: dE/dx as a chain of factors": BackpropSettings(frame=4, page=4),
    "What if: W2 instead of W2ᵀ": BackpropSettings(variant="W2", frame=2),
    "What if: the diagonal left out": BackpropSettings(variant="slope_row", frame=3),
    "Large: N = M = K = 32": BackpropSettings(N=32, M=32, K=32, true_class=5, seed=1, page=3),
    "Large logits: |f2| ≈ 1000": BackpropSettings(
        true_class=1, typed=((("b2", 0, 0), 1000.0), (("b2", 0, 1), -1000.0)), frame=1, page=1
    ),
}


def _num(value: float, digits: int = 6) -> str:
    """A number as the tab shows it; never 'nan' or 'inf'."""
    if not math.isfinite(value):
        return "not finite"
    return f"{value:.{digits}g}"


class BackpropTab(TopicTab):
    """Exercise 3: forward chain, backward chain of Jacobians, shortcut, checks, worked sum."""

    key = "backprop"
    title = "Backprop shapes"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = BackpropSettings()
        self._selected: tuple[str, int, int] | None = None
        self._build()
        self.load_preset(next(iter(PRESETS)))

    # ----- building -----------------------------------------------------------------------
    def _build(self) -> None:
        self.preset_combo = QComboBox()
        self.preset_combo.addItems(list(PRESETS))
        self.preset_combo.setToolTip("Exercise presets from the sheet, and a few experiments")
        self.n_spin, self.m_spin, self.k_spin = (self._size_spin(t) for t in "NMK")
        self.n_spin.setToolTip("N: size of the input x")
        self.m_spin.setToolTip("M: number of hidden units (size of f1 and a)")
        self.k_spin.setToolTip("K: number of classes (size of f2, o and y)")
        self.class_spin = QSpinBox()
        self.class_spin.setRange(1, 2)
        self.class_spin.setToolTip("The true class: where the one-hot y has its 1")
        self.seed_field = NumberField(0, minimum=0, maximum=MAX_SEED, integer=True)
        self.seed_field.setToolTip("Seed of the random values: the same seed gives the same values")
        self.new_values_button = QPushButton("New values")
        self.new_values_button.setToolTip("Draw new random values (next seed); typed values go")

        self.preset_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset_combo.setMinimumContentsLength(14)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Preset"))
        controls.addWidget(self.preset_combo, 2)
        for label, spin in (("N", self.n_spin), ("M", self.m_spin), ("K", self.k_spin)):
            controls.addWidget(QLabel(label))
            controls.addWidget(spin)
        controls.addWidget(QLabel("class"))
        controls.addWidget(self.class_spin)
        # Seed, "new values" and the letters switch move to a second row when one row would
        # not fit (presentation mode's bigger font on a small screen).
        self._controls = controls
        self._controls_extra = QHBoxLayout()
        self._second_row: list[QWidget] = [QLabel("seed"), self.seed_field,
                                           self.new_values_button]  # fmt: skip
        self._two_rows = False

        self.inspector_label = QLabel("Hover a cell to see its value and how it was computed.")
        self.inspector_label.setWordWrap(True)
        self.inspector_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inspector_label.setMinimumHeight(self.fontMetrics().height() * 2 + 6)
        # A palette and frame rather than a style sheet: style sheets stop the app font
        # (bigger in presentation mode) from reaching the label.
        self.inspector_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.inspector_label.setAutoFillBackground(True)
        self.inspector_label.setBackgroundRole(QPalette.ColorRole.Base)
        self.inspector_label.setMargin(3)

        # Forward chain.
        self.forward_strip = BlockStrip()
        self.letters_check = QCheckBox("N, M, K as letters")
        self.letters_check.setToolTip("Write every shape with the letters N, M, K and numbers")
        self._second_row.append(self.letters_check)
        for widget in self._second_row:
            controls.addWidget(widget)
        self._controls_extra.addStretch(1)
        self.value_label = QLabel("Value:")
        self.value_field = NumberField(0.0, minimum=-VALUE_LIMIT, maximum=VALUE_LIMIT)
        self.value_field.setEnabled(False)
        self.value_field.edit.setPlaceholderText("double-click a cell of x, W1, b1, W2 or b2")
        self.value_field.setToolTip(f"A number between {-VALUE_LIMIT:g} and {VALUE_LIMIT:g}")
        self.value_field.setMaximumWidth(self.fontMetrics().horizontalAdvance("0" * 32))
        inspector_row = QHBoxLayout()
        inspector_row.addWidget(self.inspector_label, 3)
        inspector_row.addWidget(self.value_label)
        inspector_row.addWidget(self.value_field, 1)
        forward_box = QGroupBox(
            "Forward:  f1 = x·W1 + b1,  a = σ(f1),  f2 = a·W2 + b2,  o = softmax(f2),  "
            "E = −Σ y ln o"
        )
        fl = QVBoxLayout(forward_box)
        fl.setContentsMargins(6, 4, 6, 4)
        fl.addWidget(self.forward_strip, 1)

        # Backward chain.
        self.backward_strip = BlockStrip()
        self.variant_combo = QComboBox()
        for key, text in CHAIN_VARIANTS.items():
            self.variant_combo.addItem(text, key)
        self.variant_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.variant_combo.setMinimumContentsLength(16)
        self.variant_combo.setToolTip("What if a factor were wrong? The shapes tell (mostly).")
        self.steps_label = QLabel()
        self.steps_label.setWordWrap(True)
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        bold = QFont()  # only "bold" is set, so the size still follows the app font
        bold.setBold(True)
        self.verdict_label.setFont(bold)
        self.play_controls = PlayControls(5, fps=1.0)
        backward_box = QGroupBox("Backward: dE/dx as a product of factors")
        bl = QVBoxLayout(backward_box)
        bl.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        top.addWidget(QLabel("What if"))
        top.addWidget(self.variant_combo, 1)
        bl.addLayout(top)
        bl.addWidget(self.play_controls)
        bl.addWidget(self.backward_strip, 1)
        bl.addWidget(self.steps_label)
        bl.addWidget(self.verdict_label)

        # Pages below.
        self.pages = QTabWidget()
        self.shapes_table = self._table(["tensor", "letters", "shape", "what it is"])
        self.pages.addTab(self.shapes_table, PAGES[0])

        shortcut_page = QWidget()
        sl = QVBoxLayout(shortcut_page)
        self.shortcut_strip = BlockStrip()
        self.shortcut_table = self._table(["k", "dE/do · do/df2", "o − y", "same digits?"])
        self.shortcut_label = QLabel()
        self.shortcut_label.setWordWrap(True)
        self.shortcut_strip.setMinimumHeight(110)
        sl.addWidget(self.shortcut_strip, 2)
        sl.addWidget(self.shortcut_label)
        sl.addWidget(self.shortcut_table, 3)
        self.pages.addTab(shortcut_page, PAGES[1])

        self.params_strip = BlockStrip()
        self.pages.addTab(self.params_strip, PAGES[2])

        check_page = QWidget()
        cl = QVBoxLayout(check_page)
        self.check_table = self._table(
            ["gradient", "shape", "largest relative error", "largest absolute error", "check"]
        )
        self.check_label = QLabel(
            "Central differences (E(v + h) − E(v − h)) / 2h for every entry, h = 1e-5·max(1, |v|). "
            "Relative error = largest |analytic − numeric| ÷ largest |entry|; "
            f"marked ✗ above {GRADIENT_CHECK_TOLERANCE:g}."
        )
        self.check_label.setWordWrap(True)
        cl.addWidget(self.check_table, 1)
        cl.addWidget(self.check_label)
        self.pages.addTab(check_page, PAGES[3])

        worked_page = QWidget()
        wl = QVBoxLayout(worked_page)
        row = QHBoxLayout()
        row.addWidget(QLabel("Element j of dE/dx"))
        self.element_spin = QSpinBox()
        self.element_spin.setRange(1, 4)
        row.addWidget(self.element_spin)
        row.addStretch(1)
        wl.addLayout(row)
        self.worked_label = QLabel()
        self.worked_label.setWordWrap(True)
        self.worked_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        wl.addWidget(self.worked_label)
        wl.addStretch(1)
        self.pages.addTab(worked_page, PAGES[4])

        # The forward chain needs the full width (eleven blocks); the backward chain is
        # limited by its height, so it shares the lower half with the pages.
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(backward_box)
        lower.addWidget(self.pages)
        lower.setChildrenCollapsible(False)
        lower.setSizes([720, 540])
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(forward_box)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([250, 420])
        self.splitter = splitter

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(controls)
        layout.addLayout(self._controls_extra)
        layout.addLayout(inspector_row)
        layout.addWidget(splitter, 1)

        for strip in (self.forward_strip, self.backward_strip, self.params_strip,
                      self.shortcut_strip):  # fmt: skip
            strip.cellHovered.connect(self._on_cell_hovered)
            if strip is not self.forward_strip:
                # A click also explains a cell: hovering is awkward on a touch screen.
                strip.cellClicked.connect(self._on_cell_hovered)
        self.forward_strip.set_explainer(self._explain_forward)
        self.params_strip.set_explainer(self._explain_forward)
        self.backward_strip.set_explainer(self._explain_backward)
        self.shortcut_strip.set_explainer(self._explain_shortcut)
        self.forward_strip.cellClicked.connect(self._on_cell_clicked)
        self.forward_strip.cellDoubleClicked.connect(self._on_cell_double_clicked)

        self.preset_combo.activated.connect(self._on_preset_activated)
        self.n_spin.valueChanged.connect(lambda v: self._on_size_changed("N", v))
        self.m_spin.valueChanged.connect(lambda v: self._on_size_changed("M", v))
        self.k_spin.valueChanged.connect(lambda v: self._on_size_changed("K", v))
        self.class_spin.valueChanged.connect(self._on_class_changed)
        self.seed_field.valueChanged.connect(self._on_seed_changed)
        self.new_values_button.clicked.connect(self._on_new_values_clicked)
        self.value_field.valueChanged.connect(self._on_value_typed)
        self.letters_check.toggled.connect(self._on_letters_toggled)
        self.variant_combo.currentIndexChanged.connect(self._on_variant_changed)
        self.play_controls.frameChanged.connect(self._on_frame_changed)
        self.pages.currentChanged.connect(self._on_page_changed)
        self.element_spin.valueChanged.connect(self._on_element_changed)

    def _arrange_controls(self) -> None:
        """One row of controls when it fits the tab's width, two rows otherwise."""
        spacing = max(self._controls.spacing(), 4)
        needed = 0
        for index in range(self._controls.count()):
            widget = self._controls.itemAt(index).widget()
            if widget is not None:
                needed += widget.minimumSizeHint().width() + spacing
        if self._two_rows:
            needed += sum(w.minimumSizeHint().width() + spacing for w in self._second_row)
        two_rows = needed > self.width() - 12
        if two_rows == self._two_rows:
            return
        self._two_rows = two_rows
        source, target = (
            (self._controls, self._controls_extra)
            if two_rows
            else (self._controls_extra, self._controls)
        )
        for widget in self._second_row:
            source.removeWidget(widget)
            target.insertWidget(target.count() - (1 if two_rows else 0), widget)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange_controls()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            # The children take the new font after this event: measure them afterwards.
            QTimer.singleShot(0, self._arrange_controls)

    def _size_spin(self, letter: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(1, MAX_SIZE)
        spin.setAccessibleName(letter)
        spin.setKeyboardTracking(False)  # typing "32" must not build a 3-wide network first
        return spin

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # ----- settings -> compute -> render -------------------------------------------------
    def settings(self) -> BackpropSettings:
        return self._settings

    def set_settings(self, settings: BackpropSettings) -> None:
        """Apply settings (already valid), recompute and redraw everything."""
        self._settings = settings
        self._compute()
        if settings.frame > self.n_frames() - 1:
            # A shorter chain (a what-if that stops at a mismatch) ends earlier.
            self._settings = replace(settings, frame=self.n_frames() - 1)
        self._sync_controls()
        self._render()
        self.stateChanged.emit()

    def _problem(self, s: BackpropSettings) -> MLPProblem:
        base = random_problem(s.N, s.M, s.K, s.true_class, s.seed)
        arrays = {name: getattr(base, name).copy() for name in EDITABLE}
        for (name, i, j), value in s.typed:
            arrays[name][i, j] = value
        typed = frozenset(cell for cell, _ in s.typed)
        return replace(base, typed=typed, **arrays)

    def _compute(self) -> None:
        s = self._settings
        self.problem = self._problem(s)
        self.grads = mlp_gradients(*self.problem.args())
        self.checks: list[GradientCheck] = gradient_check(*self.problem.args(), grads=self.grads)
        self.shortcut = softmax_shortcut(self.grads)
        self.chain: ChainProduct = chain_product(self.grads, s.variant)
        self.worked = worked_dx_element(self.grads, self.problem.W1, min(s.element, s.N - 1))
        self.shape_rows = symbolic_shapes(s.N, s.M, s.K)

    def _sync_controls(self) -> None:
        s = self._settings
        blockers = [
            QSignalBlocker(w)
            for w in (self.n_spin, self.m_spin, self.k_spin, self.class_spin, self.letters_check,
                      self.variant_combo, self.pages, self.element_spin, self.play_controls)
        ]  # fmt: skip
        self.n_spin.setValue(s.N)
        self.m_spin.setValue(s.M)
        self.k_spin.setValue(s.K)
        self.class_spin.setRange(1, s.K)
        self.class_spin.setValue(s.true_class + 1)
        self.seed_field.setValue(s.seed)
        self.letters_check.setChecked(s.letters)
        self.variant_combo.setCurrentIndex(list(CHAIN_VARIANTS).index(s.variant))
        self.pages.setCurrentIndex(s.page)
        self.element_spin.setRange(1, s.N)
        self.element_spin.setValue(s.element + 1)
        self.play_controls.set_n_frames(self.n_frames())
        self.play_controls.set_frame(self.frame())
        del blockers

    def n_frames(self) -> int:
        """Frame f shows the product of the first f + 1 factors (the last may be a mismatch)."""
        return len(self.chain.steps) + 1

    def frame(self) -> int:
        return min(self._settings.frame, self.n_frames() - 1)

    def _shape_parts(
        self, sym: tuple[str, str], shape: tuple[int, ...], row_color=None, col_color=None
    ) -> list[tuple[str, str | None]]:
        rows, cols = str(shape[0]), str(shape[1])
        numeric = [(rows, row_color), ("×", None), (cols, col_color)]
        if self._settings.letters and sym != (rows, cols):
            return [(sym[0], row_color), ("×", None), (sym[1], col_color), ("\n", None), *numeric]
        return numeric

    def _block(self, key: str, title: str, values: np.ndarray, **kw: Any) -> Block:
        parts = self._shape_parts(SYMBOLIC.get(key, ("", "")), values.shape)
        return Block(key, title, values, parts, editable=key in EDITABLE, **kw)

    def _render(self) -> None:
        g, p = self.grads, self.problem
        x, y, W1, b1, W2, b2 = p.args()
        self.forward_strip.set_items(
            [
                self._block("x", "x", x), "·", self._block("W1", "W1", W1), "+",
                self._block("b1", "b1", b1), "=", self._block("f1", "f1", g["f1"]), "σ→",
                self._block("a", "a", g["a"]), "·", self._block("W2", "W2", W2), "+",
                self._block("b2", "b2", b2), "=", self._block("f2", "f2", g["f2"]), "S→",
                self._block("o", "o", g["o"]), "vs", self._block("y", "y", y), "→",
                self._block("E", "E", g["E"]),
            ]
        )  # fmt: skip
        self.forward_strip.set_selected(self._selected)
        if self._selected and self._selected[0] in EDITABLE:
            # Keep the field showing the selected cell's value (new seed, new sizes...).
            name, i, j = self._selected
            self.value_field.setValue(float(getattr(self.problem, name)[i, j]))
        self.params_strip.set_items(
            [
                self._block("dE_dW1", "dE/dW1 = xᵀ·dE/df1", g["dE_dW1"]),
                self._block("dE_db1", "dE/db1 = dE/df1", g["dE_db1"]),
                self._block("dE_dW2", "dE/dW2 = aᵀ·(o − y)", g["dE_dW2"]),
                self._block("dE_db2", "dE/db2 = o − y", g["dE_db2"]),
            ]
        )
        self._render_chain()
        self._render_shortcut()
        self._render_checks()
        self._render_shapes()
        self._render_worked()

    def _render_worked(self) -> None:
        M = self._settings.M
        lines = [self.worked.text(digits=4, max_terms=16), "", "where dE/df1 = dE/da ⊙ a(1 − a):"]
        lines += [
            explain_element(self.problem, self.grads, "dE_df1", 0, m) for m in range(min(M, 8))
        ]
        if M > 8:
            lines.append(f"… and {M - 8} more")
        lines += ["", "and dE/da = (o − y)·W2ᵀ, dE/df2 = o − y."]
        self.worked_label.setText("\n".join(lines))

    def _render_chain(self) -> None:
        chain, frame = self.chain, self.frame()
        s = self._settings
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
            shape = factor.matrix.shape
            numeric_sym = factor.symbolic
            parts = self._shape_parts(numeric_sym, shape, row_color, col_color)
            title = FACTOR_TITLES.get(factor.name, factor.name)
            items.append(
                Block(f"F{i}", title, factor.matrix, parts, row_bar=row_color,
                      col_bar=col_color, faded=i > frame, emphasized=i == frame and i > 0)
            )  # fmt: skip
        if frame < len(chain.partials):
            partial = chain.partials[frame]
            name = chain.partial_names[frame]
            items.append("=")
            sym = ("1", chain.factors[frame].symbolic[1]) if frame > 0 else ("1", "K")
            items.append(Block("P", name, partial, self._shape_parts(sym, partial.shape)))
        else:
            items.append("= ✗")
        group = ("F0", f"F{min(frame, n - 1)}")
        self.backward_strip.set_items(items, group=group)

        parts = []
        for k, step in enumerate(chain.steps, start=1):
            left = f"{chain.partial_names[k - 1]} [{shape_text(step.left_shape)}]"
            right = f"{chain.factors[k].name} [{shape_text(step.right_shape)}]"
            if step.inner_match:
                result = f"{chain.partial_names[k]} [{shape_text(step.result_shape or ())}]"
                text = f"{k}. {left} · {right} = {result}"
            else:
                text = f"{k}. {left} · {right}: inner dimensions differ"
            if k == frame:
                text = f"<b>{text}</b>"
            elif k > frame:
                text = f"<span style='color:#888'>{text}</span>"
            parts.append(text)
        if frame == 0:
            parts.insert(
                0, "<b>Start: dE/do [" + shape_text(chain.factors[0].matrix.shape) + "]</b>"
            )
        self.steps_label.setText("<br>".join(parts))
        bad = (
            not chain.ok
            or (s.variant != "correct")
            or not np.all(np.isfinite(chain.result if chain.result is not None else 0.0))
        )
        color = ERROR_COLOR if bad else OK_COLOR
        palette = self.verdict_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(color))
        self.verdict_label.setPalette(palette)
        self.verdict_label.setText(("✗ " if bad else "✓ ") + chain.note)

    def _render_shortcut(self) -> None:
        full, short, diff = self.shortcut
        K = short.shape[1]
        self.shortcut_strip.set_items(
            [
                Block("full", "dE/do · do/df2", full, self._shape_parts(("1", "K"), full.shape)),
                "vs",
                Block("short", "o − y", short, self._shape_parts(("1", "K"), short.shape)),
            ]
        )
        self.shortcut_table.setRowCount(K)
        all_same = True
        for k in range(K):
            a, b = _num(float(full[0, k]), 10), _num(float(short[0, k]), 10)
            same = a == b
            all_same &= same
            cells = [str(k + 1), a, b, "✓ equal" if same else "✗ differ"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3:
                    item.setForeground(QColor(OK_COLOR if same else ERROR_COLOR))
                self.shortcut_table.setItem(k, c, item)
        if math.isfinite(diff):
            verdict = "equal to every digit shown" if all_same else "they differ"
            self.shortcut_label.setText(
                f"[−y/o]·(diag(o) − oᵀo) = o − y: {verdict} (largest difference {diff:.1e}). "
                "The fused form needs no division by o."
            )
        else:
            self.shortcut_label.setText(
                "The full product is not finite: o of the true class underflowed to 0, so "
                "dE/do = −y/o divides by 0. The fused o − y has no division and stays exact."
            )

    def _render_checks(self) -> None:
        self.check_table.setRowCount(len(self.checks))
        for r, check in enumerate(self.checks):
            passed = check.passed
            mark = (
                f"✓ below {GRADIENT_CHECK_TOLERANCE:g}"
                if passed
                else f"✗ ABOVE {GRADIENT_CHECK_TOLERANCE:g}"
            )
            cells = [
                GRADIENT_LABELS[check.name],
                shape_text(check.shape),
                f"{check.max_rel_error:.1e}"
                if math.isfinite(check.max_rel_error)
                else "not finite",
                f"{check.max_abs_error:.1e}"
                if math.isfinite(check.max_abs_error)
                else "not finite",
                mark,
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 4:
                    item.setForeground(QColor(OK_COLOR if passed else "#ffffff"))
                    if not passed:
                        item.setBackground(QColor(ERROR_COLOR))
                    font = QFont()  # bold only: the size follows the table's font
                    font.setBold(True)
                    item.setFont(font)
                self.check_table.setItem(r, c, item)

    def _render_shapes(self) -> None:
        self.shapes_table.setRowCount(len(self.shape_rows))
        for r, row in enumerate(self.shape_rows):
            for c, text in enumerate((row.name, row.symbolic, row.numeric, row.meaning)):
                self.shapes_table.setItem(r, c, QTableWidgetItem(text))

    # ----- explanations ----------------------------------------------------------------
    def _explain_forward(self, key: str, i: int, j: int) -> str:
        return explain_element(self.problem, self.grads, key, i, j)

    def _explain_backward(self, key: str, i: int, j: int) -> str:
        chain = self.chain
        if key == "P":
            f = self.frame()
            name = chain.partial_names[f]
            if f == 0:
                return explain_element(self.problem, self.grads, "dE_do", i, j)
            return product_entry_text(
                chain.partials[f - 1], chain.factors[f].matrix, j,
                chain.partial_names[f - 1], chain.factors[f].name, name,
            )  # fmt: skip
        index = int(key[1:])
        factor = chain.factors[index]
        if not factor.wrong:
            # The correct factors are the Jacobians of mlp_gradients, in order.
            return explain_element(self.problem, self.grads, _factor_key(factor.name), i, j)
        v = float(factor.matrix[i, j])
        return (
            f"{factor.name}[{i + 1},{j + 1}] = {_num(v)}: the wrong factor {factor.formula} "
            f"[{shape_text(factor.matrix.shape)}]"
        )

    def _explain_shortcut(self, key: str, i: int, j: int) -> str:
        if key == "full":
            return product_entry_text(
                self.grads["dE_do"], self.grads["J_o_f2"], j, "dE/do", "do/df2", "dE/df2"
            )
        return explain_element(self.problem, self.grads, "dE_df2", i, j)

    # ----- handlers --------------------------------------------------------------------
    def _on_cell_hovered(self, key: str, i: int, j: int) -> None:
        strip = self.sender()
        text = strip.explain(key, i, j) if isinstance(strip, BlockStrip) else ""
        self.inspector_label.setText(text)

    def _on_cell_clicked(self, key: str, i: int, j: int) -> None:
        self.select_cell(key, i, j)

    def _on_cell_double_clicked(self, key: str, i: int, j: int) -> None:
        if key in EDITABLE:
            self.select_cell(key, i, j)
            self.value_field.edit.setFocus()
            self.value_field.edit.selectAll()

    def select_cell(self, key: str, i: int, j: int) -> None:
        """Select a forward-chain cell; x, W1, b1, W2 and b2 cells can then be typed into."""
        self._selected = (key, i, j)
        self.forward_strip.set_selected(self._selected)
        if self._selected and self._selected[0] in EDITABLE:
            # Keep the field showing the selected cell's value (new seed, new sizes...).
            name, i, j = self._selected
            self.value_field.setValue(float(getattr(self.problem, name)[i, j]))
        self.inspector_label.setText(self._explain_forward(key, i, j))
        if key in EDITABLE:
            value = float(getattr(self.problem, key)[i, j])
            self.value_label.setText(f"{key}[{i + 1},{j + 1}] =")
            self.value_field.setEnabled(True)
            self.value_field.setValue(value)
        else:
            self.value_label.setText(
                f"{key} is computed, not typed: double-click a cell of x, W1, b1, W2 or b2."
            )
            self.value_field.setEnabled(False)
        self.value_field.edit.setPlaceholderText("double-click a cell of x, W1, b1, W2 or b2")

    def _on_value_typed(self, value: float) -> None:
        if self._selected is None or self._selected[0] not in EDITABLE:
            return
        typed = dict(self._settings.typed)
        typed[self._selected] = float(value)
        self.set_settings(replace(self._settings, typed=tuple(sorted(typed.items()))))
        name, i, j = self._selected
        self.statusMessage.emit(f"{name}[{i + 1},{j + 1}] set to {value:g}.")

    def _on_preset_activated(self, index: int) -> None:
        self.load_preset(self.preset_combo.itemText(index))

    def _on_size_changed(self, letter: str, value: int) -> None:
        s = self._settings
        sizes = {"N": s.N, "M": s.M, "K": s.K, letter: int(value)}
        shapes = _tensor_shapes(sizes["N"], sizes["M"], sizes["K"])
        kept = tuple(
            (cell, v) for cell, v in s.typed if cell[1] < shapes[cell[0]][0]
            and cell[2] < shapes[cell[0]][1]
        )  # fmt: skip
        new = replace(
            s,
            **sizes,
            true_class=min(s.true_class, sizes["K"] - 1),
            element=min(s.element, sizes["N"] - 1),
            typed=kept,
        )
        if self._selected and not _fits(self._selected, shapes):
            self._selected = None
            self.value_field.setEnabled(False)
        self.value_field.edit.setPlaceholderText("double-click a cell of x, W1, b1, W2 or b2")
        self.set_settings(new)
        self.statusMessage.emit(
            f"N = {new.N}, M = {new.M}, K = {new.K}"
            + (
                f"; {len(s.typed) - len(kept)} typed value(s) no longer fit"
                if len(kept) < len(s.typed)
                else ""
            )
        )

    def _on_class_changed(self, value: int) -> None:
        self.set_settings(replace(self._settings, true_class=int(value) - 1))

    def _on_seed_changed(self, value: float) -> None:
        self.set_settings(replace(self._settings, seed=int(value), typed=()))
        self.statusMessage.emit(f"Values drawn with seed {int(value)}.")

    def _on_new_values_clicked(self) -> None:
        seed = (self._settings.seed + 1) % (MAX_SEED + 1)
        self.set_settings(replace(self._settings, seed=seed, typed=()))
        self.statusMessage.emit(f"New values drawn with seed {seed}.")

    def _on_letters_toggled(self, on: bool) -> None:
        self._settings = replace(self._settings, letters=bool(on))
        self._render()
        self.stateChanged.emit()

    def _on_variant_changed(self, index: int) -> None:
        variant = self.variant_combo.itemData(index)
        chain = chain_product(self.grads, variant)
        # Show the interesting step: the mismatch, or the end of the chain.
        self.set_settings(replace(self._settings, variant=variant, frame=len(chain.steps)))
        self.inspector_label.setText(self.chain.note)

    def _on_frame_changed(self, frame: int) -> None:
        self._settings = replace(self._settings, frame=int(frame))
        self._render_chain()
        self.stateChanged.emit()

    def _on_page_changed(self, index: int) -> None:
        self._settings = replace(self._settings, page=int(index))
        self.stateChanged.emit()

    def _on_element_changed(self, value: int) -> None:
        self._settings = replace(self._settings, element=int(value) - 1)
        self.worked = worked_dx_element(self.grads, self.problem.W1, self._settings.element)
        self._render()
        self.stateChanged.emit()

    # ----- TopicTab contract -----------------------------------------------------------
    def presets(self) -> list[str]:
        return list(PRESETS)

    def load_preset(self, name: str) -> None:
        if name not in PRESETS:
            raise KeyError(name)
        with QSignalBlocker(self.preset_combo):
            self.preset_combo.setCurrentIndex(list(PRESETS).index(name))
        self._selected = None
        self.value_field.setEnabled(False)
        self.value_field.edit.setPlaceholderText("double-click a cell of x, W1, b1, W2 or b2")
        self.set_settings(PRESETS[name])
        self.statusMessage.emit(f"Preset: {name}")

    def state(self) -> dict[str, Any]:
        s = self._settings
        return {
            "N": s.N,
            "M": s.M,
            "K": s.K,
            "true_class": s.true_class,
            "seed": s.seed,
            "typed": [[name, i, j, v] for (name, i, j), v in s.typed],
            "variant": s.variant,
            "frame": s.frame,
            "element": s.element,
            "page": s.page,
            "letters": s.letters,
            "preset": self.preset_combo.currentText(),
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        settings = _validated(state)
        if isinstance(state.get("preset"), str) and state["preset"] in PRESETS:
            with QSignalBlocker(self.preset_combo):
                self.preset_combo.setCurrentIndex(list(PRESETS).index(state["preset"]))
        self._selected = None
        self.value_field.setEnabled(False)
        self.value_field.edit.setPlaceholderText("double-click a cell of x, W1, b1, W2 or b2")
        self.set_settings(settings)

    def set_presentation(self, on: bool) -> None:
        # The strips follow the app font (bigger in presentation mode) on their own; the
        # minimum height of the inspector follows it here.
        self.inspector_label.setMinimumHeight(self.fontMetrics().height() * 2 + 6)
        QTimer.singleShot(0, self._arrange_controls)
        for strip in (self.forward_strip, self.backward_strip, self.params_strip,
                      self.shortcut_strip):  # fmt: skip
            strip.refresh()

    def table_csv(self) -> str:
        errors = {GRADIENT_LABELS[c.name]: c for c in self.checks}
        lines = [
            "tensor,shape (letters),shape,what it is,largest relative error (finite differences)"
        ]
        for row in self.shape_rows:
            check = errors.get(row.name)
            err = f"{check.max_rel_error:.3e}" if check else ""
            lines.append(
                ",".join(_csv(v) for v in (row.name, row.symbolic, row.numeric, row.meaning, err))
            )
        return "\n".join(lines) + "\n"

    def worked_solution_markdown(self) -> str:
        s, g, p = self._settings, self.grads, self.problem
        fmt = lambda a: "[" + ", ".join(_num(float(v), 4) for v in np.ravel(a)) + "]"  # noqa: E731

        def matrix(a: np.ndarray) -> str:
            if max(a.shape) > 8:
                return "(too large to write out; see the tab)"
            return "[" + "; ".join(fmt(row)[1:-1] for row in a) + "]"

        lines = [
            f"# Exercise 3: backprop shapes (N = {s.N}, M = {s.M}, K = {s.K}, seed {s.seed})",
            "",
            "x[1×N] → f1 = xW1 + b1 → a = σ(f1) → f2 = aW2 + b2 → o = softmax(f2) → E = −Σ y ln o",
            "",
            "| tensor | what it is | shape (letters) | shape |",
            "|---|---|---|---|",
            *(f"| {r.name} | {r.meaning} | {r.symbolic} | {r.numeric} |" for r in self.shape_rows),
            "",
            "## Forward",
            f"- f1 = {fmt(g['f1'])}",
            f"- a = {fmt(g['a'])}",
            f"- f2 = {fmt(g['f2'])}",
            f"- o = {fmt(g['o'])}, y = {fmt(p.y)} (true class {s.true_class + 1})",
            f"- E = −ln o_{s.true_class + 1} = {_num(float(g['E'][0, 0]))}",
            "",
            "## a) dE/df2",
            f"- dE/do = −y / o = {fmt(g['dE_do'])} [1×K = {shape_text(g['dE_do'].shape)}]",
            f"- do/df2 = diag(o) − oᵀo = {matrix(g['J_o_f2'])} [K×K = "
            f"{shape_text(g['J_o_f2'].shape)}]",
            f"- dE/df2 = dE/do · do/df2 = [−y_k/o_k] (diag(o) − oᵀo) = o − y = {fmt(g['dE_df2'])}",
            "",
            "## b) dE/dx as a chain of factors",
        ]
        for k, step in enumerate(self.chain.steps, start=1):
            lines.append(f"{k}. {step.sentence()}")
        lines += [
            "",
            f"Result: {self.chain.note}",
            "",
            f"dE/dx = (o − y) W2ᵀ diag(a(1−a)) W1ᵀ = {fmt(g['dE_dx'])}",
            "",
            "Worked element: " + self.worked.text(digits=4, max_terms=64),
            "",
            "## Parameter gradients",
            f"- dE/dW1 = xᵀ dE/df1 [N×M = {shape_text(g['dE_dW1'].shape)}] = {matrix(g['dE_dW1'])}",
            f"- dE/db1 = dE/df1 = {fmt(g['dE_db1'])}",
            f"- dE/dW2 = aᵀ (o − y) [M×K = {shape_text(g['dE_dW2'].shape)}] = "
            f"{matrix(g['dE_dW2'])}",
            f"- dE/db2 = o − y = {fmt(g['dE_db2'])}",
            "",
            "## Gradient check (central differences)",
            "| gradient | shape | largest relative error | check |",
            "|---|---|---|---|",
        ]
        for c in self.checks:
            lines.append(
                f"| {GRADIENT_LABELS[c.name]} | {shape_text(c.shape)} | {c.max_rel_error:.1e} | "
                f"{'ok' if c.passed else 'ABOVE 1e-6'} |"
            )
        return "\n".join(lines) + "\n"


# ----- helpers ---------------------------------------------------------------------------
def _factor_key(name: str) -> str:
    return {"dE/do": "dE_do", "do/df2": "J_o_f2", "df2/da": "J_f2_a", "da/df1": "J_a_f1",
            "df1/dx": "J_f1_x"}[name]  # fmt: skip


def _tensor_shapes(N: int, M: int, K: int) -> dict[str, tuple[int, int]]:
    return {"x": (1, N), "W1": (N, M), "b1": (1, M), "W2": (M, K), "b2": (1, K)}


def _fits(cell: tuple[str, int, int], shapes: dict[str, tuple[int, int]]) -> bool:
    name, i, j = cell
    if name not in shapes:
        return True
    return i < shapes[name][0] and j < shapes[name][1]


def _csv(value: str) -> str:
    return f'"{value}"' if ("," in value or '"' in value) else value


def _int(state: dict[str, Any], key: str, lo: int, hi: int) -> int:
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(f"The backprop setting “{key}” must be a whole number from {lo} to {hi}.")
    return value


def _validated(state: dict[str, Any]) -> BackpropSettings:
    """Check a saved state completely and turn it into settings, or raise ValueError."""
    if not isinstance(state, dict):
        raise ValueError("The backprop settings must be a mapping of names to values.")
    N = _int(state, "N", 1, MAX_SIZE)
    M = _int(state, "M", 1, MAX_SIZE)
    K = _int(state, "K", 1, MAX_SIZE)
    true_class = _int(state, "true_class", 0, K - 1)
    seed = _int(state, "seed", 0, MAX_SEED)
    frame = _int(state, "frame", 0, 4)
    element = _int(state, "element", 0, N - 1)
    page = _int(state, "page", 0, len(PAGES) - 1)
    variant = state.get("variant")
    if variant not in CHAIN_VARIANTS:
        raise ValueError(f"The backprop chain variant must be one of {', '.join(CHAIN_VARIANTS)}.")
    letters = state.get("letters")
    if not isinstance(letters, bool):
        raise ValueError("The backprop setting “letters” must be true or false.")
    typed_raw = state.get("typed")
    if not isinstance(typed_raw, list):
        raise ValueError(
            "The backprop typed values must be a list of [tensor, row, column, value]."
        )
    shapes = _tensor_shapes(N, M, K)
    typed: dict[tuple[str, int, int], float] = {}
    for entry in typed_raw:
        ok = (
            isinstance(entry, list)
            and len(entry) == 4
            and entry[0] in shapes
            and all(isinstance(v, int) and not isinstance(v, bool) for v in entry[1:3])
            and isinstance(entry[3], (int, float))
            and not isinstance(entry[3], bool)
        )
        if not ok or not _fits((entry[0], entry[1], entry[2]), shapes) or min(entry[1:3]) < 0:
            raise ValueError(f"The typed backprop value {entry!r} does not fit the network.")
        value = float(entry[3])
        if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
            raise ValueError(
                f"The typed backprop value {entry!r} must be a finite number "
                f"within ±{VALUE_LIMIT:g}."
            )
        typed[(entry[0], entry[1], entry[2])] = value
    return BackpropSettings(
        N, M, K, true_class, seed, tuple(sorted(typed.items())), variant, frame, element, page,
        letters,
    )  # fmt: skip
