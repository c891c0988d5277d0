"""The title a document is indexed and cited under.

What schools' files say about themselves is unreliable: PDF metadata holds "(anonymous)",
"Microsoft Word - draft3.docx", another school's name or a date; a Word file's Title style
often holds the letterhead. So the title is read from the document's first page, the way a
reader finds it: the heading-shaped lines at the top (a title broken over two or three lines
is joined), scored by

* naming a kind of document (policy, procedure, code of conduct, agreement, notice, form ...),
* sharing words with the file name,
* matching the metadata title,
* coming early,

and never a date, a "Key: value" field, an address or a contents heading. The metadata title
is used only when no line qualifies and it is not junk; the cleaned file name is the last
resort.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from indexer.dates import parse_month

_KINDS = frozenset(
    "policy policies procedure procedures code conduct agreement notice form plan statement "
    "guidance guidelines handbook manual protocol charter arrangements framework strategy "
    "appendix rules terms charging".split()
)
_STOP = frozenset("and the for with of to in on at by a an or from".split())
_WORD = re.compile(r"[a-z0-9]+")
_JUNK_METADATA = re.compile(
    r"^\(?anonymous\)?$|^microsoft (?:word|powerpoint)\b|^untitled|^title$|^document\d*$|"
    r"^(?:word|writer) document$|"
    r"^heading\b|\bpt$|^slide \d|\.(?:docx?|pdf|odt)$",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\s|^\d{1,3}\.?\s")
_FIELD = re.compile(r"^[^:]{1,40}:\s*\S")
_CONTACT = re.compile(r"@|www\.|https?://|\b(?:tel|telephone|phone|email|fax)\b|\d{5,}", re.I)
_COPY_MARKS = re.compile(
    r"\(\d+\)|\bcopy\b|\bfinal\b|\bdraft\b|\bv\d+(?:\.\d+)?\b|\bupdated\b|\brev\d*\b", re.I
)
_DATES = re.compile(
    r"\b(?:\d{1,2}[./-])?\d{1,2}[./-]\d{2,4}\b|\b(?:19|20)\d{2}(?:-\d{2,4})?\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b\d{3,}\b",
    re.IGNORECASE,
)
MAX_TITLE_WORDS = 20
JOIN_LINES = 3


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower().replace("&", " and ")) if w not in _STOP}


def pick_title(
    lines: Sequence[str], metadata: str | None, path: Path, join: bool = True
) -> str | None:
    """The best title among the first page's lines, else usable metadata, else None.

    ``join``: lines are a PDF's printed lines, so a title may be broken over up to three of
    them; a Word file's paragraphs join only when the break is visible ("Data Protection"
    then "And GDPR Policy").
    """
    stem = words(clean_file_name(path))
    meta = metadata if metadata and not junk_metadata(metadata) else None
    best: tuple[float, str] | None = None
    for position, candidate in _candidates(lines, join):
        score = _score(candidate, stem, meta) - 0.02 * position
        if score >= 1 and (best is None or score > best[0]):
            best = (score, candidate)
    if best and meta and words(meta) & _KINDS and words(meta) <= words(best[1]):
        return meta  # the printed line holds the metadata title and more ("Kite College - ")
    return best[1] if best else meta


def _candidates(lines: Sequence[str], join: bool) -> list[tuple[int, str]]:
    """(position, text): each usable line, and a title broken over up to three lines.

    Lines printed one under the other join; across a blank line (or between paragraphs) only
    when the title is visibly unfinished (the line before ends in "and", "of", a dash ...) or
    the next line is one word ("Policy"), starts with "(" ("(SEND) Policy") or with "and",
    "of", "&" ...
    """
    found: list[tuple[int, str]] = []
    for start, raw in enumerate(lines):
        line = " ".join(raw.split())
        after = lines[start + 1].strip() if start + 1 < len(lines) else ""
        if not line or after[:1].islower():
            continue  # a line of a paragraph that wraps on: prose, not a title
        if _usable(line):
            found.append((start, line))
        if not _usable(line, part=True):
            continue
        joined, blank, parts = line, False, 1
        for following in lines[start + 1 :]:
            following = " ".join(following.split())
            if not following:
                blank = True
                continue
            unfinished = joined.split()[-1].lower() in _STOP or joined[-1] in "-–"
            continued = (
                len(following.split()) == 1
                or following[0] in "([&"
                or following.split()[0].lower() in _STOP
            )
            visibly = unfinished or continued
            if joined[-1] in ".;:" or ((blank or not join) and not visibly):
                break
            if not _usable(following, part=True):
                break
            joined, blank, parts = f"{joined} {following}", False, parts + 1
            if _usable(joined):
                found.append((start, joined))
            if parts == JOIN_LINES:
                break
    return found


def _usable(text: str, part: bool = False) -> bool:
    count = len(text.split())
    if not text or count > MAX_TITLE_WORDS or text[-1:] in ".;,:":
        return False
    if not part and text.split()[-1].lower() in _STOP:
        return False  # "Code of Conduct for staff working with children and": cut short
    if _FIELD.match(text) or _CONTACT.search(text) or not any(c.isalpha() for c in text):
        return False
    if count >= 8 and ", " in text:
        return False  # a sentence
    if _CLAUSE.match(text):  # "14.1 Data Protection Impact Assessments": a clause
        return False
    if text.lower().strip(" :") in ("contents", "table of contents", "index"):
        return False
    return not (parse_month(text) and count <= 4)


def _score(candidate: str, stem: set[str], metadata: str | None) -> float:
    found = words(candidate)
    score = 3.0 if found & _KINDS else 0.0
    score += min(4, len(found & stem))
    if metadata and words(metadata) == found:
        score += 2
    if not candidate[:1].isupper() and not candidate[:1].isdigit():
        score -= 2
    return score


def junk_metadata(title: str) -> bool:
    """Metadata no reader would call a title: tool names, placeholders, dates."""
    text = " ".join(title.split())
    if len(text) < 3 or _JUNK_METADATA.search(text):
        return True
    return parse_month(text) is not None and len(text.split()) <= 4


def clean_file_name(path: Path) -> str:
    """'Child Protection Policy (2).docx' -> 'Child Protection Policy';
    '2021-anti-bullying-policy.pdf' -> 'Anti bullying policy'."""
    text = re.sub(r"[_\-]+", " ", path.stem)
    text = _COPY_MARKS.sub(" ", text)
    text = _DATES.sub(" ", text)
    text = re.sub(r"\(\s*\)|!", " ", text)
    text = " ".join(text.split()).strip(" -–")
    return text[:1].upper() + text[1:] if text else path.stem


def choose_title(found: str | None, path: Path) -> str:
    """The loader's title when it is usable, else the cleaned file name."""
    if found and 3 <= len(found) <= 120:
        return found.title() if found.isupper() else found
    return clean_file_name(path)
