"""Document metadata from the tables policies start and end with.

Word exports turn a metadata table into tab-separated lines, either as key/value pairs
("Last Review<TAB>June 2024<TAB>Next Review<TAB>June 2026") or as a header row followed by a
value row ("Date<TAB>Review Date" then "Sept 17<TAB>Sept 19"). Such lines are metadata, not
clauses; this module reads the review date out of them.
"""

from __future__ import annotations

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
    "policy",
)
_PREFERRED = ("next review", "review date", "date of review", "review due", "review")


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
        elif all(_is_key(cell) for cell in cells) and len(cells) > 1:
            self.header = cells
        else:
            for key, value in zip(cells[::2], cells[1::2], strict=False):
                self.note(key, value)
        return True

    def note(self, key: str, value: str) -> None:
        self.values.setdefault(key.strip().rstrip(":").lower(), value.strip())

    def review_date(self) -> str | None:
        for wanted in _PREFERRED:
            for key, value in self.values.items():
                if key.startswith(wanted) and parse_month(value):
                    return value
        return None


def _is_key(cell: str) -> bool:
    lowered = cell.lower().rstrip(":")
    return any(word in lowered for word in _KEY_WORDS) and parse_month(cell) is None
