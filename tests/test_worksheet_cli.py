"""``python -m visualizer worksheet``: files in each format, determinism, rosters, every error."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from visualizer.cli import main as app_main
from visualizer.exercises import from_code
from visualizer.worksheet import cli, job

MINUS = "\u2212"
TOPIC_LIST = "descent,gates,backprop,conv"


@pytest.fixture(autouse=True)
def _qt_application(qapp):
    # PDFs need a QGuiApplication; pytest-qt's QApplication must be the one, or later widget
    # tests in the session would find a bare QGuiApplication.
    return qapp


def run(argv, capsys):
    code = app_main(["worksheet", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def opts(**options) -> list[str]:
    """``opts(count=2, out=path)`` -> ``["--count", "2", "--out", "path"]``."""
    return [part for name, value in options.items() for part in (f"--{name}", str(value))]


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def without_dates(data: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", data)


def one_sentence(err: str) -> str:
    assert err.startswith("error: ")
    assert err.count("\n") == 1 and err.endswith(".\n"), err
    sentence = err[len("error: ") :].strip()
    assert len(re.findall(r"[.!?](?:\s|$)", sentence)) == 1, sentence
    return sentence


# ----- one sheet -------------------------------------------------------------------------------
def test_markdown_sheet_and_key(tmp_path, capsys):
    code, out, err = run(
        opts(topics=TOPIC_LIST, count=2, seed=42, out=tmp_path / "s.md", answers=tmp_path / "k.md"),
        capsys,
    )
    assert (code, err) == (0, "")
    assert "Wrote" in out
    assert files_in(tmp_path) == ["k.md", "s.md"]
    sheet = (tmp_path / "s.md").read_text(encoding="utf-8")
    key = (tmp_path / "k.md").read_text(encoding="utf-8")
    codes = re.findall(r"`([a-z]+-42-\d+)`", sheet)
    assert codes == [f"{t}-42-{i}" for t in TOPIC_LIST.split(",") for i in range(2)]
    for code_text in codes:
        exercise = from_code(code_text)
        assert f"`{code_text}` | {exercise.answer_text} |" in key
        assert "\n".join(exercise.solution) in key


def test_pdf_sheet_and_key(tmp_path, capsys):
    code, _, err = run(
        ["--count", 2, "--seed", 3, "--out", tmp_path / "s.pdf", "--answers", tmp_path / "k.pdf"],
        capsys,
    )
    assert (code, err) == (0, "")
    for name, title in (("s.pdf", "Deep learning worksheet"), ("k.pdf", "Answer key")):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert len(re.findall(rb"/Type /Page\b", data)) >= 2
        assert title.encode() in data  # the XMP title, in plain UTF-8
        assert b"Deep Learning Visualizer" in data
    assert files_in(tmp_path) == ["k.pdf", "s.pdf"]


def test_formats_can_differ_and_the_key_is_optional(tmp_path, capsys):
    assert (
        run(["--count", 1, "--out", tmp_path / "a.PDF", "--answers", tmp_path / "b.md"], capsys)[0]
        == 0
    )
    assert run(["--count", 1, "--out", tmp_path / "c.md"], capsys)[0] == 0
    assert files_in(tmp_path) == ["a.PDF", "b.md", "c.md"]
    assert (tmp_path / "a.PDF").read_bytes().startswith(b"%PDF")


def test_same_arguments_same_markdown_bytes_and_same_pdf_apart_from_the_date(tmp_path, capsys):
    for n in (1, 2):
        args = ["--topics", "conv,gates", "--count", 2, "--seed", 9]
        assert (
            run(
                [*args, "--out", tmp_path / f"s{n}.md", "--answers", tmp_path / f"k{n}.md"], capsys
            )[0]
            == 0
        )
        assert (
            run(
                [*args, "--out", tmp_path / f"s{n}.pdf", "--answers", tmp_path / f"k{n}.pdf"],
                capsys,
            )[0]
            == 0
        )
    for name in ("s", "k"):
        assert (tmp_path / f"{name}1.md").read_bytes() == (tmp_path / f"{name}2.md").read_bytes()
        a = (tmp_path / f"{name}1.pdf").read_bytes()
        b = (tmp_path / f"{name}2.pdf").read_bytes()
        assert without_dates(a) == without_dates(b)
    other = tmp_path / "other.md"
    assert (
        run(["--topics", "conv,gates", "--count", 2, "--seed", 10, "--out", other], capsys)[0] == 0
    )
    assert other.read_bytes() != (tmp_path / "s1.md").read_bytes()


def test_pdf_bytes_are_the_same_in_two_processes(tmp_path):
    # Qt shuffles some internal tables per process; the PDF must not show it.
    for n in (1, 2):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "visualizer",
                "worksheet",
                "--count",
                "1",
                "--seed",
                "4",
                "--out",
                str(tmp_path / f"s{n}.pdf"),
                "--answers",
                str(tmp_path / f"k{n}.pdf"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    for name in ("s", "k"):
        a = (tmp_path / f"{name}1.pdf").read_bytes()
        b = (tmp_path / f"{name}2.pdf").read_bytes()
        assert without_dates(a) == without_dates(b)
        assert b"/CreationDate" in a  # what was stripped is the date, nothing else


# ----- a roster --------------------------------------------------------------------------------
def roster(tmp_path: Path, names) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text("name,group\n" + "".join(f"{n},x\n" for n in names), encoding="utf-8")
    return path


def test_roster_writes_a_sheet_per_student_and_answers_csv(tmp_path, capsys):
    names = ["Ann Lee", "Bob Ray", "Zoë Kim"]
    path = roster(tmp_path, names)
    code, _, err = run(
        opts(
            topics="descent,conv",
            count=2,
            seed=42,
            out=tmp_path / "class.md",
            answers=tmp_path / "keys",
            students=path,
        ),
        capsys,
    )
    assert code == 0
    assert err.splitlines() == [f"student {i} of 3" for i in (1, 2, 3)]
    stems = ["001-Ann_Lee", "002-Bob_Ray", "003-Zoe_Kim"]
    assert files_in(tmp_path / "class") == [*(f"{s}.md" for s in stems), "answers.csv"]
    assert files_in(tmp_path / "keys") == [f"{s}.md" for s in stems]
    with open(tmp_path / "class" / "answers.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student", "question", "exercise code", "answer"]
    assert len(rows) - 1 == 3 * 4
    prompts = []
    for name, stem in zip(names, stems, strict=True):
        mine = [row for row in rows[1:] if row[0] == name]
        assert [row[1] for row in mine] == ["1", "2", "3", "4"]
        seed = int.from_bytes(hashlib.sha256(f"42/{name}".encode()).digest()[:8], "big") % 10**9
        assert [row[2] for row in mine] == [
            f"{t}-{seed}-{i}" for t in ("descent", "conv") for i in range(2)
        ]
        sheet = (tmp_path / "class" / f"{stem}.md").read_text(encoding="utf-8")
        key = (tmp_path / "keys" / f"{stem}.md").read_text(encoding="utf-8")
        assert f"**Name:** {name}" in sheet and f"**Student:** {name}" in key
        for _, _, code_text, answer in mine:
            exercise = from_code(code_text)
            assert answer == exercise.answer_text.replace(MINUS, "-")
            assert f"`{code_text}`" in sheet and exercise.answer_text in key
            prompts.append(exercise.prompt)
    # Different students get different questions.
    assert len(set(prompts)) > len(prompts) // 2
    first = [from_code(r[2]).prompt for r in rows[1:] if r[0] == names[0]]
    second = [from_code(r[2]).prompt for r in rows[1:] if r[0] == names[1]]
    assert first != second


def test_same_roster_twice_gives_the_same_files_and_replaces_the_earlier_folder(tmp_path, capsys):
    path = roster(tmp_path, ["A", "B"])
    contents = []
    for _ in range(2):
        assert run(["--count", 1, "--out", tmp_path / "out.md", "--students", path], capsys)[0] == 0
        folder = tmp_path / "out"
        contents.append({p.name: p.read_bytes() for p in folder.iterdir()})
    assert contents[0] == contents[1]
    assert sorted(contents[0]) == ["001-A.md", "002-B.md", "answers.csv"]
    assert sorted(os.listdir(tmp_path)) == ["out", "roster.csv"]  # no temporary left over


def test_roster_pdfs(tmp_path, capsys):
    path = roster(tmp_path, ["Ann", "Bob"])
    code, _, _ = run(
        opts(
            topics="gates",
            count=1,
            out=tmp_path / "pdfs",
            answers=tmp_path / "keys.pdf",
            students=path,
        ),
        capsys,
    )
    assert code == 0
    assert files_in(tmp_path / "pdfs") == ["001-Ann.pdf", "002-Bob.pdf", "answers.csv"]
    assert files_in(tmp_path / "keys") == ["001-Ann.pdf", "002-Bob.pdf"]
    assert (tmp_path / "keys" / "001-Ann.pdf").read_bytes().startswith(b"%PDF")


def test_a_class_of_200_in_markdown_counts_every_student(tmp_path, capsys):
    path = tmp_path / "names.txt"
    path.write_text("".join(f"Student {i}\n" for i in range(200)), encoding="utf-8")
    code, _, err = run(["--count", 1, "--out", tmp_path / "all.md", "--students", path], capsys)
    assert code == 0
    assert err.splitlines() == [f"student {i} of 200" for i in range(1, 201)]
    assert len(os.listdir(tmp_path / "all")) == 201
    with open(tmp_path / "all" / "answers.csv", encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == 1 + 200 * 4


# ----- errors ----------------------------------------------------------------------------------
def error_cases(tmp_path: Path):
    empty_name = tmp_path / "empty.csv"
    empty_name.write_text("name,group\nAnn,a\n  \nBob,b\n ,c\n", encoding="utf-8")
    (tmp_path / "a_folder").mkdir()
    (tmp_path / "folder.md").mkdir()
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.docx").write_text("mine", encoding="utf-8")
    good = roster(tmp_path, ["Ann", "Bob"])
    out = str(tmp_path / "s.md")
    return [
        (["--topics", "descent,foo", "--out", out], "Unknown topic “foo”"),
        (["--count", "0", "--out", out], "The count must be"),
        (["--count", "101", "--out", out], "The count must be"),
        (["--seed", "-1", "--out", out], "The seed must be"),
        (["--out", str(tmp_path / "s.txt")], "s.txt must end in .pdf or .md"),
        (["--out", out, "--answers", str(tmp_path / "k.docx")], "k.docx must end in"),
        (["--out", str(tmp_path / "nowhere" / "s.pdf")], "Cannot write"),
        (["--out", str(tmp_path / "a_file" / "s.md")], "Cannot write"),
        (["--out", str(tmp_path / "a_folder")], "a_folder must end in"),
        (["--out", str(tmp_path / "folder.md")], "it is a folder"),
        (["--out", out, "--answers", out], "another place"),
        (["--out", out, "--students", str(tmp_path / "missing.csv")], "cannot be read"),
        (["--out", out, "--students", str(tmp_path / "a_folder")], "cannot be read"),
        (["--out", out, "--students", str(empty_name)], "Line 5 of empty.csv has an empty name"),
        (["--out", str(busy), "--students", str(good)], "already holds other files"),
        (["--out", str(tmp_path / "a_file"), "--students", str(good)], "it is a file"),
        (
            opts(out=str(tmp_path / "x"), answers=str(tmp_path / "x.pdf"), students=str(good)),
            "another place",
        ),
    ]


def test_every_bad_argument_is_one_sentence_exit_1_and_writes_nothing(tmp_path, capsys):
    cases = error_cases(tmp_path)
    before = files_in(tmp_path)
    for argv, expected in cases:
        code, out, err = run(argv, capsys)
        assert code == 1, (argv, err)
        assert out == ""
        assert expected in one_sentence(err), (argv, err)
        assert files_in(tmp_path) == before, argv
    assert (tmp_path / "busy" / "thesis.docx").read_text(encoding="utf-8") == "mine"


def test_usage_errors_exit_2(tmp_path, capsys):
    for argv in (["--count", "abc", "--out", "x.md"], [], ["--bogus"]):
        with pytest.raises(SystemExit) as info:
            app_main(["worksheet", *argv])
        assert info.value.code == 2
        assert "usage: python -m visualizer worksheet" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_a_failure_midway_leaves_no_partial_files(tmp_path, capsys, monkeypatch):
    path = roster(tmp_path, [f"S{i}" for i in range(5)])
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "answers.csv").write_text("earlier run\n", encoding="utf-8")
    real = job.write_document
    calls = []

    def failing(sheet, target, fmt, key=False):
        calls.append(target)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        real(sheet, target, fmt, key)

    monkeypatch.setattr(job, "write_document", failing)
    before = files_in(tmp_path)
    code, _, err = run(
        opts(
            count=1, out=tmp_path / "old", answers=tmp_path / "keys", students=path, topics="conv"
        ),
        capsys,
    )
    assert code == 1
    assert err.splitlines()[:1] == ["student 1 of 5"]
    assert "no space left on device" in one_sentence(err.splitlines()[-1] + "\n")
    assert files_in(tmp_path) == before  # the earlier folder untouched, no temporaries
    assert (tmp_path / "old" / "answers.csv").read_text(encoding="utf-8") == "earlier run\n"


def test_a_single_sheet_that_cannot_be_written_leaves_nothing(tmp_path, capsys, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(job, "write_document", refused)
    code, _, err = run(opts(out=tmp_path / "t.pdf", answers=tmp_path / "k.md", count=1), capsys)
    assert code == 1 and "permission denied" in one_sentence(err)
    assert os.listdir(tmp_path) == []


def test_ctrl_c_removes_the_temporary_files(tmp_path, capsys, monkeypatch):
    path = roster(tmp_path, ["A", "B", "C"])
    real = job.write_document
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(*args, **kwargs)

    monkeypatch.setattr(job, "write_document", interrupted)
    code, _, err = run(["--count", 1, "--out", tmp_path / "c.md", "--students", path], capsys)
    assert code == 130
    assert "nothing was written" in err
    assert sorted(os.listdir(tmp_path)) == ["roster.csv"]


def test_progress_on_a_terminal_is_rewritten_in_place():
    class Terminal:
        def __init__(self):
            self.text = ""

        def isatty(self):
            return True

        def write(self, text):
            self.text += text

        def flush(self):
            pass

    terminal = Terminal()
    for done in (1, 2, 3):
        cli._progress(terminal, done, 3)  # type: ignore[arg-type]
    assert terminal.text == "\rstudent 1 of 3\rstudent 2 of 3\rstudent 3 of 3\n"
