"""Writing worksheets to disk: one sheet (and key), or one per student of a roster.

Qt-free (the PDF writer is imported only when a PDF is asked for). :func:`plan_worksheets`
checks every argument before anything is written; :meth:`WorksheetPlan.steps` then writes one
sheet per step into temporary files or folders next to the targets and renames them into
place at the very end, so an error, Ctrl+C or Cancel (closing the generator) never leaves a
partial file behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from visualizer.worksheet.markdown import key_markdown, sheet_markdown
from visualizer.worksheet.roster import (
    ANSWERS_FILE,
    answer_rows,
    answers_csv,
    file_stem,
    read_roster,
    student_seeds,
)
from visualizer.worksheet.sheet import (
    Worksheet,
    build_worksheet,
    check_count,
    check_seed,
    check_topics,
)

#: File suffix -> format.
FORMATS: dict[str, str] = {".pdf": "pdf", ".md": "md"}
#: Files a folder may hold and still be replaced as an earlier roster's output.
_OUTPUT_FILE = re.compile(r"[0-9]{3,}-.+\.(pdf|md)|" + re.escape(ANSWERS_FILE))


@dataclass(frozen=True)
class WorksheetPlan:
    """Checked arguments of one worksheet run.

    Attributes
    ----------
    out, answers
        Target files (no roster) or folders (roster); ``answers`` None: no key.
    formats
        ``(sheet format, key format)``, each "pdf" or "md".
    students
        The roster's names, or None for one sheet with a blank name line.
    """

    topics: tuple[str, ...]
    count: int
    seed: int
    out: Path
    answers: Path | None
    formats: tuple[str, str]
    students: tuple[str, ...] | None
    title: str = "Worksheet"

    @property
    def total(self) -> int:
        """How many sheets :meth:`steps` writes (the number of steps)."""
        return len(self.students) if self.students is not None else 1

    def steps(self) -> Iterator[int]:
        """Write the files, yielding the number of sheets written after each one.

        Closing the generator early (Cancel) or an exception removes every temporary file;
        the targets are only replaced after the last sheet.
        """
        if self.students is None:
            return _single_steps(self)
        return _roster_steps(self)

    def run(self) -> None:
        """Write everything at once (no progress)."""
        for _ in self.steps():
            pass


def plan_worksheets(
    topics: Sequence[str],
    count: int,
    seed: int,
    out: str | Path,
    answers: str | Path | None = None,
    roster: str | Path | None = None,
    folder_format: str = "pdf",
    title: str = "Worksheet",
) -> WorksheetPlan:
    """Check every argument; ``ValueError`` with one sentence on the first bad one.

    Without a roster ``out`` and ``answers`` are files whose suffix (.pdf or .md) picks the
    format. With a roster they are folders; a .pdf or .md suffix picks the format and is
    dropped from the folder's name (``--out class7.pdf`` writes ``class7/001-Ann_Lee.pdf`` …),
    else ``folder_format`` does (the key folder follows the sheets' format).
    """
    topics = check_topics(topics)
    count = check_count(count)
    seed = check_seed(seed)
    out_path = Path(out)
    answers_path = Path(answers) if answers not in (None, "") else None
    if roster in (None, ""):
        sheet_format = _file_format(out_path)
        key_format = _file_format(answers_path) if answers_path else sheet_format
        for path in (out_path, answers_path):
            if path is not None:
                _check_file_target(path)
        students = None
    else:
        if folder_format not in FORMATS.values():
            raise ValueError("The format must be pdf or md.")
        out_path, sheet_format = _folder_and_format(out_path, folder_format)
        key_format = sheet_format
        if answers_path is not None:
            answers_path, key_format = _folder_and_format(answers_path, sheet_format)
        students = tuple(read_roster(roster))  # type: ignore[arg-type]
        for path in (out_path, answers_path):
            if path is not None:
                _check_folder_target(path)
    if answers_path is not None and _same_path(out_path, answers_path):
        raise ValueError("The answer key must go to another place than the sheets.")
    return WorksheetPlan(
        topics, count, seed, out_path, answers_path, (sheet_format, key_format), students, title
    )


# ----- checks ----------------------------------------------------------------------------------
def _file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"{path.name} must end in .pdf or .md: the suffix picks the format.")
    return fmt


def _folder_and_format(path: Path, default: str) -> tuple[Path, str]:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        return path, default
    return path.with_suffix(""), fmt


def _check_parent(path: Path) -> None:
    parent = path.parent
    if not parent.exists():
        raise ValueError(f"Cannot write {path}: the folder {parent} does not exist.")
    if not parent.is_dir():
        raise ValueError(f"Cannot write {path}: {parent} is not a folder.")


def _check_file_target(path: Path) -> None:
    _check_parent(path)
    if path.is_dir():
        raise ValueError(f"Cannot write {path}: it is a folder.")


def _check_folder_target(path: Path) -> None:
    _check_parent(path)
    if path.exists() and not path.is_dir():
        raise ValueError(f"Cannot write the sheets into {path}: it is a file, not a folder.")
    if path.is_dir() and not _replaceable(path):
        raise ValueError(
            f"The folder {path} already holds other files: choose a new or empty folder."
        )


def _replaceable(folder: Path) -> bool:
    """True for an empty folder or one that holds only an earlier run's sheets and CSV."""
    return all(entry.is_file() and _OUTPUT_FILE.fullmatch(entry.name) for entry in folder.iterdir())


def _same_path(a: Path, b: Path) -> bool:
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


# ----- writing ---------------------------------------------------------------------------------
def write_document(sheet: Worksheet, path: Path, fmt: str, key: bool = False) -> None:
    """Write the sheet (or its key) to ``path`` in ``fmt`` ("pdf" or "md")."""
    if fmt == "md":
        text = key_markdown(sheet) if key else sheet_markdown(sheet)
        path.write_bytes(text.encode("utf-8"))
        return
    from visualizer.worksheet import pdf  # Qt only when a PDF is asked for

    pdf.write_pdf(sheet, path, key=key)


def _temp_path(target: Path, suffix: str) -> Path:
    return target.parent / f".{target.name}.{secrets.token_hex(4)}{suffix}"


def _temp_file(target: Path) -> Path:
    """An empty hidden file next to ``target`` (created with the user's usual permissions,
    which ``tempfile`` would narrow to the owner alone)."""
    for _ in range(100):
        path = _temp_path(target, ".part")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        except FileExistsError:
            continue
        except OSError as exc:
            raise ValueError(f"Cannot write {target}: {_reason(exc)}.") from None
        return path
    raise ValueError(f"Cannot write {target}: no free temporary name next to it.")


def _temp_folder(target: Path, suffix: str = ".part") -> Path:
    """An empty hidden folder next to ``target``."""
    for _ in range(100):
        path = _temp_path(target, suffix)
        try:
            path.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise ValueError(f"Cannot write the sheets into {target}: {_reason(exc)}.") from None
        return path
    raise ValueError(f"Cannot write the sheets into {target}: no free temporary name next to it.")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _single_steps(plan: WorksheetPlan) -> Iterator[int]:
    targets = [(plan.out, plan.formats[0], False)]
    if plan.answers is not None:
        targets.append((plan.answers, plan.formats[1], True))
    temps: list[Path] = []
    committed = False
    try:
        for target, _fmt, _key in targets:
            temps.append(_temp_file(target))
        sheet = build_worksheet(plan.topics, plan.count, plan.seed, title=plan.title)
        for temp, (target, fmt, key) in zip(temps, targets, strict=True):
            _write_reporting(sheet, temp, target, fmt, key)
        for temp, (target, _fmt, _key) in zip(temps, targets, strict=True):
            _replace_file(temp, target)
        committed = True
        yield 1
    finally:
        if not committed:
            for temp in temps:
                _remove(temp)


def _roster_steps(plan: WorksheetPlan) -> Iterator[int]:
    students = plan.students or ()
    folders = [plan.out] + ([plan.answers] if plan.answers is not None else [])
    temps: list[Path] = []
    committed = False
    try:
        for folder in folders:
            temps.append(_temp_folder(folder))
        rows: list[tuple[str, str, str, str]] = []
        seeds = student_seeds(plan.seed, students)
        for position, (name, seed) in enumerate(zip(students, seeds, strict=True), start=1):
            sheet = build_worksheet(plan.topics, plan.count, seed, student=name, title=plan.title)
            stem = file_stem(position, len(students), name)
            _write_reporting(
                sheet, temps[0] / f"{stem}.{plan.formats[0]}", plan.out, plan.formats[0], False
            )
            if plan.answers is not None:
                _write_reporting(
                    sheet,
                    temps[1] / f"{stem}.{plan.formats[1]}",
                    plan.answers,
                    plan.formats[1],
                    True,
                )
            rows.extend(answer_rows(name, sheet))
            if position < len(students):
                yield position
        try:
            (temps[0] / ANSWERS_FILE).write_bytes(answers_csv(rows).encode("utf-8"))
        except OSError as exc:
            raise ValueError(f"Cannot write the sheets into {plan.out}: {_reason(exc)}.") from None
        for temp, folder in zip(temps, folders, strict=True):
            _replace_folder(temp, folder)
        committed = True
        yield len(students)
    finally:
        if not committed:
            for temp in temps:
                _remove(temp)


def _write_reporting(sheet: Worksheet, path: Path, target: Path, fmt: str, key: bool) -> None:
    try:
        write_document(sheet, path, fmt, key)
    except OSError as exc:
        raise ValueError(f"Cannot write {target}: {_reason(exc)}.") from None


def _replace_file(temp: Path, target: Path) -> None:
    try:
        os.replace(temp, target)
    except OSError as exc:
        raise ValueError(f"Cannot write {target}: {_reason(exc)}.") from None


def _replace_folder(temp: Path, target: Path) -> None:
    """Move the finished folder into place; an earlier run's folder is swapped out whole."""
    try:
        if target.is_dir():
            old = _temp_folder(target, ".old")
            os.rmdir(old)
            os.rename(target, old)
            try:
                os.rename(temp, target)
            except OSError:
                os.rename(old, target)  # put the earlier run's folder back
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(temp, target)
    except OSError as exc:
        raise ValueError(f"Cannot write the sheets into {target}: {_reason(exc)}.") from None
