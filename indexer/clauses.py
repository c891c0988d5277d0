"""Blocks to clause-level passages: one clause, list item or paragraph each, never a heading.

Each passage keeps the section path it sits under and, for a list item, the lead-in that
governs it (the last sentence of the paragraph or parent item that introduced the list):
"Defame or disparage the trust" means nothing without "... you must not;".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from indexer.model import Block, Passage

SECTION_SEPARATOR = " › "
_LEAD_IN_END = (":", ";", "—", "-", "–")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(‘'\"“])")
_METADATA_ONLY = re.compile(r"^[A-Z][\w /&.-]{0,30}:\s*[^.;!?]{0,60}$")
_MIN_WORDS = 3
_COVER_BLOCKS = 40  # the title heading is looked for on the cover and the top of page 1
_SHORT_LEAD_IN_WORDS = 10


@dataclass(frozen=True)
class DocumentInfo:
    """Where the blocks came from: school slug, document title, source path, review date."""

    school: str
    title: str
    source: str
    review_date: str | None = None


def segment(blocks: list[Block], info: DocumentInfo) -> list[Passage]:
    """Passages in reading order, with stable ids."""
    passages: list[Passage] = []
    ids = _IdMaker(info)
    sections: list[tuple[int, str]] = []
    lead_ins: dict[int, str | None] = {}
    previous: Block | None = None
    title_seen = False
    for number, block in enumerate(blocks):
        if block.kind == "heading":
            if not title_seen and number < _COVER_BLOCKS and _same_text(block.text, info.title):
                title_seen = True
                sections = []  # a letterhead above the title is no section of the document
                continue
            sections = [(level, text) for level, text in sections if level < block.level]
            sections.append((block.level, block.text))
            lead_ins = {}
            previous = block
            continue
        context = _context_for(block, previous, lead_ins) if block.context is None else None
        context = block.context or context
        if _is_passage(block.text):
            section = SECTION_SEPARATOR.join(text for _, text in sections)
            passages.append(_passage(block, info, section, context, ids))
        previous = block
    return passages


def _context_for(
    block: Block, previous: Block | None, lead_ins: dict[int, str | None]
) -> str | None:
    """Track lead-ins by list level; an item inherits the one for its level."""
    if block.kind != "item":
        lead_ins.clear()
        lead_ins[0] = _lead_in(block.text)
        return None
    if previous is not None and previous.kind == "item" and block.level > previous.level:
        lead_ins[block.level] = _lead_in(previous.text) or lead_ins.get(previous.level)
    for level in [level for level in lead_ins if level > block.level]:
        del lead_ins[level]
    return lead_ins.get(block.level)


def _lead_in(text: str) -> str | None:
    """The last sentence of a paragraph that introduces a list, or None."""
    stripped = text.rstrip()
    if not stripped.endswith(_LEAD_IN_END):
        return None
    sentences = _SENTENCE_END.split(stripped)
    lead_in = sentences.pop().strip()
    while sentences and len(lead_in.split()) < _SHORT_LEAD_IN_WORDS:
        lead_in = f"{sentences.pop().strip()} {lead_in}"
    return lead_in


def _is_passage(text: str) -> bool:
    words = text.split()
    if len(words) < _MIN_WORDS and not text.rstrip().endswith("."):
        return False
    return not _METADATA_ONLY.match(text)


def _passage(
    block: Block, info: DocumentInfo, section: str, context: str | None, ids: _IdMaker
) -> Passage:
    return Passage(
        id=ids.make(section, block.label, block.text),
        text=block.text,
        context=context,
        document=info.title,
        school=info.school,
        section=section,
        clause=block.label,
        page=block.page,
        source=info.source,
        review_date=info.review_date,
        ocr=block.ocr,
    )


class _IdMaker:
    """Ids from content, so an unchanged clause keeps its id when others are edited."""

    def __init__(self, info: DocumentInfo) -> None:
        self.info = info
        stem = info.source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        self.prefix = f"{info.school}/{stem}/"
        self.seen: dict[str, int] = {}

    def make(self, section: str, clause: str | None, text: str) -> str:
        key = f"{self.info.source}\n{section}\n{clause}\n{text}"
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]
        count = self.seen.get(digest, 0)
        self.seen[digest] = count + 1
        return f"{self.prefix}{digest}-{count}" if count else f"{self.prefix}{digest}"


def _same_text(a: str, b: str) -> bool:
    return re.sub(r"\W+", " ", a).strip().lower() == re.sub(r"\W+", " ", b).strip().lower()
