"""Plain text (and the lines of a PDF) to blocks: clauses, bullets, headings and lead-ins.

Plain-text policies are exports of Word files and OCR output, so structure has to be read
from the shape of the lines. ``parse_lines`` does that for the text loader and for the PDF
loader (which hands it the cleaned lines of every page):

* a *unit* is a run of lines; it starts at a bullet glyph, a clause number, or after a blank
  line, and lines inside it are joined (words hyphenated at a line end are rejoined when the
  joined word occurs elsewhere in the document, so ``school-endorsed`` keeps its hyphen);
* a unit that starts lower-case after one that stopped mid-sentence continues it, across
  blank lines, page numbers and page breaks;
* clause numbers standing alone on their lines (an OCR column) are given, in order, to the
  paragraphs that follow them, and never become passages of their own;
* paragraphs after a lead-in ending in ``:`` become items when the list lost its bullets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from indexer import messages
from indexer.errors import DocumentError
from indexer.loaders.glyphs import leading_glyph, strip_never_text
from indexer.loaders.markdown import decode  # one decoder for every text format
from indexer.loaders.metadata import ReviewLines
from indexer.loaders.structure import heading_shaped, typed_heading, typed_heading_level
from indexer.model import Block, LoadedDocument

Line = tuple[str, int | None]

_BULLET = re.compile(
    r"^(?P<indent>\s*)(?P<glyph>-\s*(?:[·.•]|\\cdot)|\\cdot|[-–•·*▪◦●]|[eo«»©](?=\s+[A-Za-z]))\s+"
)
_NUMBER = re.compile(
    r"^\s*(?P<label>\d{1,3}(?:\.\d{1,3}){0,3}\.?(?:\s?\(\d{1,3}\))?|\(?[a-z]\)|[a-z]\.|"
    r"\(?[ivx]{1,5}\)|[ivx]{1,5}\.)(?=\s|[A-Z])\s*(?P<rest>\S.*)$"
)
_OCR_IF = re.compile(r"^(\s*\d{1,3})\.1f\s+(?=[a-z])")
_LONE_LABEL = re.compile(r"^\s*\d{1,3}(?:\.\d{1,3}){1,3}\.?\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?\s*$", re.IGNORECASE)
_CONTENTS_LINE = re.compile(r"^.{3,100}?(?:\t+|\.{4,}|\s{4,})\s*\d{1,3}\s*$")
_PAGE_REFERENCE = re.compile(r"(?:\t+|\.{4,}|…{2,}|\s{4,})\s*\d{1,3}\s*$")
_LEADERS = re.compile(r"^[\s.…_·•\-–—=*]{3,}$")  # dot leaders, underlines: no words
_CONTENTS_HEADING = re.compile(r"^\s*(?:table of )?contents\b:?", re.IGNORECASE)
_TERMINAL = ".;:!?)\u201d\"'"
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_MAX_WORD = 64  # letters; a line-end hyphen after a longer run is kept as it is
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_URL_ONLY = re.compile(r"^\s*https?://\S+\s*$")
_OPEN_WORDS = frozenset(
    "a an the of to and or in on at by for with from via within into as that be is are "
    "must will should may can their his her its our your this these those".split()
)
_METADATA_LINE = re.compile(
    r"^\s*(?P<key>(?:next\s+)?review(?:\s+date)?|date(?: of \w+)?|written|version)"
    r"\s*:\s*(?P<value>.+)$",
    re.IGNORECASE,
)


def load(path: Path) -> LoadedDocument:
    """Load a .txt policy: UTF-8 (or UTF-16 with a BOM), else cp1252 with a warning.

    An empty file or a binary file renamed to .txt is a DocumentError (one line each).
    """
    try:
        raw = path.read_bytes()
    except OSError:
        raise DocumentError(path.name, messages.DOC_UNREADABLE) from None
    text, warnings = decode(raw, path.name)
    document = parse_document([(line, None) for line in text.splitlines()])
    document.warnings[:0] = warnings
    return document


def parse_document(
    lines: Sequence[Line], emphasis: set[tuple[int | None, str]] | None = None
) -> LoadedDocument:
    """Blocks plus the metadata (title, review date) the text itself carries.

    ``emphasis``: (page, ``line_key``) of lines printed bold or larger (PDF); such a short
    line that is not a list item is a heading.
    """
    metadata = ReviewLines()
    kept: list[Line] = []
    for text, page in lines:
        contents_line = "\t" in text and _CONTENTS_LINE.match(text)
        if not contents_line and (metadata.take(text) or metadata.take_line(text)):
            continue  # a contents line ("2. Duty of care<TAB>4") is no table row
        match = _METADATA_LINE.match(text)
        if match and len(text) < 60:
            metadata.note(match.group("key"), match.group("value"))
            continue
        kept.append((text, page))
    blocks = parse_lines(kept, emphasis)
    field_title = metadata.title()
    title = field_title or next((b.text for b in blocks if b.kind == "heading"), None)
    return LoadedDocument(
        blocks=blocks, title=title, review_date=metadata.review_date(), title_field=field_title
    )


def parse_lines(
    lines: Sequence[Line], emphasis: set[tuple[int | None, str]] | None = None
) -> list[Block]:
    """Physical lines with page numbers -> blocks in reading order."""
    vocabulary = _vocabulary(text for text, _ in lines)
    builder = _Builder(vocabulary, emphasis=emphasis or set())
    for text, page in lines:
        builder.feed(_clean(text), page)
    builder.flush()
    return builder.blocks


def line_key(text: str) -> str:
    """A line without its spaces, lower case, ligatures unfolded: the same line whatever
    its spacing ("Communications" and "communications." stay different)."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").replace("\u200b", "").rstrip()
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)


def _vocabulary(texts: Iterable[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        for word in _WORD.findall(text):
            words.add(word.lower())
    return words


@dataclass
class _Unit:
    kind: str  # "paragraph" | "item"
    lines: list[str]
    page: int | None
    label: str | None = None
    glyph: str | None = None
    indent: int = 0
    strong: bool = False  # every line printed bold or larger: a heading when short


@dataclass
class _Builder:
    vocabulary: set[str]
    blocks: list[Block] = field(default_factory=list)
    unit: _Unit | None = None
    blank_seen: bool = False
    pending_labels: list[str] = field(default_factory=list)
    list_style: list[tuple[str, int]] = field(default_factory=list)
    open_lead_in: bool = False
    lead_in_has_items: bool = False
    bare_level: int = 0  # list level of paragraphs that are items of a list without bullets
    emphasis: set[tuple[int | None, str]] = field(default_factory=set)
    contents: list[str] | None = None  # keys of the entries while inside a table of contents

    def feed(self, text: str, page: int | None) -> None:
        if not text.strip():
            self.blank_seen = True
            return
        if self._in_contents(text):
            return
        if _PAGE_NUMBER.match(text) or _CONTENTS_LINE.match(text) or _LEADERS.match(text):
            return
        if _LONE_LABEL.match(text):
            self.pending_labels.append(text.strip().rstrip("."))
            return
        text = _OCR_IF.sub(r"\1. If ", text)
        start = self._start_of(text, page)
        in_strong_unit = self.unit is not None and self.unit.strong
        strong = (
            bool(self.emphasis)
            and (page, line_key(text)) in self.emphasis
            and (in_strong_unit or typed_heading(text.strip()))
        )
        in_strong = self.unit is not None and self.unit.strong
        if strong and start is not None and start.label and typed_heading(text.strip()):
            start = None  # "1.0 Context" printed bold: a heading, not clause 1.0
        if start is None and strong and not (self.unit is not None and in_strong):
            self._open(_Unit("paragraph", [text.strip()], page, strong=True))
        elif start is None and in_strong and not strong:
            self._open(_Unit("paragraph", [text.strip()], page))
        elif start is not None:
            self._open(start)
        elif self.unit is not None and self._same_unit(text):
            self.unit.lines.append(text.strip())
        else:
            self._open(_Unit("paragraph", [text.strip()], page))
        self.blank_seen = False

    def _in_contents(self, text: str) -> bool:
        """A table of contents: from a "Contents" line, the short entries under it, until a
        longer line or the first entry printed again as the body's first heading."""
        start = text[:40]
        heading = (
            _CONTENTS_HEADING.match(text) if "ontents" in start or "ONTENTS" in start else None
        )
        if heading:
            self._close_unit()
            self.contents = []
            rest = text[heading.end() :].strip()
            if rest:
                self.contents.append(line_key(rest))
            return True
        if self.contents is None:
            return False
        glyph = leading_glyph(text)
        entry = (glyph[2] if glyph else text).strip()
        if _CONTENTS_LINE.match(entry):
            entry = _PAGE_REFERENCE.sub("", entry)
        key = line_key(entry)
        if self.contents and key == self.contents[0]:
            self.contents = None  # the body starts with the first entry
            return False
        if heading_shaped(entry) or (entry[:1].isdigit() and len(entry.split()) <= 12):
            self.contents.append(key)
            return True
        self.contents = None
        return False

    def flush(self) -> None:
        self._close_unit()

    def _start_of(self, text: str, page: int | None) -> _Unit | None:
        bullet = _BULLET.match(text)
        found = (
            (bullet.group("indent"), bullet.group("glyph"), text[bullet.end() :])
            if bullet
            else leading_glyph(text)
        )
        if found:
            indent, glyph, rest = found
            number = _NUMBER.match(rest)
            label = _label(number.group("label")) if number else None
            body = number.group("rest") if number else rest
            return _Unit("item", [body.strip()], page, label, _glyph_class(glyph), len(indent))
        number = _NUMBER.match(text)
        if number and _looks_like_clause_number(number.group("label"), number.group("rest")):
            label = _label(number.group("label"))
            return _Unit("item", [number.group("rest").strip()], page, label, _number_class(label))
        return None

    def _same_unit(self, text: str) -> bool:
        assert self.unit is not None
        last = self.unit.lines[-1]
        if _URL_ONLY.match(text):
            return True
        if self.blank_seen:
            return _continues(last, text)
        if last.endswith(":") and text.lstrip()[:1].isupper():
            return False  # a lead-in line, then its first item without a glyph
        return not (last[-1:] in ".;" and text.rstrip().endswith(":") and len(text) < 60)

    def _open(self, unit: _Unit) -> None:
        if (
            unit.kind == "item"
            and self.unit is not None
            and unit.label is None
            and unit.lines[0][:1].islower()
            and self.unit.lines[0][:1].isupper()
            and self.unit.lines[-1][-1:].isalpha()
        ):
            # a page break inside a bullet: the continuation got a bullet of its own
            self.unit.lines.extend(unit.lines)
            return
        self._close_unit()
        self.unit = unit

    def _close_unit(self) -> None:
        unit, self.unit = self.unit, None
        if unit is None:
            return
        text = strip_never_text(_join(unit.lines, self.vocabulary)).strip()
        if unit.kind == "paragraph":
            self._emit_paragraph(text, unit)
        else:
            self._emit_item(text, unit)

    def _emit_paragraph(self, text: str, unit: _Unit) -> None:
        if unit.strong and typed_heading(text):
            self._emit_heading(text, unit.page, depth=typed_heading_level(text, larger=False))
            return
        in_bare_list = self.open_lead_in and not self.lead_in_has_items
        heading, rest = _split_heading(unit.lines, text, caps_only=in_bare_list)
        if heading is not None:
            self._emit_heading(heading, unit.page)
            if not rest:
                return
            text = rest
        if self.pending_labels and text[:1].isupper():
            self._append(Block("paragraph", text, 0, self.pending_labels.pop(0), unit.page))
            self._after_paragraph(text)
            return
        if in_bare_list and not text.endswith(":"):
            self._append(Block("item", text, self.bare_level, None, unit.page))
            return
        self._append(Block("paragraph", text, 0, None, unit.page))
        self._after_paragraph(text)

    def _after_paragraph(self, text: str) -> None:
        self.list_style = []
        self.open_lead_in = text.endswith(":")
        self.lead_in_has_items = False
        self.bare_level = 0

    def _emit_item(self, text: str, unit: _Unit) -> None:
        if unit.label and _is_heading_text(text):
            depth = unit.label.removesuffix(".0").count(".") + 1  # "6.0 TITLE" is section 6
            self._emit_heading(f"{unit.label} {text}", unit.page, depth=depth)
            return
        level = self._level_for((unit.glyph or "", unit.indent))
        self._append(Block("item", text, level, unit.label, unit.page))
        # "8.1 The following ... must be considered:" then lines without bullets: its items
        self.open_lead_in = self.open_lead_in or text.endswith(":")
        self.lead_in_has_items = not text.endswith(":")
        self.bare_level = level + 1

    def _level_for(self, style: tuple[str, int]) -> int:
        """Nest a list under an item ending in ':' when its bullets differ; else same level."""
        for depth, seen in enumerate(self.list_style):
            if seen == style or (seen[0] == style[0] and style[1] <= seen[1]):
                del self.list_style[depth + 1 :]
                return depth
        previous = self.blocks[-1] if self.blocks else None
        if self.list_style and previous and previous.kind == "item" and previous.text.endswith(":"):
            self.list_style.append(style)
            return len(self.list_style) - 1
        self.list_style = self.list_style[:1] if self.list_style else []
        if self.list_style:
            self.list_style[0] = style
        else:
            self.list_style.append(style)
        return 0

    def _emit_heading(self, text: str, page: int | None, depth: int | None = None) -> None:
        self.pending_labels.clear()
        self.list_style = []
        self.open_lead_in = False
        level = depth if depth is not None else (1 if text.isupper() else 2)
        self._append(Block("heading", text.strip(), level, None, page))

    def _append(self, block: Block) -> None:
        self.blocks.append(block)


def _continues(last: str, text: str) -> bool:
    """After a blank line, a unit continues the last one when that stopped mid-sentence."""
    if not last or last[-1] in _TERMINAL:
        return False
    return text.lstrip()[:1].islower() or last.split()[-1].lower() in _OPEN_WORDS


def _split_heading(lines: list[str], joined: str, caps_only: bool) -> tuple[str | None, str]:
    """A unit that is a heading, or starts with an ALL-CAPS heading line."""
    if len(lines) == 1 and _is_heading_text(joined) and (_is_caps_heading(joined) or not caps_only):
        return _strip_heading_number(joined), ""
    first = lines[0]
    if len(lines) > 1 and _is_caps_heading(first):
        return first.strip(), joined[len(first.strip()) :].strip()
    return None, joined


def _strip_heading_number(text: str) -> str:
    return text.strip()


def _is_heading_text(text: str) -> bool:
    words = text.split()
    if not words or len(text) > 70 or len(words) > 9 or text[-1] in ".;:,?!":
        return False
    if not text[0].isupper() and not text[0].isdigit():
        return False
    return _is_caps_heading(text) or sum(w[:1].isupper() for w in words) >= 1


def _is_caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(text) <= 80


def _looks_like_clause_number(label: str, rest: str) -> bool:
    if label[0].isalpha() or label.startswith("("):
        return rest[:1].isupper() or label.startswith("(")
    return bool(rest) and (rest[0].isupper() or rest[0] in "(\u2018'\"")


def _label(raw: str) -> str:
    label = raw.strip().rstrip(".")
    return label.replace(" (", "(")


def _number_class(label: str) -> str:
    if label[0].isdigit():
        return f"n{label.count('.')}"
    return "alpha" if label.strip("()")[0] not in "ivx" else "roman"


def _glyph_class(glyph: str) -> str:
    glyph = glyph.replace(" ", "")
    if glyph in ("e", "o", "«", "»", "©"):
        return "ocr"
    if glyph.startswith("-") and len(glyph) > 1:
        return "-·"
    return "·" if glyph in ("\\cdot", "·") else glyph


def _join(lines: list[str], vocabulary: set[str]) -> str:
    """Join wrapped lines; rejoin a line-end hyphen only when the whole word exists.

    Linear in the paragraph's length: the pieces are collected in a list, and only the last
    ``_MAX_WORD`` characters joined so far are looked at for a line-end hyphen (a "word"
    longer than that is never rejoined).
    """
    pieces: list[str] = []
    tail = ""  # the end of what is joined so far
    for line in lines:
        line = line.strip()
        if not tail:
            if line:  # a space stands before the text: a run reaching index 0 was cut short
                pieces, tail = [line], (" " + line)[-_MAX_WORD - 2 :]
            continue
        word = _hyphenated_word(tail)
        head = re.match(r"[A-Za-z]+", line)
        if word and head and (word + head.group(0)).lower() in vocabulary:
            pieces[-1] = pieces[-1][:-1]  # drop the hyphen: "safe-" + "guarding"
            tail = tail[:-1]
        elif word is None:
            pieces.append(" ")
            tail += " "
        if line:
            pieces.append(line)
        tail = (tail + line)[-_MAX_WORD - 2 :]
    return re.sub(r"\s+", " ", "".join(pieces)).strip()


def _hyphenated_word(tail: str) -> str | None:
    """The letters before a line-end hyphen ("" when too long to be a word), else None."""
    if len(tail) < 2 or tail[-1] != "-" or not _is_letter(tail[-2]):
        return None
    start = len(tail) - 1
    while start > 0 and _is_letter(tail[start - 1]):
        start -= 1
    return tail[start:-1] if start > 0 else ""


def _is_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()
