"""Markdown loader: front matter as metadata, CommonMark structure as blocks.

YAML front matter (between ``---`` lines at the top) gives the title and review date; it is
read by a safe loader that refuses aliases (``*name``), so a few hundred bytes of "billion
laughs" cannot expand into gigabytes.
The body is parsed by markdown-it-py (CommonMark, plus tables): ``#`` headings become heading
blocks, bullets and ordered lists become items (nesting depth as level, "1" / "1)" labels as
the list prints them), paragraphs keep their words with hard wraps joined, link and emphasis
syntax reduced to the text, code blocks kept as paragraphs. A paragraph that starts with a
clause number ("2.6 Staff must ...", "(a) ...") becomes an item with that label.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

from indexer import messages
from indexer.errors import DocumentError
from indexer.model import Block, LoadedDocument

_FRONT_MATTER = re.compile(
    r"\A---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M
)
_REVIEW_KEYS = ("next_review", "next_review_date", "review_date", "review_due", "review")
_CLAUSE = re.compile(
    r"^(?P<label>\d{1,3}(?:\.\d{1,3})+|\((?:[a-z]|[ivx]{1,5}|\d{1,3})\))\.?\s+(?=\S)"
)
_PARSER = MarkdownIt("commonmark").enable("table")


class _NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without aliases: front matter never needs them, bombs do."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


def load(path: Path) -> LoadedDocument:
    """Read a Markdown policy; DocumentError when the file is empty or not text."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DocumentError(path.name, messages.DOC_UNREADABLE) from error
    text, warnings = decode(raw, path.name)
    metadata, body = split_front_matter(text, path.name, warnings)
    blocks = parse_markdown(body)
    first_heading = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return LoadedDocument(
        blocks=blocks,
        title=_text(metadata.get("title")) or first_heading,
        review_date=next((_text(metadata[key]) for key in _REVIEW_KEYS if key in metadata), None),
        warnings=warnings,
    )


def decode(raw: bytes, name: str) -> tuple[str, list[str]]:
    """Text from bytes: UTF-8 (or UTF-16 with a BOM), else Windows-1252 with a warning."""
    if not raw:
        raise DocumentError(name, messages.DOC_EMPTY)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), []
    if b"\x00" in raw[:8192]:
        raise DocumentError(name, messages.TEXT_NOT_TEXT)
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), [messages.TEXT_NOT_UTF8.format(name=name)]


def split_front_matter(text: str, name: str, warnings: list[str]) -> tuple[dict[str, Any], str]:
    """The YAML front matter as a dict with normalised keys, and the body after it."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.load(match.group("yaml"), Loader=_NoAliasLoader)  # noqa: S506 (safe)
    except (yaml.YAMLError, RecursionError):  # RecursionError: [[[[... thousands deep
        warnings.append(messages.MARKDOWN_BAD_FRONT_MATTER.format(name=name))
        return {}, text[match.end() :]
    if not isinstance(data, dict):
        return ({}, text[match.end() :]) if data is None else ({}, text)
    keys = {re.sub(r"[\s-]+", "_", str(key).strip().lower()): value for key, value in data.items()}
    return keys, text[match.end() :]


def _text(value: object) -> str | None:
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = " ".join(str(value).split()) if value is not None else ""
    return text or None


def parse_markdown(text: str) -> list[Block]:
    """Markdown body -> blocks in reading order."""
    walker = _Walker()
    for token in _PARSER.parse(text):
        walker.feed(token)
    walker.flush()
    return walker.blocks


@dataclass
class _List:
    ordered: bool
    next_number: int = 1


@dataclass
class _Walker:
    blocks: list[Block] = field(default_factory=list)
    lists: list[_List] = field(default_factory=list)
    item: tuple[int, str | None, list[str]] | None = None  # level, label, texts so far
    heading: int | None = None

    def feed(self, token: Any) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.flush()
            start = token.attrGet("start") if kind == "ordered_list_open" else None
            self.lists.append(_List(kind == "ordered_list_open", int(start or 1)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.flush()
            self.lists.pop()
        elif kind == "list_item_open":
            self.flush()
            self.item = (len(self.lists) - 1, self._label(token.markup), [])
        elif kind == "list_item_close":
            self.flush()
        elif kind == "heading_open":
            self.heading = int(token.tag[1:])
        elif kind == "heading_close":
            self.heading = None
        elif kind == "inline":
            self._inline(inline_text(token))
        elif kind in ("fence", "code_block") and token.content.strip():
            self.flush()
            self.blocks.append(Block("paragraph", token.content.strip("\n")))

    def _label(self, markup: str) -> str | None:
        current = self.lists[-1]
        if not current.ordered:
            return None
        number, current.next_number = current.next_number, current.next_number + 1
        return f"{number}{markup}".rstrip(".")

    def _inline(self, text: str) -> None:
        if not text:
            return
        if self.heading is not None:
            self.blocks.append(Block("heading", text, self.heading))
            self.heading = None
        elif self.item is not None:
            self.item[2].append(text)
        elif match := _CLAUSE.match(text):
            self.blocks.append(Block("item", text[match.end() :], 0, match.group("label")))
        else:
            self.blocks.append(Block("paragraph", text))

    def flush(self) -> None:
        if self.item is not None and self.item[2]:
            level, label, texts = self.item
            self.blocks.append(Block("item", " ".join(texts), level, label))
        self.item = None


def inline_text(token: Any) -> str:
    """An inline token's words: link and emphasis syntax dropped, line breaks as spaces."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())
