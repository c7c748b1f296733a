"""Worksheets: numbered questions from the exercise engine, an answer key, one sheet per student.

The Qt-free parts (the sheet as data, its Markdown, the roster, the job that writes files
atomically) load no Qt; ``visualizer.worksheet.pdf`` writes PDF through Qt's own QPdfWriter and
is only imported when a PDF is asked for.
"""

from visualizer.worksheet.job import FORMATS, WorksheetPlan, plan_worksheets, write_document
from visualizer.worksheet.markdown import key_markdown, sheet_markdown
from visualizer.worksheet.roster import (
    answer_rows,
    answers_csv,
    parse_roster,
    read_roster,
    student_seed,
    student_seeds,
)
from visualizer.worksheet.sheet import (
    Question,
    Section,
    Table,
    Worksheet,
    build_worksheet,
    plain_answer,
)

__all__ = [
    "FORMATS",
    "Question",
    "Section",
    "Table",
    "Worksheet",
    "WorksheetPlan",
    "answer_rows",
    "answers_csv",
    "build_worksheet",
    "key_markdown",
    "parse_roster",
    "plain_answer",
    "plan_worksheets",
    "read_roster",
    "sheet_markdown",
    "student_seed",
    "student_seeds",
    "write_document",
]
