"""Scanned PDF pages: read by OCRmyPDF/Tesseract when installed, "run OCR first" without.

The PDFs are real: a policy clause rendered to a picture with Pillow and placed on a page
with fpdf2, next to a typed page. Without OCR installed the OCR tests skip (CI installs
``ocrmypdf``, ``tesseract-ocr`` and ``tesseract-ocr-eng``); absence is simulated the way the
loader finds the tool, by a PATH without ``ocrmypdf``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

from bot.answering.answerer import Answerer
from bot.answering.presenter import citation
from indexer import messages
from indexer.build import build_index
from indexer.index import SearchIndex
from indexer.loaders import ocr
from indexer.loaders.pdf import load
from indexer.model import Passage
from tests.builders import UNICODE_FONT, make_image_pdf, make_pdf

TYPED = "1. Staff must keep safeguarding records up to date and stored securely."
SCANNED = [
    "2. Staff must report any concern about",
    "a child to the DSL on the same day.",
]
SCANNED_TEXT = "Staff must report any concern about a child to the DSL on the same day."

needs_ocr = pytest.mark.skipif(
    ocr.ocrmypdf() is None,
    reason="OCRmyPDF is not installed; CI installs ocrmypdf tesseract-ocr tesseract-ocr-eng",
)


def _rendered(lines: list[str]) -> Image.Image:
    """The lines as a scanner sees them: black text on white at about 300 dpi."""
    size = 42
    if UNICODE_FONT.exists():
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.truetype(
            str(UNICODE_FONT), size
        )
    else:
        font = ImageFont.load_default(size=size)
    picture = Image.new("L", (2000, 120 + len(lines) * 70), "white")
    draw = ImageDraw.Draw(picture)
    for row, line in enumerate(lines):
        draw.text((60, 60 + row * 70), line, fill="black", font=font)
    return picture


def mixed_pdf(path: Path) -> Path:
    """Page 1 typed (a text layer), page 2 a picture of a clause (no text layer)."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.set_y(25)
    pdf.multi_cell(0, 6, TYPED)
    pdf.add_page()
    pdf.image(_rendered(SCANNED), x=10, y=20, w=170)
    pdf.output(str(path))
    return path


@needs_ocr
def test_the_scanned_page_is_read_by_ocr_and_marked(tmp_path: Path) -> None:
    path = mixed_pdf(tmp_path / "mixed.pdf")
    before = path.read_bytes()
    document = load(path)
    assert [(b.label, b.text, b.page, b.ocr) for b in document.blocks] == [
        ("1", TYPED[3:], 1, False),
        ("2", SCANNED_TEXT, 2, True),
    ]
    assert document.warnings == []
    assert path.read_bytes() == before  # the corpus file is never written


@needs_ocr
def test_a_scan_without_words_is_named_after_ocr(tmp_path: Path) -> None:
    """OCR ran and found nothing (a picture of a box): not "run OCR first" again."""
    document = load(make_image_pdf(tmp_path / "scan.pdf"))
    assert document.blocks == []
    assert document.warnings == [messages.PDF_NO_TEXT_AFTER_OCR.format(name="scan.pdf")]
    pages = [["1. Typed page."], ["scanned"], ["2. Typed again."]]
    document = load(make_pdf(tmp_path / "mixed.pdf", pages, scanned_pages=[2]))
    assert [b.label for b in document.blocks] == ["1", "2"]
    assert document.warnings == [
        messages.PDF_PAGES_NO_TEXT_AFTER_OCR.format(name="mixed.pdf", pages="2")
    ]


def test_without_ocrmypdf_the_scanned_page_is_skipped_as_today(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert ocr.ocrmypdf() is None
    document = load(mixed_pdf(tmp_path / "mixed.pdf"))
    assert [(b.label, b.ocr) for b in document.blocks] == [("1", False)]
    assert document.warnings == [messages.PDF_PAGES_NO_TEXT.format(name="mixed.pdf", pages="2")]


def test_without_ocrmypdf_an_all_scanned_pdf_says_run_ocr_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(_rendered(SCANNED), x=10, y=20, w=170)
    pdf.output(str(tmp_path / "scan.pdf"))
    document = load(tmp_path / "scan.pdf")
    assert document.blocks == []
    assert document.warnings == ["scan.pdf: no text layer \u2014 run OCR first"]


@needs_ocr
@pytest.mark.usefixtures("isolated_env")
def test_an_ocr_clause_is_indexed_quoted_and_cited_as_ocr(tmp_path: Path) -> None:
    school = tmp_path / "corpus" / "kite"
    school.mkdir(parents=True)
    (school / "school.toml").write_text('name = "Kite College"\n', encoding="utf-8")
    mixed_pdf(school / "safeguarding-policy.pdf")
    build_index([tmp_path / "corpus"], tmp_path / "index", encoder=False)
    passages = list(SearchIndex.load(tmp_path / "index").passages)
    assert [(p.text, p.page, p.ocr) for p in passages] == [
        (TYPED[3:], 1, False),
        (SCANNED_TEXT, 2, True),
    ]
    answer = Answerer.from_index(tmp_path / "index").answer(
        "when must staff report a concern about a child to the DSL?"
    )
    best = answer.hits[0]
    assert best.passage.text == SCANNED_TEXT
    assert "page 2 (OCR)" in citation(best)
    assert answer.to_json()["passages"][0]["ocr"] is True


def test_the_saved_passage_keeps_ocr_only_when_true() -> None:
    typed = Passage("k/p/1", "Text.", None, "Policy", "k", "Scope", "1", 3, "k/p.pdf")
    scanned = Passage("k/p/2", "Text.", None, "Policy", "k", "Scope", "2", 4, "k/p.pdf", ocr=True)
    assert "ocr" not in typed.to_dict()  # indexes built before the field are unchanged
    assert Passage(**typed.to_dict()) == typed
    assert scanned.to_dict()["ocr"] is True
    assert Passage(**scanned.to_dict()) == scanned
