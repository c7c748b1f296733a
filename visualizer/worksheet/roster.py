"""A class roster: reading the names, each student's seed, file names and the grading CSV.

Qt-free. A roster is a CSV file with a ``name`` column, or a plain list with one name per
line; a byte-order mark (as spreadsheets write) and blank lines are fine, an empty name is an
error naming its line. Each student's seed comes from the worksheet's seed and the name through
SHA-256, so it is the same on every machine and Python version (``hash()`` is not).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from visualizer.worksheet.sheet import Worksheet, plain_answer

#: Student seeds are below this: short enough to read out as part of an exercise code.
STUDENT_SEED_LIMIT = 10**9
MAX_NAME_LENGTH = 100
ANSWERS_HEADER = ("student", "question", "exercise code", "answer")
ANSWERS_FILE = "answers.csv"


def read_roster(path: str | Path) -> list[str]:
    """The student names in ``path``, in file order.

    Raises
    ------
    ValueError
        The file cannot be read or is not text, it holds no name, a row has an empty name, a
        name is too long, or a name appears twice (two sheets would be identical).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"The roster {path} cannot be read: {_reason(exc)}.") from None
    if b"\x00" in raw:
        raise ValueError(f"The roster {path} is not a text file.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets on Windows often save CSV in the ANSI code page.
        text = raw.decode("cp1252", errors="replace")
    return parse_roster(text, path.name)


def parse_roster(text: str, source: str = "the roster") -> list[str]:
    """The names in a roster's text (see :func:`read_roster`); ``source`` names it in errors."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    header_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise ValueError(f"{source} holds no names.")
    delimiter = _name_column_delimiter(lines[header_at])
    entries = _column_entries(text, delimiter) if delimiter is not None else _line_entries(lines)
    names: list[str] = []
    seen: dict[str, int] = {}
    for line_number, raw_name in entries:
        name = normalize_name(raw_name)
        if not name:
            raise ValueError(f"Line {line_number} of {source} has an empty name.")
        if len(name) > MAX_NAME_LENGTH:
            raise ValueError(
                f"Line {line_number} of {source} has a name longer than {MAX_NAME_LENGTH} "
                "characters."
            )
        key = name.casefold()
        if key in seen:
            raise ValueError(
                f"Line {line_number} of {source} repeats the name “{name}” of line "
                f"{seen[key]}, so both would get the same sheet."
            )
        seen[key] = line_number
        names.append(name)
    if not names:
        raise ValueError(f"{source} holds no names.")
    return names


def _name_column_delimiter(first_line: str) -> str | None:
    """The delimiter that makes the first line a header with a ``name`` column, or None."""
    for delimiter in (",", ";", "\t"):
        row = next(csv.reader([first_line], delimiter=delimiter))
        if any(cell.strip().lower() == "name" for cell in row):
            return delimiter
    return None


def _column_entries(text: str, delimiter: str) -> Iterable[tuple[int, str]]:
    """(line number, name) of each data row; rows with no cell filled in are skipped."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    column = -1
    for row in reader:
        if column < 0:
            if not any(cell.strip() for cell in row):
                continue
            column = next(i for i, cell in enumerate(row) if cell.strip().lower() == "name")
            continue
        if not any(cell.strip() for cell in row):
            continue
        yield reader.line_num, row[column] if column < len(row) else ""


def _line_entries(lines: Sequence[str]) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if len(text) >= 2 and text[0] == text[-1] == '"':  # a quoted name, "Lee, Ann"
            text = text[1:-1].replace('""', '"')
        yield number, text


def normalize_name(name: str) -> str:
    """A name as the sheet prints it: one space between words, composed accents (NFC)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def student_seed(seed: int, name: str) -> int:
    """The seed of one student's sheet: SHA-256 of the sheet's seed and the name.

    ``int.from_bytes(sha256(f"{seed}/{name}")[:8]) mod 10^9``, with the name normalized, so the
    same seed and name always give the same sheet; ``hash()`` would change between runs.
    """
    digest = hashlib.sha256(f"{seed}/{normalize_name(name)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % STUDENT_SEED_LIMIT


def student_seeds(seed: int, names: Sequence[str]) -> list[int]:
    """Each student's seed; in the rare case two names share one, the later is hashed again
    (with ``#2``, ``#3`` …) so every student gets different questions."""
    used: set[int] = set()
    seeds = []
    for name in names:
        value, attempt = student_seed(seed, name), 1
        while value in used:
            attempt += 1
            value = student_seed(seed, f"{name}#{attempt}")
        used.add(value)
        seeds.append(value)
    return seeds


def file_stem(position: int, total: int, name: str) -> str:
    """``007-Ann_Lee``: the roster position (so names never collide) and a file-safe name."""
    width = max(3, len(str(total)))
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9.-]+", "_", ascii_name).strip("._-")[:60]
    return f"{position:0{width}d}-{safe or 'student'}"


def answer_rows(student: str, sheet: Worksheet) -> list[tuple[str, str, str, str]]:
    """The grading rows of one student: (student, question number, code, answer)."""
    return [
        (student, str(q.number), q.exercise.code, plain_answer(q.exercise)) for q in sheet.questions
    ]


def answers_csv(rows: Iterable[Sequence[str]]) -> str:
    """``answers.csv``'s text: the header, then one row per student and question."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ANSWERS_HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()
