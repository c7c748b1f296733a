"""Worksheets and answer keys as PDF, through Qt's own QPdfWriter and QTextDocument.

Each question is its own small rich-text document laid out at the PDF's resolution, so its
height is known before it is placed: a question never breaks across pages, a topic's heading
stays with its first question, and every page gets a footer with "page i of n". Nothing in
the file depends on the time or the machine's screen apart from the creation date Qt writes:
the title, creator, document id and XMP metadata are set from the content.
"""

from __future__ import annotations

import errno
import hashlib
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QHashSeed, QMarginsF, QPointF, QRectF, Qt, QUuid
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from visualizer.worksheet.markdown import INSTRUCTIONS, key_markdown, sheet_markdown
from visualizer.worksheet.sheet import Block, Question, Table, Worksheet

CREATOR = "Deep Learning Visualizer"
RESOLUTION = 300  # dots per inch: every length below is converted from millimetres
FONT_FAMILY = "DejaVu Sans"  # covers σ, ⌊ ⌋, ᵀ, ⊙ and ✓ that the solutions use
PAGE_W, PAGE_H = 210.0, 297.0  # A4, in mm
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 17.0, 15.0, 17.0
LINE_MM = 6.0  # one handwritten line of room to work
GAP_MM = 4.0  # between two questions
MAX_EXTRA_MM = 45.0  # at most this much extra room per question on a page with space to spare
GLANCE_ROWS = 25  # rows of the key's table of answers per piece (three answers a row)
BOX_PAD_MM = 3.0
INK, GREY, RULE, SHADE, ACCENT = "#1a1a1a", "#6b6b6b", "#9a9a9a", "#ececec", "#1d4e89"
_UUID_NAMESPACE = QUuid("{3b0f6d1c-52a4-4c1e-9a57-5f2f0e8c6a11}")
_SUBSCRIPT = re.compile(r"(?<=[A-Za-zΣ'])_(?:\{([^{}]*)\}|([A-Za-z0-9]+))")

_app: QGuiApplication | None = None


def ensure_application() -> QGuiApplication:
    """The running Qt application, or a new one on the offscreen platform (no display needed).

    Fonts and rich text need a QGuiApplication; the command line has none, and may run on a
    machine without a screen.
    """
    global _app
    instance = QGuiApplication.instance()
    if isinstance(instance, QGuiApplication):
        return instance
    _app = QGuiApplication(["visualizer-worksheet", "-platform", "offscreen"])
    return _app


def mm(value: float) -> float:
    """Millimetres in the PDF's device pixels."""
    return value * RESOLUTION / 25.4


def _css(value: float) -> int:
    """Millimetres in rich text's pixels: QTextDocument reads them at 96 per inch."""
    return round(value * 96 / 25.4)


def write_pdf(sheet: Worksheet, path: str | Path, key: bool = False) -> None:
    """Write the student's sheet (or, with ``key``, its answer key) as an A4 PDF.

    Raises
    ------
    OSError
        The file cannot be opened for writing.
    """
    ensure_application()
    title = f"Answer key: {sheet.title}" if key else sheet.title
    if sheet.student:
        title += f" ({sheet.student})"
    content = key_markdown(sheet) if key else sheet_markdown(sheet)
    footer_left = sheet.student or f"{sheet.title} · seed {sheet.seed}"
    if key:
        footer_left = f"Answer key · {footer_left}"
    # The PDF engine writes its fonts in the order of a QHash, which a random per-process seed
    # shuffles; a fixed seed while this writer lives makes the bytes the same on every run.
    QHashSeed.setDeterministicGlobalSeed()
    try:
        _render(_writer(str(path), title, content), sheet, key, footer_left)
    finally:
        QHashSeed.resetRandomGlobalSeed()


def _render(writer: QPdfWriter, sheet: Worksheet, key: bool, footer_left: str) -> None:
    # Everything that refers to the writer lives in this frame, so the file is closed when it
    # returns (before it is renamed into place).
    layout = _Layout(writer)
    pieces = _key_pieces(layout, sheet) if key else _sheet_pieces(layout, sheet)
    layout.paint(pieces, footer_left)


def _writer(path: str, title: str, content: str) -> QPdfWriter:
    writer = QPdfWriter(path)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
        )
    )
    writer.setTitle(title)
    writer.setCreator(CREATOR)
    # Qt would make up a random id and time-stamped XMP; derive both from the content instead.
    digest = hashlib.sha256(f"{title}\n{content}".encode()).digest()
    document_id = QUuid.createUuidV5(_UUID_NAMESPACE, QByteArray(digest))
    writer.setDocumentId(document_id)
    writer.setDocumentXmpMetadata(QByteArray(_xmp(title, document_id).encode()))
    return writer


def _xmp(title: str, document_id: QUuid) -> str:
    uuid = document_id.toString(QUuid.StringFormat.WithoutBraces)
    return (
        "<?xpacket begin='\ufeff' id='W5M0MpCehiHzreSzNTczkc9d'?>"
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{html.escape(title)}</rdf:li>'
        f"</rdf:Alt></dc:title><xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>"
        f"<xmpMM:DocumentID>uuid:{uuid}</xmpMM:DocumentID>"
        "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    )


# ----- rich text -------------------------------------------------------------------------------
def inline(text: str) -> str:
    """Plain text as rich text: escaped, ``x_{t+1}`` and ``x_0`` as subscripts."""
    return _SUBSCRIPT.sub(
        lambda m: f"<sub>{m.group(1) if m.group(1) is not None else m.group(2)}</sub>",
        html.escape(text, quote=False),
    )


def table_html(table: Table, measure: Callable[[str], float]) -> str:
    """A bordered table; column and row numbers shaded, a cell to fill in tall and empty.

    ``measure(text)`` is the width of a cell's text in mm: every column gets the width of its
    widest cell (the columns of a grid or of a table to fill in all the same width, at least
    a handwritten number's), so no heading or number wraps.
    """
    pad = 1.3 if not table.fill_in else 2.2
    columns = list(zip(table.header, *table.rows, strict=True))
    widths = [max(measure(text) for text in column) + 2 * pad + 1.5 for column in columns]
    uniform = table.row_labels or table.fill_in
    if uniform:
        first = 1 if table.row_labels else 0
        same = max([8.5, *widths[first:]])
        widths[first:] = [same] * (len(widths) - first)
    cells = []
    header = "".join(
        f'<td bgcolor="{SHADE}" align="center" width="{_css(w)}"><b>{inline(cell)}</b></td>'
        for cell, w in zip(table.header, widths, strict=True)
    )
    cells.append(f"<tr>{header}</tr>")
    for row in table.rows:
        parts = []
        for i, (cell, w) in enumerate(zip(row, widths, strict=True)):
            if i == 0 and table.row_labels:
                parts.append(f'<td bgcolor="{SHADE}" align="center"><b>{inline(cell)}</b></td>')
            else:
                align = "center" if uniform else "left"
                text = inline(cell) or "&nbsp;"
                parts.append(f'<td align="{align}" width="{_css(w)}">{text}</td>')
        cells.append(f"<tr>{''.join(parts)}</tr>")
    body = (
        f'<table border="1" cellspacing="0" cellpadding="{_css(pad)}" '
        f'style="border-collapse: collapse; border-color: {INK}; border-style: solid;">'
        f"{''.join(cells)}</table>"
    )
    if table.label:
        label = f'<p style="margin-bottom: {_css(1)}px;"><i>{inline(table.label)}</i></p>'
        return label + body
    return body


def blocks_html(blocks: Sequence[Block], measure: Callable[[str], float]) -> str:
    """Paragraphs and tables; tables that follow each other sit side by side (F beside K)."""
    parts: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, str):
            parts.append(f'<p style="margin-bottom: {_css(2)}px;">{inline(block)}</p>')
            i += 1
            continue
        run = [block]
        while i + len(run) < len(blocks) and isinstance(blocks[i + len(run)], Table):
            run.append(blocks[i + len(run)])  # type: ignore[arg-type]
        i += len(run)
        side = "".join(
            f'<td valign="top" style="padding-right: {_css(10)}px;">{table_html(t, measure)}</td>'
            for t in run
        )
        parts.append(
            f'<table cellspacing="0" cellpadding="0" border="0" style="margin-top: {_css(2)}px; '
            f'margin-bottom: {_css(3)}px;"><tr>{side}</tr></table>'
        )
    return "".join(parts)


# ----- layout ----------------------------------------------------------------------------------
@dataclass
class _Piece:
    """Something placed on a page: its height and how to paint it at a top, with extra height."""

    height: float
    paint: Callable[[QPainter, float, float], None]
    keep_with_next: bool = False
    #: True when the piece takes a share of its page's spare height (room to work).
    stretch: bool = False


class _Layout:
    """Pages of the PDF: content width, rich-text documents at the PDF's resolution, painting."""

    def __init__(self, writer: QPdfWriter) -> None:
        self.writer = writer
        self.left = mm(MARGIN_X)
        self.width = mm(PAGE_W - 2 * MARGIN_X)
        self.top = mm(MARGIN_TOP)
        self.bottom = mm(PAGE_H - MARGIN_BOTTOM)
        self._keep: list[QTextDocument] = []

    def font(self, points: float, bold: bool = False) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def document(self, body: str, width: float, points: float = 10.0) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.writer)
        doc.setDefaultFont(self.font(points))
        doc.setDocumentMargin(0)
        # Qt gives every paragraph 12px above and below by default; spacing is set here instead.
        doc.setDefaultStyleSheet("p { margin-top: 0; margin-bottom: 0; }")
        doc.setHtml(f'<body style="color: {INK};">{body}</body>')
        doc.setTextWidth(width)
        self._keep.append(doc)
        return doc

    def measure(self, text: str, points: float = 10.0) -> float:
        """The width of ``text`` in bold at ``points``, in mm."""
        advance = QFontMetricsF(self.font(points, bold=True), self.writer).horizontalAdvance(text)
        return advance * 25.4 / RESOLUTION

    def text_height(self, points: float) -> float:
        return QFontMetricsF(self.font(points), self.writer).height()

    def paint(self, pieces: list[_Piece], footer_left: str) -> None:
        pages = self._paginate(pieces)
        painter = QPainter()
        if not painter.begin(self.writer):
            raise OSError(errno.EACCES, "the PDF file cannot be opened for writing")
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for number, placed in enumerate(pages, start=1):
                if number > 1:
                    self.writer.newPage()
                for piece, top, extra in placed:
                    piece.paint(painter, top, extra)
                self._footer(painter, footer_left, f"Page {number} of {len(pages)}")
        finally:
            painter.end()

    def _paginate(self, pieces: list[_Piece]) -> list[list[tuple[_Piece, float, float]]]:
        """Whole pieces page by page; a page's spare height goes to its questions' room."""
        pages: list[list[_Piece]] = [[]]
        y = self.top
        for index, piece in enumerate(pieces):
            needed = piece.height
            if piece.keep_with_next and index + 1 < len(pieces):
                needed += pieces[index + 1].height
            if pages[-1] and y + needed > self.bottom:
                pages.append([])
                y = self.top
            pages[-1].append(piece)
            y += piece.height
        placed = []
        for number, page in enumerate(pages, start=1):
            spare = self.bottom - self.top - sum(piece.height for piece in page)
            stretching = sum(piece.stretch for piece in page)
            # The last page keeps its natural heights: one question alone would fill it.
            extra = 0.0
            if stretching and number < len(pages) and spare > 0:
                extra = min(spare / stretching, mm(MAX_EXTRA_MM))
            top, row = self.top, []
            for piece in page:
                grow = extra if piece.stretch else 0.0
                row.append((piece, top, grow))
                top += piece.height + grow
            placed.append(row)
        return placed

    def _footer(self, painter: QPainter, left: str, right: str) -> None:
        y = mm(PAGE_H - MARGIN_BOTTOM + 6)
        painter.setPen(QPen(QColor(RULE), mm(0.2)))
        painter.drawLine(QPointF(self.left, y), QPointF(self.left + self.width, y))
        painter.setFont(self.font(8))
        painter.setPen(QColor(GREY))
        box = QRectF(self.left, y + mm(1), self.width, mm(5))
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, left)
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, right)

    # -- shared pieces
    def title_piece(self, title: str, subtitle: str) -> _Piece:
        doc = self.document(
            f'<p style="font-size: 20pt; font-weight: bold; margin-bottom: {_css(1)}px;">'
            f"{inline(title)}</p>"
            f'<p style="color: {GREY};">{inline(subtitle)}</p>',
            self.width,
        )
        return _Piece(doc.size().height() + mm(4), self._draw_doc(doc, self.left))

    def heading_piece(self, title: str) -> _Piece:
        height = self.text_height(13)

        def paint(painter: QPainter, top: float, _extra: float) -> None:
            painter.setFont(self.font(13, bold=True))
            painter.setPen(QColor(ACCENT))
            box = QRectF(self.left, top + mm(2), self.width, height)
            painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
            painter.setPen(QPen(QColor(ACCENT), mm(0.4)))
            y = top + mm(2) + height + mm(0.8)
            painter.drawLine(QPointF(self.left, y), QPointF(self.left + self.width, y))

        return _Piece(height + mm(6), paint, keep_with_next=True)

    def _draw_doc(self, doc: QTextDocument, x: float, dy: float = 0.0) -> Callable:
        def paint(painter: QPainter, top: float, _extra: float = 0.0) -> None:
            painter.save()
            painter.translate(x, top + dy)
            doc.drawContents(painter)
            painter.restore()

        return paint

    def label_row(self, painter: QPainter, top: float, label: str, code: str) -> float:
        """``Question 3`` on the left, the exercise code small and grey in the right corner."""
        height = self.text_height(10.5)
        box = QRectF(self.left + mm(BOX_PAD_MM), top, self.width - mm(2 * BOX_PAD_MM), height)
        painter.setFont(self.font(10.5, bold=True))
        painter.setPen(QColor(INK))
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
        painter.setFont(self.font(7.5))
        painter.setPen(QColor(GREY))
        painter.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, code)
        return height


# ----- the student's sheet ---------------------------------------------------------------------
def _sheet_pieces(layout: _Layout, sheet: Worksheet) -> list[_Piece]:
    pieces = [layout.title_piece(sheet.title, sheet.subtitle), _name_piece(layout, sheet)]
    for section in sheet.sections:
        pieces.append(layout.heading_piece(section.title))
        pieces.extend(_question_piece(layout, question) for question in section.questions)
    return pieces


def _name_piece(layout: _Layout, sheet: Worksheet) -> _Piece:
    line_h = layout.text_height(11)
    doc = layout.document(
        f'<p style="color: {GREY}; font-size: 9pt;">{inline(INSTRUCTIONS)}</p>', layout.width
    )

    def paint(painter: QPainter, top: float, _extra: float) -> None:
        painter.setFont(layout.font(11, bold=True))
        painter.setPen(QColor(INK))
        x, baseline = layout.left, top + line_h
        metrics = QFontMetricsF(layout.font(11, bold=True), layout.writer)
        name_w, date_w = layout.width * 0.62, layout.width * 0.3
        for label, width, filled in (("Name:", name_w, sheet.student), ("Date:", date_w, "")):
            painter.setFont(layout.font(11, bold=True))
            painter.setPen(QColor(INK))
            painter.drawText(QPointF(x, baseline), label)
            start = x + metrics.horizontalAdvance(label) + mm(2)
            if filled:
                painter.setFont(layout.font(11))
                painter.drawText(QPointF(start + mm(1), baseline - mm(0.8)), filled)
            painter.setPen(QPen(QColor(INK), mm(0.25)))
            painter.drawLine(
                QPointF(start, baseline + mm(0.8)), QPointF(x + width, baseline + mm(0.8))
            )
            x += width + layout.width * 0.08
        layout._draw_doc(doc, layout.left)(painter, top + line_h + mm(4))

    return _Piece(line_h + mm(4) + doc.size().height() + mm(3), paint)


def _question_piece(layout: _Layout, question: Question) -> _Piece:
    pad = mm(BOX_PAD_MM)
    inner = layout.width - 2 * pad
    doc = layout.document(blocks_html(question.blocks, layout.measure), inner)
    label_h = layout.text_height(10.5)
    answer_h = layout.text_height(10.5)
    body_top = pad + label_h + mm(1.5)
    room = mm(LINE_MM) * question.room
    box_h = body_top + doc.size().height() + room + answer_h + pad
    draw_body = layout._draw_doc(doc, layout.left + pad)

    def paint(painter: QPainter, top: float, extra: float) -> None:
        height = box_h + extra
        painter.setPen(QPen(QColor(RULE), mm(0.3)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(layout.left, top, layout.width, height), mm(1.5), mm(1.5))
        layout.label_row(painter, top + pad, f"Question {question.number}", question.exercise.code)
        draw_body(painter, top + body_top)
        # The answer line, bottom right of the box.
        y = top + height - pad
        right = layout.left + layout.width - pad
        line_w = min(mm(70), inner * 0.5)
        painter.setFont(layout.font(10.5, bold=True))
        painter.setPen(QColor(INK))
        label = "Answer:"
        label_w = QFontMetricsF(layout.font(10.5, bold=True), layout.writer).horizontalAdvance(
            label
        )
        painter.drawText(QPointF(right - line_w - label_w - mm(2), y - mm(0.8)), label)
        painter.setPen(QPen(QColor(INK), mm(0.25)))
        painter.drawLine(QPointF(right - line_w, y), QPointF(right, y))

    return _Piece(box_h + mm(GAP_MM), paint, stretch=True)


# ----- the answer key --------------------------------------------------------------------------
def _key_pieces(layout: _Layout, sheet: Worksheet) -> list[_Piece]:
    subtitle = sheet.subtitle + (f" · {sheet.student}" if sheet.student else "")
    pieces = [layout.title_piece(f"Answer key: {sheet.title}", subtitle)]
    questions = sheet.questions
    for start in range(0, len(questions), 3 * GLANCE_ROWS):
        pieces.append(_glance_piece(layout, questions[start : start + 3 * GLANCE_ROWS]))
    for section in sheet.sections:
        pieces.append(layout.heading_piece(section.title))
        pieces.extend(_key_piece(layout, question) for question in section.questions)
    return pieces


def _glance_piece(layout: _Layout, questions: Sequence[Question]) -> _Piece:
    """Every answer in a compact table of three column pairs, for quick grading."""
    rows = -(-len(questions) // 3)
    cells = []
    for r in range(rows):
        row = []
        for c in range(3):
            i = c * rows + r
            if i < len(questions):
                q = questions[i]
                row.append(
                    f'<td bgcolor="{SHADE}" align="right"><b>{q.number}</b></td>'
                    f"<td>{inline(q.exercise.answer_text)}</td>"
                )
            else:
                row.append("<td></td><td></td>")
        cells.append(f"<tr>{''.join(row)}</tr>")
    number_w, answer_w = _css(9), _css((PAGE_W - 2 * MARGIN_X) / 3 - 9.5)
    head = "".join(
        f'<td bgcolor="{SHADE}" width="{number_w}"><b>No.</b></td>'
        f'<td bgcolor="{SHADE}" width="{answer_w}"><b>Answer</b></td>'
        for _ in range(3)
    )
    doc = layout.document(
        f'<table border="1" cellspacing="0" cellpadding="{_css(1)}" style="border-collapse: '
        f'collapse; border-color: {RULE}; border-style: solid;"><tr>{head}</tr>'
        f"{''.join(cells)}</table>",
        layout.width,
        points=9,
    )
    return _Piece(doc.size().height() + mm(5), layout._draw_doc(doc, layout.left))


def _key_piece(layout: _Layout, question: Question) -> _Piece:
    exercise = question.exercise
    note = (
        f' <span style="color: {GREY};">({inline(question.key_note)})</span>'
        if question.key_note
        else ""
    )
    # Qt reads margin-left in device pixels (widths and vertical margins at 96 per inch),
    # hence mm() here.
    steps = "".join(
        f'<p style="margin-left: {round(mm(2 + 6 * _indent(line)))}px; '
        f'margin-bottom: {_css(0.5)}px;">{inline(line.strip())}</p>'
        for line in exercise.solution
    )
    body = (
        f'<p style="margin-bottom: {_css(1.5)}px;"><b>Answer: '
        f'<span style="color: {ACCENT};">{inline(exercise.answer_text)}</span></b>{note}</p>'
        f'<div style="font-size: 8.5pt; color: #333333;">{steps}</div>'
    )
    pad = mm(1.5)
    doc = layout.document(body, layout.width - mm(BOX_PAD_MM) * 2)
    label_h = layout.text_height(10.5)
    height = pad + label_h + mm(1) + doc.size().height() + pad
    draw_body = layout._draw_doc(doc, layout.left + mm(BOX_PAD_MM))

    def paint(painter: QPainter, top: float, _extra: float) -> None:
        layout.label_row(painter, top + pad, f"Question {question.number}", exercise.code)
        draw_body(painter, top + pad + label_h + mm(1))
        painter.setPen(QPen(QColor(RULE), mm(0.2)))
        y = top + height
        painter.drawLine(QPointF(layout.left, y), QPointF(layout.left + layout.width, y))

    return _Piece(height + mm(1.5), paint)


def _indent(line: str) -> int:
    """Indentation level of a worked line (the engine indents nested steps by 4 spaces)."""
    return (len(line) - len(line.lstrip(" "))) // 4
