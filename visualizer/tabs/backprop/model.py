"""The backprop topic without Qt: settings, the computed network, the chain's frame, a selection.

Settings -> :func:`compute_result` (``visualizer.compute.backprop``: forward pass, gradients,
finite-difference check, the chain of Jacobians, the softmax shortcut, the worked sum) ->
views. The result is computed once per settings change; moving through the chain only moves
the frame. Every check of a lesson's or a control's values, and every message about them,
lives here.

Listeners hear one word (see :class:`~visualizer.tabs.topic_model.TopicModel`):

``"settings"``
    the network, the chain or the preset changed (the result was recomputed): redraw all.
``"frame"``
    the chain moved to another step.
``"element"``
    another element j of dE/dx is worked out (only the worked sum changed).
``"letters"``
    shapes are written with or without the letters N, M, K.
``"page"``
    another page (shapes, o − y, dE/dW, check, worked sum) is shown.
``"selection"``
    another forward cell is selected (or none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from visualizer.compute.backprop import (
    CHAIN_VARIANTS,
    MAX_SIZE,
    ChainProduct,
    GradientCheck,
    MLPProblem,
    ShapeRow,
    WorkedSum,
    chain_product,
    gradient_check,
    mlp_gradients,
    random_problem,
    softmax_shortcut,
    symbolic_shapes,
    worked_dx_element,
)
from visualizer.tabs.backprop import code_export, texts
from visualizer.tabs.backprop import practice as asking
from visualizer.tabs.settings import (
    Reader,
    Settings,
    read_bool,
    read_choice,
    read_int,
    setting,
)
from visualizer.tabs.topic_model import TopicModel

if TYPE_CHECKING:
    from visualizer.exercises import Exercise
    from visualizer.practice import Question

#: The tensors whose values can be typed in.
EDITABLE = ("x", "W1", "b1", "W2", "b2")
#: The tensors of the forward chain, each a cell grid that can be selected.
FORWARD = ("x", "W1", "b1", "f1", "a", "W2", "b2", "f2", "o", "y", "E")
#: Typed values are kept within this size so nothing downstream can overflow.
VALUE_LIMIT = 1e6
MAX_SEED = 2**31 - 1
#: The pages below the chain, in order (the lesson saves the index).
PAGES = ("Shapes", "o − y", "dE/dW, dE/db", "Grad check", "dE/dx_j sum")
#: The last frame of the correct chain: five factors, four multiplications.
MAX_FRAME = 4

#: Cells whose hover text writes out numbers of dE/df2 (hidden while practice asks for them).
_TELLS_DE_DF2 = frozenset({"dE_dW2", "dE_db2", "dE_df2", "dE_da"})

Cell = tuple[str, int, int]
TypedValue = tuple[str, int, int, float]


def tensor_shapes(N: int, M: int, K: int) -> dict[str, tuple[int, int]]:
    """The shapes of the tensors that can be typed into."""
    return {"x": (1, N), "W1": (N, M), "b1": (1, M), "W2": (M, K), "b2": (1, K)}


def _fits(cell: Cell, shapes: dict[str, tuple[int, int]]) -> bool:
    name, i, j = cell
    return i < shapes[name][0] and j < shapes[name][1]


def read_typed() -> Reader:
    """Typed values as saved: a list of ``[tensor, row, column, value]`` (0-based cells)."""

    def read(value: Any, label: str) -> tuple[TypedValue, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError(
                "The backprop typed values must be a list of [tensor, row, column, value]."
            )
        typed: dict[Cell, float] = {}
        for entry in value:
            ok = (
                isinstance(entry, list | tuple)
                and len(entry) == 4
                and entry[0] in EDITABLE
                and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                        for v in entry[1:3])
                and isinstance(entry[3], int | float)
                and not isinstance(entry[3], bool)
            )  # fmt: skip
            if not ok:
                raise ValueError(f"The typed backprop value {entry!r} does not fit the network.")
            number = float(entry[3])
            if not math.isfinite(number) or abs(number) > VALUE_LIMIT:
                raise ValueError(
                    f"The typed backprop value {entry!r} must be a finite number "
                    f"within ±{VALUE_LIMIT:g}."
                )
            typed[(entry[0], entry[1], entry[2])] = number
        return tuple((*cell, number) for cell, number in sorted(typed.items()))

    return read


@dataclass(frozen=True)
class BackpropSettings(Settings):
    """Everything the user set; the network, the chain and every page follow from it.

    ``typed`` holds the typed values as sorted ``(tensor, row, column, value)`` (0-based),
    ``true_class`` and ``element`` are 0-based, ``page`` indexes :data:`PAGES`.
    """

    topic_name: ClassVar[str] = "backprop"

    N: int = setting(4, read_int(1, MAX_SIZE))
    M: int = setting(3, read_int(1, MAX_SIZE))
    K: int = setting(2, read_int(1, MAX_SIZE))
    true_class: int = setting(0, read_int(0, MAX_SIZE - 1))
    seed: int = setting(0, read_int(0, MAX_SEED))
    typed: tuple[TypedValue, ...] = setting((), read_typed())
    variant: str = setting("correct", read_choice(tuple(CHAIN_VARIANTS)))
    element: int = setting(0, read_int(0, MAX_SIZE - 1))
    page: int = setting(0, read_int(0, len(PAGES) - 1))
    letters: bool = setting(True, read_bool())

    def validate(self) -> None:
        if self.true_class >= self.K:
            raise ValueError(
                f"The backprop setting 'true_class' must be below K = {self.K} (it counts from 0)."
            )
        if self.element >= self.N:
            raise ValueError(
                f"The backprop setting 'element' must be below N = {self.N} (it counts from 0)."
            )
        shapes = tensor_shapes(self.N, self.M, self.K)
        for entry in self.typed:
            if not _fits(entry[:3], shapes):
                raise ValueError(
                    f"The typed backprop value {list(entry)!r} does not fit the network."
                )

    def typed_cells(self) -> dict[Cell, float]:
        return {(name, i, j): value for name, i, j, value in self.typed}


def _network(s: BackpropSettings) -> tuple[Any, ...]:
    """What the forward pass, the gradients and their check depend on."""
    return (s.N, s.M, s.K, s.true_class, s.seed, s.typed)


@dataclass(frozen=True)
class BackpropResult:
    """Everything computed from one set of settings (the views only read it)."""

    problem: MLPProblem
    grads: dict[str, Any]
    checks: list[GradientCheck]
    #: (dE/do · do/df2, o − y, largest difference) from ``softmax_shortcut``.
    shortcut: tuple[Any, Any, float]
    chain: ChainProduct
    worked: WorkedSum
    shape_rows: list[ShapeRow]


def make_problem(s: BackpropSettings) -> MLPProblem:
    """The seeded random network with the typed values put in."""
    base = random_problem(s.N, s.M, s.K, s.true_class, s.seed)
    arrays = {name: getattr(base, name).copy() for name in EDITABLE}
    for name, i, j, value in s.typed:
        arrays[name][i, j] = value
    cells = frozenset((name, i, j) for name, i, j, _ in s.typed)
    return replace(base, typed=cells, **arrays)


def compute_result(s: BackpropSettings, reuse: BackpropResult | None = None) -> BackpropResult:
    """Compute everything for ``s``; ``reuse`` is a result of the same network (same sizes,
    class, seed and typed values), whose gradients and check are then kept."""
    if reuse is None:
        problem = make_problem(s)
        grads = mlp_gradients(*problem.args())
        checks = gradient_check(*problem.args(), grads=grads)
        shortcut = softmax_shortcut(grads)
        shape_rows = symbolic_shapes(s.N, s.M, s.K)
    else:
        problem, grads, checks = reuse.problem, reuse.grads, reuse.checks
        shortcut, shape_rows = reuse.shortcut, reuse.shape_rows
    chain = chain_product(grads, s.variant)
    worked = worked_dx_element(grads, problem.W1, s.element)
    return BackpropResult(problem, grads, checks, shortcut, chain, worked, shape_rows)


#: Preset name -> (settings, frame).
PRESETS: dict[str, tuple[BackpropSettings, int]] = {
    "Exercise 3: the MLP's shapes": (BackpropSettings(), 4),
    "Exercise 3a: dE/df2 = o − y": (BackpropSettings(page=1), 1),
    "Exercise 3b: dE/dx as a chain of factors": (BackpropSettings(page=4), 4),
    "What if: W2 instead of W2ᵀ": (BackpropSettings(variant="W2"), 2),
    "What if: the diagonal left out": (BackpropSettings(variant="slope_row"), 3),
    "Large: N = M = K = 32": (BackpropSettings(N=32, M=32, K=32, true_class=5, seed=1, page=3), 4),
    "Large logits: |f2| ≈ 1000": (
        BackpropSettings(true_class=1, typed=(("b2", 0, 0, 1000.0), ("b2", 0, 1, -1000.0)), page=1),
        1,
    ),
}


def _exercise_view(
    exercise: Exercise,
) -> tuple[BackpropSettings, str | None, tuple[int, int] | None]:
    """(settings that show a generated exercise, the tensor it asks about, the entry of
    dE/dW2 it asks for); ValueError for an exercise the tab cannot show."""
    d = exercise.data
    if exercise.topic != "backprop":
        raise ValueError(f"The backprop tab cannot show {exercise.topic} exercises.")
    if exercise.kind == "shape":
        if d["B"] != 1:
            raise ValueError("The backprop tab shows one example (B = 1), not a batch.")
        return BackpropSettings(N=d["N"], M=d["M"], K=d["K"]), d["tensor"], None
    if exercise.kind not in ("dE_df2", "dE_dW2"):
        raise ValueError(f"The backprop tab cannot show {exercise.kind} exercises.")
    hidden, o = d.get("a", [0.5]), d["o"]
    # With x = 0 and W1 = 0, f1 = b1, and b1 = ln(a/(1 − a)) gives σ(f1) = a; with W2 = 0,
    # f2 = b2, and b2 = ln o gives softmax(f2) = o / Σo = o.
    typed = [("x", 0, 0, 0.0)]
    typed += [("W1", 0, m, 0.0) for m in range(len(hidden))]
    typed += [("b1", 0, m, math.log(v / (1 - v))) for m, v in enumerate(hidden)]
    typed += [("W2", m, k, 0.0) for m in range(len(hidden)) for k in range(len(o))]
    typed += [("b2", 0, k, math.log(v)) for k, v in enumerate(o)]
    settings = BackpropSettings(
        N=1, M=len(hidden), K=len(o), true_class=d["true_class"], typed=tuple(sorted(typed)),
        page=1 if exercise.kind == "dE_df2" else 2,
    )  # fmt: skip
    if exercise.kind == "dE_df2":
        return settings, asking.VALUES_NAME, None
    return settings, None, (d["row"], d["column"])


class BackpropModel(TopicModel):
    """Exercise 3's network: settings -> result (computed once) -> the chain step shown.

    The frame is the chain's step: frame f shows the product of the first f + 1 factors
    (a "what if" chain that stops at a mismatch has fewer). The selected cell is a cell of
    the forward chain; a cell of x, W1, b1, W2 or b2 can then be typed into.
    """

    key = "backprop"

    def __init__(self) -> None:
        super().__init__()
        self._settings = BackpropSettings()
        self._result = compute_result(self._settings)
        self._preset = next(iter(PRESETS))
        self._selected: Cell | None = None
        #: What a loaded exercise asks first (a tensor's name, or an entry of dE/dW2).
        self._exercise_first: str | None = None
        self._exercise_entry: tuple[int, int] | None = None
        self._questions: list[Question] | None = None
        self._focus_code = ""
        self.practice.subscribe(self._on_practice_changed)
        self.load_preset(self._preset)

    # ----- reading ---------------------------------------------------------------------------
    @property
    def settings(self) -> BackpropSettings:
        return self._settings

    @property
    def result(self) -> BackpropResult:
        return self._result

    @property
    def preset(self) -> str:
        """The preset last loaded (its name stays while the settings are changed)."""
        return self._preset

    @property
    def selected(self) -> Cell | None:
        return self._selected

    def frame_count(self) -> int:
        return len(self._result.chain.steps) + 1

    def focus(self) -> str:
        """``"backward"`` when the settings are about the backward chain (a page other than
        the shapes, a "what if" chain), else ``"forward"``: where a small screen looks first."""
        s = self._settings
        return "backward" if s.page != 0 or s.variant != "correct" else "forward"

    def value(self, key: str, i: int, j: int) -> float:
        """The value of a forward tensor's cell (inputs, parameters and computed tensors)."""
        return float(self._tensor(key)[i, j])

    def _tensor(self, key: str) -> Any:
        if key in EDITABLE or key == "y":
            return getattr(self._result.problem, key)
        return self._result.grads[key]

    # ----- settings --------------------------------------------------------------------------
    def set_settings(self, settings: BackpropSettings, *, frame: int | None = None) -> None:
        """Check and apply ``settings`` (recomputing what they change), then show ``frame``
        (clamped to the chain; the current frame when None). Raises ValueError, changing
        nothing, when the settings are not valid."""
        self._apply(settings, frame)

    def _apply(
        self,
        settings: BackpropSettings,
        frame: int | None,
        *,
        preset: str | None = None,
        keep_selection: bool = True,
    ) -> None:
        # Everything that can fail happens before the first assignment.
        settings = BackpropSettings.from_state(settings.to_state())
        same_network = _network(settings) == _network(self._settings)
        result = compute_result(settings, reuse=self._result if same_network else None)
        self._settings, self._result = settings, result
        self._questions = None
        if not same_network:  # an exercise's question is about the network it loaded
            self._exercise_first = self._exercise_entry = None
        if preset is not None:
            self._preset = preset
        self._frame = self._frame if frame is None else frame
        self._clamp_frame()
        if not keep_selection or (
            self._selected is not None and not self._cell_fits(self._selected)
        ):
            self._selected = None
        self.notify("settings")

    def set_sizes(self, N: int, M: int, K: int) -> int:
        """New N, M, K: the class and element are clamped, typed values that no longer fit
        go. Returns how many typed values went."""
        s = self._settings
        shapes = tensor_shapes(N, M, K)
        kept = tuple(entry for entry in s.typed if entry[0] in shapes and _fits(entry[:3], shapes))
        clamped = {"true_class": min(s.true_class, K - 1), "element": min(s.element, N - 1)}
        self.set_settings(replace(s, N=N, M=M, K=K, typed=kept, **clamped))
        return len(s.typed) - len(kept)

    def set_true_class(self, true_class: int) -> None:
        """The true class (0-based): where the one-hot y has its 1."""
        self.set_settings(replace(self._settings, true_class=true_class))

    def set_seed(self, seed: int) -> None:
        """Draw the values with ``seed``; typed values go."""
        self.set_settings(replace(self._settings, seed=seed, typed=()))

    def new_values(self) -> int:
        """Draw new values with the next seed (typed values go); returns the seed."""
        seed = (self._settings.seed + 1) % (MAX_SEED + 1)
        self.set_seed(seed)
        return seed

    def set_variant(self, variant: str) -> None:
        """Use a "what if" chain and show its most telling step: the mismatch, or the end."""
        self.set_settings(replace(self._settings, variant=variant), frame=MAX_FRAME)

    def set_element(self, element: int) -> None:
        """Work out element ``element`` (0-based) of dE/dx."""
        settings = replace(self._settings, element=element)
        settings.validate()
        self._settings = settings
        self._result = replace(
            self._result,
            worked=worked_dx_element(self._result.grads, self._result.problem.W1, element),
        )
        self.notify("element")

    def set_letters(self, on: bool) -> None:
        """Write shapes with the letters N, M, K as well as numbers."""
        self._settings = replace(self._settings, letters=bool(on))
        self.notify("letters")

    def set_page(self, page: int) -> None:
        """Show page ``page`` of :data:`PAGES`."""
        if not 0 <= page < len(PAGES):
            raise ValueError(f"The backprop page must be from 0 to {len(PAGES) - 1}.")
        self._settings = replace(self._settings, page=page)
        self.notify("page")

    # ----- selecting and typing --------------------------------------------------------------
    def _cell_fits(self, cell: Cell) -> bool:
        name, i, j = cell
        rows, cols = self._tensor(name).shape
        return 0 <= i < rows and 0 <= j < cols

    def select_cell(self, key: str, i: int, j: int) -> None:
        """Select a cell of the forward chain (x, W1, ... E)."""
        if key not in FORWARD or not self._cell_fits((key, i, j)):
            raise ValueError(f"The network has no cell {key}[{i + 1},{j + 1}].")
        self._selected = (key, i, j)
        self.notify("selection")

    def clear_selection(self) -> None:
        if self._selected is not None:
            self._selected = None
            self.notify("selection")

    def selection_is_editable(self) -> bool:
        return self._selected is not None and self._selected[0] in EDITABLE

    def type_value(self, value: float) -> Cell:
        """Put ``value`` into the selected cell of x, W1, b1, W2 or b2; returns the cell."""
        if self._selected is None or self._selected[0] not in EDITABLE:
            raise ValueError("Select a cell of x, W1, b1, W2 or b2 to type a value.")
        value = float(value)
        if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
            raise ValueError(f"A typed value must be a finite number within ±{VALUE_LIMIT:g}.")
        typed = self._settings.typed_cells()
        typed[self._selected] = value
        entries = tuple((*cell, number) for cell, number in sorted(typed.items()))
        self.set_settings(replace(self._settings, typed=entries))
        return self._selected

    # ----- words -----------------------------------------------------------------------------
    def explain_forward(self, key: str, i: int, j: int) -> str:
        """Hover text of a forward tensor's or a parameter gradient's cell."""
        if key in _TELLS_DE_DF2 and self.values_hidden("dE/df2"):
            return texts.HIDDEN_IN_PRACTICE
        if key == "dE_dW2" and self.values_hidden("dE/dW2"):
            return texts.HIDDEN_IN_PRACTICE
        return texts.explain_forward(self._result, key, i, j)

    def explain_backward(self, key: str, i: int, j: int) -> str:
        """Hover text of a factor (``F0`` ...) or of the running product (``P``) of the chain."""
        if key == "P" and self._frame > 0 and self.values_hidden("dE/df2"):
            return texts.HIDDEN_IN_PRACTICE  # every product after the first uses dE/df2
        return texts.explain_backward(self._result, self._frame, key, i, j)

    def explain_shortcut(self, key: str, i: int, j: int) -> str:
        """Hover text of the full product (``full``) or of o − y (``short``)."""
        if self.values_hidden("dE/df2"):
            return texts.HIDDEN_IN_PRACTICE
        return texts.explain_shortcut(self._result, key, i, j)

    def chain_verdict(self) -> tuple[bool, str]:
        """(right, sentence) about the chain as a whole (dE/dx's shape as "?" while asked)."""
        right, sentence = texts.chain_verdict(self._result.chain, self._settings.variant)
        if self.shape_hidden("dE/dx"):
            sentence = texts.hide_shapes(sentence)
        return right, sentence

    def chain_step_lines(self) -> list[tuple[str, str]]:
        """One line per multiplication (shapes that practice asks for written "?")."""
        return texts.chain_step_lines(self._result.chain, self._frame, self.shape_hidden)

    def table_csv(self) -> str:
        return texts.table_csv(self._result)

    # ----- code ------------------------------------------------------------------------------
    def export_network(self) -> dict[str, Any]:
        """The network as the exported code writes it: x, y, the weights and biases (each
        bias a 1×M row, as shown), activation, loss, reduction, and what the tab shows for
        E and dE/dx."""
        p, g = self._result.problem, self._result.grads
        return {
            "x": p.x, "y": p.y, "weights": [p.W1, p.W2], "biases": [p.b1, p.b2],
            "activation": "sigmoid", "loss": "cross_entropy", "reduction": "mean",
            "E": float(g["E"][0, 0]), "dE_dx": g["dE_dx"],
        }  # fmt: skip

    def python_code(self) -> str:
        """A standalone numpy script recomputing what the tab shows (File > Export)."""
        return code_export.python_code(self)

    def torch_code(self) -> str:
        """The same with PyTorch's autograd."""
        return code_export.torch_code(self)

    def worked_solution_markdown(self) -> str:
        return texts.worked_solution_markdown(self._settings, self._result)

    # ----- practice --------------------------------------------------------------------------
    def practice_questions(self) -> list[Question]:
        """Shapes of the forward tensors, of the chain's factors and of dE/dx, then the
        values of dE/df2 (a loaded exercise's own question first)."""
        if self._questions is None:
            asked = asking.questions(self._result, self._exercise_first)
            if self._exercise_entry is not None:
                asked.insert(0, asking.entry_question(self._result, *self._exercise_entry))
            self._questions = asked
        return self._questions

    def _open_question(self, key: str) -> bool:
        practice = self.practice
        return (
            practice.on
            and practice.is_hidden(key)
            and any(q.key == key for q in self.practice_questions())
        )

    def shape_hidden(self, name: str) -> bool:
        """True while practice asks for the shape of ``name`` (x, W1, do/df2, dE/dx...), or
        of the tensor a gradient is shaped like (dE/dW1 like W1, dE/df2 like f2): showing
        the gradient would tell the answer."""
        if self._open_question(asking.shape_key(name)):
            return True
        return name.startswith("dE/d") and self._open_question(asking.shape_key(name[4:]))

    def values_hidden(self, name: str) -> bool:
        """True while practice asks for the values of ``name`` (dE/df2; dE/dW2 for an
        entry of it asked by an exercise)."""
        if name == "dE/dW2" and self._exercise_entry is not None:
            row, col = self._exercise_entry
            return self._open_question(asking.values_key(f"dE/dW2[{row + 1},{col + 1}]"))
        return self._open_question(asking.values_key(name))

    def load_exercise(self, exercise: Exercise) -> None:
        """Show a generated backprop exercise: its sizes (a shape), or a network whose
        softmax output is the exercise's o (dE/df2, an entry of dE/dW2); its question is
        asked first."""
        settings, first, entry = _exercise_view(exercise)
        self._apply(settings, MAX_FRAME, keep_selection=False)
        self._set_focus(first, entry)
        self.notify("settings")

    def _set_focus(self, first: str | None, entry: tuple[int, int] | None) -> None:
        self._exercise_first, self._exercise_entry = first, entry
        self._focus_code = self.practice.code
        self._questions = None

    def _on_practice_changed(self, _what: str) -> None:
        # A lesson restores the exercise code after the network: ask that exercise's
        # question first again when the network on screen is the exercise's.
        code = self.practice.code
        if code == self._focus_code:
            return
        self._focus_code = code
        if not code.startswith(f"{self.key}-"):
            return
        from visualizer.exercises import from_code

        try:
            settings, first, entry = _exercise_view(from_code(code))
        except ValueError:
            return
        if _network(settings) == _network(self._settings):
            self._set_focus(first, entry)

    # ----- presets and lessons ---------------------------------------------------------------
    def presets(self) -> list[str]:
        return list(PRESETS)

    def load_preset(self, name: str) -> None:
        if name not in PRESETS:
            raise KeyError(name)
        settings, frame = PRESETS[name]
        self._exercise_first = self._exercise_entry = None
        self._apply(settings, frame, preset=name, keep_selection=False)

    def state(self) -> dict[str, Any]:
        s = self._settings.to_state()
        return {
            **{key: s[key] for key in ("N", "M", "K", "true_class", "seed", "typed", "variant")},
            "frame": self._frame,
            **{key: s[key] for key in ("element", "page", "letters")},
            "preset": self._preset,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        super().restore_state(state)
        values = dict(state)
        frame = read_int(0, MAX_FRAME)(values.pop("frame", MAX_FRAME), "frame")
        preset = values.pop("preset", None)
        settings = BackpropSettings.from_state(values)
        # A preset name this version does not know (from another version) leaves the name be.
        known = preset if isinstance(preset, str) and preset in PRESETS else None
        self._exercise_first = self._exercise_entry = None
        self._apply(settings, frame, preset=known, keep_selection=False)
