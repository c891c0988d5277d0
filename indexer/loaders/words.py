"""Words as the reader sees them: pieces a PDF's layout text split apart, joined again.

pypdf's layout mode places each text run by its position, and Word PDFs often cut a word into
runs ("scho" + "ol", "multi" + "-agency"), so a space appears inside the word. The same page
read in plain mode (run after run) has the word whole. Two pieces separated by one space are
joined only when the joined word is known (it occurs in the document's plain text, or it is a
common English word by ``wordfreq``) and at least one piece is not a word on its own there:
"in to" stays apart, "scho ol" becomes "school".
"""

from __future__ import annotations

import functools
import re

_PIECES = re.compile(r"(?<=[A-Za-z])( +)(?=-?[A-Za-z])")
_TAIL = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*$")
_HEAD = re.compile(r"^-?[A-Za-z]+(?:-[A-Za-z]+)*")
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_COMMON = 3.5
_RARE = 2.5


def known_words(text: str) -> set[str]:
    """The words of a text, lower case (hyphenated words whole, and their parts)."""
    found: set[str] = set()
    for word in WORD.findall(text):
        lowered = word.lower()
        found.add(lowered)
        found.update(lowered.split("-"))
    return found


def rejoin(line: str, known: set[str]) -> str:
    """``line`` with split words joined (see the module text).

    A justified line may put many spaces inside a word ("anony      mously"): pieces that far
    apart are joined only when the document itself has the joined word.
    """
    if " " not in line or not known:
        return line
    parts = _PIECES.split(line)
    if len(parts) == 1:
        return line
    out = parts[0]
    for gap, part in zip(parts[1::2], parts[2::2], strict=True):
        tail = _TAIL.search(out)
        head = _HEAD.match(part)
        wide = len(gap) > 1
        if tail and head and _belongs_together(tail.group(0), head.group(0), known, wide):
            out += part
        else:
            out += gap + part
    return out


def _belongs_together(left: str, right: str, known: set[str], wide: bool) -> bool:
    joined = (left + right).lower()
    if right.startswith("-"):  # "multi -agency": a space never comes before a joining hyphen
        return joined in known
    left, right = left.lower(), right.lower()
    if left in known and right in known:
        return False
    if joined in known:
        return True
    if wide:
        return False
    return _zipf(joined) >= _COMMON and min(_zipf(left), _zipf(right)) < _RARE


@functools.lru_cache(maxsize=100_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")
