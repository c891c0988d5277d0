"""Month-precision dates as policies write them: 'September 2020', 'Sept 19', '2024-06',
'01.01.24' (day first), 'Autumn 2025' (the month the season starts)."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WORDY = re.compile(r"\b([A-Za-z]{3,9})\.?,?\s+(?:'|’)?(\d{4}|\d{2})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\b")
_DAY_FIRST = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b")  # 01.01.24, 1/9/2025
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


def parse_month(text: str | None) -> date | None:
    """The first day of the month named in ``text``, or None when there is no date in it."""
    if not text:
        return None
    iso = _ISO.search(text)
    if iso and 1 <= int(iso.group(2)) <= 12:
        return date(int(iso.group(1)), int(iso.group(2)), 1)
    for match in _WORDY.finditer(text):
        word = match.group(1).lower()
        month = _MONTHS.get(word) or _SEASONS.get(word)
        if month:
            year = int(match.group(2))
            return date(year + 2000 if year < 100 else year, month, 1)
    numeric = _DAY_FIRST.search(text)  # UK order: day, month, year
    if numeric and 1 <= int(numeric.group(2)) <= 12 and 1 <= int(numeric.group(1)) <= 31:
        year = int(numeric.group(3))
        return date(year + 2000 if year < 100 else year, int(numeric.group(2)), 1)
    return None


def month_label(text: str | None) -> str | None:
    """'2020-09' -> 'September 2020'; text with no date is returned as it is."""
    parsed = parse_month(text)
    return parsed.strftime("%B %Y") if parsed else text
