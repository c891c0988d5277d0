"""The answer core: quoted clauses and the DSL route for any question, never an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import MAX_QUESTION_CHARS, Answerer, Tuning
from bot.answering.model import Answer
from bot.answering.presenter import present
from indexer.build import build_index

pytestmark = pytest.mark.usefixtures("isolated_env")

CLAUSE_8 = "Colleagues at the school must not post or share photographs of pupils"


@pytest.fixture(scope="module")
def answerer(corpus_index: Path) -> Answerer:
    return Answerer.from_index(corpus_index)


def assert_has_route(answer: Answer) -> None:
    assert answer.route is not None
    assert answer.route.dsl.role and answer.route.lead.role


# --- questions that cannot be searched as asked -------------------------------------------


@pytest.mark.parametrize(
    ("question", "notice"),
    [
        ("", messages.EMPTY_QUESTION),
        ("   \n\t  ", messages.EMPTY_QUESTION),
        ("\U0001f600\U0001f64f\U0001f3fd\U0001f44d", messages.NO_WORDS_QUESTION),
        ("?!? ... \u2014 !!", messages.NO_WORDS_QUESTION),
        ("\x00\x01\x02", messages.NO_WORDS_QUESTION),
    ],
)
def test_unsearchable_question_gets_a_clear_notice(
    answerer: Answerer, question: str, notice: str
) -> None:
    answer = answerer.answer(question)
    assert (answer.answered, answer.hits, answer.notice) == (False, (), notice)
    assert_has_route(answer)
    assert present(answer).part("notice") is not None


def test_ten_thousand_character_question_is_answered_with_a_notice(answerer: Answerer) -> None:
    question = ("can I follow an ex-pupil on instagram? " * 300)[:10_000]
    answer = answerer.answer(question)
    assert answer.notice == messages.QUESTION_TRUNCATED.format(limit=MAX_QUESTION_CHARS)
    assert answer.hits, "the first part of the question is still searched"
    assert_has_route(answer)


def test_one_ten_thousand_character_word(answerer: Answerer) -> None:
    answer = answerer.answer("x" * 10_000)
    assert not answer.answered
    assert_has_route(answer)


def test_none_is_treated_as_empty(answerer: Answerer) -> None:
    answer = answerer.answer(None)  # type: ignore[arg-type]
    assert answer.notice == messages.EMPTY_QUESTION


# --- ordinary answers ---------------------------------------------------------------------


def test_answer_quotes_clauses_with_provenance(answerer: Answerer) -> None:
    answer = answerer.answer("can I post photos of pupils on instagram", school="kaleidoscope-mat")
    assert answer.answered
    assert any(hit.passage.text.startswith(CLAUSE_8) for hit in answer.hits[:3])
    best = answer.best.passage
    assert best.document == "Social Media and Networking Policy"
    assert best.school == "kaleidoscope-mat" and best.section
    assert answer.route.school == "kaleidoscope-mat"


def test_every_quoted_text_is_a_passage_of_the_index(answerer: Answerer) -> None:
    texts = {p.text for p in answerer.index.passages}
    for question in ("can I follow an ex-pupil?", "can I use a nickname on facebook", "phones"):
        for hit in answerer.answer(question).hits:
            assert hit.passage.text in texts


def test_hits_are_best_first_and_at_most_k(answerer: Answerer) -> None:
    for k in (1, 3, 5):
        hits = answerer.answer("can I be friends with a pupil on facebook", k=k).hits
        assert 1 <= len(hits) <= k
        scores = [hit.score for hit in hits]
        assert scores == sorted(scores, reverse=True)


def test_out_of_scope_question_is_not_answered_but_has_a_route(answerer: Answerer) -> None:
    answer = answerer.answer("how do I book the minibus for a trip")
    assert answer.answered is False
    assert_has_route(answer)
    assert present(answer).part("route") is not None


@pytest.mark.parametrize(
    "question",
    [
        "can I follow an ex-pupil?",
        "a pupil said she wants to kill herself",
        "how do I book the minibus",
        "",
        "\U0001f600",
    ],
)
def test_every_answer_has_a_route(answerer: Answerer, question: str) -> None:
    assert_has_route(answerer.answer(question))


# --- schools ------------------------------------------------------------------------------


@pytest.mark.parametrize("school", ["kite-college", "north-star-trust", "knowsley-central-school"])
def test_school_restricts_the_passages(answerer: Answerer, school: str) -> None:
    answer = answerer.answer("can I be friends with pupils on social media", school=school, k=5)
    assert answer.hits
    assert {hit.passage.school for hit in answer.hits} == {school}
    assert answer.route.school == school


def test_default_school_applies_when_none_is_given(corpus_index: Path) -> None:
    answerer = Answerer.from_index(corpus_index, default_school="kite-college")
    answer = answerer.answer("can I add a past learner as a friend", k=5)
    assert {hit.passage.school for hit in answer.hits} == {"kite-college"}


POLICY = "POLICY\n\n1.1 Staff must not follow pupils on social media or accept their requests.\n"
TRUST = "TRUST POLICY\n\n2.1 Staff must never share their passwords with pupils or parents.\n"


def small_corpus(root: Path) -> Path:
    for slug, text, trust in (
        ("oak", POLICY, False),
        ("elm", POLICY.replace("POLICY", "ELM"), False),
        ("the-trust", TRUST, True),
    ):
        (root / slug).mkdir(parents=True)
        (root / slug / "school.toml").write_text(f"trust_wide = {str(trust).lower()}\n", "utf-8")
        (root / slug / "policy.txt").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def small(tmp_path: Path) -> Answerer:
    build_index([small_corpus(tmp_path / "corpus")], tmp_path / "index")
    return Answerer.from_index(tmp_path / "index")


def test_trust_wide_policies_answer_for_every_school(small: Answerer) -> None:
    answer = small.answer("can I share my password with a pupil", school="oak", k=5)
    assert "the-trust" in {hit.passage.school for hit in answer.hits}
    assert "elm" not in {hit.passage.school for hit in answer.hits}


def test_near_duplicate_passages_are_shown_once(small: Answerer) -> None:
    answer = small.answer("can I follow pupils on social media", k=5)
    texts = [hit.passage.text for hit in answer.hits]
    assert (
        texts.count("Staff must not follow pupils on social media or accept their requests.") == 1
    )


# --- concerns lead the answer -------------------------------------------------------------


def test_urgent_question_leads_with_999(answerer: Answerer) -> None:
    answer = answerer.answer(
        "a boy in my form says he is going to meet a stranger from online tonight"
    )
    assert answer.concern.level == "urgent" and answer.route.emergency
    first = present(answer).parts[0]
    assert first.kind == "banner" and "999" in first.text


def test_allegation_about_staff_routes_to_the_headteacher(answerer: Answerer) -> None:
    answer = answerer.answer(
        "a colleague has been messaging a pupil on snapchat", school="kite-college"
    )
    assert answer.concern.about_staff
    assert answer.route.lead.role == "Principal"  # KITE's headteacher is its Principal
    assert answer.route.whistleblowing == "0800 028 0285"
    assert "0800 028 0285" in present(answer).parts[0].text


def test_allegation_about_the_headteacher_routes_to_the_chair(answerer: Answerer) -> None:
    answer = answerer.answer(
        "the headteacher keeps messaging a year 10 pupil", school="north-star-trust"
    )
    assert answer.concern.about_headteacher
    assert answer.route.lead.role == "Chair of Governors"


# --- a clause about someone else ranks lower ----------------------------------------------

STAFF_CLAUSE = (
    "4.1 The use of social media during college hours for personal use is permitted for staff"
    " when not with learners, and never where learners can see a screen."
)
LEARNERS_CLAUSE = (
    "5.1 The use of social media during college hours for personal use is permitted for"
    " learners at break and lunch times, in the canteen and the library."
)
SUBJECTS = (
    "SOCIAL MEDIA POLICY\n\n4 Staff use of social media\n\n"
    + STAFF_CLAUSE
    + "\n\n5 Learners' use of social media\n\n"
    + LEARNERS_CLAUSE
    + "\n"
)


@pytest.fixture
def subjects(tmp_path: Path) -> Answerer:
    (tmp_path / "corpus" / "kite").mkdir(parents=True)
    (tmp_path / "corpus" / "kite" / "policy.txt").write_text(SUBJECTS, encoding="utf-8")
    build_index([tmp_path / "corpus"], tmp_path / "index")
    return Answerer.from_index(tmp_path / "index", encoder=None)  # the words-only ranking


@pytest.mark.parametrize(
    ("question", "first"),
    [
        ("can learners use social media during college hours", "permitted for learners"),
        ("can I use social media during college hours", "permitted for staff"),
    ],
)
def test_clause_about_the_person_asked_about_comes_first(
    subjects: Answerer, question: str, first: str
) -> None:
    answer = subjects.answer(question, k=2)
    assert first in answer.hits[0].passage.text
    assert len(answer.hits) == 2  # the other clause is lowered, not hidden


def test_without_the_subject_penalty_the_staff_clause_wins_on_words(subjects: Answerer) -> None:
    # the staff clause names learners twice, so on words alone it comes first
    subjects.tuning = Tuning(other_subject_penalty=0.0, named_subject_bonus=0.0)
    answer = subjects.answer("can learners use social media during college hours", k=2)
    assert "permitted for staff" in answer.hits[0].passage.text
