"""A semantic backstop for the concern classifier: flags what the patterns miss.

``SemanticConcern(classifier, encoder).classify(question) -> Concern``. The regex classifier
(:mod:`bot.answering.concern`) runs first and its verdict always stands: the backstop never
downgrades it and never decides ``urgent`` (999 stays with the patterns). When the patterns find
nothing, the question is embedded with the same sentence encoder retrieval uses and compared
with exemplar sentences written per Keeping Children Safe in Education category
(``data/concern_exemplars.toml``). When the best cosine similarity reaches ``threshold`` the
question is flagged ``report``, with that category's reason; an exemplar about an adult's
conduct also marks it ``about_staff``.

The threshold is calibrated on ordinary policy questions only (false alarms at most 5%):
``benchmarks/concern_threshold.py``, docs/tuning.md. A long message is embedded in windows as
well as whole (the encoder reads at most 128 tokens), so a concern deep in a pasted email is
still seen. Pure: it takes the encoder; without one, use the regex classifier alone.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from bot import messages
from bot.answering.concern import MAX_CLASSIFIED_CHARS, Classifier
from bot.answering.model import Concern

EXEMPLARS_PATH = Path(__file__).parent / "data" / "concern_exemplars.toml"
# docs/tuning.md "Concern classifier: semantic backstop"; benchmarks/concern_threshold.py
DEFAULT_THRESHOLD = 0.50
# a long message is also read in windows of about this many characters (the encoder's 128
# tokens are roughly 500 characters of staff English), overlapping by half
WINDOW_CHARS = 400


class SentenceEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...


@dataclass(frozen=True)
class Exemplars:
    texts: tuple[str, ...]
    categories: tuple[str, ...]  # one a text
    reasons: dict[str, str]  # category -> CONCERN_REASONS key
    about_staff: frozenset[str]

    @classmethod
    def load(cls, path: Path = EXEMPLARS_PATH) -> Exemplars:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        texts, categories = [], []
        for name, spec in data.items():
            texts.extend(spec["exemplars"])
            categories.extend([name] * len(spec["exemplars"]))
        return cls(
            tuple(texts),
            tuple(categories),
            {name: spec["reason"] for name, spec in data.items()},
            frozenset(name for name, spec in data.items() if spec.get("about_staff")),
        )


@lru_cache(maxsize=1)
def default_exemplars() -> Exemplars:
    return Exemplars.load()


class SemanticConcern:
    """The regex classifier, backed by similarity to concern exemplars when it finds nothing."""

    def __init__(
        self,
        classifier: Classifier,
        encoder: SentenceEncoder,
        exemplars: Exemplars | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.classifier = classifier
        self.encoder = encoder
        self.exemplars = exemplars or default_exemplars()
        self.threshold = threshold
        self._matrix: np.ndarray | None = None  # embedded on first use

    def classify(self, question: str) -> Concern:
        concern = self.classifier.classify(question)
        if concern.flagged:
            return concern
        category, similarity = self.nearest(question)
        if category is None or similarity < self.threshold:
            return concern
        if category in self.exemplars.about_staff and self.classifier.asks_a_rule(question):
            return (
                concern  # "can I …" about one's own conduct is a rule question, not an allegation
            )
        reason = self.exemplars.reasons[category]
        return Concern(
            level="report",
            reason=messages.CONCERN_REASONS.get(reason, reason),
            about_staff=category in self.exemplars.about_staff,
        )

    def nearest(self, question: str) -> tuple[str | None, float]:
        """The closest exemplar's category and its cosine similarity to the question."""
        pieces = windows(question[:MAX_CLASSIFIED_CHARS])
        if not pieces:
            return None, 0.0
        if len(pieces) == 1:  # a short question: the vector retrieval uses too
            vectors = np.asarray(self.encoder.encode_query(pieces[0]), dtype=np.float32)[None]
        else:
            vectors = np.asarray(self.encoder.encode(pieces), dtype=np.float32)
        similarities = vectors @ self._exemplar_matrix().T
        best = np.unravel_index(int(np.argmax(similarities)), similarities.shape)
        return self.exemplars.categories[best[1]], float(similarities[best])

    def _exemplar_matrix(self) -> np.ndarray:
        if self._matrix is None:
            self._matrix = np.asarray(
                self.encoder.encode(list(self.exemplars.texts)), dtype=np.float32
            )
        return self._matrix


def windows(text: str, size: int = WINDOW_CHARS) -> list[str]:
    """The whole text, and for a longer one overlapping windows of about ``size`` characters
    cut at spaces (whitespace folded)."""
    text = " ".join(text.split())
    if not text:
        return []
    if len(text) <= size:
        return [text]
    pieces, start = [text], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            end = text.rfind(" ", start + size // 2, end) + 1 or end
        pieces.append(text[start:end].strip())
        if end >= len(text):
            break
        start = text.find(" ", start + size // 2) + 1 or end
    return [piece for piece in pieces if piece]
