"""Does a question describe possible harm to a child, or an allegation about an adult?

``classify(question) -> Concern``: ``urgent`` (a child may be in immediate danger: 999 first),
``report`` (something to tell the DSL) or ``none``, with a short reason. The patterns are data
(``data/concern_patterns.toml`` here). The classifier only decides what to show first; it never
judges a threshold and never tells anyone not to report. When in doubt it flags.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import messages
from bot.answering.model import Concern
from indexer.analysis import fold

PATTERNS_PATH = Path(__file__).parent / "data" / "concern_patterns.toml"
_LEVEL_ORDER = {"none": 0, "report": 1, "urgent": 2}


@dataclass(frozen=True)
class _Category:
    name: str
    level: str
    narrative_only: bool
    about_staff: bool
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Classifier:
    categories: tuple[_Category, ...]
    hypothetical: tuple[re.Pattern[str], ...]
    head: tuple[re.Pattern[str], ...]

    @classmethod
    def load(cls, path: Path = PATTERNS_PATH) -> Classifier:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        framing = data.pop("framing")
        categories = tuple(
            _Category(
                name=name,
                level=spec["level"],
                narrative_only=spec.get("framing") == "narrative",
                about_staff=bool(spec.get("about_staff")),
                patterns=_compile(spec["patterns"]),
            )
            for name, spec in data.items()
        )
        return cls(categories, _compile(framing["hypothetical"]), _compile(framing["head"]))

    def classify(self, question: str) -> Concern:
        text = fold(question)
        hypothetical = any(p.search(text) for p in self.hypothetical)
        found = [c for c in self.categories if any(p.search(text) for p in c.patterns)]
        matched = [c for c in found if not (c.narrative_only and hypothetical)]
        if not matched:
            return Concern()
        top = max(matched, key=lambda c: _LEVEL_ORDER[c.level])
        # an adult's conduct routes to the headteacher however the question is framed
        # ("what should I do if a colleague is grooming a pupil" is flagged for grooming)
        about_staff = any(c.about_staff for c in found)
        return Concern(
            level=top.level,  # type: ignore[arg-type]
            reason=messages.CONCERN_REASONS.get(top.name, top.name),
            about_staff=about_staff,
            about_headteacher=about_staff and self._about_head(text),
        )

    def _about_head(self, text: str) -> bool:
        return any(p.search(text) for p in self.head)


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    return Classifier.load()


def classify(question: str) -> Concern:
    """Classify with the bundled patterns."""
    return default_classifier().classify(question)
