"""Structure schools type by hand: numbered headings ("2. Duty of care", "2.1", "B8.").

Many policies are written without heading styles: a heading is a short line that starts with
a typed number and is printed in bold or a larger font. The shape of the text is checked
here; the emphasis is checked by the loader that can see it (Word runs, PDF fonts).
"""

from __future__ import annotations

import re

_TYPED_NUMBER = re.compile(
    r"^(?P<label>(?:[A-Z]{1,2}\d{0,3}|\d{1,3})(?:\.\d{1,3}){0,3}\.?|[IVX]{1,5}\.)\s+(?=\S)"
)
_FINISHED = ".;,!?"
# a typed contents line: "2. Duty of care ........ 4", "Introduction<TAB>3"
CONTENTS_LINE = re.compile(r"^.{3,100}?(?:\t+|\.{4,}|…{2,}|\s{4,})\s*\d{1,3}\s*$")
MAX_HEADING_WORDS = 12


def heading_shaped(text: str) -> bool:
    """Short, starting with a capital or a number, not ending like a sentence or a lead-in."""
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or len(text) > 100:
        return False
    if text[-1] in _FINISHED or text.endswith(":") or "___" in text:
        return False  # a sentence, a lead-in or a form's blank ("Signed: ______")
    return text[0].isupper() or text[0].isdigit()


def typed_heading(text: str) -> bool:
    """Heading-shaped text (a typed number in front is allowed, not needed)."""
    match = _TYPED_NUMBER.match(text)
    rest = text[match.end() :] if match else text
    if match and not re.search(r"[.\d]", match.group("label")) and len(match.group("label")) > 1:
        rest = text  # "CCTV Policy" is not a label "CCTV" before text
    return heading_shaped(rest) and any(c.isalpha() for c in rest)


def typed_heading_level(text: str, larger: bool) -> int:
    """1 for "2." / "B8." and for unnumbered text printed larger; 2 for "2.1"; 3 for "2.1.3"."""
    match = _TYPED_NUMBER.match(text)
    if match and any(c.isdigit() for c in match.group("label")):
        return match.group("label").rstrip(".").removesuffix(".0").count(".") + 1  # 6.0 is 6
    return 1 if larger else 2
