"""Word files made the way schools make them, and their LibreOffice PDFs.

Not the tidy documents a developer would write: a cover table with the policy title and the
review date, a letterhead in a larger font, a typed contents page with dot leaders, headings
typed as "2. Use of mobile phones" in bold instead of heading styles, bullets from a Symbol-
font list (U+F0B7) with Word's "o" at the second level, bullets typed as a private-use glyph,
a running header and a footer with the review date, and a table with a header row.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from tests.builders import add_abstract_num, add_num, set_numbering

SCHOOL = "Oakfield Primary School"
TITLE = "Online Safety Policy"
HEADER = "Oakfield Primary School - Online Safety Policy"
REVIEW = "Next review: October 2026"
BULLETS = [
    "Staff must use school accounts to contact parents.",
    "Staff must not share their personal phone number with pupils.",
    "Pupils may bring phones to school if they are handed in at the office.",
]
SECOND_LEVEL = [
    "Phones are returned at the end of the day.",
    "Lost phones are reported to the office.",
]
TYPED_BULLETS = [
    "Report any concern about a pupil's safety online to the DSL the same day.",
    "Keep a record of what you saw and when you saw it.",
]
PHONES_CLAUSE = "Staff must keep personal phones out of sight in classrooms and corridors."
TABLE = [
    ["Role", "Responsibility"],
    ["Designated Safeguarding Lead", "Takes the lead on online safety concerns."],
    ["Computing lead", "Checks the filtering and monitoring reports every week."],
]


def make_school_docx(path: Path) -> Path:
    document = docx.Document()
    _cover(document)
    _contents(document)
    _bold(document, "1. Introduction")
    document.add_paragraph(
        "This policy explains how staff and pupils at Oakfield keep safe online. It applies "
        "to everyone who works in the school."
    )
    _bold(document, "2. Use of mobile phones")
    _bold(document, "2.1 Staff phones")
    document.add_paragraph(PHONES_CLAUSE)
    document.add_paragraph("The following rules apply to everyone:")
    _symbol_list(document)
    _bold(document, "3. Reporting concerns")
    document.add_paragraph("When you are worried about something you have seen online:")
    for text in TYPED_BULLETS:
        document.add_paragraph(f"\uf0b7\t{text}")
    _bold(document, "4. Roles")
    _table(document, TABLE)
    section = document.sections[0]
    section.header.paragraphs[0].text = HEADER
    section.footer.paragraphs[0].text = f"{REVIEW}    Oakfield Primary School"
    document.core_properties.title = "Microsoft Word - online safety DRAFT3.docx"
    document.save(str(path))
    return path


def _cover(document: Any) -> None:
    letterhead = document.add_paragraph().add_run(SCHOOL)
    letterhead.font.size = Pt(20)
    letterhead.bold = True
    _table(
        document,
        [
            ["Policy title", TITLE],
            ["Approved by", "Full Governing Board"],
            ["Next review", "October 2026"],
        ],
    )
    document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)


def _contents(document: Any) -> None:
    _bold(document, "Contents")
    for line in ("1. Introduction", "2. Use of mobile phones", "3. Reporting concerns"):
        document.add_paragraph(f"{line} {'.' * 40} 2")
    document.add_paragraph().add_run().add_break(docx.enum.text.WD_BREAK.PAGE)


def _bold(document: Any, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.bold = True


def _symbol_list(document: Any) -> None:
    """A Word bullet list: level 0 the Symbol-font dot U+F0B7, level 1 Courier 'o'."""
    numbering = document.part.numbering_part.element
    abstract_id = 90
    add_abstract_num(numbering, abstract_id, [("bullet", "\uf0b7"), ("bullet", "o")])
    for lvl in numbering.iterfind(f"{qn('w:abstractNum')}/{qn('w:lvl')}"):
        if lvl.getparent().get(qn("w:abstractNumId")) != str(abstract_id):
            continue
        fonts = OxmlElement("w:rFonts")
        font = "Symbol" if lvl.get(qn("w:ilvl")) == "0" else "Courier New"
        fonts.set(qn("w:ascii"), font)
        fonts.set(qn("w:hAnsi"), font)
        indent = OxmlElement("w:ind")
        indent.set(qn("w:left"), str(720 * (int(lvl.get(qn("w:ilvl"))) + 1)))
        indent.set(qn("w:hanging"), "360")
        ppr = OxmlElement("w:pPr")
        ppr.append(indent)
        rpr = OxmlElement("w:rPr")
        rpr.append(fonts)
        lvl.append(ppr)
        lvl.append(rpr)
    num_id = add_num(numbering, abstract_id)
    for text in BULLETS:
        set_numbering(document.add_paragraph(text, style="List Paragraph"), num_id, 0)
    for text in SECOND_LEVEL:
        set_numbering(document.add_paragraph(text, style="List Paragraph"), num_id, 1)


def _table(document: Any, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for cells, row in zip(rows, table.rows, strict=True):
        for text, cell in zip(cells, row.cells, strict=True):
            cell.text = text


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(source: Path, out: Path) -> Path:
    """The LibreOffice PDF of a Word file, as a school's 'Save as PDF' makes it."""
    command = soffice()
    assert command is not None
    profile = (out / "lo-profile").as_uri()
    subprocess.run(
        [
            command,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return out / f"{source.stem}.pdf"
