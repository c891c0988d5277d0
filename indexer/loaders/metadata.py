"""Document metadata from the tables policies start and end with.

Word exports turn a metadata table into tab-separated lines, either as key/value pairs
("Last Review<TAB>June 2024<TAB>Next Review<TAB>June 2026") or as a header row followed by a
value row ("Date<TAB>Review Date" then "Sept 17<TAB>Sept 19"). Such lines are metadata, not
clauses; this module reads the review date out of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.dates import parse_month

_KEY_WORDS = (
    "review",
    "date",
    "author",
    "approved",
    "status",
    "source",
    "signed",
    "version",
    "coordinator",
    "governor",
    "reference",
    "head",
    "chair",
    "owner",
    "title",
)
_PREFERRED = ("next", "review date", "date of review", "review due", "due", "review")
_PAST = ("last", "reviewed", "previous", "cycle", "adopt", "ratif", "approved", "written")
_MONTH_WORD = (
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|spring|summer|autumn|winter)[a-z]*\b"
)
_REVIEW_LINE = re.compile(
    r"^\s*(?P<key>(?:[A-Za-z]+\s+){0,4}review(?:\s+(?!" + _MONTH_WORD + r")[A-Za-z]+){0,2})"
    r"\s*(?P<sep>:|-|–|\s)\s*"
    r"(?P<value>\S.{0,40})$",
    re.IGNORECASE,
)
_TITLE_KEY = re.compile(
    r"(?:policy|document)?\s*(?:title|name)(?: of (?:the )?(?:policy|document))?"
)
_KEY_STARTS = ("next", "review", "date", "due", "policy", "document")
_YEAR_ONLY = re.compile(r"^\s*(\d{4})\b")


@dataclass
class TableMetadata:
    values: dict[str, str] = field(default_factory=dict)
    header: list[str] | None = None

    def take(self, line: str) -> bool:
        """Consume a tab-separated table row; False for any other line."""
        if "\t" not in line:
            self.header = None
            return False
        cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
        if not cells:
            return True
        if self.header and len(cells) == len(self.header):
            for key, value in zip(self.header, cells, strict=True):
                self.note(key, value)
            self.header = None
        elif all(is_key(cell) for cell in cells) and len(cells) > 1:
            self.header = cells
        else:
            for key, value in zip(cells[::2], cells[1::2], strict=False):
                self.note(key, value)
        return True

    def note(self, key: str, value: str) -> None:
        self.values.setdefault(key.strip().rstrip(":").lower(), value.strip())

    def title(self) -> str | None:
        """A cover table's "Policy title" / "Title of policy" / "Document name" field."""
        for key, value in self.values.items():
            if _TITLE_KEY.fullmatch(key) and key != "name" and value:
                return value
        return None

    def review_date(self) -> str | None:
        for wanted in _PREFERRED:
            for key, value in self.values.items():
                if "review" in key and wanted in key and not _past(key) and parse_month(value):
                    return value
        return None


@dataclass
class ReviewLines(TableMetadata):
    """Review dates printed as lines ("Next Review Due: October 2026", "DATE OF NEXT REVIEW:
    July" then "2023" on the next line, "Review Date: 01.01.24") in the body, a footer or a
    cover page. ``take_line`` consumes such a line; any other line is left alone."""

    pending: str | None = None

    def take_line(self, line: str) -> bool:
        if self.pending is None and "review" not in line.lower():
            return False  # the common case, cheaply
        text = " ".join(line.split())
        if not text:
            return False  # a blank line between "Review Date: 1st January" and "2024"
        pending, self.pending = self.pending, None
        if pending is not None:
            year = _YEAR_ONLY.match(text)
            if year and len(text) <= 12:
                key, value = pending.split("\t")
                self.note(key, f"{value} {year.group(1)}")
                return True
        match = _REVIEW_LINE.match(text)
        if match is None or len(text) > 70:
            return False
        key, value = match.group("key"), match.group("value").strip()
        if match.group("sep").isspace() and key.split()[0].lower() not in _KEY_STARTS:
            return False  # "We will review this policy in May 2025" is a clause, not a field
        if parse_month(value):
            self.note(key, value)
            return True
        if _MONTH_ONLY.match(value):
            self.pending = f"{key}\t{value}"
            return True
        return False


_MONTH_ONLY = re.compile(
    r"^(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|"
    r"spring|summer|autumn)[a-z]*\.?$",
    re.IGNORECASE,
)


def _past(key: str) -> bool:
    return any(word in key for word in _PAST)


def is_key(cell: str) -> bool:
    """A table cell that names a field ("Next review", "Policy title", "Approved by")."""
    lowered = cell.lower().rstrip(":")
    return any(word in lowered for word in _KEY_WORDS) and parse_month(cell) is None
