"""Top-10 parity with rank-bm25: the inverted index must rank and score exactly as
BM25Okapi / BM25Plus / BM25L do over the same analyzer tokens.

The corpus is small and synthetic (Zipf-distributed words, ~40 a passage) with two planted
quirks: a term in exactly half of the passages (Okapi idf 0) and one in most of them
(negative Okapi idf, floored at epsilon x mean idf). Passages are compared among those that
hold at least one query term (policybot never returns the others).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from indexer.analysis import default_analyzer
from indexer.build import index_from_passages, passage_terms
from indexer.index import BM25Params, SearchIndex
from indexer.model import Passage
from tests.builders import make_passage

N_PASSAGES = 400
N_QUERIES = 150
HALF, MOST = "halfterm", "commonterm"
SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
PARAMS = [
    BM25Params("okapi", k1=1.2, b=0.75, epsilon=0.25),
    BM25Params("okapi", k1=0.9, b=0.4, epsilon=0.5),
    BM25Params("plus", k1=0.9, b=0.9, delta=1.0),
    BM25Params("plus", k1=1.5, b=0.75, delta=0.5),
    BM25Params("l", k1=1.2, b=0.75, delta=0.5),
    BM25Params("l", k1=0.9, b=0.9, delta=1.0),
]


def _words(rng: np.random.Generator, size: int = 600) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES, size=3)) + "x")
    return sorted(words)


def _zipf(rng: np.random.Generator, words: list[str], n: int) -> list[str]:
    p = 1.0 / (np.arange(1, len(words) + 1) + 2.7) ** 1.07
    return [words[i] for i in rng.choice(len(words), size=n, p=p / p.sum())]


def _passages(rng: np.random.Generator, words: list[str]) -> list[Passage]:
    out = []
    for i in range(N_PASSAGES):
        text = _zipf(rng, words, int(rng.integers(8, 70)))
        if i % 2 == 0:
            text.append(HALF)
        if i % 5:
            text.append(MOST)
        out.append(
            make_passage(
                "The " + " ".join(text) + ".",
                id=f"p{i}",
                document="Synthetic",
                source="s/synthetic.txt",
            )
        )
    return out


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Passage], list[list[str]], list[list[str]]]:
    rng = np.random.default_rng(20240901)
    words = _words(rng)
    passages = _passages(rng, words)
    analyzer = default_analyzer()
    tokenized = [passage_terms(p, analyzer) for p in passages]
    queries = [
        analyzer.tokens(" ".join(_zipf(rng, words, int(rng.integers(1, 6)))))
        for _ in range(N_QUERIES)
    ]
    queries += [analyzer.tokens(q) for q in (HALF, MOST, f"{MOST} {HALF}", f"{HALF} {HALF} x")]
    queries += [q + q[:1] for q in queries[:20]]  # repeated words count twice
    return passages, tokenized, queries


def _reference(tokenized: list[list[str]], params: BM25Params):  # noqa: ANN202
    if params.variant == "plus":
        return BM25Plus(tokenized, k1=params.k1, b=params.b, delta=params.delta)
    if params.variant == "l":
        return BM25L(tokenized, k1=params.k1, b=params.b, delta=params.delta)
    return BM25Okapi(tokenized, k1=params.k1, b=params.b, epsilon=params.epsilon)


def _expected_top(
    reference: object, tokenized: list[list[str]], query: list[str], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """rank-bm25's scores, and its top ``k`` among passages holding a query term."""
    scores = reference.get_scores(query)  # type: ignore[attr-defined]
    wanted = set(query)
    touched = np.array([i for i, terms in enumerate(tokenized) if wanted & set(terms)], dtype=int)
    order = touched[np.lexsort((touched, -scores[touched]))][:k]
    return scores, order


@pytest.mark.parametrize("params", PARAMS, ids=lambda p: f"{p.variant}-k{p.k1}-b{p.b}")
def test_top10_ids_and_scores_equal_rank_bm25(corpus, params: BM25Params) -> None:
    passages, tokenized, queries = corpus
    index = index_from_passages(passages, params=params)
    reference = _reference(tokenized, params)
    exact = 0
    for query in queries:
        scores, expected = _expected_top(reference, tokenized, query, 10)
        got = index.search(dict(Counter(query)), k=10)
        ids = np.array([doc for doc, _ in got], dtype=int)
        values = np.array([score for _, score in got])
        assert len(ids) == len(expected), query
        np.testing.assert_allclose(values, scores[ids], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(values, scores[expected], rtol=1e-9, atol=1e-9)
        exact += list(ids) == list(expected)
    assert exact >= len(queries) * 0.9  # the rest differ only in the order of tied scores


def test_planted_quirks_are_in_the_corpus(corpus) -> None:
    """The half-term gets Okapi idf 0 and the common term the epsilon floor."""
    passages, tokenized, _ = corpus
    index = index_from_passages(passages, params=PARAMS[0])
    half, most = (index.term_ids[default_analyzer().tokens(w)[0]] for w in (HALF, MOST))
    assert index.idf[half] == pytest.approx(0.0, abs=1e-12)
    reference = _reference(tokenized, PARAMS[0])
    assert index.idf[most] == pytest.approx(reference.idf[default_analyzer().tokens(MOST)[0]])
    assert index.idf[most] > 0


def test_saved_index_searches_the_same(corpus, tmp_path) -> None:
    passages, _, queries = corpus
    built = index_from_passages(passages)
    built.save(tmp_path / "index", {})
    loaded = SearchIndex.load(tmp_path / "index")
    for query in queries[:40]:
        weights = dict(Counter(query))
        assert loaded.search(weights, k=10) == built.search(weights, k=10)
