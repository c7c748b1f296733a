"""A worksheet as data: numbered questions over chosen topics, each laid out in blocks.

Qt-free. The exercise engine writes each prompt in light Markdown (paragraphs, grids as
tables, a net as a list of neurons); here a prompt becomes blocks that every writer (Markdown,
PDF) lays out the same way: paragraphs, tables (grids with numbered rows and columns, a net's
weights and biases, a truth table to fill in) and the room a student needs to work.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from visualizer.exercises import TOPICS, Exercise, generate
from visualizer.topics import topic as topic_info

#: At most this many questions per topic on one sheet.
MAX_COUNT = 100
#: The largest seed the exercise engine accepts.
MAX_SEED = 2**64 - 1
EXACT = "exact"
MINUS = "\u2212"

_NEURON = re.compile(r"- (\w+) \(inputs ([^)]*)\): w = \(([^)]*)\), b = (.+)")


@dataclass(frozen=True)
class Table:
    """A table of text cells.

    Attributes
    ----------
    header
        The column headings.
    rows
        The cells, row by row, as text ("" is a cell to fill in).
    label
        A short caption above the table, e.g. ``F (5×5)``.
    row_labels
        True when the first cell of each row names the row (a grid's row number).
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    label: str = ""
    row_labels: bool = False

    @property
    def fill_in(self) -> bool:
        """True when some cells are left blank for the student."""
        return any(cell == "" for row in self.rows for cell in row)


#: A block is a paragraph of text or a table.
Block = str | Table


@dataclass(frozen=True)
class Question:
    """One numbered question of a worksheet.

    ``room`` is the space left to work in, in handwritten lines.
    """

    number: int
    exercise: Exercise
    blocks: tuple[Block, ...]
    room: int

    @property
    def key_note(self) -> str:
        """What else the key accepts ("" when only the answer itself is right).

        Three significant digits for a calculator answer; "impossible" beside a padding or
        stride the size formula gives but no layer can use (like the sheet's 4/3); any weights
        that make the gate.
        """
        exercise = self.exercise
        answer = exercise.answer
        if exercise.tolerance != EXACT:
            if isinstance(answer, float):
                rounded = f"{answer:#.3g}".rstrip(".").replace("-", MINUS)
                return f"accept {exercise.tolerance}: {rounded}"
            return f"accept {exercise.tolerance}"
        if exercise.kind in ("padding", "stride") and not isinstance(answer, str):
            usable = 0 if exercise.kind == "padding" else 1
            if Fraction(answer).denominator != 1 or answer < usable:
                return f"“impossible” is right too: no whole {exercise.kind} works"
        if exercise.kind == "weights" and answer != "impossible":
            return "or any weights and bias that give the same truth table"
        return ""


@dataclass(frozen=True)
class Section:
    """The questions of one topic, under the topic's title."""

    topic: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Worksheet:
    """A whole sheet: its sections of numbered questions, for one student or for anyone.

    ``student`` is "" on a sheet with a blank name line.
    """

    title: str
    student: str
    seed: int
    count: int
    sections: tuple[Section, ...]

    @property
    def questions(self) -> list[Question]:
        """Every question, in the order they are numbered."""
        return [question for section in self.sections for question in section.questions]

    @property
    def subtitle(self) -> str:
        """``32 questions · Gradient descent, Logic gates, … · seed 42``."""
        n = len(self.questions)
        topics = ", ".join(section.title for section in self.sections)
        return f"{n} question{'s' if n != 1 else ''} · {topics} · seed {self.seed}"


# ----- validation ------------------------------------------------------------------------------
def check_topics(topics: Sequence[str]) -> tuple[str, ...]:
    """The topics in the order given, each once; ``ValueError`` in one sentence otherwise."""
    chosen: list[str] = []
    for name in topics:
        key = name.strip().lower()
        if not key:  # "descent," or an empty list item
            continue
        if key not in TOPICS:
            raise ValueError(f"Unknown topic “{name.strip()}”: choose from {', '.join(TOPICS)}.")
        if key not in chosen:
            chosen.append(key)
    if not chosen:
        raise ValueError(f"Choose at least one topic from {', '.join(TOPICS)}.")
    return tuple(chosen)


def check_count(count: object) -> int:
    """The questions per topic, 1 to ``MAX_COUNT``; ``ValueError`` in one sentence otherwise."""
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        raise ValueError(f"The count must be a whole number from 1 to {MAX_COUNT} per topic.")
    return count


def check_seed(seed: object) -> int:
    """The seed, 0 to 2^64 − 1; ``ValueError`` in one sentence otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ValueError("The seed must be a whole number from 0 to 2^64 − 1.")
    return seed


# ----- building --------------------------------------------------------------------------------
def build_worksheet(
    topics: Sequence[str], count: int, seed: int, student: str = "", title: str = "Worksheet"
) -> Worksheet:
    """The worksheet of ``count`` questions per topic drawn from ``seed``.

    The same arguments give the same worksheet: exercise ``i`` of a topic is the engine's
    ``generate(topic, seed, count)[i]``, numbered on from the topics before it.

    Raises
    ------
    ValueError
        An unknown topic, a count outside 1..100 or a seed outside 0..2^64 − 1.
    """
    keys = check_topics(topics)
    count = check_count(count)
    seed = check_seed(seed)
    sections = []
    number = 0
    for key in keys:
        questions = []
        for exercise in generate(key, seed, count):
            number += 1
            questions.append(
                Question(number, exercise, prompt_blocks(exercise), room_lines(exercise))
            )
        sections.append(Section(key, topic_info(key).title, tuple(questions)))
    return Worksheet(title, student, seed, count, tuple(sections))


def prompt_blocks(exercise: Exercise) -> tuple[Block, ...]:
    """The prompt as paragraphs and tables; a truth-table question gets a table to fill in.

    A short paragraph ending in ":" right before a table becomes the table's label, so the
    sheet can set ``F`` and ``K`` side by side.
    """
    blocks: list[Block] = []
    for chunk in exercise.prompt.split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("|") for line in lines) and len(lines) >= 2:
            table = _grid_table(lines)
            previous = blocks[-1] if blocks else None
            if isinstance(previous, str) and previous.endswith(":") and len(previous) <= 40:
                blocks[-1] = Table(table.header, table.rows, previous[:-1], table.row_labels)
            else:
                blocks.append(table)
        elif all(_NEURON.fullmatch(line) for line in lines):
            blocks.append(_net_table(lines))
        elif all(line.startswith("- ") for line in lines):
            blocks.extend(line for line in lines)
        else:
            blocks.append(" ".join(lines))
    if exercise.kind == "truth_table":
        blocks.append(_truth_table_to_fill(blocks))
    return tuple(blocks)


def _cells(line: str) -> list[str]:
    return [cell.strip().replace("**", "") for cell in line.strip().strip("|").split("|")]


def _grid_table(lines: list[str]) -> Table:
    header = _cells(lines[0])
    body = [_cells(line) for line in lines[1:] if not re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", line)]
    # The engine's grids number rows in a first column whose heading is empty.
    row_labels = header[0] == "" and all(row[0].isdigit() for row in body)
    return Table(tuple(header), tuple(tuple(row) for row in body), "", row_labels)


def _net_table(lines: list[str]) -> Table:
    """A net's neurons as rows: name, the weight on each input, bias."""
    rows = []
    for line in lines:
        match = _NEURON.fullmatch(line)
        assert match is not None  # checked by the caller
        name, inputs, weights, bias = match.groups()
        pairs = zip(
            (s.strip() for s in inputs.split(",")),
            (s.strip() for s in weights.split(",")),
            strict=False,
        )
        rows.append((name, ",  ".join(f"{i}: {w}" for i, w in pairs), bias.strip()))
    return Table(("Neuron", "Weights (input: w)", "Bias b"), tuple(rows), "The network")


def _truth_table_to_fill(blocks: list[Block]) -> Table:
    """A, B, every hidden neuron and Out for the four input rows, blank where computed."""
    neurons: list[str] = []
    for block in blocks:
        if isinstance(block, Table) and block.header and block.header[0] == "Neuron":
            neurons = [row[0] for row in block.rows]
    if "Out" not in neurons:
        neurons.append("Out")
    rows = tuple(
        (a, b, *([""] * len(neurons))) for a, b in (("0", "0"), ("0", "1"), ("1", "0"), ("1", "1"))
    )
    return Table(("A", "B", *neurons), rows, "Truth table to fill in")


def room_lines(exercise: Exercise) -> int:
    """Handwritten lines a student needs for the working (a table to fill in counts too)."""
    data: dict[str, Any] = exercise.data
    if exercise.topic == "descent":
        steps = int(data.get("steps", 1))
        per_step = 2 if data.get("objective") == "square" else 3
        if exercise.kind == "momentum":
            per_step += 1
        return 1 + per_step * steps
    rooms = {
        "output": 4,
        "truth_table": 3,
        "weights": 5,
        "shape": 2,
        "dE_df2": 2,
        "dE_dW2": 2,
        "output_size": 2,
        "padding": 3,
        "stride": 3,
        "conv_cell": 4,
        "pool_cell": 3,
    }
    return rooms.get(exercise.kind, 3)


def plain_answer(exercise: Exercise) -> str:
    """The answer as a spreadsheet reads it: the key's text with an ASCII minus sign."""
    return exercise.answer_text.replace(MINUS, "-")
