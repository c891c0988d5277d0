"""The answer core: a staff question in, quoted clauses and the DSL route out. Pure.

``Answerer.answer(question, school=None)`` searches the index with the analyzer's weighted
query, keeps the best clause and up to two further relevant ones (near-duplicates shown
once), decides whether the best one answers the question at all (how much of the question it
covers, weighted by how rare each word is), classifies the concern (patterns, backed by
similarity to concern exemplars when the embedding model is there), and builds the route.
Policy text is only ever quoted from the index, never generated.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot import messages
from bot.answering.concern import Classifier, default_classifier
from bot.answering.concern_semantic import SemanticConcern
from bot.answering.hybrid import HybridScorer, HybridTuning, hybrid_scorer
from bot.answering.model import Answer, Concern, Hit
from bot.answering.route import build_route
from indexer.analysis import Analyzer, WeightedQuery, default_analyzer
from indexer.build import BuildReport, ensure_index
from indexer.corpus import School
from indexer.embedding import Encoder, ModelChoice, default_encoder
from indexer.index import SearchIndex
from indexer.subjects import Roles, default_roles

MAX_QUESTION_CHARS = 600


@dataclass(frozen=True)
class Tuning:
    """Measured on the development questions; see docs/tuning.md."""

    candidates: int = 30
    min_coverage: float = 0.35
    min_score: float = 1.0
    also_relevant_ratio: float = 0.45
    # a further clause is shown under "Also relevant" only when it scores at least this share of
    # the best one and covers the question as well as an answer must (min_coverage);
    # benchmarks/also_relevant.py, docs/tuning.md
    also_shown_ratio: float = 0.8
    duplicate_overlap: float = 0.8
    # a clause about someone other than the person the question asks about ("can learners
    # …?" against "Staff may use social media during breaks") scores this much lower, and
    # one about a role the question names ("what must the governing body do") this much higher
    other_subject_penalty: float = 0.2
    named_subject_bonus: float = 0.2


class Answerer:
    def __init__(
        self,
        index: SearchIndex,
        schools: dict[str, School],
        analyzer: Analyzer | None = None,
        classifier: Classifier | SemanticConcern | None = None,
        roles: Roles | None = None,
        tuning: Tuning = Tuning(),
        default_school: str | None = None,
        encoder: Encoder | None = None,
        hybrid: HybridTuning = HybridTuning(),  # noqa: B008 - frozen, as Tuning() above
    ) -> None:
        self.index = index
        self.schools = schools
        self.analyzer = analyzer or default_analyzer()
        classifier = classifier or default_classifier()
        # with the model, a semantic backstop flags what the patterns miss (never downgrading)
        if encoder is not None and isinstance(classifier, Classifier):
            classifier = SemanticConcern(classifier, encoder)
        self.classifier = classifier
        self.roles = roles or default_roles()
        self.tuning = tuning
        self.default_school = default_school
        self._masks: dict[str, np.ndarray] = {}
        self._subjects: dict[int, str | None] = {}
        # BM25 alone when there is no model or the index holds no vectors from this model
        self.hybrid: HybridScorer | None = hybrid_scorer(index, encoder, hybrid)

    @classmethod
    def from_index(
        cls,
        folder: Path,
        model: ModelChoice = ModelChoice(),  # noqa: B008 - frozen
        **kwargs: object,
    ) -> Answerer:
        """The answerer over a built index, with the embedding model ``model`` names."""
        index = SearchIndex.load(folder)
        kwargs.setdefault("encoder", default_encoder(model).encoder)
        return cls(index, load_schools(folder), **kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_corpus(
        cls,
        corpus: Path,
        folder: Path,
        default_school: str | None = None,
        on_build: Callable[[BuildReport], None] | None = None,
        model: ModelChoice = ModelChoice(),  # noqa: B008 - frozen
    ) -> Answerer:
        """Load the index in ``folder`` once, building or refreshing it from ``corpus`` when
        missing or stale (then ``on_build`` is told what was indexed)."""
        index, report = ensure_index([corpus], folder, model)
        if report is not None and on_build is not None:
            on_build(report)
        return cls(
            index,
            load_schools(folder),
            default_school=default_school,
            encoder=default_encoder(model).encoder,
        )

    def answer(self, question: str, school: str | None = None, k: int = 3) -> Answer:
        text = (question or "").strip()
        school = school or self.default_school
        if not text:
            return self._no_search(question, Concern(), school, messages.EMPTY_QUESTION)
        concern = self.classifier.classify(text)
        notice = None
        if len(text) > MAX_QUESTION_CHARS:
            text = text[:MAX_QUESTION_CHARS]
            notice = messages.QUESTION_TRUNCATED.format(limit=MAX_QUESTION_CHARS)
        query = self.analyzer.query(text, known=self.index.term_ids.__contains__)
        if not query.weights:
            return self._no_search(question, concern, school, messages.NO_WORDS_QUESTION)
        vector = self.hybrid.embed(text) if self.hybrid else None
        ranked = self._ranked(query, school, max(1, k), vector)
        hits = [Hit(self.index.passages[doc], score) for doc, score in ranked]
        answered = bool(ranked) and self._confident(query, *ranked[0], vector)
        route_school = school or (hits[0].passage.school if answered else None)
        also = self._also(query, ranked) if answered else []
        return Answer(
            question=question,
            answered=answered,
            hits=tuple(hits),
            concern=concern,
            route=build_route(self.schools.get(route_school or ""), concern),
            notice=notice,
            also=tuple(hit for hit, (doc, _) in zip(hits, ranked, strict=True) if doc in also),
        )

    def _also(self, query: WeightedQuery, ranked: list[tuple[int, float]]) -> list[int]:
        """The further clauses relevant enough to show beside the best one."""
        bar = ranked[0][1] * self.tuning.also_shown_ratio
        return [
            doc
            for doc, score in ranked[1:]
            if score >= bar and self.coverage(query, doc) >= self.tuning.min_coverage
        ]

    def _ranked(
        self,
        query: WeightedQuery,
        school: str | None,
        k: int,
        vector: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """(passage index, score) of the best clause and the further relevant ones."""
        if self.hybrid is not None and vector is not None:
            ranked = [
                (doc, score)
                for doc, score, _ in self.hybrid.ranked(query, vector, self._mask(school))
            ]
        else:
            ranked = self.index.search(query.weights, self.tuning.candidates, self._mask(school))
        ranked = self._by_subject(query.text, ranked)
        chosen: list[tuple[int, float]] = []
        for doc, score in ranked:
            if chosen and score < chosen[0][1] * self.tuning.also_relevant_ratio:
                break
            if not any(self._near_duplicate(doc, other) for other, _ in chosen):
                chosen.append((doc, score))
            if len(chosen) == k:
                break
        return chosen

    def _by_subject(
        self, question: str, ranked: list[tuple[int, float]]
    ) -> list[tuple[int, float]]:
        """Lower the clauses about someone other than the person the question asks about;
        raise those about a role it names."""
        asked = self.roles.asked_about(question)
        if asked is None:
            return ranked
        other = 1.0 - self.tuning.other_subject_penalty
        same = 1.0 + (self.tuning.named_subject_bonus if asked.named else 0.0)
        rescored = []
        for doc, score in ranked:
            about = self._subject(doc)
            factor = 1.0 if about is None else same if about == asked.role else other
            rescored.append((doc, score * factor))
        return sorted(rescored, key=lambda item: -item[1])

    def _subject(self, doc: int) -> str | None:
        if doc not in self._subjects:
            if len(self._subjects) > 100_000:
                self._subjects.clear()
            self._subjects[doc] = self.roles.of_passage(self.index.passages[doc])
        return self._subjects[doc]

    def _confident(
        self, query: WeightedQuery, doc: int, score: float, vector: np.ndarray | None = None
    ) -> bool:
        if self.hybrid is not None and vector is not None:
            return self.hybrid.confident(vector, doc, self.coverage(query, doc))
        if score < self.tuning.min_score:
            return False
        return self.coverage(query, doc) >= self.tuning.min_coverage

    def coverage(self, query: WeightedQuery, doc: int) -> float:
        """Share of the question's words (weighted by rarity) that passage ``doc`` holds."""
        terms = self.index.terms_of(doc)
        total = covered = 0.0
        for term in set(query.original):
            weight = self.index.coverage_weight(term)
            total += weight
            related = {term}
            for phrase, targets in query.expansions.items():
                if term in phrase.split():
                    related.update(targets)
            if related & terms:
                covered += weight
        return covered / total if total else 0.0

    def _near_duplicate(self, a: int, b: int) -> bool:
        ta, tb = self.index.terms_of(a), self.index.terms_of(b)
        if not ta or not tb:
            return False
        return len(ta & tb) / min(len(ta), len(tb)) >= self.tuning.duplicate_overlap and (
            abs(len(ta) - len(tb)) <= max(len(ta), len(tb)) * 0.25
        )

    def _mask(self, school: str | None) -> np.ndarray | None:
        if not school:
            return None
        if school not in self._masks:
            allowed = {school} | {slug for slug, s in self.schools.items() if s.trust_wide}
            self._masks[school] = np.array([p.school in allowed for p in self.index.passages])
        return self._masks[school]

    def _no_search(
        self, question: str, concern: Concern, school: str | None, notice: str
    ) -> Answer:
        route = build_route(self.schools.get(school or ""), concern)
        return Answer(
            question=question or "",
            answered=False,
            hits=(),
            concern=concern,
            route=route,
            notice=notice,
        )


def load_schools(index_folder: Path) -> dict[str, School]:
    path = index_folder / "schools.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {slug: School.from_json(value) for slug, value in data.items()}
