"""Word loader on real .docx files generated with python-docx (tests/builders.py)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from bot.errors import DocumentError
from indexer import messages
from indexer.loaders import load_document
from indexer.loaders.docx import load
from indexer.loaders.docx_numbering import format_number
from tests.builders import (
    add_abstract_num,
    add_num,
    build_docx,
    docx_bytes,
    make_docx,
    set_numbering,
)

POLICY = [
    ("title", "Social Media Policy"),
    ("table", [["Last Review", "June 2024", "Next Review", "June 2026"]]),
    ("heading", "Scope", 1),
    ("paragraph", "This policy applies to all staff."),
    ("heading", "Conduct", 2),
    ("number", "Staff must not:", 0),
    ("number", "accept friend requests from pupils;", 1),
    ("number", "share images of pupils.", 1),
    ("number", "Staff must report concerns:", 0),
    ("number", "to the DSL;", 1),
    ("number", "in writing,", 2),
    ("number", "the same day.", 2),
    ("bullet", "A bullet point", 0),
    ("bullet", "A nested bullet", 1),
    ("restart",),
    ("number", "A new list starts again", 0),
    ("table", [["Role", "Contact"], ["DSL", "Jane Smith"]]),
]


def items(blocks) -> list[tuple[str | None, int, str]]:
    return [(b.label, b.level, b.text) for b in blocks if b.kind == "item"]


@pytest.fixture
def policy(tmp_path: Path):
    return load_document(make_docx(tmp_path / "policy.docx", POLICY))


def test_headings_keep_their_levels(policy) -> None:
    headings = [(b.text, b.level) for b in policy.blocks if b.kind == "heading"]
    assert headings == [("Social Media Policy", 1), ("Scope", 1), ("Conduct", 2)]


def test_multi_level_list_numbers_are_rebuilt(policy) -> None:
    assert items(policy.blocks)[:7] == [
        ("1", 0, "Staff must not:"),
        ("a)", 1, "accept friend requests from pupils;"),
        ("b)", 1, "share images of pupils."),
        ("2", 0, "Staff must report concerns:"),
        ("a)", 1, "to the DSL;"),
        ("(i)", 2, "in writing,"),
        ("(ii)", 2, "the same day."),
    ]


def test_bullets_have_no_label_and_a_restarted_list_starts_at_one(policy) -> None:
    assert items(policy.blocks)[7:10] == [
        (None, 0, "A bullet point"),
        (None, 1, "A nested bullet"),
        ("1", 0, "A new list starts again"),
    ]


def test_metadata_table_gives_the_next_review_date_and_no_blocks(policy) -> None:
    assert policy.review_date == "June 2026"
    assert policy.title == "Social Media Policy"
    assert not any("June" in b.text for b in policy.blocks)


def test_a_table_row_is_one_item_with_the_header_cells_as_context(policy) -> None:
    row = policy.blocks[-1]
    assert (row.kind, row.text, row.context) == ("item", "DSL | Jane Smith", "Role | Contact")
    assert "Role" not in [b.text for b in policy.blocks]


def test_a_table_without_a_header_row_is_read_cell_by_cell(tmp_path: Path) -> None:
    rows = [
        ["The DSL will keep records of every concern.", "Staff will pass concerns on."],
        ["Records are kept securely.", "Records are kept for six years."],
    ]
    document = load_document(make_docx(tmp_path / "t.docx", [("table", rows)]))
    assert [b.text for b in document.blocks] == [cell for row in rows for cell in row]


def test_review_date_from_a_header_row_table(tmp_path: Path) -> None:
    rows = [["Date", "Last Review", "Review Date"], ["Sept 17", "Sept 18", "Sept 19"]]
    document = load(make_docx(tmp_path / "p.docx", [("table", rows), ("paragraph", "Body.")]))
    assert document.review_date == "Sept 19"
    assert [b.text for b in document.blocks] == ["Body."]


def test_numbering_from_built_in_list_styles(tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "styles.docx",
        [
            ("style", "First", "List Number"),
            ("style", "Second", "List Number"),
            ("style", "Dot", "List Bullet"),
        ],
    )
    assert items(load(path).blocks) == [("1", 0, "First"), ("2", 0, "Second"), (None, 0, "Dot")]


def test_start_override_and_multi_level_text(tmp_path: Path) -> None:
    document = build_docx([])
    part = document.part.numbering_part.element
    abstract = add_abstract_num(
        part, 90, [("decimal", "%1."), ("decimal", "%1.%2"), ("upperRoman", "%3.")], start=4
    )
    plain, restarted = add_num(part, abstract), add_num(part, abstract, start_override=1)
    for text, num, level in [
        ("A", plain, 0),
        ("B", plain, 1),
        ("C", plain, 1),
        ("D", plain, 2),
        ("E", plain, 0),
        ("F", plain, 1),
        ("G", restarted, 0),
    ]:
        set_numbering(document.add_paragraph(text), num, level)
    document.save(str(tmp_path / "custom.docx"))
    assert [(label, text) for label, _, text in items(load(tmp_path / "custom.docx").blocks)] == [
        ("4", "A"),
        ("4.4", "B"),
        ("4.5", "C"),
        ("IV", "D"),
        ("5", "E"),
        ("5.4", "F"),
        ("1", "G"),
    ]


def test_numbers_in_every_format() -> None:
    assert format_number(27, "lowerLetter") == "aa"
    assert format_number(3, "upperLetter") == "C"
    assert format_number(14, "lowerRoman") == "xiv"
    assert format_number(1994, "upperRoman") == "MCMXCIV"
    assert format_number(7, "decimalZero") == "07"
    assert format_number(7, "someNewFormat") == "7"


def test_hyperlink_and_tracked_insertion_text_is_kept(tmp_path: Path) -> None:
    document = build_docx([])
    paragraph = document.add_paragraph("See the ")
    for wrapper, text in (("w:hyperlink", "acceptable use policy"), ("w:ins", " today")):
        outer, run, t = OxmlElement(wrapper), OxmlElement("w:r"), OxmlElement("w:t")
        t.text = text
        t.set(qn("xml:space"), "preserve")
        run.append(t)
        outer.append(run)
        paragraph._p.append(outer)
    document.save(str(tmp_path / "links.docx"))
    assert [b.text for b in load(tmp_path / "links.docx").blocks] == [
        "See the acceptable use policy today"
    ]


def test_title_falls_back_to_core_properties(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "t.docx", [("paragraph", "Body.")], core_title="Acceptable Use")
    assert load(path).title == "Acceptable Use"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (lambda: b"", messages.DOC_EMPTY),
        (lambda: docx_bytes([("paragraph", "Body.")])[:2000], messages.DOCX_CORRUPT),
        (lambda: b"plain text renamed to .docx", messages.DOCX_CORRUPT),
        (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), messages.DOCX_PROTECTED),
    ],
)
def test_unreadable_files_raise_document_error(tmp_path: Path, content, problem) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content())
    with pytest.raises(DocumentError) as raised:
        load(path)
    assert (raised.value.path, raised.value.problem) == ("bad.docx", problem)


def test_zip_without_a_document_part_raises_document_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(DocumentError):
        load(path)


def test_malformed_document_xml_raises_document_error(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", [("paragraph", "Body.")])
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[:-40] if info.filename == "word/document.xml" else data)
    with pytest.raises(DocumentError):
        load(path)
