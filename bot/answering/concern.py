"""Does a question describe possible harm to a child, or an allegation about an adult?

``classify(question) -> Concern``: ``urgent`` (a child may be in immediate danger: 999 first),
``report`` (something to tell the DSL) or ``none``, with a short reason. The patterns are data
(``data/concern_patterns.toml`` here). The classifier only decides what to show first; it never
judges a threshold and never tells anyone not to report. When in doubt it flags.

It reads the whole message up to :data:`MAX_CLASSIFIED_CHARS` (search reads far less), so a
concern at the end of a long pasted email is still seen. A category matches on one of its
``patterns``, or when one pattern of each of its ``together`` groups (an actor and an indicator,
say "an adult" and "asked her to meet up") is found within ``within`` characters. Framing is
judged per sentence: "Can I …?" asks about a rule, but it does not hide a description of
something that happened in the next sentence. A ``statement`` category (broad signs, such as a
worrying word said about a particular child) counts only in a sentence that asks no practical
question either ("a year 7 girl is scared of dogs, can she skip the trip" is a question about a
trip; "a year 1 boy has a handprint on his face" is a description).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import messages
from bot.answering.model import Concern
from indexer.analysis import fold

PATTERNS_PATH = Path(__file__).parent / "data" / "concern_patterns.toml"
MAX_CLASSIFIED_CHARS = 10_000
_LEVEL_ORDER = {"none": 0, "report": 1, "urgent": 2}
_TERM = re.compile(r"<(\w+)>")
# an email's greeting names who it is to, not who it is about ("Dear Headteacher, a TA has …")
_GREETING = re.compile(
    r"(?m)^\s*(dear( [\w.']+){1,3}|(hi|hello|good morning|good afternoon) (head|headteacher|head "
    r"teacher|principal|sir|all|everyone|(mr|mrs|ms|miss|dr)\.? [\w']+))\s*[,\n]"
)
# a sentence ends at . ! ? (not after mr/mrs/ms/dr) followed by a space, or at a line break
_SENTENCE_END = re.compile(r"(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bdr)[.!?]+(?=\s|$)|\n")

Span = tuple[int, int]


@dataclass(frozen=True)
class _Category:
    name: str
    level: str
    framing: str  # "any", "narrative" or "statement"
    about_staff: bool
    patterns: tuple[re.Pattern[str], ...]
    together: tuple[tuple[re.Pattern[str], ...], ...] = ()
    within: int = 0

    def spans(self, text: str) -> list[Span]:
        """Where in ``text`` this category matched (one span per pattern or group match)."""
        found = [m.span() for p in self.patterns for m in p.finditer(text)]
        if self.together:
            found.extend(self._together(text))
        return found

    def _together(self, text: str) -> list[Span]:
        """Spans where the rarest group's match has a match of every other group near it."""
        groups = sorted(
            (sorted(m.span() for p in group for m in p.finditer(text)) for group in self.together),
            key=len,
        )
        found = []
        for start, end in groups[0]:
            near = [_nearest(spans, start, end, self.within) for spans in groups[1:]]
            if all(near):
                spans = [(start, end), *(span for span in near if span)]
                found.append((min(s for s, _ in spans), max(e for _, e in spans)))
        return found


def _nearest(spans: list[Span], start: int, end: int, within: int) -> Span | None:
    """A span of ``spans`` (sorted) lying within ``within`` characters of ``start..end``."""
    i = bisect.bisect_left(spans, (end - within, -1))
    for span in spans[i:]:
        if span[0] > start + within:
            return None
        if span[1] <= start + within:
            return span
    return None


@dataclass(frozen=True)
class Classifier:
    categories: tuple[_Category, ...]
    hypothetical: tuple[re.Pattern[str], ...]
    head: tuple[re.Pattern[str], ...]
    practical: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def load(cls, path: Path = PATTERNS_PATH) -> Classifier:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        framing = data.pop("framing")
        terms = data.pop("terms", {})

        def compile_all(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
            return _compile([_expand(p, terms) for p in patterns])

        categories = tuple(
            _Category(
                name=name,
                level=spec["level"],
                framing=spec.get("framing", "any"),
                about_staff=bool(spec.get("about_staff")),
                patterns=compile_all(spec.get("patterns", [])),
                together=tuple(compile_all(group) for group in spec.get("together", [])),
                within=int(spec.get("within", 0)),
            )
            for name, spec in data.items()
        )
        return cls(
            categories,
            compile_all(framing["hypothetical"]),
            compile_all(framing["head"]),
            compile_all(framing.get("practical", [])),
        )

    def asks_a_rule(self, question: str) -> bool:
        """True when every sentence asks about a rule for oneself ("can I be friends with a
        pupil on facebook?"), as the framing patterns see it."""
        text = fold(question[:MAX_CLASSIFIED_CHARS])
        sentences = _sentences(text)
        return bool(sentences) and all(
            any(p.search(text[s:e]) for p in self.hypothetical) for s, e in sentences
        )

    def classify(self, question: str) -> Concern:
        text = fold(question[:MAX_CLASSIFIED_CHARS])
        text = _GREETING.sub(lambda m: " " * len(m.group()), text)
        sentences = _sentences(text)
        asks = [any(p.search(text[s:e]) for p in self.hypothetical) for s, e in sentences]
        practical = [
            ask or any(p.search(text[s:e]) for p in self.practical)
            for (s, e), ask in zip(sentences, asks, strict=True)
        ]
        framed = {"narrative": asks, "statement": practical}
        found: list[tuple[_Category, list[Span]]] = []
        matched: list[_Category] = []
        for category in self.categories:
            spans = category.spans(text)
            if not spans:
                continue
            found.append((category, spans))
            if category.framing not in framed or any(
                not _only_asks(span, sentences, framed[category.framing]) for span in spans
            ):
                matched.append(category)
        if not matched:
            return Concern()
        top = max(matched, key=lambda c: _LEVEL_ORDER[c.level])
        # an adult's conduct routes to the headteacher however the question is framed
        # ("what should I do if a colleague is grooming a pupil" is flagged for grooming)
        staff_spans = [span for c, spans in found if c.about_staff for span in spans]
        return Concern(
            level=top.level,  # type: ignore[arg-type]
            reason=messages.CONCERN_REASONS.get(top.name, top.name),
            about_staff=bool(staff_spans),
            about_headteacher=any(self._about_head(text, span) for span in staff_spans),
        )

    def _about_head(self, text: str, span: Span) -> bool:
        """The headteacher is the adult in this allegation (not the addressee of the email)."""
        return any(p.search(text, *span) for p in self.head)


def _sentences(text: str) -> list[Span]:
    spans, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        spans.append((start, end.end()))
        start = end.end()
    spans.append((start, len(text)))
    return spans


def _only_asks(span: Span, sentences: list[Span], asks: list[bool]) -> bool:
    """True when every sentence the match touches asks about a rule ("can I …?")."""
    touched = [
        ask for (s, e), ask in zip(sentences, asks, strict=True) if s < span[1] and e > span[0]
    ]
    return bool(touched) and all(touched)


def _expand(pattern: str, terms: dict[str, str]) -> str:
    """``<child>`` -> the ``child`` entry of ``[terms]`` (itself expanded) as a group."""
    return _TERM.sub(
        lambda m: f"(?:{_expand(terms[m.group(1)], terms)})" if m.group(1) in terms else m.group(0),
        pattern,
    )


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern) for pattern in patterns)


@lru_cache(maxsize=1)
def default_classifier() -> Classifier:
    return Classifier.load()


def classify(question: str) -> Concern:
    """Classify with the bundled patterns."""
    return default_classifier().classify(question)
