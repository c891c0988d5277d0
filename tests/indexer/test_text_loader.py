"""Plain-text loader units: structure read from the shape of the lines (indexer/loaders/text.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import DocumentError
from indexer import messages
from indexer.clauses import DocumentInfo, segment
from indexer.loaders.text import load, parse_document, parse_lines
from indexer.model import Block

pytestmark = pytest.mark.usefixtures("isolated_env")


def blocks(text: str) -> list[Block]:
    return parse_lines([(line, None) for line in text.split("\n")])


def items(text: str) -> list[Block]:
    return [b for b in blocks(text) if b.kind == "item"]


def texts(found: list[Block]) -> list[str]:
    return [b.text for b in found]


# --- bullets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "glyph", ["e", "«", "o", "·", "-", "•", "- ·", "- \\cdot", "\\cdot", "*", "▪"]
)
def test_bullet_glyph_starts_an_item_and_is_not_in_its_text(glyph: str) -> None:
    found = items(
        f"Staff must not:\n{glyph} post photos of pupils;\n{glyph} accept friend requests;"
    )
    assert texts(found) == ["post photos of pupils;", "accept friend requests;"]


def test_ocr_letter_bullets_need_a_word_after_them() -> None:
    """'e' and 'o' are bullets only when a word follows; a line starting 'email' is not one."""
    found = blocks("Staff must use\nemail for contact with parents.\no Never a personal account.")
    assert texts(found) == [
        "Staff must use email for contact with parents.",
        "Never a personal account.",
    ]
    assert [b.kind for b in found] == ["paragraph", "item"]


def test_wrapped_bullet_lines_are_joined() -> None:
    found = items(
        "Staff must not:\n• post photographs of pupils\n  on any site;\n• share passwords."
    )
    assert texts(found) == ["post photographs of pupils on any site;", "share passwords."]


# --- nesting -----------------------------------------------------------------------------


def test_glyph_change_after_an_item_ending_in_colon_nests_the_list() -> None:
    found = items("Staff must:\n- Keep records:\n* of the date\n* of the time\n- Tell the DSL.")
    assert [(b.text, b.level) for b in found] == [
        ("Keep records:", 0),
        ("of the date", 1),
        ("of the time", 1),
        ("Tell the DSL.", 0),
    ]


def test_glyph_change_without_a_colon_does_not_nest() -> None:
    found = items("Staff must:\n- Keep records.\n* Tell the DSL.")
    assert [b.level for b in found] == [0, 0]


def test_nested_items_get_the_item_lead_in_as_context() -> None:
    found = blocks(
        "Staff must:\n- Keep records, which may include:\n* the date it happened\n"
        "* what was said\n- Tell the DSL."
    )
    passages = segment(found, DocumentInfo("s", "Policy", "s/p.txt"))
    context = {p.text: p.context for p in passages}
    assert (
        context["the date it happened"]
        == context["what was said"]
        == "Keep records, which may include:"
    )
    assert context["Tell the DSL."] == "Staff must:"


def test_paragraphs_after_a_lead_in_become_items_when_bullets_were_lost() -> None:
    found = blocks("Staff shall:\n\nEnsure the policy is followed;\n\nReport concerns to the DSL.")
    assert [(b.kind, b.text) for b in found][1:] == [
        ("item", "Ensure the policy is followed;"),
        ("item", "Report concerns to the DSL."),
    ]


def test_lines_after_a_numbered_lead_in_are_its_items() -> None:
    found = blocks(
        "8.1 The following laws must be considered:\n\nHuman Rights Act 1998\n\nEquality Act 2010"
    )
    assert [(b.kind, b.level, b.text) for b in found] == [
        ("item", 0, "The following laws must be considered:"),
        ("item", 1, "Human Rights Act 1998"),
        ("item", 1, "Equality Act 2010"),
    ]
    passages = segment(found, DocumentInfo("s", "Policy", "s/p.txt"))
    assert passages[-1].context == "The following laws must be considered:"


# --- clause numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("2.6 Staff must not follow pupils.", "2.6"),
        ("4.1 (15) Staff must read the guidance.", "4.1(15)"),
        ("(a) Staff must report it.", "(a)"),
        ("(iv) Staff must log it.", "(iv)"),
        ("b. Staff must tell the head.", "b"),
        ("11.Colleagues must not link sites.", "11"),
    ],
)
def test_clause_numbers_become_labels(line: str, label: str) -> None:
    (item,) = items(line)
    assert item.label == label
    assert item.text.split()[0] in ("Staff", "Colleagues")


def test_ocr_1f_after_a_number_is_read_as_if() -> None:
    (item,) = items("12.1f any colleague receives media contact they must tell the head.")
    assert (item.label, item.text) == (
        "12",
        "If any colleague receives media contact they must tell the head.",
    )


def test_lone_clause_numbers_go_to_the_paragraphs_that_follow() -> None:
    found = blocks("2.6\n\n2.7\n\nStaff must report bullying.\n\nStaff must not post photos.")
    assert [(b.label, b.text) for b in found] == [
        ("2.6", "Staff must report bullying."),
        ("2.7", "Staff must not post photos."),
    ]


def test_numbered_heading_is_a_heading_not_a_clause() -> None:
    found = blocks("3 Staff Conduct\n\n3.1 Staff must not follow pupils.")
    assert (found[0].kind, found[0].text) == ("heading", "3 Staff Conduct")
    assert (found[1].kind, found[1].label) == ("item", "3.1")


def test_point_zero_heading_is_a_top_level_section() -> None:
    found = blocks(
        "USE OF SCHOOL SITES\n\n6.0. EQUAL OPPORTUNITIES\n\n6.1 Managers must not discriminate."
    )
    assert [(b.kind, b.level) for b in found] == [("heading", 1), ("heading", 1), ("item", 0)]
    passages = segment(found, DocumentInfo("s", "Policy", "s/p.txt"))
    assert passages[0].section == "6.0 EQUAL OPPORTUNITIES"


def test_all_caps_line_is_a_heading() -> None:
    found = blocks("STAFF CONDUCT\nStaff must behave.")
    assert [(b.kind, b.text) for b in found] == [
        ("heading", "STAFF CONDUCT"),
        ("paragraph", "Staff must behave."),
    ]


# --- hyphenation -------------------------------------------------------------------------


def test_line_end_hyphen_rejoined_only_when_the_word_exists_elsewhere() -> None:
    found = blocks(
        "Colleagues must use a school-\nendorsed platform, follow the pro-\ncedure and stay on-\n"
        "line safe.\n\nThe procedure is strict and online rules apply."
    )
    expected = (
        "Colleagues must use a school-endorsed platform, follow the procedure and stay online safe."
    )
    assert found[0].text == expected


def test_line_end_hyphen_kept_when_the_joined_word_is_unknown() -> None:
    found = blocks("Kaleidoscope Multi-\nAcademy Trust schools must follow it.")
    assert found[0].text == "Kaleidoscope Multi-Academy Trust schools must follow it."


# --- continuation, page furniture -----------------------------------------------------------


def test_sentence_continues_across_blank_lines_and_a_page_number() -> None:
    found = blocks(
        "Staff who see a concern must report it to the\n\n12\n\n\nhead teacher the same day."
    )
    assert texts(found) == [
        "Staff who see a concern must report it to the head teacher the same day."
    ]


def test_finished_sentence_does_not_swallow_the_next_paragraph() -> None:
    found = blocks("Staff must report concerns.\n\nEveryone must read the policy.")
    assert texts(found) == ["Staff must report concerns.", "Everyone must read the policy."]


@pytest.mark.parametrize("furniture", ["3", "Page 3", "page 3 of 9", "  12  "])
def test_page_number_lines_are_dropped(furniture: str) -> None:
    found = blocks(f"Staff must report concerns.\n\n{furniture}\n\nEveryone must read it.")
    assert texts(found) == ["Staff must report concerns.", "Everyone must read it."]


def test_contents_lines_are_dropped() -> None:
    found = blocks(
        "Contents\n\n1. Policy aims\t3\n2. Staff use of social media ........ 4\n\n"
        "1. Policy aims\n\nStaff must read it."
    )
    assert "Policy aims" in [b.text for b in found if b.kind == "heading"][-1]
    assert not [b for b in found if "3" in b.text.split() or "4" in b.text.split()]


def test_markdown_bold_is_removed() -> None:
    (item,) = items("- School staff **will not** place photographs of pupils online.")
    assert item.text == "School staff will not place photographs of pupils online."


# --- metadata -------------------------------------------------------------------------


def document(text: str):
    return parse_document([(line, None) for line in text.split("\n")])


def test_tab_table_key_value_pairs_give_the_next_review_date() -> None:
    loaded = document(
        "Social Media Policy\n\nAuthor\tJ Smith\tSource\tNOS\n"
        "Last Review\tJune 2024\tNext Review\tJune 2026\n\nStaff must behave online."
    )
    assert loaded.review_date == "June 2026"
    assert loaded.title == "Social Media Policy"
    assert texts(loaded.blocks) == ["Social Media Policy", "Staff must behave online."]


def test_tab_table_header_row_then_value_row() -> None:
    loaded = document(
        "Policy\n\nDate\tReview Date\tCoordinator\nSept 17\tSept 19\tMr C Davies\n\n"
        "Staff must behave."
    )
    assert loaded.review_date == "Sept 19"
    assert "Mr C Davies" not in " ".join(texts(loaded.blocks))


def test_review_date_line_is_metadata() -> None:
    loaded = document(
        "Policy\n\nStaff must behave online.\n\nWritten: December 2018\nReview Date: December 2020"
    )
    assert loaded.review_date == "December 2020"
    assert texts(loaded.blocks) == ["Policy", "Staff must behave online."]


def test_no_review_date_is_none() -> None:
    assert document("Policy\n\nStaff must behave online.").review_date is None


# --- files --------------------------------------------------------------------------


def test_utf8_file_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes("\ufeffPOLICY\n\nStaff\u2019s phones must be locked.\n".encode())
    loaded = load(path)
    assert loaded.warnings == []
    assert loaded.blocks[-1].text == "Staff\u2019s phones must be locked."


def test_non_utf8_file_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "old-policy.txt"
    path.write_bytes(
        "POLICY\n\nStaff\u2019s phones must be locked \u2013 always.\n".encode("cp1252")
    )
    loaded = load(path)
    assert loaded.blocks[-1].text == "Staff\u2019s phones must be locked \u2013 always."
    assert len(loaded.warnings) == 1
    assert "old-policy.txt" in loaded.warnings[0] and "UTF-8" in loaded.warnings[0]


def test_utf16_file_from_notepad_is_read(tmp_path: Path) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes("POLICY\r\n\r\nStaff must lock their phones.\r\n".encode("utf-16"))
    assert texts(load(path).blocks) == ["POLICY", "Staff must lock their phones."]


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", messages.DOC_EMPTY), (b"PK\x03\x04\x00\x00binary", messages.TEXT_NOT_TEXT)],
)
def test_empty_or_binary_txt_is_one_clear_problem(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as raised:
        load(path)
    assert raised.value.path == "policy.txt"
    assert raised.value.problem == problem
