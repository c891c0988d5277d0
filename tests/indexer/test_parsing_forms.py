"""The forms real documents take (issue 13): bullet glyphs, review dates, split words, titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.audit import passage_defects
from indexer.dates import parse_month
from indexer.loaders.glyphs import leading_glyph
from indexer.loaders.metadata import ReviewLines
from indexer.loaders.text import parse_lines
from indexer.loaders.words import known_words, rejoin
from indexer.titles import clean_file_name, junk_metadata, pick_title


@pytest.mark.parametrize("glyph", ["\uf0b7", "\uf0a7", "\x7f", "▪", "●", "➢", "✓", "•", "■"])
def test_any_bullet_glyph_starts_an_item_and_is_not_quoted(glyph: str) -> None:
    lines = ["Staff must not:", f"{glyph} share passwords with pupils", f"{glyph}\tpost photos"]
    blocks = parse_lines([(line, 1) for line in lines])
    assert [(b.kind, b.text) for b in blocks] == [
        ("paragraph", "Staff must not:"),
        ("item", "share passwords with pupils"),
        ("item", "post photos"),
    ]


def test_word_o_at_a_deeper_indent_nests_under_its_parent() -> None:
    lines = ["Pupils will:", "\uf0b7 learn to stay safe:", "    o online", "    o at home"]
    blocks = parse_lines([(line, 1) for line in lines])
    assert [(b.text, b.level) for b in blocks[1:]] == [
        ("learn to stay safe:", 0),
        ("online", 1),
        ("at home", 1),
    ]


@pytest.mark.parametrize("text", ["£50 fine for late collection.", "(a) staff", "“Quoted”"])
def test_currency_brackets_and_quotes_are_not_bullets(text: str) -> None:
    assert leading_glyph(text) is None


@pytest.mark.parametrize(
    ("written", "month"),
    [
        ("Sept 19", "2019-09"),
        ("01.01.24", "2024-01"),
        ("1/9/2025", "2025-09"),
        ("Autumn 2025", "2025-09"),
        ("October 2026", "2026-10"),
        ("1st January 2024", "2024-01"),
        ("MARCH 2022", "2022-03"),
    ],
)
def test_review_date_forms(written: str, month: str) -> None:
    assert parse_month(written).strftime("%Y-%m") == month


@pytest.mark.parametrize(
    ("lines", "month"),
    [
        (["Next Review Due: October 2026"], "2026-10"),
        (["DATE OF NEXT REVIEW: July", "2023"], "2023-07"),
        (["Review Date: 1st January", "", "2024"], "2024-01"),
        (["DATE OF REVIEW: January 2018", "DATE OF NEXT REVIEW: January 2019"], "2019-01"),
        (["Next review Autumn 2025"], "2025-09"),
    ],
)
def test_review_lines(lines: list[str], month: str) -> None:
    metadata = ReviewLines()
    assert all(metadata.take_line(line) or not line.strip() for line in lines)
    assert parse_month(metadata.review_date()).strftime("%Y-%m") == month


@pytest.mark.parametrize(
    "line", ["Reviewed: January 2016", "We will review this policy in May 2025 with staff."]
)
def test_past_reviews_and_clauses_are_not_review_fields(line: str) -> None:
    metadata = ReviewLines()
    metadata.take_line(line)
    assert metadata.review_date() is None


def test_split_words_rejoin_only_when_the_whole_word_is_known() -> None:
    known = known_words("Come in to the school hall; go into multi-agency meetings anonymously.")
    assert rejoin("the scho ol nurse", known) == "the school nurse"
    assert rejoin("a multi -agency team", known) == "a multi-agency team"
    assert rejoin("raised anony        mously", known) == "raised anonymously"
    assert rejoin("go in to the hall", known) == "go in to the hall"  # both pieces are words
    assert rejoin("Name        Date", known) == "Name        Date"  # table cells


def test_titles_from_the_first_page_not_from_junk_metadata() -> None:
    lines = [
        "Oakfield Primary School",
        "",
        "Child Protection and",
        "",
        "Safeguarding Policy",
        "DATE OF NEXT REVIEW: September 2022",
    ]
    path = Path("2021-cp-and-safeguarding-policy.pdf")
    assert pick_title(lines, "Microsoft Word - CP draft.docx", path) == (
        "Child Protection and Safeguarding Policy"
    )
    assert junk_metadata("(anonymous)") and junk_metadata("01 May 2009")
    assert junk_metadata("Heading: Arial 20pt") and not junk_metadata("Social Media Policy")


def test_file_name_cleaned_as_a_last_resort() -> None:
    assert clean_file_name(Path("Child Protection Policy (2).docx")) == "Child Protection Policy"
    assert clean_file_name(Path("2021-anti-bullying-policy.pdf")) == "Anti bullying policy"
    assert clean_file_name(Path("send-policy-january-2022.pdf")) == "Send policy"


def test_audit_flags_the_defects_it_names() -> None:
    assert "merged_list" in passage_defects("Staff must: \uf0b7 lock screens \uf0b7 log out")
    assert "glyph_left" in passage_defects("\uf0b7 lock screens when away")
    assert "split_word" in passage_defects("The scho ol nurse will see pupils.")
    assert "run_together" in passage_defects("Staff must read thispolicy every year.")
    assert passage_defects("Staff must lock their screens when they leave the room.") == set()
