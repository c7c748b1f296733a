"""Worksheet PDFs: the text each page shows, whole questions per page, determinism, metadata."""

from __future__ import annotations

import re
import unicodedata
import zlib

import pytest

from visualizer.exercises import from_code
from visualizer.worksheet import build_worksheet
from visualizer.worksheet import pdf as worksheet_pdf

MINUS = "\u2212"


@pytest.fixture(autouse=True)
def _qt_application(qapp):
    return qapp


# ----- a small reader for the PDFs Qt writes ----------------------------------------------------
def _objects(data: bytes) -> dict[int, bytes]:
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", data, flags=re.S)
    }


def _stream(body: bytes) -> bytes:
    raw = body[body.index(b"stream") + 6 : body.rindex(b"endstream")].strip(b"\r\n")
    return zlib.decompress(raw) if b"/FlateDecode" in body[: body.index(b"stream")] else raw


def _cmap(text: bytes) -> dict[int, str]:
    """Glyph -> text of a ToUnicode CMap (bfchar and both bfrange forms)."""
    mapping: dict[int, str] = {}

    def chars(hex_text: bytes) -> str:
        return bytes.fromhex(hex_text.decode()).decode("utf-16-be")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, flags=re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = chars(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, flags=re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block
        ):
            first, last = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for offset, item in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", dst)):
                    mapping[first + offset] = chars(item)
            else:
                start = int(dst.strip(b"<>"), 16)
                for offset in range(last - first + 1):
                    mapping[first + offset] = chr(start + offset)
    return mapping


def page_texts(data: bytes) -> list[str]:
    """The text each page draws, in drawing order, without white space (Qt's ToUnicode maps
    the space glyph to a tab, and some spaces are only a move)."""
    objects = _objects(data)
    pages = []
    for body in objects.values():
        if not re.match(rb"<<\s*/Type\s*/Page\b", body):
            continue
        contents = int(re.search(rb"/Contents (\d+) 0 R", body).group(1))
        resources = objects[int(re.search(rb"/Resources (\d+) 0 R", body).group(1))]
        fonts = {}
        font_dict = re.search(rb"/Font\s*<<(.*?)>>", resources, flags=re.S).group(1)
        for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", font_dict):
            font = objects[int(number)]
            cmap_ref = int(re.search(rb"/ToUnicode (\d+) 0 R", font).group(1))
            fonts[name] = _cmap(_stream(objects[cmap_ref]))
        text, font = [], {}
        for token in re.finditer(
            rb"/(\w+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]+)>\s*Tj", _stream(objects[contents])
        ):
            if token.group(1):
                font = fonts[token.group(1)]
            else:
                glyphs = token.group(2)
                for i in range(0, len(glyphs), 4):
                    text.append(font.get(int(glyphs[i : i + 4], 16), "?"))
        pages.append(squeeze("".join(text)))
    return pages


def without_dates(data: bytes) -> bytes:
    return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", data)


def squeeze(text: str) -> str:
    # Qt sets "fi" and "ff" as ligatures; NFKC reads them (and anything else) back the same.
    return "".join(unicodedata.normalize("NFKC", text).split())


# ----- tests -----------------------------------------------------------------------------------
def test_sheet_pages_show_title_name_line_every_question_and_code(tmp_path):
    sheet = build_worksheet(["descent", "gates", "backprop", "conv"], 3, 42)
    path = tmp_path / "sheet.pdf"
    worksheet_pdf.write_pdf(sheet, path)
    pages = page_texts(path.read_bytes())
    assert len(pages) >= 3
    assert pages[0].startswith("Worksheet")
    assert "Name:" in pages[0] and "Date:" in pages[0]
    everything = "".join(pages)
    for question in sheet.questions:
        assert f"Question{question.number}" in everything
        assert question.exercise.code in everything
    for number, text in enumerate(pages, start=1):
        assert f"Page{number}of{len(pages)}" in text
    assert everything.count("Answer:") == len(sheet.questions)
    # No answer key on the sheet: the worked lines are not there.
    assert "f'(x0)=2·x0" not in everything


def test_key_pages_show_every_answer_and_worked_solution(tmp_path):
    sheet = build_worksheet(["descent", "gates", "backprop", "conv"], 3, 7)
    path = tmp_path / "key.pdf"
    worksheet_pdf.write_pdf(sheet, path, key=True)
    everything = "".join(page_texts(path.read_bytes()))
    assert everything.startswith("Answerkey:Worksheet")
    for question in sheet.questions:
        exercise = from_code(question.exercise.code)
        assert exercise.code in everything
        assert squeeze(f"Answer: {exercise.answer_text}") in everything
        for line in exercise.solution:
            # Subscripts are set as such: x_{t+1} and x_0 lose their markup, not their text.
            shown = re.sub(r"_\{([^}]*)\}|_(\w+)", lambda m: m.group(1) or m.group(2), line)
            assert squeeze(shown) in everything, line


def test_a_named_sheet_prints_the_name(tmp_path):
    sheet = build_worksheet(["conv"], 1, 3, student="Zoë Kim")
    path = tmp_path / "zoe.pdf"
    worksheet_pdf.write_pdf(sheet, path)
    first = page_texts(path.read_bytes())[0]
    assert "Name:ZoëKim" in first and "ZoëKim" in first[-30:]  # and in the footer


def test_grid_cells_are_on_the_page(tmp_path):
    sheet = build_worksheet(["conv"], 5, 42)
    cell = next(q for q in sheet.questions if q.exercise.kind == "conv_cell")
    path = tmp_path / "conv.pdf"
    worksheet_pdf.write_pdf(build_worksheet(["conv"], 5, 42), path)
    everything = "".join(page_texts(path.read_bytes()))
    image = cell.exercise.data["image"]
    first_row = "1" + "".join(str(v) for v in image[0])  # row number, then the row's values
    assert first_row in everything


def test_no_question_is_split_and_pages_are_filled_in_order(tmp_path):
    writer_path = tmp_path / "probe.pdf"
    for seed in (0, 1):
        sheet = build_worksheet(["descent", "gates", "backprop", "conv"], 12, seed)
        for key in (False, True):
            writer = worksheet_pdf._writer(str(writer_path), "probe", "")
            layout = worksheet_pdf._Layout(writer)
            pieces = (
                worksheet_pdf._key_pieces(layout, sheet)
                if key
                else worksheet_pdf._sheet_pieces(layout, sheet)
            )
            pages = layout._paginate(pieces)
            assert [p for page in pages for p, _, _ in page] == pieces
            for page in pages:
                piece, top, extra = page[-1]
                assert top + piece.height + extra <= layout.bottom + 1e-6
                assert page[0][1] == layout.top
            del layout, writer


def test_same_sheet_same_pdf_bytes_apart_from_the_date(tmp_path):
    sheet = build_worksheet(["gates", "conv"], 2, 11, student="Ann")
    for name in ("a.pdf", "b.pdf"):
        worksheet_pdf.write_pdf(sheet, tmp_path / name, key=True)
    a, b = (tmp_path / "a.pdf").read_bytes(), (tmp_path / "b.pdf").read_bytes()
    assert without_dates(a) == without_dates(b)
    assert b"uuid:" in a and b"xmp:CreateDate" not in a  # no time-stamped XMP


def test_title_and_creator_are_set():
    assert worksheet_pdf.CREATOR == "Deep Learning Visualizer"


def test_inline_text_escapes_and_sets_subscripts():
    assert worksheet_pdf.inline("x_{t+1} < 2 & y_k·a_3") == (
        "x<sub>t+1</sub> &lt; 2 &amp; y<sub>k</sub>·a<sub>3</sub>"
    )
    assert worksheet_pdf.inline("Σ_k y_k") == "Σ<sub>k</sub> y<sub>k</sub>"


def test_an_existing_application_is_reused(qapp):
    assert worksheet_pdf.ensure_application() is qapp
