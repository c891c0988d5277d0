"""Count the work a loader does, not the time it takes: every string handed to a regular
expression (the loaders' inner loops are regex scans) adds its length, and every line fed to
the parser adds one. Deterministic, so a test can compare sizes exactly.

    with counting_work(text_module, metadata_module) as work:
        parse_document(lines)
    work.characters
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

_SCANS = ("match", "search", "fullmatch", "findall", "finditer", "sub", "subn", "split")


@dataclass
class Work:
    characters: int = 0


class _Counting:
    """A compiled pattern (or the ``re`` module) that counts the text it is asked to scan."""

    def __init__(self, target: Any, work: Work) -> None:
        self._target, self._work = target, work

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if name not in _SCANS:
            return attr

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._work.characters += sum(len(a) for a in args if isinstance(a, str))
            return attr(*args, **kwargs)

        return counted


@contextmanager
def counting_work(*modules: ModuleType) -> Iterator[Work]:
    work = Work()
    saved: list[tuple[ModuleType, str, Any]] = []
    for module in modules:
        for name, value in list(vars(module).items()):
            if isinstance(value, re.Pattern) or value is re:
                saved.append((module, name, value))
                setattr(module, name, _Counting(value, work))
    try:
        yield work
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
