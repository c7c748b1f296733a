"""Exports that can fail: the numbers of REFERENCE.md in each exercise's Markdown, the CSV equal
to the table cell for cell, the SVG with the picture's shapes and text, one sentence on a bad path.

The expected numbers are typed in from the reference table (recomputed there in float64 from
the definitions), never taken from the app.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest

from visualizer.app import create_window
from visualizer.resources_path import resource_path

F_PRIME = [15.5, 21, 27, 8, 4.5, 30, 9.5, 22.5, 13.5, -6.5, 18, 4, -5, 6, -12.5, 4.5]
POOLED = [17.75, 16.75, 2, 3.5]

#: lesson file -> numbers REFERENCE.md gives for it
REFERENCE = {
    "exercise-1a.json": [-0.05, -0.09575013021851926, -0.13763771842581057,
                         -0.02393689150943369, -0.04398265469655064, -0.06079478852684933],
    "exercise-1b.json": [-0.5, -0.6207780880345858, -0.676497308917168,
                         -0.1496115633936199, -0.1601399925974373, -0.16251748448720163],
    "exercise-1c.json": [-2.997545167609435, -2.995082708753491, -2.9926125791343785,
                         -0.01813166529499688, -0.018192396733478253, -0.018253507384506158],
    "exercise-1c-momentum.json": [-2.997545167609435, -2.9928733596019823, -2.986191702877126,
                                  -0.01813166529499688, -0.01824704671202677,
                                  -0.01841325299731993],
    "exercise-2a-and.json": [0.25, 0.25, -0.5],
    "exercise-2b-or.json": [0.25, 0.25, -0.5],
    "exercise-2c-xor.json": [1, -1, -0.5],
    "exercise-2d-xnor.json": [-1, 0.5, -0.5],
}  # fmt: skip
#: conv lessons -> (the output table, the pooled table) REFERENCE.md gives
CONV_TABLES = {
    "exercise-4.json": (F_PRIME, None),
    "exercise-4c.json": (F_PRIME, POOLED),
    "exercise-4d.json": (F_PRIME, POOLED),
}


def _numbers(text: str) -> list[tuple[float, int]]:
    """Every number written in ``text``, with how many decimals it was written with."""
    found = []
    for token in re.findall(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text):
        token = token.replace("−", "-")
        decimals = len(token.split(".")[1].split("e")[0]) if "." in token else 0
        found.append((float(token), decimals))
    return found


def _written(text: str, value: float) -> bool:
    """``value`` appears in ``text``, correctly rounded to the decimals it is written with."""
    return any(
        abs(number - value) <= 0.5 * 10.0**-decimals + 1e-12
        and (decimals >= 4 or abs(value) >= 0.1 or number == value)
        for number, decimals in _numbers(text)
    )


@pytest.fixture(scope="module")
def window():
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    w = create_window()
    w.resize(1280, 800)
    w.show()
    yield w
    w.close()
    w.deleteLater()


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_worked_solution_holds_the_reference_numbers(window, tmp_path, name):
    window.open_lesson(resource_path("lessons", name))
    path = tmp_path / "solution.md"
    window.export_current("md", path)
    text = path.read_text(encoding="utf-8")
    missing = [value for value in REFERENCE[name] if not _written(text, value)]
    assert not missing, f"{name}: {missing} not in the worked solution"


def _table_after(text: str, heading: str) -> list[float]:
    """The numbers of the first Markdown table under the heading ``## heading`` (a prefix when
    ``heading`` ends with "...")."""
    lines = text.splitlines()
    prefix = heading.removesuffix("...")
    start = next(
        i
        for i, line in enumerate(lines)
        if line == f"## {heading}" or (heading.endswith("...") and line.startswith(f"## {prefix}"))
    )
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("## "):
            break
        if line.startswith("|---"):
            continue
        if line.startswith("|"):
            rows.append(line)
        elif rows:
            break
    return [float(cell) for row in rows[1:] for cell in row.strip("|").split("|")]


@pytest.mark.parametrize("name", sorted(CONV_TABLES))
def test_conv_worked_solution_tables_are_the_reference_grids(window, tmp_path, name):
    # Whole tables in order: the sheet's slips (-2.5, 11.75) are quoted in the notes, so
    # finding a number somewhere in the text would not be enough.
    window.open_lesson(resource_path("lessons", name))
    path = tmp_path / "solution.md"
    window.export_current("md", path)
    text = path.read_text(encoding="utf-8")
    output, pooled = CONV_TABLES[name]
    assert _table_after(text, "Output") == output
    if pooled is not None:
        assert _table_after(text, "2x2 average pooling...") == pooled


def test_sheet_4b_says_stride_four_thirds_is_impossible(window, tmp_path):
    window.open_lesson(resource_path("lessons", "exercise-4b.json"))
    path = tmp_path / "4b.md"
    window.export_current("md", path)
    text = path.read_text(encoding="utf-8")
    assert "4/3" in text and "not a whole number" in text


def test_backprop_worked_solution_has_the_sheets_shapes_and_o_minus_y(window, tmp_path):
    window.open_lesson(resource_path("lessons", "exercise-3.json"))
    path = tmp_path / "3.md"
    window.export_current("md", path)
    text = path.read_text(encoding="utf-8")
    # REFERENCE 3: factor shapes dE/do 1xK, do/df2 KxK, df2/da KxM, da/df1 MxM, df1/dx MxN.
    for tensor, shape in [("dE/do", "1×K"), ("do/df2", "K×K"), ("df2/da", "K×M"),
                          ("da/df1", "M×M"), ("df1/dx", "M×N"), ("dE/dx", "1×N"),
                          ("dE/dW1", "N×M"), ("dE/dW2", "M×K")]:  # fmt: skip
        row = next(line for line in text.splitlines() if line.startswith(f"| {tensor} "))
        assert f"| {shape} |" in row, row
    # dE/df2 = o − y, with o and y as the solution writes them.
    o = [float(v) for v in re.search(r"o = \[([^\]]+)\]", text).group(1).split(",")]
    y = [float(v) for v in re.search(r"y = \[([^\]]+)\]", text).group(1).split(",")]
    de_df2 = re.search(r"dE/df2 = \(o − y\) = \[([^\]]+)\]", text).group(1).split(",")
    for got, o_k, y_k in zip(de_df2, o, y, strict=True):
        assert float(got) == pytest.approx(o_k - y_k, abs=2e-4)


@pytest.mark.parametrize(
    ("name", "outputs"),
    [("exercise-2a-and.json", "0001"), ("exercise-2b-or.json", "0001"),
     ("exercise-2c-xor.json", "0110")],
)  # fmt: skip
def test_truth_table_csv_is_the_reference_truth_table(window, tmp_path, name, outputs):
    # REFERENCE 2: the sheet's "OR" is an AND; its XOR is right under either convention.
    window.open_lesson(resource_path("lessons", name))
    path = tmp_path / "table.csv"
    window.export_current("csv", path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert "".join(row["Out"] for row in rows) == outputs


def test_descent_csv_equals_the_table_cell_for_cell(window, tmp_path):
    window.open_lesson(resource_path("lessons", "exercise-1c-momentum.json"))
    tab = window.current_tab()
    path = tmp_path / "iterates.csv"
    window.export_current("csv", path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["t", "x_t"]
    assert len(body) == 4
    for r, row in enumerate(body):
        for c, value in enumerate(row):
            shown = tab.cell(r, c).replace("−", "-")
            # The table shows 7 significant digits; the CSV keeps every digit.
            assert float(shown) == pytest.approx(float(value), rel=1e-6, abs=1e-9), (r, c)
    reference = [-3.0, -2.997545167609435, -2.9928733596019823, -2.986191702877126]
    assert [float(row[1]) for row in body] == pytest.approx(reference, abs=1e-15)


def test_conv_csv_is_the_reference_output(window, tmp_path):
    window.open_lesson(resource_path("lessons", "exercise-4.json"))
    path = tmp_path / "output.csv"
    window.export_current("csv", path)
    text = path.read_text(encoding="utf-8")
    values = [float(v) for row in csv.reader(io.StringIO(text)) for v in row if _is_number(v)]
    assert all(any(v == want for v in values) for want in F_PRIME)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("key", "lesson", "words"),
    [("descent", "exercise-1a.json", ["GeLU(x)", "step t"]),
     ("conv", "exercise-4.json", ["15.5", "-12.5", "17.75"]),
     ("gates", "exercise-2c-xor.json", ["Out", "Decision regions"]),
     ("backprop", "exercise-3.json", ["W1", "softmax"])],
)  # fmt: skip
def test_svg_holds_the_pictures_shapes_and_text(window, tmp_path, key, lesson, words):
    window.open_lesson(resource_path("lessons", lesson))
    assert window.current_key() == key
    path = tmp_path / "view.svg"
    window.export_current("svg", path)
    root = ET.parse(path).getroot()
    tags = [element.tag.rsplit("}", 1)[-1] for element in root.iter()]
    shapes = sum(tags.count(tag) for tag in ("path", "polyline", "polygon", "rect", "ellipse"))
    assert shapes >= 20, f"only {shapes} shapes"
    text = " ".join("".join(element.itertext()) for element in root.iter() if
                    element.tag.endswith("text"))  # fmt: skip
    missing = [word for word in words if word not in text]
    assert not missing, f"{missing} not drawn as text in the SVG"


@pytest.mark.parametrize("kind", ["png", "svg", "csv", "md", "code"])
def test_an_unwritable_path_gives_one_sentence(window, tmp_path, kind):
    window.open_lesson(resource_path("lessons", "exercise-4c.json"))
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    path = blocker / f"export.{kind}"  # a folder that is a file: cannot be written
    with pytest.raises((ValueError, OSError)) as info:
        window.export_current(kind, path)
    message = str(info.value)
    assert "\n" not in message and message.endswith(".")
    assert str(path) in message or path.name in message
