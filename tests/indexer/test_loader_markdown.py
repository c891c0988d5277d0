"""Markdown loader on real files written to tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import DocumentError
from indexer import messages
from indexer.loaders import load_document
from indexer.loaders.markdown import load

POLICY = """\
---
title: Social Media Policy
next review: 2026-06-01
last_reviewed: June 2024
---

# Online Safety

Staff must read this **policy** and the
[acceptable use policy](https://example.org/aup) before using *any* site.

## Conduct

If using social networking sites, you must not;

* Defame or disparage the
  trust
* Post images:
    - of pupils
    - of __colleagues__ without consent
+ Use a personal account for school business

1. Report concerns to the DSL
2. Keep a record:
   1) of the date
   2) of what was said

2.6 Staff must not follow ex-pupils under 18.

```
code stays
  as written
```
"""


def write(tmp_path: Path, text: str | bytes, name: str = "policy.md") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.fixture
def policy(tmp_path: Path):
    return load_document(write(tmp_path, POLICY))


def test_front_matter_gives_title_and_review_date(policy) -> None:
    assert policy.title == "Social Media Policy"
    assert policy.review_date == "2026-06-01"
    assert policy.warnings == []
    assert not any("2024" in b.text or "title" in b.text for b in policy.blocks)


def test_headings_have_levels(policy) -> None:
    assert [(b.text, b.level) for b in policy.blocks if b.kind == "heading"] == [
        ("Online Safety", 1),
        ("Conduct", 2),
    ]


def test_wrapped_lines_are_joined_and_link_and_emphasis_syntax_removed(policy) -> None:
    assert policy.blocks[1].kind == "paragraph"
    assert policy.blocks[1].text == (
        "Staff must read this policy and the acceptable use policy before using any site."
    )


def test_bullets_nested_bullets_and_ordered_lists_are_items(policy) -> None:
    items = [(b.label, b.level, b.text) for b in policy.blocks if b.kind == "item"]
    assert items == [
        (None, 0, "Defame or disparage the trust"),
        (None, 0, "Post images:"),
        (None, 1, "of pupils"),
        (None, 1, "of colleagues without consent"),
        (None, 0, "Use a personal account for school business"),
        ("1", 0, "Report concerns to the DSL"),
        ("2", 0, "Keep a record:"),
        ("1)", 1, "of the date"),
        ("2)", 1, "of what was said"),
        ("2.6", 0, "Staff must not follow ex-pupils under 18."),
    ]


def test_code_fences_are_kept_as_paragraphs(policy) -> None:
    assert policy.blocks[-1].kind == "paragraph"
    assert policy.blocks[-1].text == "code stays\n  as written"


def test_ordered_list_numbering_follows_its_start(tmp_path: Path) -> None:
    blocks = load(write(tmp_path, "3. third\n3. fourth\n")).blocks
    assert [(b.label, b.text) for b in blocks] == [("3", "third"), ("4", "fourth")]


def test_title_from_first_heading_without_front_matter(tmp_path: Path) -> None:
    document = load(write(tmp_path, "Intro line.\n\n# Acceptable Use\n\nBody.\n"))
    assert document.title == "Acceptable Use"
    assert document.review_date is None


def test_windows_1252_text_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, b"# Caf\xe9 rules\n\nStaff\x92s duty.\n", "old.md")
    document = load(path)
    assert [b.text for b in document.blocks] == ["Caf\u00e9 rules", "Staff\u2019s duty."]
    assert document.warnings == [messages.TEXT_NOT_UTF8.format(name="old.md")]


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "# Title\n\nBody text.\n".encode("utf-16"))
    assert [b.text for b in load(path).blocks] == ["Title", "Body text."]


def test_bad_front_matter_warns_and_the_body_is_still_read(tmp_path: Path) -> None:
    path = write(tmp_path, "---\ntitle: [unclosed\n---\n\nBody.\n", "bad.md")
    document = load(path)
    assert [b.text for b in document.blocks] == ["Body."]
    assert document.warnings == [messages.MARKDOWN_BAD_FRONT_MATTER.format(name="bad.md")]


def test_front_matter_dates_become_text(tmp_path: Path) -> None:
    path = write(tmp_path, "---\nTitle: Policy\nreview_date: 2025-09-01\n---\nBody.\n")
    document = load(path)
    assert (document.title, document.review_date) == ("Policy", "2025-09-01")


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"", messages.DOC_EMPTY), (b"PK\x03\x04\x00\x00binary", messages.TEXT_NOT_TEXT)],
)
def test_empty_or_binary_files_raise_document_error(tmp_path: Path, content, problem) -> None:
    with pytest.raises(DocumentError) as raised:
        load(write(tmp_path, content, "bad.md"))
    assert (raised.value.path, raised.value.problem) == ("bad.md", problem)
