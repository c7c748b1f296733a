"""The Logic gates topic without Qt: settings, the network shown, its evaluation and training.

Settings (a network of weights and biases, the activation convention, the target gate, the
training settings and, after Train, the settings of the run) -> ``visualizer.compute.gates``
(every z, the truth table, the diagnosis, the decision regions) and
``visualizer.compute.gate_training`` (a whole training run, computed once) -> views. In a
trained run the frame picks the recorded epoch whose network is shown; the play timer only
moves the frame. What the student looks at (the inputs A and B, the selected neuron and
weight, the side page) is part of the lesson too. Every check of a lesson's or a control's
values, and every message about them, lives here.

Listeners hear one word (see :class:`~visualizer.tabs.topic_model.TopicModel`):

``"settings"``
    the network, convention, target or run changed: redraw everything.
``"frame"``
    the run moved to another recorded epoch (another network is shown).
``"inputs"``
    A or B changed (node values, the worked line, the bold row, the current corner).
``"selection"``
    another neuron or weight is selected.
``"page"``
    the side page changed (0 = Edit weights, 1 = Train).
``"train"``
    the training settings changed (only the Train page's fields and status).
``"message"``
    a sentence for the status bar is in :attr:`GatesModel.message`.
``"map"``
    the playground's big map shows another neuron (or the output again).

What the network shown computes (its evaluation, diagnosis, regions, a neuron's arithmetic)
is read through :class:`~visualizer.tabs.gates.shown_network.ShownNetworkMixin`.

In the playground (``settings.playground`` set, see
:mod:`visualizer.tabs.gates.playground_model`) the frames are training frames, trained when
first shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from visualizer.compute.gates import (
    ACTIVATIONS,
    GATE_ARCHITECTURES,
    GATE_PRESETS,
    GATE_TARGETS,
    SHEET_NETWORKS,
    format_number,
)
from visualizer.numbers import format_limit, parse_number
from visualizer.tabs.gates import asking
from visualizer.tabs.gates.playground_model import PlaygroundMixin
from visualizer.tabs.gates.shown_network import Network, ParamKey, ShownNetworkMixin
from visualizer.tabs.settings import (
    Reader,
    Settings,
    read_bool,
    read_choice,
    read_float,
    read_grid,
    read_int,
    read_optional,
    read_vector,
    setting,
)
from visualizer.tabs.topic_model import TopicModel

if TYPE_CHECKING:
    from visualizer.compute.gate_training import GateTrainingRun
    from visualizer.exercises import Exercise
    from visualizer.tabs.gates.playground import PlaygroundRun
    from visualizer.tabs.gates.playground_settings import PlaygroundSettings

#: Largest weight or bias a user may type: sums of three such terms stay finite.
WEIGHT_LIMIT = 1e300
#: Most epochs a run may have: about a second of computing, so Train never freezes the app.
MAX_EPOCHS = 20000
MAX_SEED = 2**31 - 1
#: Most hidden neurons a (restored) network may have.
MAX_HIDDEN = 4
#: The ready-made playgrounds (``playground_settings.PLAYGROUND_PRESETS`` gives their
#: settings): the playground's modules load only when a playground is chosen or restored.
PLAYGROUND_NAMES: tuple[str, ...] = (
    "Playground: XOR cloud",
    "Playground: circle",
    "Playground: two Gaussians",
    "Playground: spiral",
)
#: The presets: the sheet's four networks first, then textbook gates, then the playgrounds.
PRESETS: tuple[str, ...] = (*SHEET_NETWORKS, *GATE_PRESETS, *PLAYGROUND_NAMES)
#: Side pages, in the order the lesson saves their index.
PAGES: tuple[str, ...] = ("Edit weights", "Train")
#: The networks Train offers (the maths of training loads only when Train runs).
ARCHITECTURES: tuple[str, ...] = tuple(GATE_ARCHITECTURES)

#: One layer as plain numbers: (rows of W, entries of b); W has shape (n_in, n_out).
LayerRows = tuple[tuple[tuple[float, ...], ...], tuple[float, ...]]


def as_rows(layers: Any) -> tuple[LayerRows, ...]:
    """A network as nested tuples of floats (hashable, so frozen settings can hold it)."""
    return tuple(
        (
            tuple(tuple(float(v) for v in row) for row in np.asarray(W, dtype=float)),
            tuple(float(v) for v in np.asarray(b, dtype=float).reshape(-1)),
        )
        for W, b in layers
    )


def as_arrays(rows: tuple[LayerRows, ...]) -> Network:
    """Nested tuples back to ``[(W, b), ...]`` arrays (what ``visualizer.compute`` takes)."""
    return [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in rows]


def param_keys(layers: Any) -> list[ParamKey]:
    """Every weight and bias of a network, neuron by neuron: its weights, then its bias."""
    keys: list[ParamKey] = []
    for li, (W, _b) in enumerate(layers):
        n_in, n_out = np.shape(W)
        for j in range(n_out):
            keys.extend(("w", li, i, j) for i in range(n_in))
            keys.append(("b", li, j))
    return keys


def _check_network(layers: tuple[LayerRows, ...], label: str = "layers") -> None:
    """Shapes chain from the 2 inputs to 1 output, at most MAX_HIDDEN hidden, sizes bounded."""
    if len(layers) not in (1, 2):
        raise ValueError(f"The setting {label!r} must hold one or two layers.")
    n_in = 2
    for W, b in layers:
        if len(W) != n_in or not b or any(len(row) != len(b) for row in W):
            raise ValueError(
                f"The weight shapes of {label!r} do not chain from 2 inputs to 1 output."
            )
        if max(abs(v) for v in (*b, *(v for row in W for v in row))) > WEIGHT_LIMIT:
            raise ValueError(f"A weight in {label!r} is larger than {format_limit(WEIGHT_LIMIT)}.")
        n_in = len(b)
    if n_in != 1:
        raise ValueError(f"The network in {label!r} must end in one output neuron.")
    if len(layers) == 2 and not 1 <= len(layers[0][1]) <= MAX_HIDDEN:
        raise ValueError(f"The network in {label!r} may have at most {MAX_HIDDEN} hidden neurons.")


def read_layers(value: Any, label: str) -> tuple[LayerRows, ...]:
    """A saved network: a list of one or two ``[W, b]`` pairs of finite numbers."""
    if not isinstance(value, list | tuple) or len(value) not in (1, 2):
        raise ValueError(f"The setting {label!r} must hold one or two layers.")
    layers = []
    for pair in value:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ValueError(f"Each layer of {label!r} must be a pair [W, b].")
        W = read_grid(1, 64)(pair[0], label)
        layers.append((W, read_vector(max_length=64)(pair[1], label)))
    network = tuple(layers)
    _check_network(network, label)
    return network


def _read_settings(cls: type[Settings]) -> Reader:
    """Nested settings (a mapping) read by their own class."""

    def read(value: Any, _label: str) -> Settings:
        return cls.from_state(value)

    return read


def _read_playground(value: Any, _label: str) -> PlaygroundSettings:
    """A saved playground, read by its own class (whose module is imported only here)."""
    from visualizer.tabs.gates.playground_settings import PlaygroundSettings

    return PlaygroundSettings.from_state(value)


def _read_run(value: Any, label: str) -> RunSettings:
    if isinstance(value, dict):
        missing = [f.name for f in fields(RunSettings) if f.name not in value]
        if missing:
            raise ValueError(f"The setting {label!r} lacks {', '.join(missing)}.")
    return RunSettings.from_state(value)


def _whole(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and value == int(value)


def _read_inputs(value: Any, label: str) -> tuple[int, int]:
    if not (isinstance(value, list | tuple) and len(value) == 2):
        raise ValueError(f"The setting {label!r} must be two values, each 0 or 1.")
    if not all(_whole(v) and v in (0, 1) for v in value):
        raise ValueError(f"The setting {label!r} must be two values, each 0 or 1.")
    return int(value[0]), int(value[1])


def _read_node(value: Any, label: str) -> tuple[int, int]:
    if not (isinstance(value, list | tuple) and len(value) == 2 and all(map(_whole, value))):
        raise ValueError(f"The setting {label!r} must be a neuron [layer, index].")
    return int(value[0]), int(value[1])


def _read_param(value: Any, label: str) -> ParamKey:
    shapes = {"w": 4, "b": 3}
    if not (
        isinstance(value, list | tuple)
        and value
        and isinstance(value[0], str)
        and value[0] in shapes
        and len(value) == shapes[value[0]]
        and all(map(_whole, value[1:]))
    ):
        raise ValueError(f"The setting {label!r} must be ['w', layer, i, j] or ['b', layer, j].")
    return (value[0], *(int(v) for v in value[1:]))


@dataclass(frozen=True)
class TrainSettings(Settings):
    """How the Train button trains: network shape, learning rate, random start, epochs."""

    topic_name: ClassVar[str] = "Logic gates training"
    architecture: str = setting("2-2-1", read_choice(ARCHITECTURES))
    lr: float = setting(2.0, read_float(1e-6, 1e6))
    seed: int = setting(0, read_int(0, MAX_SEED))
    epochs: int = setting(2000, read_int(1, MAX_EPOCHS))


@dataclass(frozen=True)
class RunSettings(Settings):
    """The settings a training run was computed with (the lesson recomputes the run)."""

    topic_name: ClassVar[str] = "Logic gates training run"
    target: str = setting("XOR", read_choice(tuple(GATE_TARGETS)))
    architecture: str = setting("2-2-1", read_choice(ARCHITECTURES))
    lr: float = setting(2.0, read_float(1e-6, 1e6))
    seed: int = setting(0, read_int(0))
    epochs: int = setting(2000, read_int(1, MAX_EPOCHS))


@dataclass(frozen=True)
class GatesSettings(Settings):
    """What decides the computed result: the network, its convention, the target, a run.

    ``layers`` is the hand-made network; while a run is set, the network shown is the run's
    network at the current frame instead (and the lesson saves that one).
    """

    topic_name: ClassVar[str] = "Logic gates"
    preset: str = setting("XOR", read_choice(PRESETS))
    edited: bool = setting(False, read_bool())
    layers: tuple[LayerRows, ...] = setting(as_rows(GATE_PRESETS["XOR"]), read_layers)
    activation: str = setting("step", read_choice(tuple(ACTIVATIONS)))
    target: str = setting("XOR", read_choice(tuple(GATE_TARGETS)))
    # setting() returns a dataclass field, which ruff cannot see for these annotations.
    train: TrainSettings = setting(TrainSettings(), _read_settings(TrainSettings))  # noqa: RUF009
    run: RunSettings | None = setting(None, read_optional(_read_run))  # noqa: RUF009
    #: The classification playground (None: the four gate points, as on the sheet).
    playground: PlaygroundSettings | None = setting(  # noqa: RUF009
        None, read_optional(_read_playground)
    )


@dataclass(frozen=True)
class GatesFocus(Settings):
    """Where the student looks: the input row, the selected neuron and weight, the side page."""

    topic_name: ClassVar[str] = "Logic gates"
    inputs: tuple[int, int] = setting((1, 0), _read_inputs)
    selected_node: tuple[int, int] = setting((1, 0), _read_node)
    selected_param: tuple[Any, ...] = setting(("b", 1, 0), _read_param)
    page: int = setting(0, read_int(0, len(PAGES) - 1))

    @classmethod
    def for_network(
        cls, layers: Any, inputs: tuple[int, int] = (1, 0), page: int = 0
    ) -> GatesFocus:
        """The focus a fresh network opens with: its output neuron and that neuron's bias."""
        out = len(layers) - 1
        return cls(inputs=inputs, selected_node=(out, 0), selected_param=("b", out, 0), page=page)

    def check(self, layers: Any) -> None:
        """Raise ``ValueError`` when the selection does not exist in the network ``layers``."""
        if self.selected_param not in param_keys(layers):
            raise ValueError("The selected weight does not exist in this network.")
        layer, j = self.selected_node
        if not (0 <= layer < len(layers) and 0 <= j < np.shape(layers[layer][0])[1]):
            raise ValueError("The selected neuron does not exist in this network.")

    def fits(self, layers: Any) -> bool:
        try:
            self.check(layers)
        except ValueError:
            return False
        return True


_FOCUS_KEYS = tuple(f.name for f in fields(GatesFocus))
#: Saved only in the playground, so the sheet's lessons keep exactly their keys.
_PLAYGROUND_VIEW_KEYS = ("shown_map",)
_REQUIRED = ("preset", "layers", "activation", "target", "inputs")


class GatesModel(asking.PracticeMixin, PlaygroundMixin, ShownNetworkMixin, TopicModel):
    """Neurons as logic gates: a network, its convention and target, and a training run.

    Attributes
    ----------
    settings : GatesSettings
    focus : GatesFocus
    run : GateTrainingRun or None
        The whole training run of ``settings.run`` (computed once), or None.
    message : str
        The last sentence for the status bar (listeners hear ``"message"``).
    """

    key: ClassVar[str] = "gates"
    #: Other inputs: practice asks about that row.
    practice_words: ClassVar[frozenset[str]] = frozenset({"settings", "frame", "inputs"})

    def __init__(self) -> None:
        super().__init__()
        self.settings = GatesSettings()
        self.focus = GatesFocus()
        self.run: GateTrainingRun | None = None
        self.play: PlaygroundRun | None = None
        self.shown_map: tuple[int, int] | None = None
        self.message = ""
        # What the network shown computes, filled on first use: a model whose tab is never
        # shown computes nothing; cleared whenever the network or its convention changes.
        self._cache: dict[str, Any] = {}

    def notify(self, what: str) -> None:
        if what in ("settings", "frame"):
            self._cache.clear()
        if what == "frame" and self.play is None:  # another network: asked afresh
            self.practice.clear_answers()
        super().notify(what)

    def _say(self, text: str) -> None:
        self.message = text
        self.notify("message")

    def say(self, text: str) -> None:
        """Put a sentence in the status bar (listeners hear ``"message"``)."""
        self._say(text)

    # ----- the network shown and what it computes ------------------------------------------
    def frame_count(self) -> int:
        if self.play is not None:
            return self.play.last_frame + 1
        return self.run.n_frames if self.run is not None else 1

    def set_frame(self, frame: int) -> None:
        """Show frame ``frame``; in the playground, train up to it first (it may diverge)."""
        if self.play is not None:
            diverged = self.play.diverged_at
            self.play.ensure(int(frame))
            if diverged is None and self.play.diverged_at is not None:
                self._cache.pop("play_status", None)  # it now says where the run stopped
                super().set_frame(frame)
                self._say(
                    f"Training diverged at epoch {self.play.diverged_at}: the weights blew up. "
                    "Try a smaller learning rate."
                )
                return
        super().set_frame(frame)

    def cached_text(self, name: str, compute: Any) -> Any:
        """A text computed once per settings and frame (several views show it)."""
        return self._cached(name, compute)

    def _cached(self, name: str, compute: Any) -> Any:
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    def layers(self) -> Network:
        """The network shown: the run's network at the frame, or the hand-made one (read-only)."""

        def compute() -> Network:
            if self.run is not None:
                layers = self.run.layers_at(self.frame)
            else:
                layers = as_arrays(self.settings.layers)
            for W, b in layers:
                W.setflags(write=False)
                b.setflags(write=False)
            return layers

        return self._cached("layers", compute)

    @property
    def activation(self) -> str:
        return self.settings.activation

    @property
    def target(self) -> str:
        return self.settings.target

    @property
    def current_row(self) -> int:
        """The truth-table row of the current inputs (00, 01, 10, 11 -> 0..3)."""
        a, b = self.focus.inputs
        return 2 * a + b

    # ----- parameters ----------------------------------------------------------------------
    def param_keys(self) -> list[ParamKey]:
        return param_keys(self.layers())

    def parse_param_text(self, key: ParamKey, text: str) -> float:
        """A typed weight or bias, or ``ValueError`` naming it and the value kept."""
        try:
            return parse_number(text, minimum=-WEIGHT_LIMIT, maximum=WEIGHT_LIMIT)
        except ValueError as exc:
            old = format_number(self.param_value(key), 10)
            raise ValueError(f"{self.param_name(key)}: {exc} Still using {old}.") from None

    # ----- changing the settings -----------------------------------------------------------
    def set_settings(self, settings: GatesSettings) -> None:
        """Switch to ``settings`` (training a changed run); ``ValueError`` changes nothing.

        The frame stays (within the new run); a selection that does not exist in the new
        network moves to the output neuron's bias.
        """
        self._apply(settings)

    def _apply(
        self, settings: GatesSettings, *, frame: int | None = None, fresh_focus: bool = False
    ) -> None:
        # Read back through the readers, so settings built in code get the lesson's checks.
        settings = GatesSettings.from_state(settings.to_state())
        run = self.run if settings.run == self.settings.run else _train(settings.run)
        play = self.play
        if settings.playground != self.settings.playground or play is None:
            play = _play_run(settings.playground)
        layers = run.layers_at(0) if run is not None else settings.layers
        focus = self.focus
        if fresh_focus or not focus.fits(layers):
            focus = GatesFocus.for_network(layers, focus.inputs, focus.page)
        self.settings, self.run, self.focus, self.play = settings, run, focus, play
        if play is None:
            self.shown_map = None
        if frame is not None:
            self._frame = int(frame)
        self._settle_frame()
        self.notify("settings")

    def _settle_frame(self) -> None:
        """Clamp the frame to the result; a playground frame is trained before it is shown."""
        self._clamp_frame()
        if self.play is not None:
            self.play.ensure(self.frame)
            self._clamp_frame()

    def presets(self) -> list[str]:
        return list(PRESETS)

    def load_preset(self, name: str) -> None:
        """The sheet's network (and the gate it meant), a textbook gate or a playground;
        ``KeyError`` for an unknown name."""
        if name in PLAYGROUND_NAMES:
            from visualizer.tabs.gates.playground_settings import PLAYGROUND_PRESETS

            playground = PLAYGROUND_PRESETS[name]
            settings = replace(
                self.settings, preset=name, edited=False, run=None, playground=playground
            )
            if self.practice.code:
                self.practice.set_code("")
            self.shown_map = None
            self._apply(settings, frame=0)
            self._say(
                f"{name}: press Play to train a {playground.architecture_text()} "
                f"{playground.activation} network; click the map to add points."
            )
            return
        if name in SHEET_NETWORKS:
            sheet = SHEET_NETWORKS[name]
            layers, target, note = sheet.layers, sheet.target, sheet.note
        elif name in GATE_PRESETS:
            layers, target = GATE_PRESETS[name], name
            note = f"Preset {name}: weights with margin (every |z| ≥ 10)."
        else:
            raise KeyError(name)
        settings = replace(
            self.settings, preset=name, edited=False, layers=as_rows(layers), target=target,
            run=None, playground=None,
        )  # fmt: skip
        if self.practice.code:  # a preset is not the generated exercise any more
            self.practice.set_code("")
        self._apply(settings, frame=0, fresh_focus=True)
        self._say(note)

    def set_activation(self, activation: str) -> None:
        if activation != self.activation:
            self._apply(replace(self.settings, activation=activation))

    def set_target(self, target: str) -> None:
        if target != self.target:
            self._apply(replace(self.settings, target=target))

    def set_param(self, key: ParamKey, value: float) -> None:
        """Set one weight or bias of the network shown; a run is put aside (hand edit)."""
        if tuple(key) not in self.param_keys():
            raise ValueError("The selected weight does not exist in this network.")
        value = float(value)
        if not (math.isfinite(value) and abs(value) <= WEIGHT_LIMIT):
            raise ValueError(
                f"A weight must be a finite number of size at most {format_limit(WEIGHT_LIMIT)}."
            )
        if self.param_value(key) == value:
            return
        layers = [(W.copy(), b.copy()) for W, b in self.layers()]
        if key[0] == "w":
            layers[key[1]][0][key[2], key[3]] = value
        else:
            layers[key[1]][1][key[2]] = value
        had_run = self.run is not None
        self._apply(replace(self.settings, layers=as_rows(layers), edited=True, run=None), frame=0)
        if had_run:
            self._say("Edited by hand: the training run was put aside.")

    def set_train_settings(self, train: TrainSettings) -> None:
        """The settings the next Train uses (the run shown stays until Train)."""
        train = TrainSettings.from_state(train.to_state())
        if train != self.settings.train:
            self.settings = replace(self.settings, train=train)
            self.notify("train")

    def next_run(self) -> RunSettings:
        """The run Train computes now: today's target with the training settings."""
        return RunSettings(target=self.target, **self.settings.train.to_state())

    def run_is_current(self) -> bool:
        """True when the run shown was trained with today's target and training settings."""
        return self.settings.run is not None and self.settings.run == self.next_run()

    def train(self) -> None:
        """Train the target gate from a random start (sigmoid neurons); the run opens on frame 0."""
        switched = self.activation != "sigmoid"
        settings = replace(
            self.settings, activation="sigmoid", edited=False, run=self.next_run(), playground=None
        )
        self._apply(settings, frame=0, fresh_focus=True)
        if switched:
            self._say("Training uses sigmoid neurons, so the activation is now sigmoid.")

    # ----- what the student looks at -------------------------------------------------------
    def _set_focus(self, focus: GatesFocus, what: str) -> None:
        if focus != self.focus:
            self.focus = focus
            self.notify(what)

    def set_inputs(self, a: int, b: int) -> None:
        inputs = _read_inputs((a, b), "inputs")
        self._set_focus(replace(self.focus, inputs=inputs), "inputs")

    def toggle_input(self, index: int) -> None:
        """Flip A (0) or B (1)."""
        inputs = list(self.focus.inputs)
        inputs[index] = 1 - inputs[index]
        self.set_inputs(*inputs)
        self._say(f"{'AB'[index]} is now {inputs[index]}.")

    def select_param(self, key: ParamKey) -> None:
        """Select a weight or bias (and the neuron it belongs to)."""
        focus = replace(self.focus, selected_node=(key[1], key[-1]), selected_param=tuple(key))
        focus.check(self.layers())
        self._set_focus(focus, "selection")

    def select_node(self, layer: int, node: int) -> None:
        """Select a neuron (and its bias)."""
        self.select_param(("b", layer, node))

    def set_page(self, page: int) -> None:
        if not 0 <= page < len(PAGES):
            raise ValueError(f"There is no side page {page}.")
        self._set_focus(replace(self.focus, page=int(page)), "page")

    # ----- exports -------------------------------------------------------------------------
    def table_csv(self) -> str:
        """The truth table (or the playground's points) as CSV."""
        from visualizer.tabs.gates import texts  # texts reads this model: imported late

        return texts.table_csv(self)

    def worked_solution_markdown(self) -> str:
        """Every row, every neuron, worked out (or the playground's run) as Markdown."""
        from visualizer.tabs.gates import texts

        return texts.worked_solution_markdown(self)

    def python_code(self) -> str:
        """A standalone numpy script that recomputes the truth table shown."""
        from visualizer.tabs.gates import code_export  # only an export needs it

        return code_export.python_code(self)

    def torch_code(self) -> str:
        """An empty string: the gates topic has no PyTorch version."""
        from visualizer.tabs.gates import code_export

        return code_export.torch_code(self)

    # ----- practice mode (the questions: asking.PracticeMixin) -----------------------------
    def load_exercise(self, exercise: Exercise) -> None:
        """Show a generated "output" or "truth_table" exercise: its net, inputs and neurons."""
        opened = asking.exercise_settings(self, exercise)
        settings = replace(
            self.settings, edited=True, layers=as_rows(opened["layers"]),
            activation=opened["activation"], run=None, playground=None,
        )  # fmt: skip
        focus = self.focus
        self.focus = replace(focus, inputs=opened["inputs"])
        try:
            self._apply(settings, frame=0, fresh_focus=True)
        except ValueError:
            self.focus = focus
            raise

    # ----- lesson files --------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        s, focus = self.settings, self.focus
        return {
            "preset": s.preset,
            "edited": s.edited,
            "layers": [[W.tolist(), b.tolist()] for W, b in self.layers()],
            "activation": s.activation,
            "target": s.target,
            "inputs": list(focus.inputs),
            "selected_node": list(focus.selected_node),
            "selected_param": list(focus.selected_param),
            "train": s.train.to_state(),
            "run": s.run.to_state() if s.run is not None else None,
            "frame": self.frame,
            "page": focus.page,
            # The playground's keys only when it is on: the sheet's lessons keep theirs.
            **(
                {
                    "playground": s.playground.to_state(),
                    "shown_map": list(self.shown_map) if self.shown_map else None,
                }
                if s.playground is not None
                else {}
            ),
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        super().restore_state(state)
        missing = [key for key in _REQUIRED if key not in state]
        if missing:
            raise ValueError(f"The Logic gates settings lack {', '.join(missing)}.")
        skip = (*_FOCUS_KEYS, *_PLAYGROUND_VIEW_KEYS, "frame")
        settings = GatesSettings.from_state({k: v for k, v in state.items() if k not in skip})
        defaults = GatesFocus.for_network(settings.layers).to_state()
        focus = GatesFocus.from_state(
            {**defaults, **{k: state[k] for k in _FOCUS_KEYS if k in state}}
        )
        focus.check(settings.layers)
        frame = read_int(0)(state.get("frame", 0), "frame")
        if settings.run is not None:
            # A run's network is recomputed, never edited by hand.
            settings = replace(settings, edited=False)
        run = _train(settings.run)
        if run is not None and not focus.fits(run.layers_at(0)):
            focus = GatesFocus.for_network(run.layers_at(0), focus.inputs, focus.page)
        play = _play_run(settings.playground)
        shown = _read_shown_map(state.get("shown_map"), settings.playground)
        self.settings, self.run, self.focus, self.play = settings, run, focus, play
        self.shown_map = shown
        self._frame = frame
        self._settle_frame()
        self.notify("settings")


def _read_shown_map(value: Any, playground: PlaygroundSettings | None) -> tuple[int, int] | None:
    """The hidden neuron the big map shows (None: the output)."""
    if value is None or playground is None:
        return None
    layer, j = _read_node(value, "shown_map")
    if not (0 <= layer < len(playground.hidden) and 0 <= j < playground.hidden[layer]):
        raise ValueError("The setting 'shown_map' names a neuron this network does not have.")
    return layer, j


def _play_run(playground: PlaygroundSettings | None) -> PlaygroundRun | None:
    """The run of a playground (None: the four gate points). Its module, with the classifier
    and MLP maths, is imported here, the first time a playground is shown."""
    if playground is None:
        return None
    from visualizer.tabs.gates.playground import PlaygroundRun

    return PlaygroundRun(playground)


def _train(run: RunSettings | None) -> GateTrainingRun | None:
    if run is None:
        return None
    # Imported when a run is trained: a lesson without one never loads the training maths.
    from visualizer.compute.gate_training import train_gate

    return train_gate(run.target, run.architecture, lr=run.lr, seed=run.seed, epochs=run.epochs)
