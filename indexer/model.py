"""The data that flows through indexing: blocks from a loader, passages for the index.

A loader turns one file into a :class:`LoadedDocument`: document metadata plus a flat list of
:class:`Block` in reading order. ``clauses.segment`` turns blocks into :class:`Passage`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item"]


@dataclass
class Block:
    """One structural element of a document, in the document's own words.

    kind: "heading" (a section title), "paragraph" (running text) or "item" (a list item or a
    numbered clause). level: heading depth (1 = top) or list nesting depth (0 = top level).
    label: the clause number or list label as printed ("2.6", "4.1(15)", "a.", "(iv)"), or
    None for a bullet. page: 1-based page for paginated sources, else None.
    """

    kind: BlockKind
    text: str
    level: int = 0
    label: str | None = None
    page: int | None = None
    context: str | None = None  # what governs it when the text does not say: a table's header
    ocr: bool = False  # read by OCR from a page that was only a picture


@dataclass
class LoadedDocument:
    """What a loader returns: the blocks plus whatever metadata the file itself carries."""

    blocks: list[Block]
    title: str | None = None
    review_date: str | None = None
    warnings: list[str] = field(default_factory=list)
    title_field: str | None = None  # a cover table's "Policy title" cell: the title, if any


@dataclass(frozen=True)
class Passage:
    """One clause, ready to index and to quote.

    text is verbatim (whitespace normalised) and is what staff see; context is the lead-in
    that governs a list item ("... you must not;"), shown above it. ocr: the text was read
    by OCR from a scanned page (the citation says so); saved only when true, so indexes
    built before the field existed load unchanged.
    """

    id: str
    text: str
    context: str | None
    document: str
    school: str
    section: str
    clause: str | None
    page: int | None
    source: str
    review_date: str | None = None
    ocr: bool = False

    def to_dict(self) -> dict[str, object]:
        saved = {name: getattr(self, name) for name in _PASSAGE_FIELDS}
        if not self.ocr:
            del saved["ocr"]
        return saved


_PASSAGE_FIELDS = tuple(f.name for f in fields(Passage))
