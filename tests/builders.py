"""Real policy files for tests: PDFs made with fpdf2, Word files made with python-docx; and
ready-made passages (``make_passage``) for tests that start after parsing.

``make_pdf`` writes one string per physical line, so a test controls exactly where lines and
pages break (hyphenation across a line end or a page break, running headers and footers).
``make_docx`` writes headings, paragraphs, auto-numbered and bulleted lists (numbers live in
the numbering definitions, not in the text, as in real Word files) and tables.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from fpdf import FPDF

from indexer.model import Passage

LINE_MM = 6.0
INDENT_MM_PER_SPACE = 2.0
TABLE_COLUMN_MM = 45.0
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


# --- passages -------------------------------------------------------------------------------


def make_passage(text: str, **fields: Any) -> Passage:
    """A passage of ``text``; any other field can be given, the rest are plain defaults."""
    defaults: dict[str, Any] = {
        "id": "s/p/0",
        "context": None,
        "document": "Policy",
        "school": "s",
        "section": "",
        "clause": None,
        "page": None,
        "source": "s/p.txt",
    }
    return Passage(text=text, **{**defaults, **fields})


# --- PDF ------------------------------------------------------------------------------------


def make_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    *,
    header: str | None = None,
    footer: str | None = None,
    title: str | None = None,
    user_password: str | None = None,
    owner_password: str = "owner",
    scanned_pages: Sequence[int] = (),
) -> Path:
    """A text PDF: one string per line ("" = a paragraph gap, leading spaces = indent,
    tabs = table cells set in columns TABLE_COLUMN_MM wide).

    header/footer are templates with {page} and {pages}, e.g. "Page {page} of {pages}".
    user_password="" encrypts with an empty user password (opens without asking);
    any other string locks the file. scanned_pages (1-based) hold a picture and no text.
    """
    pdf = _new_pdf(pages, header, footer, title)
    pdf.set_auto_page_break(False)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        if header:
            _text_at(pdf, 10, header.format(page=number, pages=len(pages)))
        pdf.set_y(25)
        if number in scanned_pages:
            pdf.image(_picture(), x=10, y=30, w=150)
            lines = []
        for line in lines:
            pdf.set_x(pdf.l_margin + INDENT_MM_PER_SPACE * (len(line) - len(line.lstrip(" "))))
            for cell in line.strip().split("\t")[:-1]:  # tabs: table cells in columns
                pdf.cell(TABLE_COLUMN_MM, LINE_MM, cell)
            pdf.cell(0, LINE_MM, line.strip().split("\t")[-1], new_x="LMARGIN", new_y="NEXT")
        if footer:
            _text_at(pdf, 280, footer.format(page=number, pages=len(pages)), align="C")
    if user_password is not None:
        pdf.set_encryption(owner_password=owner_password, user_password=user_password)
    pdf.output(str(path))
    return path


def make_image_pdf(path: Path, pages: int = 1) -> Path:
    """A 'scanned' PDF: every page is one picture, there is no text layer."""
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(_picture(), x=10, y=10, w=150)
    pdf.output(str(path))
    return path


def _picture() -> Any:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (400, 200), "white")
    ImageDraw.Draw(picture).rectangle((20, 20, 380, 180), outline="black")
    return picture


def _new_pdf(
    pages: Sequence[Sequence[str]], header: str | None, footer: str | None, title: str | None
) -> FPDF:
    pdf = FPDF()
    texts = [header or "", footer or "", *(line for page in pages for line in page)]
    if UNICODE_FONT.exists() and any(not text.isascii() for text in texts):
        pdf.add_font("DejaVu", fname=str(UNICODE_FONT))
        pdf.set_font("DejaVu", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    return pdf


def _text_at(pdf: FPDF, y: float, text: str, align: str = "L") -> None:
    pdf.set_xy(pdf.l_margin, y)
    pdf.cell(0, LINE_MM, text, align=align)


# --- Word -----------------------------------------------------------------------------------
#
# make_docx items, in reading order:
#   ("title", text)                 Title style          ("heading", text, level)  Heading n
#   ("paragraph", text)             body text            ("style", text, style)    any style
#   ("number", text, level)         auto-numbered 1. / a) / (i) at nesting level 0, 1, 2
#   ("bullet", text, level)         bulleted list item   ("restart",)              new list
#   ("table", [[cell, ...], ...])   a table of plain text cells

NUMBER_LEVELS = (("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "(%3)"))
BULLET_LEVELS = (("bullet", "\u2022"), ("bullet", "o"), ("bullet", "\u25aa"))


def make_docx(
    path: Path, items: Sequence[tuple[Any, ...]], *, core_title: str | None = None
) -> Path:
    """A .docx with real Word numbering; see the item kinds above."""
    build_docx(items, core_title=core_title).save(str(path))
    return path


def docx_bytes(items: Sequence[tuple[Any, ...]]) -> bytes:
    """The bytes of a .docx made from items (for truncation and corruption tests)."""
    buffer = io.BytesIO()
    build_docx(items).save(buffer)
    return buffer.getvalue()


def build_docx(items: Sequence[tuple[Any, ...]], *, core_title: str | None = None) -> Any:
    """A python-docx Document made from items, for tests that add their own XML."""
    document = docx.Document()
    numbering = _Numbering(document)
    for item in items:
        _add_item(document, numbering, item)
    if core_title is not None:
        document.core_properties.title = core_title
    return document


def _add_item(document: Any, numbering: _Numbering, item: tuple[Any, ...]) -> None:
    kind = item[0]
    if kind == "title":
        document.add_paragraph(item[1], style="Title")
    elif kind == "heading":
        document.add_heading(item[1], level=item[2])
    elif kind == "paragraph":
        document.add_paragraph(item[1])
    elif kind == "style":
        document.add_paragraph(item[1], style=item[2])
    elif kind in ("number", "bullet"):
        paragraph = document.add_paragraph(item[1], style="List Paragraph")
        set_numbering(paragraph, numbering.current(kind), item[2] if len(item) > 2 else 0)
    elif kind == "restart":
        numbering.restart()
    elif kind == "table":
        _add_table(document, item[1])
    else:
        raise ValueError(f"unknown docx item kind {kind!r}")


def _add_table(document: Any, rows: Sequence[Sequence[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
    for cells, row in zip(rows, table.rows, strict=True):
        for text, cell in zip(cells, row.cells, strict=False):
            cell.text = text


def set_numbering(paragraph: Any, num_id: int, level: int) -> None:
    """Give a paragraph a w:numPr (numId, ilvl), as Word does for list paragraphs."""
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    num_pr.extend([ilvl, num])
    ppr.append(num_pr)


class _Numbering:
    """Adds one multi-level numbered and one bulleted abstractNum to the numbering part."""

    def __init__(self, document: Any) -> None:
        self.part = document.part.numbering_part.element
        ids = [int(n.get(qn("w:abstractNumId"))) for n in self.part.findall(qn("w:abstractNum"))]
        self.number_abstract = add_abstract_num(self.part, max(ids, default=0) + 1, NUMBER_LEVELS)
        self.bullet_abstract = add_abstract_num(self.part, max(ids, default=0) + 2, BULLET_LEVELS)
        self.ids = {
            "number": add_num(self.part, self.number_abstract),
            "bullet": add_num(self.part, self.bullet_abstract),
        }

    def current(self, kind: str) -> int:
        return self.ids[kind]

    def restart(self) -> None:
        """A new numbered list: a new w:num that restarts level 0 at 1 (Word's 'Restart')."""
        self.ids["number"] = add_num(self.part, self.number_abstract, start_override=1)


def add_abstract_num(
    numbering: Any, abstract_id: int, levels: Sequence[tuple[str, str]], start: int = 1
) -> int:
    """Append a w:abstractNum with the given (numFmt, lvlText) levels; returns its id."""
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), str(abstract_id))
    for ilvl, (fmt, text) in enumerate(levels):
        level = OxmlElement("w:lvl")
        level.set(qn("w:ilvl"), str(ilvl))
        for tag, value in (("w:start", start), ("w:numFmt", fmt), ("w:lvlText", text)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), str(value))
            level.append(child)
        abstract.append(level)
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # the schema wants every abstractNum before any num
    else:
        numbering.append(abstract)
    return abstract_id


def add_num(numbering: Any, abstract_id: int, start_override: int | None = None) -> int:
    """Append a w:num pointing at an abstractNum; returns the new numId."""
    ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = max(ids, default=0) + 1
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    abstract = OxmlElement("w:abstractNumId")
    abstract.set(qn("w:val"), str(abstract_id))
    num.append(abstract)
    if start_override is not None:
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), str(start_override))
        override.append(start)
        num.append(override)
    numbering.append(num)
    return num_id
