"""PDF loader: pypdf text per page, cleaned of page furniture, then plain-text structure.

``pdf_lines`` does the PDF-specific part: it extracts each page's text in pypdf's layout mode
(which keeps the blank lines between paragraphs that the plain-text parser relies on), tidies
characters (ligatures, soft hyphens, spacing) and peels running headers, footers and page
numbers off the edges of every page. Because furniture is removed before the pages are
joined, a word hyphenated at the foot of one page stays next to its continuation on the next.
Indentation relative to the page's left margin is kept (it tells nested bullets apart).
A page break after a finished sentence becomes a blank line (a heading at the top of the next
page must not run into the paragraph above); one mid-sentence or after a hyphen does not.
``load`` hands those lines to ``text.parse_document`` for clause detection, de-hyphenation and
the review date printed in the text; the title comes from the PDF's metadata when it has one.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader

from indexer import messages
from indexer.errors import DocumentError
from indexer.loaders import ocr, read_nonempty
from indexer.loaders.metadata import ReviewLines
from indexer.loaders.text import line_key, parse_document
from indexer.loaders.words import known_words, rejoin
from indexer.model import LoadedDocument
from indexer.titles import pick_title

_BOLD_FACES = ("bold", "black", "heavy", "semibold", "demibold", ",b")
EDGE_LINES = 3  # how many lines at the top and foot of a page may be headers or footers
_CHARS = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\u00a0": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)
_PAGE_WORD = re.compile(r"^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_BARE_NUMBER = re.compile(
    r"^[-\u2013\u2014]?\s*(\d{1,4})(?:\s*(?:of|/)\s*\d{1,4})?\s*[-\u2013\u2014]?$"
)
_SENTENCE_END = (".", ":", ";", "!", "?")
_CELL_GAP = re.compile(r" {3,}")
_CLAUSE_LABEL = re.compile(r"^(?:\(?\d{1,3}(?:\.\d{1,3})*\.?\)?|\(?[a-z]{1,4}[.)])$", re.IGNORECASE)
_META_KEY = re.compile(
    r"^[\w ]{0,20}\b(?:review|reviewed|date|author|approved|version|status|source|owner|"
    r"ratified|coordinator|governor|signed|reference|chair|head ?teacher|title)\b[\w ]{0,20}:?$",
    re.IGNORECASE,
)


def load(path: Path) -> LoadedDocument:
    """Read a PDF into blocks with page numbers; DocumentError when it cannot be read.

    Pages that are only a picture are read by OCR when OCRmyPDF is installed (``ocr``); their
    blocks are marked ``ocr``. Without it they are skipped with a "run OCR" warning.
    """
    warnings: list[str] = []
    reader = _open(path)
    try:
        pages, scanned = _page_texts(reader, path.name, warnings)
        title = _title(reader)
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise DocumentError(path.name, messages.PDF_CORRUPT) from error
    tried = bool(scanned) and ocr.ocrmypdf() is not None
    read = ocr.ocr_pages(reader, scanned) if tried else {}
    for number, text in read.items():
        pages[number - 1] = text.splitlines()
    skipped = [number for number in scanned if number not in read]
    if skipped and len(skipped) < len(pages):
        some = messages.PDF_PAGES_NO_TEXT_AFTER_OCR if tried else messages.PDF_PAGES_NO_TEXT
        warnings.append(some.format(name=path.name, pages=_list(skipped)))
    if not any(line.strip() for page in pages for line in page):
        every = messages.PDF_NO_TEXT_AFTER_OCR if tried else messages.PDF_NO_TEXT_LAYER
        warnings.append(every.format(name=path.name))
        return LoadedDocument(blocks=[], title=title, warnings=warnings)
    emphasis, known = _plain_pass(reader)
    for text in read.values():
        known |= known_words(text)
    document = parse_document(clean_pages(pages, known), emphasis=emphasis)
    for block in document.blocks:
        block.ocr = block.page in read
    document.review_date = document.review_date or _footer_review(pages)
    document.title = (
        document.title_field or pick_title(_first_pages(pages), title, path) or document.title
    )
    document.warnings[:0] = warnings
    return document


def _plain_pass(reader: PdfReader) -> tuple[set[tuple[int | None, str]], set[str]]:
    """(page, line key) of the lines printed bold or larger, and the words of the plain text.

    Layout text has no fonts and splits some words, so each page is read once more in plain
    mode (run after run: words whole) with a visitor that sees each run's font and size; runs
    are grouped into lines by their baseline. A line is emphasised when every run with
    letters is in a bold face, or its size is 15% over the document's commonest size (by
    characters).
    """
    known: set[str] = set()
    lines: dict[tuple[int, int], list[tuple[str, bool, float]]] = {}
    for number, page in enumerate(reader.pages, start=1):

        def visit(
            text: str,
            cm: list[float],
            tm: list[float],
            font: object,
            size: float,
            number: int = number,
        ) -> None:
            if not text.strip():
                return
            name = str(font.get("/BaseFont", "")).lower() if isinstance(font, dict) else ""
            scale = abs(tm[2] * cm[1] + tm[3] * cm[3]) or 1.0
            baseline = round(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
            bold = any(word in name for word in _BOLD_FACES)
            lines.setdefault((number, baseline), []).append((text, bold, size * scale))

        try:
            known |= known_words(page.extract_text(extraction_mode="plain", visitor_text=visit))
        except Exception:  # fonts are a bonus: a page that trips the visitor has none
            continue
    sizes: Counter[float] = Counter()
    for runs in lines.values():
        for text, _, size in runs:
            sizes[round(size, 1)] += len(text.strip())
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    found: set[tuple[int | None, str]] = set()
    for (number, _), runs in lines.items():
        lettered = [run for run in runs if any(c.isalpha() for c in run[0])]
        if not lettered:
            continue
        bold = all(run[1] for run in lettered)
        larger = body > 0 and max(run[2] for run in lettered) >= body * 1.15
        if bold or larger:
            found.add((number, line_key("".join(run[0] for run in runs))))
    return found, known


def _footer_review(pages: list[list[str]]) -> str | None:
    """A review date printed only in a running header or footer ("Next review: May 2026")."""
    lines = ReviewLines()
    for page in pages:
        for line in page[:EDGE_LINES] + page[-EDGE_LINES:]:
            lines.take_line(line)
    return lines.review_date()


def _first_pages(pages: list[list[str]], count: int = 2, limit: int = 300) -> list[str]:
    """The lines of the first pages that have text (a cover may be an image), running
    headers included: a document's title is often repeated at the top of every page."""
    with_text = [_tidy(page) for page in pages if any(line.strip() for line in page)]
    return [line for page in with_text[:count] for line in page][:limit]


def pdf_lines(path: Path) -> list[tuple[str, int]]:
    """The body lines of a PDF with their 1-based page numbers, furniture removed and split
    words rejoined (as ``load`` reads them)."""
    reader = _open(path)
    try:
        return clean_pages(_page_texts(reader, path.name, [])[0], _plain_pass(reader)[1])
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise DocumentError(path.name, messages.PDF_CORRUPT) from error


def _open(path: Path) -> PdfReader:
    data = read_nonempty(path)
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(path.name, messages.PDF_NOT_PDF)
    if b"%%EOF" not in data[-8192:]:
        raise DocumentError(path.name, messages.PDF_TRUNCATED)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypted(reader):
            raise DocumentError(path.name, messages.PDF_ENCRYPTED)
        if len(reader.pages) == 0:
            raise DocumentError(path.name, messages.PDF_CORRUPT)
    except DocumentError:
        raise
    except Exception as error:  # damaged xref, bad objects, missing crypto provider ...
        raise DocumentError(path.name, messages.PDF_CORRUPT) from error
    return reader


def _decrypted(reader: PdfReader) -> bool:
    """Try the empty user password (PDFs that only restrict printing or copying)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # unsupported algorithm or missing crypto provider: treat as locked
        return False


def _page_texts(
    reader: PdfReader, name: str, warnings: list[str]
) -> tuple[list[list[str]], list[int]]:
    """Each page's layout lines, and the pages that are only a picture (no text layer)."""
    pages: list[list[str]] = []
    unreadable: list[int] = []
    scanned: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        text = _extract(page)
        if text is None:
            unreadable.append(number)
        elif not text.strip() and _has_image(page):
            scanned.append(number)
        pages.append((text or "").splitlines())
    if unreadable:
        warnings.append(messages.PDF_PAGES_UNREADABLE.format(name=name, pages=_list(unreadable)))
    return pages, scanned


def _extract(page: object) -> str | None:
    """Layout mode keeps paragraph gaps; plain mode is the fallback for pages it trips on."""
    for mode in ("layout", "plain"):
        try:
            return page.extract_text(extraction_mode=mode)  # type: ignore[attr-defined]
        except Exception:  # a damaged content stream or font: try the next mode
            continue
    return None


def _has_image(page: object) -> bool:
    try:
        objects = page["/Resources"]["/XObject"]  # type: ignore[index]
        return any(objects[key].get("/Subtype") == "/Image" for key in objects)
    except Exception:  # no resources or no XObjects: no image
        return False


def _list(numbers: list[int]) -> str:
    return ", ".join(str(number) for number in numbers)


def _title(reader: PdfReader) -> str | None:
    """The metadata title, as it is (``pick_title`` judges it)."""
    metadata = reader.metadata
    raw = metadata.title if metadata else None
    return " ".join(raw.split()) or None if isinstance(raw, str) else None


def clean_pages(pages: list[list[str]], known: set[str] | None = None) -> list[tuple[str, int]]:
    """Tidy each page, drop running headers/footers and page numbers, join the pages.

    ``known``: the document's words as its plain text has them; split words are rejoined.
    """
    tidied = [_tidy(page, known or set()) for page in pages]
    running = _running_keys(tidied)
    offset = _page_number_offset(tidied)
    lines: list[tuple[str, int]] = []
    for number, page in enumerate(tidied, start=1):
        furniture = functools.partial(
            _is_furniture, number=number, running=running, offset=offset, pages=len(tidied)
        )
        body = _peel(page, furniture)
        if body and lines and lines[-1][0].endswith(_SENTENCE_END):
            lines.append(("", number))  # a finished sentence at the foot: new block on top
        lines.extend((line, number) for line in body)
    margin = min((_indent(line) for line, _ in lines if line), default=0)
    return [(line[margin:], number) for line, number in lines]


def _tidy(page: list[str], known: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Normalise characters and spacing; keep single blank lines between paragraphs only.

    Rows of a metadata table ("Last Review   June 2024   Next Review   June 2026") keep their
    cells apart with tabs, as in a Word text export, so the text parser reads the review date.
    """
    lines: list[str] = []
    header_cells = 0
    for raw in page:
        line = raw.translate(_CHARS).rstrip()
        line = line[:-1] + "-" if line.endswith("\u00ad") else line
        line = rejoin(line.replace("\u00ad", ""), known)
        cells = _metadata_cells(line, header_cells)
        header_cells = len(cells) if cells and all(_META_KEY.match(c) for c in cells) else 0
        line = "\t".join(cells) if cells else " " * _indent(line) + " ".join(line.split())
        if line.strip() or (lines and lines[-1]):
            lines.append(line if line.strip() else "")
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _metadata_cells(line: str, header_cells: int) -> list[str]:
    """The cells of a metadata table row (a key cell or under a row of keys), else []."""
    cells = [" ".join(cell.split()) for cell in _CELL_GAP.split(line.strip())]
    if len(cells) < 2 or _CLAUSE_LABEL.match(cells[0]):
        return []
    if len(cells) == header_cells:
        return cells
    if all(len(cell) <= 40 for cell in cells) and any(_META_KEY.match(c) for c in cells):
        return cells
    return []


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def _edges(page: list[str]) -> list[str]:
    text = [line.strip() for line in page if line]
    return text[:EDGE_LINES] + text[-EDGE_LINES:]


def _running_keys(pages: list[list[str]]) -> set[str]:
    """Lines (digits normalised) found at the edges of most pages: headers and footers.

    A line repeated word for word may sit anywhere in the edge zone; a line whose numbers
    change from page to page ("Printed 03/06 - page 3") must be the very first or last line
    and repeat on 3+ pages, so "Part 1", "Part 2" headings are never taken for furniture.
    """
    edge: Counter[str] = Counter()
    outer: Counter[str] = Counter()
    variants: dict[str, set[str]] = {}
    for page in pages:
        text = [line.strip() for line in page if line]
        for line in set(_edges(page)):
            edge[_key(line)] += 1
            variants.setdefault(_key(line), set()).add(line)
        for line in {text[0], text[-1]} if text else ():
            outer[_key(line)] += 1
    majority = len(pages) // 2 + 1
    return {
        key
        for key, count in edge.items()
        if (count >= max(2, majority) and len(variants[key]) == 1) or outer[key] >= max(3, majority)
    }


def _page_number_offset(pages: list[list[str]]) -> int:
    """The usual difference between a printed page number and the page's position."""
    offsets: Counter[int] = Counter()
    for number, page in enumerate(pages, start=1):
        for line in set(_edges(page)):
            match = _BARE_NUMBER.match(line)
            if match:
                offsets[int(match.group(1)) - number] += 1
    common = offsets.most_common(1)
    return common[0][0] if common and common[0][1] >= 2 else 0


def _is_furniture(line: str, number: int, running: set[str], offset: int, pages: int) -> bool:
    line = line.strip()
    match = _BARE_NUMBER.match(line)
    if match is not None and int(match.group(1)) > pages + abs(offset) + 1:
        return False  # "2024" wrapped from "Review Date: 1st January" is no page number
    if _key(line) in running or _PAGE_WORD.match(line):
        return True
    return match is not None and int(match.group(1)) - number == offset


def _peel(page: list[str], is_furniture: Callable[[str], bool]) -> list[str]:
    """Remove furniture lines from the top and the foot, at most EDGE_LINES each side."""
    lines = list(page)
    for step in (0, -1):
        peeled = 0
        while lines and peeled < EDGE_LINES:
            if not lines[step]:
                lines.pop(step)
            elif is_furniture(lines[step]):
                lines.pop(step)
                peeled += 1
            else:
                break
    return lines
