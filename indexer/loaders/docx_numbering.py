"""Word list numbers, rebuilt from the numbering definitions (python-docx leaves them out).

A list paragraph carries ``w:numPr`` (numId, ilvl), directly or through its style. numId
names a ``w:num``, which points at a ``w:abstractNum`` holding one ``w:lvl`` per nesting
level: start value, number format (decimal, lowerLetter, lowerRoman, bullet ...) and the
printed pattern (``%1.``, ``%1.%2``, ``(%3)``). As in Word, every ``w:num`` of the same
abstractNum continues one run of counters; a ``w:lvlOverride/w:startOverride`` on a num
restarts that level when the num is first used ("Restart at 1"). Using a level resets the
deeper levels unless their ``w:lvlRestart`` says otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from docx.oxml.ns import qn

_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip
_PLACEHOLDER = re.compile(r"%([1-9])")


@dataclass(frozen=True)
class ListMark:
    """A list paragraph's nesting level and printed label without a final full stop
    ("1", "2.6", "a)", "(iv)"; the plain-text parser writes labels the same way), or None
    for a bullet."""

    level: int
    label: str | None


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart_after: int | None = None  # w:lvlRestart: 0 = never restart
    legal: bool = False  # w:isLgl: show every level as a decimal number


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


class ListNumbering:
    """Counters for one document; call ``mark`` for each list paragraph in reading order."""

    def __init__(self, numbering: Any | None, style_num_ids: dict[str, str]) -> None:
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._links: dict[str, str] = {}  # abstractNum id -> numbering style id it defers to
        self._nums: dict[str, _Num] = {}
        self._style_num_ids = style_num_ids
        self._counters: dict[str, dict[int, int]] = {}
        self._used: set[str] = set()
        if numbering is not None:
            self._read(numbering)

    def _read(self, numbering: Any) -> None:
        for abstract in numbering.iterfind(qn("w:abstractNum")):
            key = abstract.get(qn("w:abstractNumId"))
            self._abstracts[key] = {
                _ilvl(lvl): _level(lvl) for lvl in abstract.iterfind(qn("w:lvl"))
            }
            link = abstract.find(qn("w:numStyleLink"))
            if link is not None:
                self._links[key] = link.get(qn("w:val"))
        for num in numbering.iterfind(qn("w:num")):
            self._nums[num.get(qn("w:numId"))] = _num(num)

    def mark(self, num_id: str, ilvl: int) -> ListMark | None:
        """The label for the next paragraph of list ``num_id`` at ``ilvl``; None if no list."""
        num = self._nums.get(num_id)
        abstract_id = self._resolve(num.abstract_id) if num else None
        if num is None or abstract_id is None:
            return None
        levels = {**self._abstracts[abstract_id], **num.level_overrides}
        level = levels.get(ilvl, _Level(fmt="bullet"))
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._used:
            self._used.add(num_id)
            for overridden in num.start_overrides:
                counters.pop(overridden, None)
        counters[ilvl] = counters.get(ilvl, self._start(num, levels, ilvl) - 1) + 1
        _reset_deeper(counters, levels, ilvl)
        if level.fmt == "bullet":
            return ListMark(ilvl, None)
        starts = {n: self._start(num, levels, n) for n in range(9)}
        return ListMark(ilvl, _render(level, levels, counters, starts).rstrip(".") or None)

    def _start(self, num: _Num, levels: dict[int, _Level], ilvl: int) -> int:
        if ilvl in num.start_overrides:
            return num.start_overrides[ilvl]
        return levels[ilvl].start if ilvl in levels else 1

    def _resolve(self, abstract_id: str, depth: int = 0) -> str | None:
        """Follow numStyleLink (a list defined by a numbering style) to the real levels."""
        if abstract_id not in self._abstracts or depth > 5:
            return None
        style = self._links.get(abstract_id)
        linked = self._nums.get(self._style_num_ids.get(style, "")) if style else None
        if linked is None or linked.abstract_id == abstract_id:
            return abstract_id
        return self._resolve(linked.abstract_id, depth + 1)


def _reset_deeper(counters: dict[int, int], levels: dict[int, _Level], ilvl: int) -> None:
    for deeper in [n for n in counters if n > ilvl]:
        restart = levels[deeper].restart_after if deeper in levels else None
        if restart is None or (restart and ilvl < restart):
            del counters[deeper]


def _render(
    level: _Level, levels: dict[int, _Level], counters: dict[int, int], starts: dict[int, int]
) -> str:
    def number(match: re.Match[str]) -> str:
        n = int(match.group(1)) - 1
        fmt = "decimal" if level.legal else (levels[n].fmt if n in levels else "decimal")
        return format_number(counters.get(n, starts[n]), fmt)

    return _PLACEHOLDER.sub(number, level.text).strip()


def format_number(value: int, fmt: str) -> str:
    """One counter as Word prints it in format ``fmt`` (unknown formats print as decimal)."""
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.upper() if fmt == "upperRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "none":
        return ""
    return str(value)


def _roman(value: int) -> str:
    out = []
    for amount, numeral in _ROMAN:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _ilvl(lvl: Any) -> int:
    return _int(lvl.get(qn("w:ilvl")), 0)


def _level(lvl: Any) -> _Level:
    fmts = lvl.findall(".//" + qn("w:numFmt"))  # inside mc:AlternateContent: last = fallback
    restart = _val(lvl, "w:lvlRestart")
    legal = lvl.find(qn("w:isLgl"))
    return _Level(
        start=_int(_val(lvl, "w:start"), 1),
        fmt=fmts[-1].get(qn("w:val"), "decimal") if fmts else "decimal",
        text=_val(lvl, "w:lvlText") or "",
        restart_after=_int(restart, 0) if restart is not None else None,
        legal=legal is not None and legal.get(qn("w:val"), "1") not in ("0", "false"),
    )


def _num(num: Any) -> _Num:
    result = _Num(abstract_id=_val(num, "w:abstractNumId") or "")
    for override in num.iterfind(qn("w:lvlOverride")):
        ilvl = _int(override.get(qn("w:ilvl")), 0)
        start = _val(override, "w:startOverride")
        if start is not None:
            result.start_overrides[ilvl] = _int(start, 1)
        lvl = override.find(qn("w:lvl"))
        if lvl is not None:
            result.level_overrides[ilvl] = _level(lvl)
    return result
