"""A worksheet and its answer key as Markdown (no Qt, byte for byte the same every time)."""

from __future__ import annotations

from visualizer.worksheet.sheet import Block, Question, Table, Worksheet

_BLANK = "_" * 30
INSTRUCTIONS = (
    "Give exact answers unless a question asks for significant digits, and show your working "
    "in the space under each question. The small code next to each question names its "
    "exercise in the answer key."
)


def sheet_markdown(sheet: Worksheet) -> str:
    """The student's sheet: title, name and date line, numbered questions with room to work."""
    lines = [f"# {sheet.title}", "", sheet.subtitle, "", _name_line(sheet), "", INSTRUCTIONS]
    for section in sheet.sections:
        lines += ["", f"## {section.title}"]
        for question in section.questions:
            lines += ["", *_question_lines(question)]
    return "\n".join(lines) + "\n"


def key_markdown(sheet: Worksheet) -> str:
    """The answer key: each question's answer and its worked solution."""
    lines = [f"# Answer key: {sheet.title}", "", sheet.subtitle]
    if sheet.student:
        lines += ["", f"**Student:** {sheet.student}"]
    lines += ["", "| No. | Code | Answer |", "|---|---|---|"]
    lines += [
        f"| {q.number} | `{q.exercise.code}` | {q.exercise.answer_text} |" for q in sheet.questions
    ]
    for section in sheet.sections:
        lines += ["", f"## {section.title}"]
        for question in section.questions:
            lines += ["", *_key_lines(question)]
    return "\n".join(lines) + "\n"


def _name_line(sheet: Worksheet) -> str:
    name = sheet.student or _BLANK
    return f"**Name:** {name} &nbsp; **Date:** {'_' * 16}"


def _heading(question: Question) -> str:
    return f"### Question {question.number} · `{question.exercise.code}`"


def _question_lines(question: Question) -> list[str]:
    lines = [_heading(question)]
    for block in question.blocks:
        lines += ["", *_block_lines(block)]
    # Blank lines collapse in Markdown; line breaks keep the room to work when rendered.
    lines += ["", "<br>" * question.room, "", f"**Answer:** {_BLANK}", "", "---"]
    return lines


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, str):
        return [block]
    return table_lines(block)


def table_lines(table: Table) -> list[str]:
    """A table in Markdown; a row label is bold, a cell to fill in stays empty."""
    lines = [f"**{table.label}**", ""] if table.label else []
    lines.append("| " + " | ".join(table.header) + " |")
    lines.append("|" + "---|" * len(table.header))
    for row in table.rows:
        cells = [f"**{row[0]}**", *row[1:]] if table.row_labels else list(row)
        lines.append("| " + " | ".join(cell if cell else " " for cell in cells) + " |")
    return lines


def _key_lines(question: Question) -> list[str]:
    exercise = question.exercise
    answer = f"**Answer:** {exercise.answer_text}"
    if question.key_note:
        answer += f" ({question.key_note})"
    return [
        f"### {question.number} · `{exercise.code}`",
        "",
        answer,
        "",
        "```text",
        *exercise.solution,
        "```",
    ]
