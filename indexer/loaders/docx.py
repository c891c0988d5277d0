"""Word (.docx) loader: headings, numbered clauses, bullets, tables, in reading order.

python-docx opens the package; the body is then walked as XML so that content controls,
tracked insertions and hyperlinks keep their text and list numbers can be rebuilt
(``docx_numbering``). Heading styles (Heading 1..9, Title, or styles based on them) become
heading blocks; list paragraphs become items labelled as Word prints them ("1.", "a)",
"(iv)"; bullets have no label). A small table carrying a review date is metadata; the cells
of any other table are read like body text. A table of contents is skipped.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from indexer import messages
from indexer.errors import DocumentError
from indexer.loaders import read_nonempty
from indexer.loaders.docx_numbering import ListMark, ListNumbering
from indexer.loaders.glyphs import leading_glyph
from indexer.loaders.metadata import ReviewLines, TableMetadata, is_key
from indexer.loaders.structure import CONTENTS_LINE, typed_heading, typed_heading_level
from indexer.model import Block, LoadedDocument
from indexer.titles import pick_title

log = logging.getLogger(__name__)

# Refuse zip bombs before python-docx inflates them. The largest real policy measured (13
# .docx files in the real corpus) holds 0.81 MB of XML, 0.91 MB unpacked: the XML cap is ~12x
# that; pictures (already compressed) may take the rest.
MAX_UNPACKED_BYTES = 100_000_000
MAX_XML_BYTES = 10_000_000
METADATA_TABLE_ROWS = 12
FIRST_LINES = 30  # blocks read for the title: a cover page and the top of page 1
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # password-protected .docx and old .doc files
_FINISHED = ".;:!?)\u201d\"'"
_HEADING_STYLE = re.compile(r"^heading ([1-9])$")
_SKIP_INSIDE = {
    qn("w:txbxContent"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_TEXT = {
    qn("w:t"): None,
    qn("w:tab"): " ",
    qn("w:br"): " ",
    qn("w:cr"): " ",
    qn("w:noBreakHyphen"): "-",
}


def load(path: Path) -> LoadedDocument:
    """Read a .docx into blocks plus title and review date; DocumentError if unreadable."""
    document = _open(path)
    try:
        walker = _Walker(document)
        walker.walk(document.element.body)
    except Exception as error:  # malformed XML inside a package python-docx accepted
        log.warning("docx walk failed for %s", path.name, exc_info=True)
        raise DocumentError(path.name, messages.DOCX_CORRUPT) from error
    for part in _headers_and_footers(document):
        for p in part.iter(qn("w:p")):
            walker.metadata_line.take_line(paragraph_text(p))
    return LoadedDocument(
        blocks=walker.blocks,
        title=_title(document, walker, path),
        review_date=walker.review_date or walker.metadata_line.review_date(),
    )


def _headers_and_footers(document: Any) -> list[Any]:
    """The XML of every header and footer part (a review date is often printed there)."""
    parts = []
    for rel in document.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            parts.append(rel.target_part.element)
    return parts


def _open(path: Path) -> Any:
    data = read_nonempty(path)
    if data.startswith(_OLE_MAGIC):
        raise DocumentError(path.name, messages.DOCX_PROTECTED)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            too_large = _unpacked_too_large(package.infolist())
            if too_large:
                raise DocumentError(
                    path.name,
                    messages.DOCX_TOO_LARGE.format(
                        size=too_large[0] // 1_000_000, limit=too_large[1] // 1_000_000
                    ),
                )
        return docx.Document(io.BytesIO(data))
    except DocumentError:
        raise
    except Exception as error:  # BadZipFile, KeyError, XMLSyntaxError, PackageNotFoundError ...
        raise DocumentError(path.name, messages.DOCX_CORRUPT) from error


def _unpacked_too_large(parts: list[zipfile.ZipInfo]) -> tuple[int, int] | None:
    """(size, limit) in bytes when the XML or the whole package unpacks past its cap."""
    xml = sum(p.file_size for p in parts if p.filename.lower().endswith((".xml", ".rels")))
    total = sum(p.file_size for p in parts)
    if xml > MAX_XML_BYTES:
        return xml, MAX_XML_BYTES
    return (total, MAX_UNPACKED_BYTES) if total > MAX_UNPACKED_BYTES else None


def _title(document: Any, walker: _Walker, path: Path) -> str | None:
    """A cover table's title field, else the best of the first lines (the Title-style one
    first), checked against the core 'Title' property (``pick_title``)."""
    if walker.title_field:
        return walker.title_field
    core = " ".join((document.core_properties.title or "").split())
    lines = [walker.title_text or ""] + [block.text for block in walker.blocks[:FIRST_LINES]]
    return pick_title(lines, core or None, path, join=False)


class _Walker:
    """Turns body XML into blocks, keeping list counters and table metadata as it goes."""

    def __init__(self, document: Any) -> None:
        self.styles = {style.style_id: style for style in document.styles}
        self.default_style = next(
            (s for s in self.styles.values() if s.type == 1 and s.element.get(qn("w:default"))),
            None,
        )
        numbering = _numbering_element(document)
        self.numbering = ListNumbering(numbering, self._style_num_ids())
        self.blocks: list[Block] = []
        self.title_text: str | None = None
        self.title_field: str | None = None
        self.review_date: str | None = None
        self.metadata_line = ReviewLines()
        self.glyphs: list[str] = []
        self.body_size = _body_size(document)

    def walk(self, container: Any) -> None:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                self._paragraph(child)
            elif child.tag == qn("w:tbl"):
                self._table(child)
            elif child.tag == qn("w:sdt") and not _is_contents(child):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self.walk(content)

    def _paragraph(self, p: Any) -> None:
        chain = self._style_chain(p)
        names = [style.name.lower() for style in chain if style.name]
        if any(name.startswith("toc ") for name in names):
            return
        mark = self._list_mark(p, chain)
        text = paragraph_text(p)
        if not text or self.metadata_line.take_line(text) or CONTENTS_LINE.match(text):
            return
        heading = _heading_level(names)
        if "title" in names and self.title_text is None:
            self.title_text = text
        if heading is None and typed_heading(text) and self._emphasised(p, chain):
            heading = typed_heading_level(text, self._larger(p, chain))
        if heading is not None:
            self._append(Block("heading", text, heading, mark.label if mark else None))
        elif mark is not None:
            self._append(Block("item", text, mark.level, mark.label))
        elif (glyph := leading_glyph(text)) is not None:
            self._append(Block("item", glyph[2].strip(), self._glyph_level(glyph[1])))
        elif self._continues(text):
            last = self.blocks[-1]
            last.text = f"{last.text} {text}"
        else:
            self._append(Block("paragraph", text))

    def _append(self, block: Block) -> None:
        if block.kind != "item" or block.label is not None:
            self.glyphs = []
        self.blocks.append(block)

    def _glyph_level(self, glyph: str) -> int:
        """Typed bullets: a glyph not seen in the current list nests one level deeper."""
        if glyph not in self.glyphs:
            self.glyphs.append(glyph)
        return self.glyphs.index(glyph)

    def _continues(self, text: str) -> bool:
        """A paragraph cut at a line break: lower-case start after an unfinished one."""
        if not text[:1].islower() or not self.blocks:
            return False
        last = self.blocks[-1]
        return last.kind != "heading" and last.text[-1:] not in _FINISHED

    def _emphasised(self, p: Any, chain: list[Any]) -> bool:
        runs = [r for r in p.iter(qn("w:r")) if any((t.text or "").strip() for t in _texts(r))]
        if not runs:
            return False
        style_bold = any(_flag(style.element.find(qn("w:rPr")), "w:b") for style in chain)
        bold = all(_flag(r.find(qn("w:rPr")), "w:b") or style_bold for r in runs)
        return bold or self._larger(p, chain)

    def _larger(self, p: Any, chain: list[Any]) -> bool:
        """Printed larger than the body text (run or paragraph style size)."""
        size = max((_size(r.find(qn("w:rPr"))) or 0 for r in p.iter(qn("w:r"))), default=0)
        size = size or next(
            (found for style in chain if (found := _size(style.element.find(qn("w:rPr"))))), 0
        )
        return bool(size) and size >= self.body_size + 2

    def _list_mark(self, p: Any, chain: list[Any]) -> ListMark | None:
        num_id, ilvl = _num_pr(p.find(qn("w:pPr")))
        for style in chain:
            if num_id is not None and ilvl is not None:
                break
            style_num, style_ilvl = _num_pr(style.element.find(qn("w:pPr")))
            num_id = num_id if num_id is not None else style_num
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id is None or num_id == "0":
            return None
        return self.numbering.mark(num_id, ilvl or 0)

    def _style_chain(self, p: Any) -> list[Any]:
        ppr = p.find(qn("w:pPr"))
        style_id = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style = self.styles.get(style_id.get(qn("w:val"))) if style_id is not None else None
        style = style or self.default_style
        chain: list[Any] = []
        while style is not None and style not in chain and len(chain) < 10:
            chain.append(style)
            style = style.base_style
        return chain

    def _style_num_ids(self) -> dict[str, str]:
        ids = {}
        for style_id, style in self.styles.items():
            num_id, _ = _num_pr(style.element.find(qn("w:pPr")))
            if num_id is not None:
                ids[style_id] = num_id
        return ids

    def _table(self, tbl: Any) -> None:
        rows = [
            [_cell_text(tc) for tc in tr.iterfind(qn("w:tc"))] for tr in tbl.iterfind(qn("w:tr"))
        ]
        metadata = TableMetadata()
        if all(len(cells) == 2 and is_key(cells[0]) for cells in rows):
            for key, value in rows:  # a cover table: one "key | value" pair a row
                metadata.note(key, value)
        for cells in rows:
            metadata.take("\t".join(cell or " " for cell in cells) + "\t")
        review = metadata.review_date()
        self.title_field = self.title_field or metadata.title()
        if review and len(rows) <= METADATA_TABLE_ROWS:
            self.review_date = self.review_date or review
            return
        if metadata.title() and len(rows) <= METADATA_TABLE_ROWS:
            return  # a cover table: "Policy title | ...", "Approved by | ..."
        if self._rows_as_passages(tbl, rows):
            return
        for tr in tbl.iterfind(qn("w:tr")):
            for tc in tr.iterfind(qn("w:tc")):
                self.walk(tc)

    def _rows_as_passages(self, tbl: Any, rows: list[list[str]]) -> bool:
        """A table with a header row of short labels and plain cells: one passage a row,
        its cells in order, with the header cells as its context ("Role | Responsibility").
        Tables holding lists or several paragraphs a cell are read cell by cell instead."""
        if len(rows) < 2 or len(rows[0]) < 2 or any(len(cells) != len(rows[0]) for cells in rows):
            return False
        if not all(cell and len(cell.split()) <= 8 and cell[-1] not in ".;" for cell in rows[0]):
            return False
        for tc in tbl.iter(qn("w:tc")):
            paragraphs = [p for p in tc.iter(qn("w:p")) if paragraph_text(p)]
            if len(paragraphs) > 2 or any(
                p.find(f".//{qn('w:numPr')}") is not None for p in paragraphs
            ):
                return False
        self.glyphs = []
        header = " | ".join(rows[0])
        for cells in rows[1:]:
            text = " | ".join(cell for cell in cells if cell)
            if text:
                self.blocks.append(Block("item", text, 0, None, context=header))
        return True


def paragraph_text(p: Any) -> str:
    """The visible text of a w:p (runs, hyperlinks, fields, insertions), spaces normalised."""
    parts: list[str] = []
    for element in p.iter(*_TEXT):
        if _inside_skipped(element, p):
            continue
        replacement = _TEXT[element.tag]
        parts.append(element.text or "" if replacement is None else replacement)
    return " ".join("".join(parts).split())


def _inside_skipped(element: Any, stop: Any) -> bool:
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return False
        if ancestor.tag in _SKIP_INSIDE:
            return True
    return False


def _cell_text(tc: Any) -> str:
    return " ".join(text for p in tc.iter(qn("w:p")) if (text := paragraph_text(p)))


def _num_pr(ppr: Any) -> tuple[str | None, int | None]:
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if num_pr is None:
        return None, None
    num_id = num_pr.find(qn("w:numId"))
    ilvl = num_pr.find(qn("w:ilvl"))
    level = ilvl.get(qn("w:val")) if ilvl is not None else None
    return (
        num_id.get(qn("w:val")) if num_id is not None else None,
        int(level) if level is not None and level.isdigit() else None,
    )


def _texts(run: Any) -> Any:
    return run.iter(qn("w:t"))


def _flag(rpr: Any, tag: str) -> bool:
    """A run property switched on (``<w:b/>``, not ``<w:b w:val="0"/>``)."""
    element = rpr.find(qn(tag)) if rpr is not None else None
    return element is not None and element.get(qn("w:val"), "1") not in ("0", "false", "off")


def _size(rpr: Any) -> int | None:
    element = rpr.find(qn("w:sz")) if rpr is not None else None
    value = element.get(qn("w:val")) if element is not None else None
    return int(value) if value and value.isdigit() else None


def _body_size(document: Any) -> int:
    """The commonest font size (half-points) by characters: the body text's."""
    default = _default_size(document)
    sizes: Counter[int] = Counter()
    for run in document.element.body.iter(qn("w:r")):
        count = sum(len(t.text or "") for t in run.iter(qn("w:t")))
        if count:
            sizes[_size(run.find(qn("w:rPr"))) or default] += count
    return sizes.most_common(1)[0][0] if sizes else default


def _default_size(document: Any) -> int:
    """The size of text with no size of its own: the Normal style's, else the defaults'."""
    styles = document.styles.element
    path = f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"
    found = _size(styles.find(path))
    for style in styles.iterfind(qn("w:style")):
        if style.get(qn("w:default")) in ("1", "true") and style.get(qn("w:type")) == "paragraph":
            found = _size(style.find(qn("w:rPr"))) or found
    if found:
        return found
    return 20  # Word's built-in 10 pt


def _heading_level(names: list[str]) -> int | None:
    for name in names:
        if name == "title":
            return 1
        match = _HEADING_STYLE.match(name)
        if match:
            return int(match.group(1))
    return None


def _is_contents(sdt: Any) -> bool:
    gallery = sdt.find(f"{qn('w:sdtPr')}/{qn('w:docPartObj')}/{qn('w:docPartGallery')}")
    return gallery is not None and "contents" in (gallery.get(qn("w:val")) or "").lower()


def _numbering_element(document: Any) -> Any | None:
    try:
        return document.part.numbering_part.element
    except (KeyError, NotImplementedError):  # a document without any lists
        return None
