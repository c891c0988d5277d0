"""Question files we wrote ourselves, beside the shared development questions.

- ``tests/data/role_questions.jsonl``: who a rule is for (the CEO, the governing body, parents,
  learners, the DSL, staff). Never tuned on: the subject penalty and bonus were chosen on the
  development questions alone.
- ``tests/data/staff_questions.jsonl``: everyday staff wording on other clauses ("who I vote
  for", "after I leave", "what counts as", "on its wifi") and seven questions no policy here
  answers. Written to find gaps in the glossary; the rules added for them are general staff
  wording (docs/tuning.md lists them).

Measured 2026-11-21 (docs/tuning.md): role questions Recall@1 0.71, MRR@5 0.82 (0.50 / 0.60 on
words alone); staff questions Recall@1 0.71, Recall@3 1.0, MRR@5 0.85, out-of-scope abstention
0.86, false abstention 0.0 (0.29 / 0.71 / 0.50 / 0.86 / 0.18 before the glossary rules).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import evaluate
from bot.answering.answerer import Answerer, Tuning

DATA = Path(__file__).parent.parent / "data"

pytestmark = pytest.mark.usefixtures("isolated_env")


def figures(answerer: Answerer, name: str) -> dict[str, float]:
    return evaluate.metrics(evaluate.run(answerer, evaluate.read_cases(DATA / name)))


def test_role_questions_find_the_rule_for_the_person_asked_about(corpus_index: Path) -> None:
    measured = figures(Answerer.from_index(corpus_index), "role_questions.jsonl")
    assert measured["recall@1"] >= 0.7 and measured["mrr@5"] >= 0.8, measured
    assert measured["false_abstention"] == 0.0


def test_on_words_alone_the_role_questions_do_worse(corpus_index: Path) -> None:
    words_only = Tuning(other_subject_penalty=0.0, named_subject_bonus=0.0)
    with_subject = figures(Answerer.from_index(corpus_index), "role_questions.jsonl")
    without = figures(Answerer.from_index(corpus_index, tuning=words_only), "role_questions.jsonl")
    assert with_subject["recall@1"] >= without["recall@1"] + 0.15, (with_subject, without)


def test_everyday_staff_wording_finds_the_clause(corpus_index: Path) -> None:
    # the glossary rules written for these questions, on BM25 alone (the fallback without a
    # model)
    measured = figures(Answerer.from_index(corpus_index, encoder=None), "staff_questions.jsonl")
    assert measured["recall@1"] >= 0.7 and measured["recall@3"] >= 0.95, measured
    assert measured["mrr@5"] >= 0.8, measured
    assert measured["oos_abstention"] >= 0.85 and measured["false_abstention"] <= 0.05, measured


def test_everyday_staff_wording_with_embeddings(corpus_index: Path) -> None:
    # a measured trade-off (docs/tuning.md): with embeddings these glossary-fitted questions
    # lose 3 of 17 at rank 1 and 1 of 7 out-of-scope abstentions (BM25: 0.71 / 1.0 / 0.86),
    # while real schools' held-out questions gain (Recall@1 0.15 -> 0.35); the floors hold
    # the measured level so it can only be improved
    answerer = Answerer.from_index(corpus_index)
    if answerer.hybrid is None:
        pytest.skip("the embedding model is not installed")
    measured = figures(answerer, "staff_questions.jsonl")
    assert measured["recall@1"] >= 0.52 and measured["recall@3"] >= 0.82, measured
    assert measured["mrr@5"] >= 0.67, measured
    assert measured["oos_abstention"] >= 0.71 and measured["false_abstention"] <= 0.06, measured
