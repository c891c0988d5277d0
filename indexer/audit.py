"""Passage audit: how clean are the passages the indexer makes from real documents?

``audit(paths)`` loads every policy file as the index build does (same loaders, same title
choice, same segmentation) and checks each passage for the defects that spoil a quote or hide
a clause from search. Figures are shares of passages, grouped by the program that produced
the file (Word, LibreOffice, Skia, PDFium ... for PDFs; Word .docx/.doc). With an expected
table (hand-checked titles and printed review dates) it also reports titles right and review
dates found. ``policybot index --audit`` and ``benchmarks/passage_audit.py`` print it.

The checks look at the output only, never at how it was made, so they judge any parser:

* merged list: a bullet glyph (any symbol, private-use or control character) inside the text;
* glyph left: the passage starts with such a glyph, or holds a private-use/control character;
* split word: two pieces that are not words whose join is a common word ("scho ol"), or a
  word cut before its hyphen ("multi -agency");
* run-together word: an unknown lower-case word that is two common words ("thispolicy");
* header/footer: the passage holds a line printed at the edge of most pages (a PDF's
  repeated top/bottom lines, a Word file's header and footer text);
* fragment: 1-3 words standing alone (a short list item under its lead-in is counted apart,
  as ``short_item``, and is not a defect: "Trade union membership;" under "... include:");
* heading lost: no section although five passages have gone by (the first ones may sit
  under the title alone), or a section that is page furniture;
* heading or label as passage: a short line without a sentence end that reads as a title.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from indexer.clauses import DocumentInfo, segment
from indexer.corpus import discover
from indexer.dates import parse_month
from indexer.errors import PolicybotError
from indexer.loaders import load_document
from indexer.model import Passage
from indexer.titles import choose_title

DEFECTS = (
    "merged_list",
    "glyph_left",
    "split_word",
    "run_together",
    "header_footer",
    "fragment",
)
STRUCTURE = ("heading_lost", "heading_as_passage", "short_item")
PREAMBLE_PASSAGES = 5  # the first passages may sit under the document's title alone
_TEXT_DEFECTS = frozenset(DEFECTS)
_COMMON = 3.0  # wordfreq Zipf value of a word most readers know (3 = once per million words)
_WORD = re.compile(r"[A-Za-z]+")
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\S+\.(?:co\.uk|org|com|gov\.uk)\S*")
_CUT_HYPHEN = re.compile(r"\b[A-Za-z]{2,} -[a-z]{2,}")
_TERMINAL = ".!?;,)\"'\u201d\u2019"
_NUMBER_START = re.compile(r"^(?:[A-Z]?\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\d{0,2}\.)\s")
_SMALL = frozenset("a an and as at by for from in of on or the to with".split())


def is_glyph(char: str) -> bool:
    """A bullet-like character: a symbol, a private-use or a control character."""
    if char.isalnum() or char.isspace() or char == "|":  # "|" separates a table row's cells
        return False
    return unicodedata.category(char) in ("So", "Co", "Cc", "Sm") or char in "•·▪●◦■□➢➤►⁃∙"


@dataclass
class DocumentAudit:
    source: str
    producer: str
    passages: int = 0
    title: str | None = None
    review_date: str | None = None
    failed: str | None = None
    defects: Counter[str] = field(default_factory=Counter)
    no_page: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class AuditReport:
    documents: list[DocumentAudit]
    expected: dict[str, dict[str, object]] | None = None

    def by_producer(self) -> dict[str, list[DocumentAudit]]:
        groups: dict[str, list[DocumentAudit]] = defaultdict(list)
        for document in self.documents:
            groups[document.producer].append(document)
        return dict(sorted(groups.items()))

    def summary(self) -> dict[str, dict[str, object]]:
        rows = {name: _row(docs, self.expected) for name, docs in self.by_producer().items()}
        rows["all"] = _row(self.documents, self.expected)
        return rows

    def format(self) -> str:
        """A plain-text table: one row per producer, then all."""
        rows = self.summary()
        columns = ["docs", "passages", "text_defect", *DEFECTS, *STRUCTURE, "no_page"]
        if self.expected is not None:
            columns += ["title_right", "review_found"]
        header = f"{'producer':<18}" + "".join(f"{_short(c):>10}" for c in columns)
        lines = [header]
        for name, row in rows.items():
            cells = "".join(f"{_cell(row.get(c)):>10}" for c in columns)
            lines.append(f"{name:<18}{cells}")
        lines.append("Shares are % of passages; title_right and review_found count documents.")
        lines += [f"not read: {d.failed}" for d in self.documents if d.failed]
        return "\n".join(lines)


def _short(column: str) -> str:
    return {
        "text_defect": "defect%",
        "merged_list": "merged%",
        "glyph_left": "glyph%",
        "split_word": "split%",
        "run_together": "joined%",
        "header_footer": "furnit%",
        "fragment": "frag%",
        "heading_lost": "headlost%",
        "heading_as_passage": "headpsg%",
        "no_page": "nopage",
        "title_right": "title",
        "review_found": "review",
        "short_item": "shortitem%",
    }.get(column, column)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


def _row(
    documents: list[DocumentAudit], expected: dict[str, dict[str, object]] | None
) -> dict[str, object]:
    passages = sum(d.passages for d in documents)
    row: dict[str, object] = {"docs": len(documents), "passages": passages}
    total: Counter[str] = Counter()
    for document in documents:
        total.update(document.defects)
    share = (lambda n: 100.0 * n / passages) if passages else (lambda n: 0.0)
    row["text_defect"] = share(total["text_defect"])
    for name in (*DEFECTS, *STRUCTURE):
        row[name] = share(total[name])
    row["no_page"] = sum(d.no_page for d in documents)
    if expected is not None:
        known = [d for d in documents if d.source in expected]
        right = sum(_title_right(d, expected[d.source]) for d in known)
        printed = [d for d in known if expected[d.source].get("review")]
        found = sum(_review_found(d, expected[d.source]) for d in printed)
        row["title_right"] = f"{right}/{len(known)}"
        row["review_found"] = f"{found}/{len(printed)}"
    return row


def normal_title(text: str) -> str:
    text = text.replace("&", " and ").casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _title_right(document: DocumentAudit, expected: dict[str, object]) -> bool:
    titles = expected.get("title") or []
    assert isinstance(titles, list)
    return document.title is not None and normal_title(document.title) in {
        normal_title(str(t)) for t in titles
    }


def _review_found(document: DocumentAudit, expected: dict[str, object]) -> bool:
    found = parse_month(document.review_date)
    return found is not None and found.strftime("%Y-%m") == expected.get("review")


def audit(
    paths: list[Path], expected: dict[str, dict[str, object]] | None = None, examples: int = 0
) -> AuditReport:
    """Load, title and segment every file under ``paths``; check each passage."""
    schools, files = discover(paths)
    documents = []
    for source in files:
        record = DocumentAudit(source.source, producer_of(source.path))
        try:
            loaded = load_document(source.path)
        except PolicybotError as error:
            record.failed = str(error)
            documents.append(record)
            continue
        meta = schools[source.school].documents.get(source.path.name, {})
        record.title = meta.get("title") or choose_title(loaded.title, source.path)
        record.review_date = meta.get("review_date") or loaded.review_date
        info = DocumentInfo(source.school, record.title, source.source, record.review_date)
        passages = segment(loaded.blocks, info)
        _check(record, passages, furniture_of(source.path), examples)
        documents.append(record)
    return AuditReport(documents, expected)


def _check(
    record: DocumentAudit, passages: list[Passage], furniture: set[str], examples: int
) -> None:
    record.passages = len(passages)
    is_pdf = record.source.lower().endswith(".pdf")
    for number, passage in enumerate(passages):
        found = passage_defects(passage.text, furniture)
        if passage.context and "fragment" in found:
            found.discard("fragment")  # a short list item under its lead-in reads whole
            found.add("short_item")
        lost = not passage.section and number >= PREAMBLE_PASSAGES
        if lost or _holds_furniture(passage.section, furniture):
            found.add("heading_lost")
        if found & _TEXT_DEFECTS:
            found.add("text_defect")
        record.defects.update(found)
        for name in found:
            if len(record.examples.setdefault(name, [])) < examples:
                record.examples[name].append(f"[{passage.section}] {passage.text[:160]}")
        if is_pdf and passage.page is None:
            record.no_page += 1


def passage_defects(text: str, furniture: Iterable[str] = ()) -> set[str]:
    """The defects of one passage's text (section and page are checked by the caller)."""
    found: set[str] = set()
    stripped = text.strip()
    if not stripped:
        return {"fragment"}
    if (
        is_glyph(stripped[0])
        or re.match(r"^o\s+[A-Z]", stripped)
        or any(unicodedata.category(c) in ("Co", "Cc") for c in stripped)
    ):
        found.add("glyph_left")
    if re.search(r"\s(\S)\s+\w", stripped) and any(
        is_glyph(m.group(1)) for m in re.finditer(r"(?<=\s)(\S)(?=\s+\w)", stripped[1:])
    ):
        found.add("merged_list")
    plain = _ADDRESS.sub(" ", stripped)
    if _has_split_word(plain):
        found.add("split_word")
    if _has_run_together(plain):
        found.add("run_together")
    if _holds_furniture(stripped, furniture):
        found.add("header_footer")
    words = stripped.split()
    if len(words) <= 3:
        found.add("fragment")
    if _reads_as_heading(stripped, words):
        found.add("heading_as_passage")
    return found


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _has_split_word(text: str) -> bool:
    if _CUT_HYPHEN.search(text):
        return True
    tokens = [(m.group(0), m.end()) for m in _WORD.finditer(text)]
    for (left, end), (right, _) in zip(tokens, tokens[1:], strict=False):
        if text[end : end + 1] != " " or not right.islower():
            continue  # only pieces separated by one space, the second in lower case
        joined = (left + right).lower()
        weakest = min(zipf(left.lower()), zipf(right))
        if weakest < 2.5 and zipf(joined) >= _COMMON and zipf(joined) > weakest + 1.5:
            return True
    return False


def _has_run_together(text: str) -> bool:
    for word in _WORD.findall(text):
        if len(word) < 7 or not word.islower() or zipf(word) > 0:
            continue
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if zipf(left) >= _COMMON and zipf(right) >= _COMMON and len(right) >= 2:
                return True
    return False


def _reads_as_heading(text: str, words: list[str]) -> bool:
    if len(words) > 10 or text[-1] in _TERMINAL:
        return False
    if text.endswith(":"):
        return len(words) <= 6
    if _NUMBER_START.match(text):
        return True
    content = [w for w in words if w.lower() not in _SMALL and w[:1].isalpha()]
    return bool(content) and sum(w[0].isupper() for w in content) >= 0.75 * len(content)


def _furniture_key(text: str) -> str:
    return " ".join(re.sub(r"\d+", "#", text.lower()).split())


def _holds_furniture(text: str, furniture: Iterable[str]) -> bool:
    """The text is a furniture line, or holds one of 4+ words (a short one may be prose)."""
    key = _furniture_key(text)
    return any(line == key or (line in key and line.count(" ") >= 3) for line in furniture)


def furniture_of(path: Path) -> set[str]:
    """Lines printed at the edge of most pages (PDF) or in headers and footers (Word)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf_furniture(path)
        if suffix == ".docx":
            return _docx_furniture(path)
    except Exception:  # the audit never fails on a file the loader could read
        return set()
    return set()


def _usable(line: str) -> bool:
    return sum(c.isalpha() for c in line) >= 8


def _pdf_furniture(path: Path) -> set[str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    counts: Counter[str] = Counter()
    for page in reader.pages:
        lines = [line.strip() for line in (page.extract_text() or "").splitlines() if line.strip()]
        counts.update({_furniture_key(line) for line in lines[:2] + lines[-2:] if _usable(line)})
    pages = len(reader.pages)
    need = max(3, int(0.4 * pages + 0.5))
    return {line for line, count in counts.items() if count >= need}


def _docx_furniture(path: Path) -> set[str]:
    import docx

    document = docx.Document(str(path))
    lines: set[str] = set()
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs:
                text = " ".join(paragraph.text.split())
                if _usable(text):
                    lines.add(_furniture_key(text))
    return lines


def producer_of(path: Path) -> str:
    """The program that made the file, in a few families."""
    suffix = path.suffix.lower()
    if suffix != ".pdf":
        return {".docx": "Word .docx", ".doc": "Word .doc"}.get(suffix, suffix.lstrip(".") or "?")
    try:
        from pypdf import PdfReader

        info: dict[str, object] = dict(PdfReader(str(path)).metadata or {})
        made = f"{info.get('/Producer', '')} {info.get('/Creator', '')}".lower()
    except Exception:  # unreadable metadata: still audited, as an unknown producer
        made = ""
    for needle, name in (
        ("libreoffice", "LibreOffice PDF"),
        ("openoffice", "LibreOffice PDF"),
        ("word", "Word PDF"),
        ("skia", "Skia PDF"),
        ("pdfium", "PDFium PDF"),
        ("quartz", "Quartz PDF"),
        ("indesign", "InDesign PDF"),
        ("google", "Google Docs PDF"),
    ):
        if needle in made:
            return name
    return "other PDF"
