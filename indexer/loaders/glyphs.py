"""Bullet glyphs as schools' files carry them.

Word writes a bullet in the Symbol or Wingdings font as a private-use character (U+F0B7,
U+F0A7, U+F06C ...); reportlab writes U+007F; others use any symbol (▪ ● ➢ ✓ ■ ◦). So a bullet
is recognised by its kind, not from a list: one character that is a symbol, a private-use or
a control character (or one of the usual bullet dots) at the start of a line, before text.
"""

from __future__ import annotations

import re
import unicodedata

_DOTS = frozenset("•·▪●◦■□➢➤►‣⁃∙○◆◇❖✓✔➔→")
_NEVER_TEXT = ("Co", "Cc", "Cn")  # private-use, control, unassigned: never a letter of a word
# control characters other than white space, and the private-use areas (one regex: fast)
_NEVER_TEXT_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010fffd]")
_START = re.compile(r"^(?P<indent>\s*)(?P<glyph>\S)(?P<gap>\s*)(?=\S)")


def is_glyph(char: str) -> bool:
    """One character that marks a list item rather than starting a word."""
    if len(char) != 1 or char.isalnum() or char.isspace() or char == "|":
        return False  # "|" separates cells
    return char in _DOTS or unicodedata.category(char) in ("So", "Sm", *_NEVER_TEXT)


def never_text(char: str) -> bool:
    return len(char) == 1 and not char.isspace() and unicodedata.category(char) in _NEVER_TEXT


def leading_glyph(text: str) -> tuple[str, str, str] | None:
    """(indent, glyph, rest) when ``text`` starts with a bullet glyph before some text.

    A symbol needs a space after it ("▪ Blogs"); a private-use or control character does not,
    since it can never be part of a word.
    """
    stripped = text.lstrip()
    if not stripped or stripped[0].isalnum():
        return None  # most lines: a word first
    match = _START.match(text)
    if match is None:
        return None
    glyph = match.group("glyph")
    if not is_glyph(glyph) or not (match.group("gap") or never_text(glyph)):
        return None
    return match.group("indent"), glyph, text[match.end() :]


def strip_never_text(text: str) -> str:
    """Private-use and control characters removed (they never belong in a quote)."""
    return _NEVER_TEXT_CHARS.sub(" ", text)
