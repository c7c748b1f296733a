"""The backprop topic without Qt: settings, the computed network, the chain's frame, a selection.

Settings (the sheet's N, M, K, class, seed, typed values; issue 16's batch B, more hidden
layers, activation, loss, reduction and the sample whose chain is shown) ->
:func:`~visualizer.tabs.backprop.network.compute_result` (``mlp_backprop``, the check of every
gradient, the summary, per-sample gradients, the sample's chain of Jacobians, its softmax
shortcut, the worked sum) -> views. The result is computed once per settings change, when
it is first read; moving through the chain only moves the frame. Every check of a lesson's
or a control's values, and every message about them, lives here, and so does what practice
mode asks (``practice.py``). What the model says and exports is :class:`~.words.WordsMixin`;
importing this module loads no numpy maths (names and shapes come from ``names.py``).

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
    another page (shapes, o − y, dE/dW, check, worked sum, summary, per sample) is shown.
``"selection"``
    another forward cell is selected (or none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from visualizer.tabs.backprop.names import (
    HIDDEN_ACTIVATIONS,
    MAX_SIZE,
    MLP_CHAIN_VARIANTS,
    REDUCTIONS,
    correct_chain_frames,
    editable_names,
    forward_names,
    network_key,
    tensor_shapes,
)
from visualizer.tabs.backprop.words import WordsMixin
from visualizer.tabs.settings import (
    Reader,
    Settings,
    read_bool,
    read_choice,
    read_int,
    read_list,
    setting,
)
from visualizer.tabs.topic_model import TopicModel

if TYPE_CHECKING:
    from visualizer.exercises import Exercise
    from visualizer.practice import Question
    from visualizer.tabs.backprop.network import BackpropResult

#: The tensors whose values can be typed in, for the sheet's one hidden layer (deeper nets
#: add W3, b3, …: see :func:`~visualizer.tabs.backprop.names.editable_names`).
EDITABLE = ("x", "W1", "b1", "W2", "b2")
#: Every tensor a typed value may name (x and the weights and biases of up to five layers).
TYPABLE = editable_names(5)
#: The sheet's forward chain (deeper nets: :func:`~.names.forward_names`).
FORWARD = ("x", "W1", "b1", "f1", "a", "W2", "b2", "f2", "o", "y", "E")
#: Typed values are kept within this size so nothing downstream can overflow.
VALUE_LIMIT = 1e6
MAX_SEED = 2**31 - 1
#: The pages beside the chain, in order (the lesson saves the index; new pages go last).
PAGES = ("Shapes", "o − y", "dE/dW, dE/db", "Grad check", "dE/dx_j sum", "Summary", "Per sample")
#: Pages about the backward chain (o − y, the worked sum, one sample's chain).
BACKWARD_PAGES = frozenset({1, 4, 6})
#: The last frame of the sheet's correct chain: five factors, four multiplications.
MAX_FRAME = 4
#: A frame past the last of any chain: shows a chain's last step (it is clamped).
LAST_FRAME = 64
#: The losses the tab offers (binary cross-entropy belongs to the classifier).
LOSSES = ("cross_entropy", "mse")
#: Settings a lesson writes only when they differ from the sheet's (old lessons keep their
#: keys), in the order they are written.
EXTENSION_KEYS = ("batch", "more_hidden", "activation", "loss", "reduction", "sample")

Cell = tuple[str, int, int]
TypedValue = tuple[str, int, int, float]


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
                and entry[0] in TYPABLE
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
    variant: str = setting("correct", read_choice(MLP_CHAIN_VARIANTS))
    element: int = setting(0, read_int(0, MAX_SIZE - 1))
    page: int = setting(0, read_int(0, len(PAGES) - 1))
    letters: bool = setting(True, read_bool())
    # Issue 16: a batch, deeper nets, other activations and losses (defaults: the sheet's).
    batch: int = setting(1, read_int(1, MAX_SIZE))
    more_hidden: tuple[int, ...] = setting((), read_list(read_int(1, MAX_SIZE), max_length=3))
    activation: str = setting("sigmoid", read_choice(HIDDEN_ACTIVATIONS))
    loss: str = setting("cross_entropy", read_choice(LOSSES))
    reduction: str = setting("mean", read_choice(REDUCTIONS))
    sample: int = setting(0, read_int(0, MAX_SIZE - 1))

    @property
    def depth(self) -> int:
        """Layers with weights: the hidden layers and the output layer."""
        return len(self.more_hidden) + 2

    def validate(self) -> None:
        if self.true_class >= self.K:
            raise ValueError(
                f"The backprop setting 'true_class' must be below K = {self.K} (it counts from 0)."
            )
        if self.element >= self.N:
            raise ValueError(
                f"The backprop setting 'element' must be below N = {self.N} (it counts from 0)."
            )
        if self.sample >= self.batch:
            raise ValueError(
                f"The backprop setting 'sample' must be below B = {self.batch} (it counts from 0)."
            )
        shapes = tensor_shapes(self)
        for entry in self.typed:
            if entry[0] not in shapes or not _fits(entry[:3], shapes):
                raise ValueError(
                    f"The typed backprop value {list(entry)!r} does not fit the network."
                )

    def typed_cells(self) -> dict[Cell, float]:
        return {(name, i, j): value for name, i, j, value in self.typed}


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
    # Issue 16: the batch, depth, activations and losses.
    "Batch: B = 8, where the batch sum happens": (BackpropSettings(batch=8, page=2), 4),
    "B = 8 with two hidden layers: the summary": (
        BackpropSettings(batch=8, more_hidden=(3,), page=5), LAST_FRAME,
    ),
    "Per sample: B = 4, sample 3's chain": (BackpropSettings(batch=4, sample=2, page=6), 4),
    "Deeper: four hidden layers, ReLU": (
        BackpropSettings(more_hidden=(4, 4, 3), activation="relu", page=0), LAST_FRAME,
    ),
    "tanh and mean squared error": (
        BackpropSettings(activation="tanh", loss="mse", batch=2, page=1), LAST_FRAME,
    ),
    "GeLU x·σ(1.702x) hidden layer": (BackpropSettings(activation="gelu", page=3), 4),
    "Summary: 64-64-64-64-10 at B = 64": (
        BackpropSettings(N=64, M=64, more_hidden=(64, 64, 64), K=10, batch=64, page=5,
                         letters=False),
        LAST_FRAME,
    ),
}  # fmt: skip


def _exercise_view(
    exercise: Exercise,
) -> tuple[BackpropSettings, str | None, tuple[int, int] | None]:
    """(settings that show a generated exercise, the tensor it asks about, the entry of
    dE/dW2 it asks for); ValueError for an exercise the tab cannot show."""
    d = exercise.data
    if exercise.topic != "backprop":
        raise ValueError(f"The backprop tab cannot show {exercise.topic} exercises.")
    if exercise.kind == "shape":
        return BackpropSettings(N=d["N"], M=d["M"], K=d["K"], batch=d["B"]), d["tensor"], None
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
        from visualizer.tabs.backprop.practice import VALUES_NAME

        return settings, VALUES_NAME, None
    return settings, None, (d["row"], d["column"])


class BackpropModel(WordsMixin, TopicModel):
    """Exercise 3's network: settings -> result (computed once) -> the chain step shown.

    The frame is the chain's step: frame f shows the product of the first f + 1 factors
    (a "what if" chain that stops at a mismatch has fewer). The selected cell is a cell of
    the forward chain; a cell of x, W1, b1, W2 or b2 can then be typed into.

    The result is computed when it is first read after the settings changed (a lesson that
    opens on another tab never computes it): settings are checked when they are set, so
    computing them later cannot fail. The frame is clamped to the chain when it is set if
    the chain is the correct one (its length follows from the depth and the loss), else
    when the result is computed (reading ``frame`` computes it then).
    """

    key = "backprop"

    def __init__(self) -> None:
        super().__init__()
        self._settings = BackpropSettings()
        #: The result of the settings; None until it is read after they changed.
        self._result: BackpropResult | None = None
        #: The last result computed and its network_key: a later result of the same network
        #: keeps its gradients and their check (only the sample's chain is computed again).
        self._last: tuple[tuple[Any, ...], BackpropResult] | None = None
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
        """Everything computed from the settings (computed here on the first read)."""
        if self._result is None:
            from visualizer.tabs.backprop.network import compute_result

            key = network_key(self._settings)
            reuse = self._last[1] if self._last is not None and self._last[0] == key else None
            self._result = compute_result(self._settings, reuse=reuse)
            self._last = (key, self._result)
            self._clamp_frame()  # a "what if" chain's frame may be past its last step
        return self._result

    @property
    def frame(self) -> int:
        """The chain's step shown (a "what if" chain's is clamped once the result is read)."""
        if self._result is None and self._settings.variant != "correct":
            self.result  # noqa: B018 - computed for its side effect: the frame is clamped
        return self._frame

    @property
    def preset(self) -> str:
        """The preset last loaded (its name stays while the settings are changed)."""
        return self._preset

    @property
    def selected(self) -> Cell | None:
        return self._selected

    def frame_count(self) -> int:
        s = self._settings
        if self._result is None and s.variant == "correct":
            return correct_chain_frames(s.depth, s.loss)
        return len(self.result.chain.steps) + 1

    def forward_names(self) -> list[str]:
        """The forward chain's tensors in reading order (x, W1, b1, f1, a, …, E)."""
        return forward_names(self._settings.depth, self._settings.loss)

    def editable_names(self) -> tuple[str, ...]:
        """The tensors a value can be typed into: x and every W and b."""
        return editable_names(self._settings.depth)

    def focus(self) -> str:
        """``"backward"`` when the settings are about the backward chain (o − y, the worked
        sum, one sample's chain, a "what if" chain), else ``"forward"``: where a small screen
        looks first."""
        s = self._settings
        backward = s.page in BACKWARD_PAGES or s.variant != "correct"
        return "backward" if backward else "forward"

    def value(self, key: str, i: int, j: int) -> float:
        """The value of a tensor's cell by name or block key (x, W1, f1, dE_dW1, …)."""
        return float(self.result.tensor(key)[i, j])

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
        # Everything that can fail happens before the first assignment; the result is
        # computed when first read.
        settings = BackpropSettings.from_state(settings.to_state())
        same_network = network_key(settings) == network_key(self._settings)
        # Keeping the frame keeps the one shown, clamped to the old chain.
        frame = self.frame if frame is None else frame
        self._settings, self._result = settings, None
        self._questions = None
        if not same_network:  # an exercise's question is about the network it loaded
            self._exercise_first = self._exercise_entry = None
        if preset is not None:
            self._preset = preset
        self._frame = frame
        if settings.variant == "correct":  # else clamped when the result is computed
            self._clamp_frame()
        if not keep_selection or (
            self._selected is not None and not self._cell_fits(self._selected)
        ):
            self._selected = None
        self.notify("settings")

    def set_sizes(self, N: int, M: int, K: int, batch: int | None = None) -> int:
        """New N, M, K (and B): the class, element and sample are clamped, typed values that
        no longer fit go. Returns how many typed values went."""
        s = self._settings
        batch = s.batch if batch is None else batch
        return self._resize(replace(s, N=N, M=M, K=K, batch=batch))

    def set_batch(self, batch: int) -> int:
        """B samples (1 to 64); returns how many typed values no longer fit."""
        return self._resize(replace(self._settings, batch=batch))

    def set_hidden(self, widths: tuple[int, ...] | list[int]) -> int:
        """The hidden layers' widths (1 to 4 layers; the first is M); returns how many typed
        values no longer fit."""
        widths = tuple(int(w) for w in widths)
        if not 1 <= len(widths) <= 4:
            raise ValueError("A network has 1 to 4 hidden layers.")
        return self._resize(replace(self._settings, M=widths[0], more_hidden=widths[1:]))

    def _resize(self, s: BackpropSettings) -> int:
        shapes = tensor_shapes(s)
        kept = tuple(entry for entry in s.typed if entry[0] in shapes and _fits(entry[:3], shapes))
        clamped = {
            "true_class": min(s.true_class, s.K - 1),
            "element": min(s.element, s.N - 1),
            "sample": min(s.sample, s.batch - 1),
        }
        self.set_settings(replace(s, typed=kept, **clamped))
        return len(s.typed) - len(kept)

    def set_options(self, **options: str) -> None:
        """Change the activation, loss or reduction (``set_options(loss="mse")``)."""
        unknown = set(options) - {"activation", "loss", "reduction"}
        if unknown:
            raise ValueError(f"Unknown backprop option(s): {', '.join(sorted(unknown))}.")
        self.set_settings(replace(self._settings, **options))

    def set_sample(self, sample: int) -> None:
        """Show sample ``sample``'s chain (0-based)."""
        self.set_settings(replace(self._settings, sample=sample))

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
        self.set_settings(replace(self._settings, variant=variant), frame=LAST_FRAME)

    def set_element(self, element: int) -> None:
        """Work out element ``element`` (0-based) of dE/dx."""
        settings = replace(self._settings, element=element)
        settings.validate()
        self._settings = settings
        if self._result is not None:  # else it is computed with the new element when read
            from visualizer.tabs.backprop.network import worked_only

            self._result = worked_only(self._result, element)
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
        if name not in self.result.tensors:
            return False
        rows, cols = self.result.tensor(name).shape
        return 0 <= i < rows and 0 <= j < cols

    def select_cell(self, key: str, i: int, j: int) -> None:
        """Select a cell of the forward chain (x, W1, ... E)."""
        if key not in self.forward_names() or not self._cell_fits((key, i, j)):
            raise ValueError(f"The network has no cell {key}[{i + 1},{j + 1}].")
        self._selected = (key, i, j)
        self.notify("selection")

    def clear_selection(self) -> None:
        if self._selected is not None:
            self._selected = None
            self.notify("selection")

    def selection_is_editable(self) -> bool:
        return self._selected is not None and self._selected[0] in self.editable_names()

    def type_value(self, value: float) -> Cell:
        """Put ``value`` into the selected cell of x or a W or b; returns the cell."""
        if self._selected is None or self._selected[0] not in self.editable_names():
            raise ValueError("Select a cell of x, a W or a b to type a value.")
        value = float(value)
        if not math.isfinite(value) or abs(value) > VALUE_LIMIT:
            raise ValueError(f"A typed value must be a finite number within ±{VALUE_LIMIT:g}.")
        typed = self._settings.typed_cells()
        typed[self._selected] = value
        entries = tuple((*cell, number) for cell, number in sorted(typed.items()))
        self.set_settings(replace(self._settings, typed=entries))
        return self._selected

    # ----- practice --------------------------------------------------------------------------
    def practice_questions(self) -> list[Question]:
        """Shapes of the forward tensors, of the chain's factors and of dE/dx, then the
        values of dE/df2 (a loaded exercise's own question first)."""
        if self._questions is None:
            from visualizer.tabs.backprop import practice as asking

            asked = asking.questions(self.result, self._exercise_first)
            if self._exercise_entry is not None:
                asked.insert(0, asking.entry_question(self.result, *self._exercise_entry))
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
        from visualizer.tabs.backprop.practice import shape_key

        if self._open_question(shape_key(name)):
            return True
        return name.startswith("dE/d") and self._open_question(shape_key(name[4:]))

    def values_hidden(self, name: str) -> bool:
        """True while practice asks for the values of ``name`` (dE/df2; dE/dW2 for an
        entry of it asked by an exercise)."""
        from visualizer.tabs.backprop.practice import values_key

        if name == "dE/dW2" and self._exercise_entry is not None:
            row, col = self._exercise_entry
            return self._open_question(values_key(f"dE/dW2[{row + 1},{col + 1}]"))
        return self._open_question(values_key(name))

    def load_exercise(self, exercise: Exercise) -> None:
        """Show a generated backprop exercise: its sizes (a shape), or a network whose
        softmax output is the exercise's o (dE/df2, an entry of dE/dW2); its question is
        asked first."""
        settings, first, entry = _exercise_view(exercise)
        self._apply(settings, LAST_FRAME, keep_selection=False)
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
        if network_key(settings) == network_key(self._settings):
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
        """The lesson's backprop object: the sheet's keys, then the issue-16 settings that
        differ from the sheet's (so the sheet's lessons keep exactly their keys)."""
        s = self._settings.to_state()
        default = BackpropSettings().to_state()
        return {
            **{key: s[key] for key in ("N", "M", "K", "true_class", "seed", "typed", "variant")},
            "frame": self.frame,
            **{key: s[key] for key in ("element", "page", "letters")},
            **{key: s[key] for key in EXTENSION_KEYS if s[key] != default[key]},
            "preset": self._preset,
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        super().restore_state(state)
        values = dict(state)
        frame = read_int(0, LAST_FRAME)(values.pop("frame", LAST_FRAME), "frame")
        preset = values.pop("preset", None)
        settings = BackpropSettings.from_state(values)
        # A preset name this version does not know (from another version) leaves the name be.
        known = preset if isinstance(preset, str) and preset in PRESETS else None
        self._exercise_first = self._exercise_entry = None
        self._apply(settings, frame, preset=known, keep_selection=False)
