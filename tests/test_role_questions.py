"""Questions we wrote about who a rule is for (``tests/data/role_questions.jsonl``: the CEO, the
governing body, parents, learners, the DSL, staff), kept apart from the tuning: the subject
penalty and bonus were chosen on the development questions alone. Measured 2026-11-21:
Recall@1 0.71, MRR@5 0.82 with the subject; 0.50 and 0.60 on words alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import evaluate
from bot.answer import Answerer, Tuning

ROLE_QUESTIONS = Path(__file__).parent / "data" / "role_questions.jsonl"

pytestmark = pytest.mark.usefixtures("isolated_env")


def figures(answerer: Answerer) -> dict[str, float]:
    return evaluate.metrics(evaluate.run(answerer, evaluate.read_cases(ROLE_QUESTIONS)))


def test_role_questions_find_the_rule_for_the_person_asked_about(corpus_index: Path) -> None:
    measured = figures(Answerer.from_index(corpus_index))
    assert measured["recall@1"] >= 0.7 and measured["mrr@5"] >= 0.8, measured
    assert measured["false_abstention"] == 0.0


def test_on_words_alone_the_role_questions_do_worse(corpus_index: Path) -> None:
    words_only = Tuning(other_subject_penalty=0.0, named_subject_bonus=0.0)
    with_subject = figures(Answerer.from_index(corpus_index))
    without = figures(Answerer.from_index(corpus_index, tuning=words_only))
    assert with_subject["recall@1"] >= without["recall@1"] + 0.15, (with_subject, without)
