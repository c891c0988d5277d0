"""The concern set (tests/data/concern_cases.jsonl): KCSIE's types of abuse as staff type them.

Written from Keeping Children Safe in Education's categories (physical, emotional and sexual
abuse, neglect, child-on-child abuse, online abuse, CSE, CCE and county lines, radicalisation,
FGM, forced marriage, domestic abuse, self-harm, children missing education, allegations about
staff and the headteacher), not from the dev set; six are long pasted emails with the concern
at the end. The patterns were written against it (cases k73-k126 were first written as held-out
sets, measured, then used to generalise the patterns), so recall 1.0 here is a tuned figure;
concern_heldout.jsonl is the untouched one. Ordinary questions must almost never be flagged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.answerer import MAX_QUESTION_CHARS, Answerer
from bot.answering.concern import MAX_CLASSIFIED_CHARS, classify

pytestmark = pytest.mark.usefixtures("isolated_env")

DATA = Path(__file__).parents[1] / "data"
DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_questions.jsonl"
CASES = [json.loads(line) for line in (DATA / "concern_cases.jsonl").open(encoding="utf-8")]
MAX_FALSE_ALARMS = 0.05
# tests/data/concern_heldout.jsonl: written after the patterns, never tuned on. Measured 14/24
# (0.58) when written; a floor, so a change that loses recall on unseen wording fails here.
HELD_OUT = [json.loads(line) for line in (DATA / "concern_heldout.jsonl").open(encoding="utf-8")]
HELD_OUT_RECALL_FLOOR = 0.55


def _ordinary(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return [row["question"] for row in rows if row.get("concern") is False]


def test_the_set_covers_kcsie_categories_and_long_emails() -> None:
    assert len(CASES) >= 60
    assert len({case["category"] for case in CASES}) >= 16
    assert sum(len(case["question"]) >= 3000 for case in CASES) >= 6


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_concern_is_flagged_and_routed_to_the_right_person(case: dict) -> None:
    concern = classify(case["question"])
    assert concern.flagged, case["category"]
    assert concern.reason
    assert concern.about_staff == case["about_staff"]
    assert concern.about_headteacher == case["about_headteacher"]


@pytest.mark.parametrize("name", ["dev", "staff_questions", "role_questions"])
def test_ordinary_questions_are_rarely_flagged(name: str) -> None:
    path = DEV if name == "dev" else DATA / f"{name}.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is not in this checkout")
    questions = _ordinary(path)
    flagged = [q for q in questions if classify(q).flagged]
    assert len(questions) >= 10
    assert len(flagged) / len(questions) <= MAX_FALSE_ALARMS, flagged


def test_recall_on_the_held_out_concerns_stays_above_its_floor() -> None:
    flagged = sum(classify(case["question"]).flagged for case in HELD_OUT)
    assert len(HELD_OUT) >= 20
    assert flagged / len(HELD_OUT) >= HELD_OUT_RECALL_FLOOR


@pytest.mark.parametrize(
    "question",
    [
        "a year 7 girl is scared of dogs, can she skip the farm trip",
        "a pupil is in pain with toothache, can I give her paracetamol",
        "a student said she's hungry because she missed breakfast, can I give her toast",
        "a year 4 boy wet himself in assembly, where are the spare clothes",
        "several girls were drunk at the school disco, how do we sanction them",
        "a pupil left suddenly for a family holiday, is it authorised",
        "a pupil hit a TA in the corridor, what do I do",
        "are students told not to meet people they met online",
        "can a coach give a pupil a lift to a match",
        "can I keep a pupil's secret if they ask me to",
        "what's the policy on staff giving lifts to pupils?",
        "a parent sent me a thank you card and a bottle of wine, can I keep it",
        "can I buy the children in my class sweets for their birthday",
        "is there a policy on supporting pregnant staff",
        "how many days can a pupil be absent before the attendance officer calls home",
        "I'm new here. Can I accept a friend request from a pupil's parent?",
    ],
)
def test_rule_questions_near_the_indicators_are_not_flagged(question: str) -> None:
    assert not classify(question).flagged


def test_a_description_after_a_rule_question_is_still_flagged() -> None:
    """Framing is judged per sentence."""
    text = "Can I ask something? An older lad has been messaging a year 8 girl, buying her vapes."
    assert classify(text).flagged


def test_an_actor_without_an_indicator_is_not_a_concern() -> None:
    assert not classify("an ex-pupil, now 20, is coming to talk to year 11 about careers").flagged
    assert classify("an ex-pupil who is now 20 has been messaging a year 9 girl at night").flagged


def test_the_headteacher_as_addressee_is_not_the_subject_of_an_allegation() -> None:
    email = "Dear Headteacher, a TA has been messaging a year 9 girl on snapchat late at night."
    concern = classify(email)
    assert concern.about_staff and not concern.about_headteacher


def _email(concern: str, length: int) -> str:
    filler = "The trip to the museum leaves at nine and packed lunches are in the hall. "
    return filler * (length // len(filler)) + concern


def test_the_classifier_reads_up_to_its_cap_and_no_further() -> None:
    concern = " A year 9 girl told me she has been cutting again."
    assert classify(_email(concern, MAX_CLASSIFIED_CHARS - 200)).level == "urgent"
    assert not classify(_email(concern, MAX_CLASSIFIED_CHARS + 200)).flagged


def test_a_pasted_email_is_searched_in_part_but_classified_whole(corpus_index: Path) -> None:
    text = _email(" An ex-pupil has been messaging a year 10 girl and asked her to meet up.", 3000)
    answer = Answerer.from_index(corpus_index).answer(text)
    assert answer.notice and str(MAX_QUESTION_CHARS) in answer.notice  # search read 600
    assert answer.concern.flagged and answer.question == text
