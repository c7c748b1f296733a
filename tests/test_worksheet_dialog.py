"""File > New worksheet…: filling the dialog, a roster with progress, Cancel, errors."""

from __future__ import annotations

import csv
import os

import pytest

from visualizer.app import create_window
from visualizer.widgets.worksheet_dialog import WorksheetDialog


@pytest.fixture
def dialog(qtbot):
    widget = WorksheetDialog()
    qtbot.addWidget(widget)
    return widget


def write_roster(tmp_path, count):
    path = tmp_path / "roster.csv"
    path.write_text("name\n" + "".join(f"Student {i}\n" for i in range(count)), encoding="utf-8")
    return path


def fill(dialog, topics, count=1, seed=0, roster="", out="", answers="", fmt="md"):
    for key, box in dialog.topic_boxes.items():
        box.setChecked(key in topics)
    dialog.count_box.setValue(count)
    dialog.seed_box.setValue(seed)
    dialog.roster_edit.setText(str(roster))
    dialog.out_edit.setText(str(out))
    dialog.answers_edit.setText(str(answers))
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData(fmt))


def test_menu_opens_one_dialog(qtbot):
    window = create_window(None)
    qtbot.addWidget(window)
    texts = [a.text().replace("&", "") for a in window.file_menu.actions()]
    assert texts.index("New worksheet...") == texts.index("Save lesson as...") + 1
    window.new_worksheet_action.trigger()
    window.new_worksheet_action.trigger()
    dialogs = window.findChildren(WorksheetDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    dialogs[0].close()


def test_defaults_and_format_follows_the_roster(dialog):
    assert dialog.selected_topics() == ["descent", "gates", "backprop", "conv"]
    assert dialog.count_box.value() == 8
    assert not dialog.format_combo.isEnabled()
    dialog.roster_edit.setText("class.csv")
    assert dialog.format_combo.isEnabled()
    assert not dialog.progress_bar.isVisible()


def test_one_sheet_and_key(dialog, qtbot, tmp_path):
    fill(
        dialog,
        ["gates", "conv"],
        count=2,
        seed=5,
        out=tmp_path / "s.pdf",
        answers=tmp_path / "k.md",
    )
    with qtbot.waitSignal(dialog.generationFinished, timeout=30_000) as finished:
        assert dialog.generate()
    assert finished.args == ["done"]
    assert sorted(os.listdir(tmp_path)) == ["k.md", "s.pdf"]
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    key = (tmp_path / "k.md").read_text(encoding="utf-8")
    assert "`gates-5-0`" in key and "`conv-5-1`" in key
    assert dialog.message().startswith("Wrote ")
    assert dialog.generate_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_a_roster_shows_progress_and_writes_every_student(dialog, qtbot, tmp_path):
    roster = write_roster(tmp_path, 4)
    fill(
        dialog,
        ["descent"],
        count=2,
        roster=roster,
        out=tmp_path / "class",
        answers=tmp_path / "keys",
        fmt="pdf",
    )
    progress = []
    dialog.progressChanged.connect(lambda done, total: progress.append((done, total)))
    seen_running = []
    dialog.progressChanged.connect(
        lambda *_: seen_running.append(
            (
                dialog.is_running(),
                dialog.cancel_button.isEnabled(),
                not dialog.progress_bar.isHidden(),
            )
        )
    )
    with qtbot.waitSignal(dialog.generationFinished, timeout=60_000) as finished:
        dialog.generate()
    assert finished.args == ["done"]
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]  # the 4th once the files are in place
    assert all(seen_running) and seen_running[0] == (True, True, True)
    assert dialog.progress_bar.maximum() == 4
    stems = [f"00{i + 1}-Student_{i}" for i in range(4)]
    assert sorted(os.listdir(tmp_path / "class")) == [f"{s}.pdf" for s in stems] + ["answers.csv"]
    assert sorted(os.listdir(tmp_path / "keys")) == [f"{s}.pdf" for s in stems]
    with open(tmp_path / "class" / "answers.csv", encoding="utf-8", newline="") as handle:
        assert len(list(csv.reader(handle))) == 1 + 4 * 2
    assert "4 sheets" in dialog.message()


def test_cancel_midway_leaves_nothing_behind(dialog, qtbot, tmp_path):
    roster = write_roster(tmp_path, 8)
    fill(
        dialog, ["conv"], count=1, roster=roster, out=tmp_path / "class", answers=tmp_path / "keys"
    )
    progress = []

    def on_progress(done, total):
        progress.append(done)
        if done == 3:
            dialog.cancel()

    dialog.progressChanged.connect(on_progress)
    with qtbot.waitSignal(dialog.generationFinished, timeout=30_000) as finished:
        dialog.generate()
    assert finished.args == ["cancelled"]
    assert progress == [1, 2, 3]
    assert sorted(os.listdir(tmp_path)) == ["roster.csv"]
    assert dialog.message() == "Cancelled: nothing was written."
    assert not dialog.is_running() and dialog.generate_button.isEnabled()
    qtbot.wait(50)  # the timer is stopped: nothing more happens
    assert progress == [1, 2, 3]


def test_closing_the_dialog_cancels(dialog, qtbot, tmp_path):
    roster = write_roster(tmp_path, 6)
    fill(dialog, ["conv"], roster=roster, out=tmp_path / "class")
    dialog.show()
    outcomes = []
    dialog.generationFinished.connect(outcomes.append)
    dialog.progressChanged.connect(lambda done, _: dialog.close() if done == 1 else None)
    dialog.generate()
    qtbot.waitUntil(lambda: outcomes == ["cancelled"], timeout=30_000)
    assert sorted(os.listdir(tmp_path)) == ["roster.csv"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"topics": []}, "Choose at least one topic"),
        ({"out": ""}, "Choose where the sheets go."),
        ({"out": "sheet.txt"}, "must end in .pdf or .md"),
        ({"answers": "/nonexistent-folder/k.md"}, "does not exist"),
        ({"roster": "missing.csv"}, "cannot be read"),
    ],
)
def test_errors_are_one_sentence_in_the_dialog(dialog, tmp_path, change, expected):
    values = {"topics": ["conv"], "out": tmp_path / "s.md", "answers": "", "roster": ""}
    values.update(change)
    for key in ("out", "roster"):
        if values[key] and not os.path.isabs(str(values[key])):
            values[key] = tmp_path / values[key]
    fill(
        dialog,
        values["topics"],
        out=values["out"],
        answers=values["answers"],
        roster=values["roster"],
    )
    assert dialog.generate() is False
    message = dialog.message()
    assert expected in message and message.endswith(".") and "\n" not in message
    assert "b00020" in dialog.message_label.styleSheet()
    assert os.listdir(tmp_path) == []


def test_a_write_error_during_a_roster_is_shown_and_cleaned_up(
    dialog, qtbot, tmp_path, monkeypatch
):
    from visualizer.worksheet import job

    roster = write_roster(tmp_path, 3)
    real = job.write_document
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(*args, **kwargs)

    monkeypatch.setattr(job, "write_document", failing)
    fill(dialog, ["gates"], roster=roster, out=tmp_path / "class")
    with qtbot.waitSignal(dialog.generationFinished, timeout=30_000) as finished:
        dialog.generate()
    assert finished.args == ["failed"]
    assert "no space left on device" in dialog.message()
    assert sorted(os.listdir(tmp_path)) == ["roster.csv"]
