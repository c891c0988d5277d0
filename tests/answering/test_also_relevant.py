"""'Also relevant' shows only the further clauses that clear the measured bar
(benchmarks/also_relevant.py, docs/tuning.md): a share of the best clause's score and the
question coverage an answer itself needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.answerer import Answerer, Tuning
from bot.answering.presenter import MAX_ALSO, present

pytestmark = pytest.mark.usefixtures("isolated_env")

STAFF_QUESTIONS = Path(__file__).parents[1] / "data" / "staff_questions.jsonl"


def test_only_clauses_over_the_bar_are_shown_as_also_relevant(corpus_index: Path) -> None:
    answerer = Answerer.from_index(corpus_index)
    tuning = Tuning()
    rows = [json.loads(line) for line in STAFF_QUESTIONS.open(encoding="utf-8")]
    held_back = 0
    for row in rows:
        answer = answerer.answer(row["question"])
        if not answer.answered:
            assert answer.also == ()
            continue
        best = answer.hits[0].score
        for hit in answer.also:
            assert hit in answer.hits[1:]
            assert hit.score >= best * tuning.also_shown_ratio
        held_back += len(answer.hits) - 1 - len(answer.also)
        also = present(answer).part("also")
        shown = [c.passage_id for c in also.clauses] if also else []
        assert shown == [hit.passage.id for hit in answer.also[:MAX_ALSO]]
    assert held_back > 0  # the bar is not a formality on these questions


def test_a_higher_bar_shows_fewer(corpus_index: Path) -> None:
    strict = Answerer.from_index(corpus_index, tuning=Tuning(also_shown_ratio=0.95))
    loose = Answerer.from_index(corpus_index)
    question = "can I post photos of the school trip?"
    assert len(loose.answer(question).also) > len(strict.answer(question).also)
