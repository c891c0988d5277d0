"""Documents as schools make them (issue 13): Word files and their LibreOffice PDFs.

The Word fixture (school_fixtures.py) has a cover table, a letterhead, a typed contents
page, bold typed-number headings, Symbol-font and typed private-use bullets, a header and a
footer and a table. The same checks run on the .docx and on its LibreOffice PDF (skipped when
LibreOffice is not installed; CI installs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.clauses import DocumentInfo, segment
from indexer.dates import parse_month
from indexer.loaders import load_document
from indexer.model import Passage
from indexer.titles import choose_title
from tests.indexer import school_fixtures as school


def passages_of(path: Path) -> tuple[list[Passage], str, str | None]:
    loaded = load_document(path)
    title = choose_title(loaded.title, path)
    info = DocumentInfo("oakfield", title, path.name, loaded.review_date)
    return segment(loaded.blocks, info), title, loaded.review_date


@pytest.fixture(scope="module")
def docx_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return school.make_school_docx(tmp_path_factory.mktemp("docx") / "online-safety (2).docx")


@pytest.fixture(scope="module")
def pdf_file(docx_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if school.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs libreoffice-writer-nogui")
    return school.to_pdf(docx_file, tmp_path_factory.mktemp("pdf"))


@pytest.fixture(params=["docx", "pdf"])
def made(request: pytest.FixtureRequest) -> tuple[list[Passage], str, str | None]:
    return passages_of(request.getfixturevalue(f"{request.param}_file"))


def by_text(passages: list[Passage], text: str) -> Passage:
    found = [p for p in passages if p.text == text]
    assert len(found) == 1, f"{text!r} not one passage: {[p.text for p in passages]}"
    return found[0]


def test_title_comes_from_the_cover_not_the_junk_metadata(made) -> None:
    _, title, _ = made
    assert title == school.TITLE


def test_review_date_is_found(made) -> None:
    _, _, review = made
    assert parse_month(review) is not None and parse_month(review).strftime("%Y-%m") == "2026-10"


def test_every_bullet_is_its_own_passage_without_its_glyph(made) -> None:
    passages, _, _ = made
    for text in school.BULLETS + school.SECOND_LEVEL + school.TYPED_BULLETS:
        passage = by_text(passages, text)
        assert passage.context  # the lead-in that governs it
    assert not any(c in p.text for p in passages for c in "\uf0b7\x7f•▪")


def test_typed_bold_numbers_are_headings_and_sections(made) -> None:
    passages, _, _ = made
    clause = by_text(passages, school.PHONES_CLAUSE)
    assert clause.section.endswith("Use of mobile phones › 2.1 Staff phones")  # "2." or "2"
    assert not any(p.text in ("2. Use of mobile phones", "1. Introduction") for p in passages)


def test_contents_page_header_and_footer_are_not_passages(made) -> None:
    passages, _, _ = made
    texts = " ".join(p.text for p in passages)
    assert "....." not in texts and school.HEADER not in texts and school.REVIEW not in texts
    assert not any(p.section.startswith("Contents") for p in passages)


def test_a_table_row_is_one_passage_with_its_header_as_context(docx_file: Path) -> None:
    passages, _, _ = passages_of(docx_file)
    role, duty = school.TABLE[1]
    row = by_text(passages, f"{role} | {duty}")
    assert row.context == " | ".join(school.TABLE[0])


def test_every_pdf_passage_keeps_its_page(pdf_file: Path) -> None:
    passages, _, _ = passages_of(pdf_file)
    assert passages and all(p.page is not None and p.page >= 2 for p in passages)
