"""Worksheets without Qt: the sheet's questions and layout blocks, Markdown, the roster, seeds."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from fractions import Fraction

import pytest

from visualizer.exercises import TOPICS, from_code, generate
from visualizer.worksheet import (
    Table,
    build_worksheet,
    key_markdown,
    parse_roster,
    read_roster,
    sheet_markdown,
    student_seed,
    student_seeds,
)

MINUS = "\u2212"


def _number(text: str) -> Fraction:
    return Fraction(text.replace(MINUS, "-"))


# ----- the sheet -------------------------------------------------------------------------------
def test_questions_are_numbered_on_across_topics_in_the_order_given():
    sheet = build_worksheet(["conv", "descent"], 3, 42)
    assert [s.topic for s in sheet.sections] == ["conv", "descent"]
    assert [q.number for q in sheet.questions] == [1, 2, 3, 4, 5, 6]
    codes = [q.exercise.code for q in sheet.questions]
    assert codes == [f"conv-42-{i}" for i in range(3)] + [f"descent-42-{i}" for i in range(3)]
    for question in sheet.questions:
        assert from_code(question.exercise.code) == question.exercise
        assert question.room >= 2


def test_topics_are_checked_and_each_kept_once():
    assert [s.topic for s in build_worksheet(["gates", "GATES", " conv"], 1, 0).sections] == [
        "gates",
        "conv",
    ]
    with pytest.raises(ValueError, match="Unknown topic “foo”"):
        build_worksheet(["descent", "foo"], 1, 0)
    with pytest.raises(ValueError, match="at least one topic"):
        build_worksheet([""], 1, 0)
    for count in (0, -1, 101, 2.5, True):
        with pytest.raises(ValueError, match="count"):
            build_worksheet(["conv"], count, 0)  # type: ignore[arg-type]
    for seed in (-1, 2**64, 1.0):
        with pytest.raises(ValueError, match="seed"):
            build_worksheet(["conv"], 1, seed)  # type: ignore[arg-type]


def _questions_of_kind(kind: str, topic: str, count: int = 40):
    found = []
    for seed in range(3):
        sheet = build_worksheet([topic], count, seed)
        found += [q for q in sheet.questions if q.exercise.kind == kind]
    assert found, kind
    return found


def test_grids_are_tables_with_the_exercise_numbers_and_numbered_rows():
    for question in _questions_of_kind("conv_cell", "conv"):
        data = question.exercise.data
        tables = [b for b in question.blocks if isinstance(b, Table)]
        assert [t.label.split(" ")[0] for t in tables] == ["F", "K"]
        for table, grid in zip(tables, (data["image"], data["kernel"]), strict=True):
            n = len(grid)
            assert table.label == f"{table.label[0]} ({n}×{n})"
            assert table.row_labels
            assert table.header == ("", *(str(c) for c in range(1, n + 1)))
            assert [row[0] for row in table.rows] == [str(r) for r in range(1, n + 1)]
            values = [[_number(cell) for cell in row[1:]] for row in table.rows]
            assert values == [[Fraction(str(v)) for v in row] for row in grid]
        # The question itself stays in the paragraphs around the tables.
        assert any("row" in b and "column" in b for b in question.blocks if isinstance(b, str))
    for question in _questions_of_kind("pool_cell", "conv"):
        (table,) = [b for b in question.blocks if isinstance(b, Table)]
        grid = question.exercise.data["grid"]
        assert [[_number(c) for c in row[1:]] for row in table.rows] == [
            [Fraction(str(v)) for v in row] for row in grid
        ]


def test_nets_are_tables_of_weights_and_biases():
    for question in _questions_of_kind("output", "gates") + _questions_of_kind(
        "truth_table", "gates"
    ):
        layers = question.exercise.data["layers"]
        net = next(b for b in question.blocks if isinstance(b, Table) and b.label == "The network")
        assert net.header == ("Neuron", "Weights (input: w)", "Bias b")
        expected = []
        inputs = ["A", "B"]
        names = [["Out"]] if len(layers) == 1 else [["C", "D"], ["Out"]]
        for (weights, biases), layer_names in zip(layers, names, strict=True):
            for j, name in enumerate(layer_names):
                expected.append(
                    (name, [(i, weights[k][j]) for k, i in enumerate(inputs)], biases[j])
                )
            inputs = layer_names
        assert len(net.rows) == len(expected)
        for row, (name, pairs, bias) in zip(net.rows, expected, strict=True):
            assert row[0] == name
            shown = [part.split(":") for part in row[1].split(",")]
            assert [(i.strip(), _number(w.strip())) for i, w in shown] == [
                (i, Fraction(str(w))) for i, w in pairs
            ]
            assert _number(row[2]) == Fraction(str(bias))
        # No bullet list of neurons is left in the text.
        assert not any(b.startswith("- ") for b in question.blocks if isinstance(b, str))


def test_a_truth_table_question_has_a_table_to_fill_in():
    for question in _questions_of_kind("truth_table", "gates"):
        table = question.blocks[-1]
        assert isinstance(table, Table) and table.fill_in
        hidden = 2 if len(question.exercise.data["layers"]) == 2 else 0
        assert table.header[:2] == ("A", "B") and table.header[-1] == "Out"
        assert len(table.header) == 3 + hidden
        assert [row[:2] for row in table.rows] == [("0", "0"), ("0", "1"), ("1", "0"), ("1", "1")]
        assert all(cell == "" for row in table.rows for cell in row[2:])


def test_three_digit_answers_say_what_the_key_accepts():
    for question in _questions_of_kind("gd", "descent"):
        exercise = question.exercise
        if exercise.tolerance == "exact":
            assert question.key_note == ""
        else:
            rounded = question.key_note.rsplit(": ", 1)[1].replace(MINUS, "-")
            assert float(rounded) == pytest.approx(exercise.answer, rel=5e-3)
            assert len(rounded.lstrip("-").replace(".", "").lstrip("0")) == 3


# ----- Markdown --------------------------------------------------------------------------------
def test_markdown_sheet_has_title_name_line_every_code_and_room_to_work():
    sheet = build_worksheet(list(TOPICS), 4, 42)
    text = sheet_markdown(sheet)
    assert text.startswith("# Worksheet\n")
    assert "**Name:** ____" in text and "**Date:** ____" in text
    for topic in TOPICS:
        for exercise in generate(topic, 42, 4):
            assert f"`{exercise.code}`" in text
    headings = re.findall(r"^### Question (\d+) · `([a-z]+-\d+-\d+)`$", text, flags=re.M)
    assert [int(n) for n, _ in headings] == list(range(1, 17))
    assert text.count("**Answer:** ____") == 16
    assert text.count("<br>") >= 16 * 2
    # Grids and nets are Markdown tables.
    assert re.search(r"^\| \*\*1\*\* \| ", text, flags=re.M)
    assert "| Neuron | Weights (input: w) | Bias b |" in text


def test_markdown_key_has_every_answer_and_its_worked_solution():
    sheet = build_worksheet(list(TOPICS), 5, 7)
    key = key_markdown(sheet)
    for question in sheet.questions:
        exercise = from_code(question.exercise.code)  # rebuilt independently of the sheet
        assert f"| {question.number} | `{exercise.code}` | {exercise.answer_text} |" in key
        section = key.split(f"### {question.number} · `{exercise.code}`\n", 1)[1]
        assert section.startswith(f"\n**Answer:** {exercise.answer_text}")
        block = section.split("```text\n", 1)[1].split("```", 1)[0]
        assert block.splitlines() == exercise.solution


def test_markdown_is_the_same_bytes_every_time_and_named_sheets_differ():
    a = sheet_markdown(build_worksheet(["conv", "gates"], 3, 5)).encode()
    b = sheet_markdown(build_worksheet(["conv", "gates"], 3, 5)).encode()
    assert a == b
    named = sheet_markdown(build_worksheet(["conv"], 1, 5, student="Ann Lee"))
    assert "**Name:** Ann Lee" in named
    assert sheet_markdown(build_worksheet(["conv", "gates"], 3, 6)).encode() != a


# ----- roster ----------------------------------------------------------------------------------
def test_roster_with_a_name_column_bom_blank_lines_and_other_columns(tmp_path):
    path = tmp_path / "class.csv"
    text = '\ufeffid,Name,group\r\n1,Ann Lee,a\r\n\r\n2,  Bob   Ray ,b\r\n3,"Lee, Ann",c\r\n,,\r\n'
    path.write_bytes(text.encode())
    assert read_roster(path) == ["Ann Lee", "Bob Ray", "Lee, Ann"]


def test_roster_with_semicolons_or_one_name_per_line():
    assert parse_roster("name;grade\nZoë Kim;3\nÅsa Berg;4\n") == ["Zoë Kim", "Åsa Berg"]
    assert parse_roster('\n  Ann Lee\nBob Ray\n\n"Lee, Ann"\n') == [
        "Ann Lee",
        "Bob Ray",
        "Lee, Ann",
    ]
    # Decomposed and composed accents are the same name.
    assert parse_roster("Zoe\u0308\n") == ["Zoë"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,group\nAnn,a\n,b\n", "Line 3 of r.csv has an empty name."),
        ('Ann\n""\n', "Line 2 of r.csv has an empty name."),
        ("name\nAnn\nBob\nann\n", "Line 4 of r.csv repeats the name “ann” of line 2"),
        ("\n\n  \n", "r.csv holds no names."),
        ("name\n\n", "r.csv holds no names."),
        ("x" * 101 + "\n", "Line 1 of r.csv has a name longer than 100 characters."),
    ],
)
def test_bad_rosters_are_refused_naming_the_line(text, message):
    with pytest.raises(ValueError) as info:
        parse_roster(text, "r.csv")
    assert str(info.value).startswith(message)
    assert str(info.value).endswith(".")


def test_unreadable_rosters_are_refused_in_one_sentence(tmp_path):
    with pytest.raises(ValueError, match=r"cannot be read: no such file"):
        read_roster(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="cannot be read"):
        read_roster(tmp_path)
    binary = tmp_path / "photo.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ValueError, match="is not a text file"):
        read_roster(binary)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nJosé\n".encode("cp1252"))
    assert read_roster(latin) == ["José"]


def test_student_seeds_come_from_sha256_of_the_seed_and_the_name():
    for seed, name in ((42, "Ann Lee"), (0, "Zoë"), (2**64 - 1, "B")):
        digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
        assert student_seed(seed, name) == int.from_bytes(digest[:8], "big") % 10**9
    assert student_seed(42, "  Ann   Lee ") == student_seed(42, "Ann Lee")
    assert student_seed(42, "Ann Lee") != student_seed(43, "Ann Lee")
    names = [f"Student {i}" for i in range(500)]
    assert len(set(student_seeds(1, names))) == 500


def test_student_seeds_do_not_depend_on_pythons_hash_randomization():
    code = "from visualizer.worksheet import student_seed; print(student_seed(42, 'Ann Lee'))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(hash_seed), "PATH": ""},
        ).stdout.strip()
        for hash_seed in (1, 2)
    }
    assert outputs == {str(student_seed(42, "Ann Lee"))}


def test_worksheet_package_loads_no_qt():
    code = (
        "import sys, visualizer.worksheet, visualizer.worksheet.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_key_says_impossible_is_right_exactly_when_no_whole_value_works():
    seen = set()
    for kind in ("padding", "stride"):
        for question in _questions_of_kind(kind, "conv"):
            d = question.exercise.data
            if kind == "padding":
                whole = [
                    p
                    for p in range(0, 60)
                    if d["f"] <= d["n"] + 2 * p
                    and (d["n"] + 2 * p - d["f"]) // d["stride"] + 1 == d["out"]
                ]
            else:
                span = d["n"] + 2 * d["padding"] - d["f"]
                whole = [s for s in range(1, 60) if span >= 0 and span // s + 1 == d["out"]]
            says_impossible = "impossible" in question.key_note
            assert says_impossible == (not whole), (question.exercise.code, whole)
            seen.add(says_impossible)
    assert seen == {True, False}
    for question in _questions_of_kind("weights", "gates"):
        if question.exercise.answer == "impossible":
            assert question.key_note == ""
        else:
            assert "any weights" in question.key_note
