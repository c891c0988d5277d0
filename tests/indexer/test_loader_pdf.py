"""PDF loader on real PDFs generated with fpdf2 (tests/builders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import DocumentError
from indexer import messages
from indexer.loaders import load_document
from indexer.loaders.pdf import clean_pages, load, pdf_lines
from tests.builders import make_image_pdf, make_pdf

HEADER = "Kite College - Social Media Policy"
FOOTER = "Page {page} of {pages}"

POLICY_PAGES = [
    [
        "Scope",
        "",
        "1. Staff must keep safeguarding records up to date.",
        "",
        "2. Staff may use school-",
        "endorsed accounts only.",
        "",
        "3. Staff must report any safe-",
    ],
    [
        "guarding concern to the DSL the same day.",
        "",
        "4. Staff must not accept friend requests from pupils.",
    ],
    ["5. Breaches may lead to disciplinary action."],
]


@pytest.fixture
def policy_pdf(tmp_path: Path) -> Path:
    return make_pdf(
        tmp_path / "policy.pdf",
        POLICY_PAGES,
        header=HEADER,
        footer=FOOTER,
        title="Social Media Policy",
    )


def test_running_header_and_page_footer_are_dropped(policy_pdf: Path) -> None:
    texts = [text for text, _ in pdf_lines(policy_pdf)]
    assert not any("Kite College" in text or text.startswith("Page ") for text in texts)
    assert texts[0] == "Scope"


def test_every_line_keeps_its_page(policy_pdf: Path) -> None:
    pages = dict(pdf_lines(policy_pdf))
    assert pages["Scope"] == 1
    assert pages["4. Staff must not accept friend requests from pupils."] == 2
    assert pages["5. Breaches may lead to disciplinary action."] == 3


def test_hyphen_at_a_page_break_stays_next_to_its_continuation(policy_pdf: Path) -> None:
    lines = pdf_lines(policy_pdf)
    at = [text for text, _ in lines].index("3. Staff must report any safe-")
    assert lines[at + 1] == ("guarding concern to the DSL the same day.", 2)


def test_load_rejoins_hyphenation_and_keeps_real_compounds(policy_pdf: Path) -> None:
    document = load(policy_pdf)
    texts = [block.text for block in document.blocks]
    assert any("report any safeguarding concern to the DSL" in text for text in texts)
    assert any("school-endorsed accounts" in text for text in texts)


def test_load_gives_numbered_clauses_with_pages_and_the_metadata_title(policy_pdf: Path) -> None:
    document = load_document(policy_pdf)
    items = {block.label: block for block in document.blocks if block.kind == "item"}
    assert set(items) >= {"1", "2", "3", "4", "5"}
    assert items["3"].page == 1
    assert items["4"].page == 2
    assert document.title == "Social Media Policy"
    assert document.warnings == []


def test_bare_page_numbers_with_an_unnumbered_cover_are_dropped(tmp_path: Path) -> None:
    pages = [["Cover"], ["First body line."], ["Second body line."], ["Third body line."]]
    # footers "1", "2", "3" printed on physical pages 2..4 (offset -1), added as last lines
    path = make_pdf(
        tmp_path / "numbered.pdf",
        [pages[0]] + [page + ["", str(n)] for n, page in enumerate(pages[1:], start=1)],
    )
    assert [text for text, _ in pdf_lines(path) if text] == [
        "Cover",
        "First body line.",
        "Second body line.",
        "Third body line.",
    ]


def test_numbers_and_headings_inside_the_page_are_kept() -> None:
    pages = [["Part 1", "Body one.", "3", "Clause text."], ["Part 2", "Body two."]]
    assert [text for text, _ in clean_pages(pages) if text] == [
        "Part 1",
        "Body one.",
        "3",
        "Clause text.",
        "Part 2",
        "Body two.",
    ]


def test_running_lines_with_changing_numbers_count_as_repeated() -> None:
    pages = [[f"Policy v2 printed 0{n}/06/2024", f"Body {n}.", f"{n} / 5"] for n in range(1, 6)]
    assert [text for text, _ in clean_pages(pages) if text] == [f"Body {n}." for n in range(1, 6)]


def test_a_page_break_after_a_finished_sentence_separates_blocks(tmp_path: Path) -> None:
    pages = [["1. Staff must report concerns.", "", "2. Staff must not"], ["accept requests."]]
    pages += [["SOCIAL NETWORKING SITES", "Staff should follow this guidance."]]
    lines = clean_pages(pages)
    assert ("accept requests.", 2) in lines
    assert lines[lines.index(("accept requests.", 2)) - 1] == ("2. Staff must not", 1)
    assert lines[lines.index(("accept requests.", 2)) + 1] == ("", 3)
    document = load(make_pdf(tmp_path / "breaks.pdf", pages))
    headings = [(b.text, b.page) for b in document.blocks if b.kind == "heading"]
    assert ("SOCIAL NETWORKING SITES", 3) in headings
    assert any(b.text == "Staff must not accept requests." for b in document.blocks)


def test_metadata_table_rows_give_the_review_date(tmp_path: Path) -> None:
    rows = ["Author\tJ Grayson\tStatus\tApproved", "Last Review\tJune 2024\tNext Review\tJune 2026"]
    body = ["", "2.1\tStaff must review the date of every post before it is published."]
    document = load(make_pdf(tmp_path / "meta.pdf", [rows + body]))
    assert document.review_date == "June 2026"
    assert [(b.label, b.text) for b in document.blocks] == [
        ("2.1", "Staff must review the date of every post before it is published.")
    ]


def test_ligatures_soft_hyphens_and_spacing_are_tidied() -> None:
    pages = [["  The \ufb01le   is   here and safe\u00ad", "  guarding matters", "    - indented"]]
    assert clean_pages(pages) == [
        ("The file is here and safe-", 1),
        ("guarding matters", 1),
        ("  - indented", 1),
    ]


def test_scanned_pdf_warns_and_gives_no_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no OCRmyPDF (see test_loader_pdf_ocr.py)
    path = make_image_pdf(tmp_path / "scan.pdf", pages=2)
    document = load(path)
    assert document.blocks == []
    assert document.warnings == ["scan.pdf: no text layer \u2014 run OCR first"]


def test_scanned_pages_in_a_text_pdf_are_named_in_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")  # no OCRmyPDF (see test_loader_pdf_ocr.py)
    pages = [["1. Typed page."], ["scanned"], ["2. Typed again."]]
    document = load(make_pdf(tmp_path / "mixed.pdf", pages, scanned_pages=[2]))
    assert [b.label for b in document.blocks] == ["1", "2"]
    assert document.warnings == [messages.PDF_PAGES_NO_TEXT.format(name="mixed.pdf", pages="2")]


def test_pdf_with_empty_user_password_opens(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "restricted.pdf", [["1. Open to read."]], user_password="")
    assert [text for text, _ in pdf_lines(path)] == ["1. Open to read."]


def test_password_protected_pdf_asks_for_an_unprotected_copy(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "locked.pdf", [["Secret."]], user_password="letmein")
    with pytest.raises(DocumentError) as raised:
        load(path)
    assert raised.value.path == "locked.pdf"
    assert raised.value.problem == messages.PDF_ENCRYPTED


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda data: b"", messages.DOC_EMPTY),
        (lambda data: data[: len(data) // 2], messages.PDF_TRUNCATED),
        (lambda data: b"Just some text, renamed to .pdf\n", messages.PDF_NOT_PDF),
        (lambda data: data[:20] + bytes(range(256)) * 8 + b"\n%%EOF\n", messages.PDF_CORRUPT),
        (lambda data: data.replace(b"xref", b"xxxx").replace(b"/Root", b"/Xxxx"), None),
    ],
)
def test_damaged_pdfs_raise_document_error(policy_pdf: Path, damage, problem) -> None:
    policy_pdf.write_bytes(damage(policy_pdf.read_bytes()))
    with pytest.raises(DocumentError) as raised:
        load(policy_pdf)
    assert raised.value.path == "policy.pdf"
    assert problem is None or raised.value.problem == problem


def test_missing_file_raises_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError):
        load(tmp_path / "gone.pdf")


def test_a_long_pdf_loads_every_page(tmp_path: Path) -> None:
    body = [f"{n}. Clause on page {{page}} about safeguarding and social media." for n in range(40)]
    pages = [[line.format(page=page) for line in body] for page in range(1, 201)]
    path = make_pdf(tmp_path / "long.pdf", pages, header=HEADER, footer=FOOTER)
    document = load(path)
    assert {block.page for block in document.blocks} == set(range(1, 201))
    assert not any("Kite College" in block.text for block in document.blocks)
    assert len(document.blocks) >= 200 * 40 * 0.9
