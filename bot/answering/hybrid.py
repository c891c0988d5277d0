"""Hybrid retrieval: BM25 and sentence embeddings, and the semantic abstention score.

The candidates are the union of the BM25 top N and the dense (cosine) top N, so a clause that
shares no word with the question ("laws" against "legislation") can still be found. Each
candidate's score blends BM25, divided by the most any passage could score for the question,
with its cosine similarity to the question. The dense weight is highest when the glossary
expanded none of the question's words (nothing told BM25 what staff mean) and falls linearly
with the share it expanded. Whether the best candidate answers the question at all is a
logistic model of its cosine and of the share of the question's rare words it holds, fitted
on the tuning split's answerable and out-of-scope questions (docs/tuning.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from indexer.analysis import WeightedQuery
from indexer.embedding import Encoder
from indexer.index import SearchIndex
from indexer.vectors import FLOAT32_BYTES as FLOAT32_LIMIT
from indexer.vectors import QUANTIZED_ARRAYS, VectorMatrix

# fitted by benchmarks/abstention.py on the tuning split (docs/tuning.md)
COSINE_WEIGHT = 5.98
COVERAGE_WEIGHT = 1.979
BIAS = -2.467
MIN_CONFIDENCE = 0.40


@dataclass(frozen=True)
class HybridTuning:
    """Chosen on the tuning split (decoy-primary + bundled dev questions); docs/tuning.md."""

    bm25_candidates: int = 30
    dense_candidates: int = 30
    bm25_norm: str = "bound"  # "bound" | "max"; see HybridScorer._bm25_scale
    dense_weight: float = 0.2
    dense_weight_no_glossary: float = 0.9
    # answer when 1 / (1 + exp(-(cosine_weight x cosine + coverage_weight x coverage + bias)))
    # reaches min_confidence: logistic regression on the tuning split (benchmarks/abstention.py)
    cosine_weight: float = COSINE_WEIGHT
    coverage_weight: float = COVERAGE_WEIGHT
    bias: float = BIAS
    min_confidence: float = MIN_CONFIDENCE


FLOAT32_BYTES = FLOAT32_LIMIT  # beyond this the dense side scores an int8 copy first


class HybridScorer:
    """Scores candidates from both retrievers for one index (its stored passage vectors)."""

    def __init__(self, index: SearchIndex, encoder: Encoder, tuning: HybridTuning) -> None:
        self.index = index
        self.encoder = encoder
        self.tuning = tuning
        arrays = index.arrays
        codes, scales = (arrays.get(name) for name in QUANTIZED_ARRAYS)
        quantized = (codes, scales) if codes is not None and scales is not None else None
        self.dense = VectorMatrix(arrays["vectors"], quantized, FLOAT32_BYTES)
        self.vectors = self.dense.exact
        self._rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def embed(self, text: str) -> np.ndarray:
        return self.encoder.encode_query(text)

    def ranked(
        self, query: WeightedQuery, vector: np.ndarray, allowed: np.ndarray | None
    ) -> list[tuple[int, float, float]]:
        """(passage, blended score, cosine), best first, over the union of both top-N lists."""
        t = self.tuning
        lexical = self.index.search(query.weights, t.bm25_candidates, allowed)
        dense = self.dense.top(vector, t.dense_candidates, self._allowed_rows(allowed))
        scale = self._bm25_scale(query, lexical)
        bm25 = {doc: score / scale for doc, score in lexical} if scale > 0 else {}
        weight = self.dense_weight(query)
        pool = sorted(set(bm25) | {int(doc) for doc in dense})
        cosines = dict(zip(pool, self.dense.cosines(vector, pool).tolist(), strict=True))
        scored = [
            (doc, (1 - weight) * bm25.get(doc, 0.0) + weight * cosines[doc], cosines[doc])
            for doc in pool
        ]
        return sorted(scored, key=lambda item: (-item[1], item[0]))

    def _allowed_rows(self, allowed: np.ndarray | None) -> np.ndarray | None:
        """The rows a mask allows (kept per mask: the Answerer holds one array per school)."""
        if allowed is None:
            return None
        key = id(allowed)
        if key not in self._rows or self._rows[key][0] is not allowed:
            self._rows[key] = (allowed, np.flatnonzero(allowed))
        return self._rows[key][1]

    def dense_weight(self, query: WeightedQuery) -> float:
        """From ``dense_weight_no_glossary`` when the glossary knows none of the question's
        words down to ``dense_weight`` when it expands every one of them."""
        typed = set(query.original)
        if not typed:
            return self.tuning.dense_weight_no_glossary
        expanded = {word for phrase in query.expansions for word in phrase.split()}
        share = len(typed & expanded) / len(typed)
        t = self.tuning
        return t.dense_weight_no_glossary - (t.dense_weight_no_glossary - t.dense_weight) * share

    def _bm25_scale(self, query: WeightedQuery, lexical: list[tuple[int, float]]) -> float:
        """What BM25 scores are divided by: the best candidate's score ("max"), or the most
        any passage could score for this query ("bound"), so one weak match is not 1.0."""
        if self.tuning.bm25_norm == "max":
            return max((score for _, score in lexical), default=0.0)
        p = self.index.params
        gain = p.k1 + 1 + (p.delta if p.variant in ("plus", "l") else 0.0)
        idf, ids = self.index.idf, self.index.term_ids
        rarest = float(idf.max()) if len(idf) else 1.0  # a word no passage holds counts as rare
        return gain * sum(
            max(weight, 0.0) * (float(idf[ids[term]]) if term in ids else rarest)
            for term, weight in query.weights.items()
        )

    def cosine(self, vector: np.ndarray, doc: int) -> float:
        return float(self.dense.cosines(vector, [doc])[0])

    def confidence(self, cosine: float, coverage: float) -> float:
        """How likely the clause answers the question, from its cosine and coverage."""
        t = self.tuning
        z = t.cosine_weight * cosine + t.coverage_weight * coverage + t.bias
        return 1 / (1 + math.exp(-z))

    def confident(self, vector: np.ndarray, doc: int, coverage: float) -> bool:
        """Whether the best clause answers the question at all."""
        confidence = self.confidence(self.cosine(vector, doc), coverage)
        return confidence >= self.tuning.min_confidence


def hybrid_scorer(
    index: SearchIndex, encoder: Encoder | None, tuning: HybridTuning
) -> HybridScorer | None:
    """A scorer when the index holds vectors made by ``encoder``'s exact weights, else None."""
    made_by = (index.meta.get("embedding") or {}).get("sha256")
    if encoder is None or "vectors" not in index.arrays or made_by != encoder.sha256:
        return None
    return HybridScorer(index, encoder, tuning)
