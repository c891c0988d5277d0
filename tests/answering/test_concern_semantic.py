"""The semantic concern backstop (bot/answering/concern_semantic.py) with the real small model.

A concern worded in a way no pattern expects is flagged `report` through its similarity to the
KCSIE exemplars; ordinary policy questions are not; the patterns' verdict (urgent above all) is
never downgraded; without the model the bot classifies with the patterns alone, as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.answerer import Answerer
from bot.answering.concern import Classifier, default_classifier
from bot.answering.concern_semantic import SemanticConcern, default_exemplars, windows
from indexer.build import build_index
from indexer.embedding import default_encoder, locate_model

pytestmark = pytest.mark.usefixtures("isolated_env")
DATA = Path(__file__).resolve().parents[1] / "data"
# a sign of criminal or sexual exploitation in words none of the patterns use
MISSED_BY_PATTERNS = (
    "a pupil keeps getting lifts from men outside the school gates in different cars"
)
POLICY = "Staff conduct policy\n\n1. Lunch is served in the hall from twelve o'clock.\n"

needs_model = pytest.mark.skipif(
    locate_model() is None, reason="the embedding model package is not installed"
)


@pytest.fixture(scope="module")
def backstop() -> SemanticConcern:
    encoder = default_encoder().encoder
    assert encoder is not None
    return SemanticConcern(default_classifier(), encoder)


def test_long_messages_are_read_whole_and_in_overlapping_windows() -> None:
    assert windows("  ") == [] and windows("short question") == ["short question"]
    text = " ".join(f"word{i}" for i in range(300))
    pieces = windows(text)
    assert pieces[0] == text and all(len(p) <= 400 for p in pieces[1:])
    assert pieces[-1].endswith("word299")
    covered = " ".join(pieces[1:])
    assert all(f"word{i}" in covered for i in range(300))


def test_every_exemplar_group_names_a_known_reason() -> None:
    from bot import messages

    exemplars = default_exemplars()
    assert len(exemplars.texts) == len(exemplars.categories) >= 60
    assert set(exemplars.reasons.values()) <= set(messages.CONCERN_REASONS)
    assert exemplars.about_staff == {"staff_conduct"}


@needs_model
def test_a_concern_the_patterns_miss_is_flagged_by_meaning(backstop: SemanticConcern) -> None:
    assert not default_classifier().classify(MISSED_BY_PATTERNS).flagged
    concern = backstop.classify(MISSED_BY_PATTERNS)
    assert concern.level == "report" and concern.reason and not concern.about_staff


@needs_model
def test_a_concern_at_the_end_of_a_long_email_is_still_seen(backstop: SemanticConcern) -> None:
    email = (
        "Dear all, " + "the trip forms are due back on friday and the coach leaves at nine. " * 20
    )
    assert not backstop.classify(email).flagged
    assert backstop.classify(email + MISSED_BY_PATTERNS).level == "report"


@needs_model
def test_ordinary_questions_are_not_flagged(backstop: SemanticConcern) -> None:
    ordinary = [
        row["question"]
        for name in ("staff_questions.jsonl", "role_questions.jsonl")
        for row in map(json.loads, (DATA / name).read_text(encoding="utf-8").splitlines())
        if row.get("concern") is False
    ]
    assert len(ordinary) >= 30
    flagged = [q for q in ordinary if backstop.classify(q).flagged]
    assert len(flagged) <= 0.05 * len(ordinary), flagged


@needs_model
def test_the_patterns_verdict_is_never_downgraded(backstop: SemanticConcern) -> None:
    urgent = "a year 8 girl told me she has been self harming"
    about_head = "the headteacher has been messaging a pupil on snapchat"
    for question in (urgent, about_head, "a colleague has been messaging a pupil on snapchat"):
        assert backstop.classify(question) == default_classifier().classify(question)
    assert backstop.classify(urgent).level == "urgent"


@needs_model
def test_the_answerer_uses_the_backstop_only_with_the_model(tmp_path: Path) -> None:
    (tmp_path / "corpus" / "oak").mkdir(parents=True)
    (tmp_path / "corpus" / "oak" / "policy.txt").write_text(POLICY, encoding="utf-8")
    build_index([tmp_path / "corpus"], tmp_path / "index")
    with_model = Answerer.from_index(tmp_path / "index")
    assert isinstance(with_model.classifier, SemanticConcern)
    assert with_model.answer(MISSED_BY_PATTERNS, "oak").concern.level == "report"
    regex_only = Answerer.from_index(tmp_path / "index", encoder=None)
    assert isinstance(regex_only.classifier, Classifier) and regex_only.hybrid is None
    assert not regex_only.answer(MISSED_BY_PATTERNS, "oak").concern.flagged
    answer = regex_only.answer("when is lunch served?", "oak")
    assert answer.answered and "Lunch" in answer.hits[0].passage.text
