"""Concern classifier: urgent / report / none, and who an allegation is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.concern import Classifier, classify

pytestmark = pytest.mark.usefixtures("isolated_env")

URGENT = [
    "a year 8 girl told me she has been self harming",
    "one of my tutees says he wants to kill himself",
    "a pupil said she doesn't want to be alive any more",
    "a boy in year 9 is going to meet a stranger he met online after school",
    "a student has run away from home and is not answering her phone",
    "a pupil came in with bruises and says her dad beats her",
    "a child told me her uncle touches her",
    "a pupil says she is being blackmailed into sending pictures",
    "I saw a pupil with cuts on her arm",
    "a kid in my class said he doesnt want to go home",
]
REPORT = [
    "a year 10 pupil keeps messaging me on instagram",
    "an ex-pupil sent me a friend request on facebook last night",
    "I got a friend request from a student in my form",
    "someone shared a photo of one of our pupils in the changing rooms on snapchat",
    "a colleague has been messaging a pupil on snapchat",
    "a pupil disclosed something worrying to me at break",
    "I found some worrying images on the class ipad",
    "I think a pupil is being groomed by someone she plays games with",
    "a parent forwarded me indecent images of a child",
    "one of my students keeps liking my old instagram posts",
    "a pupil asked me for my personal number",
    "a parent says a teacher shouted at her son",
    "a colleague has been sharing memes about pupils",
]
NONE = [
    "can I post holiday photos?",
    "should I put my home address on facebook",
    "can I follow an ex-pupil on instagram?",
    "am I allowed to use twitter in my lunch break",
    "what does the policy say about whatsapp groups with parents",
    "can I be friends with a pupil's mum on facebook",
    "how do I book the minibus",
    "is it ok to accept a friend request from a former student who is now 25",
    "do I need permission to post photos of the school fete",
    "should I like posts on the school facebook page",
    "can I comment on a parent's post",
    "what does the policy say about staff sharing photos",
    "",
    "   ",
]


@pytest.mark.parametrize("question", URGENT)
def test_child_in_immediate_danger_is_urgent(question: str) -> None:
    concern = classify(question)
    assert concern.level == "urgent"
    assert concern.reason and concern.flagged


@pytest.mark.parametrize("question", REPORT)
def test_something_to_tell_the_dsl_is_at_least_report(question: str) -> None:
    concern = classify(question)
    assert concern.level in ("report", "urgent")
    assert concern.reason


@pytest.mark.parametrize("question", REPORT[:6])
def test_report_level_questions_are_not_escalated_to_urgent(question: str) -> None:
    assert classify(question).level == "report"


@pytest.mark.parametrize("question", NONE)
def test_ordinary_rule_questions_are_not_flagged(question: str) -> None:
    concern = classify(question)
    assert concern.level == "none"
    assert not concern.flagged and not concern.about_staff


def test_a_rule_question_about_images_is_flagged_when_it_is_about_indecent_images() -> None:
    """framing 'any': asking about indecent images is never an ordinary rule question."""
    assert classify("is there ever a reason to have indecent images of a child?").flagged


@pytest.mark.parametrize(
    "question",
    [
        "a colleague has been messaging a pupil on snapchat",
        "I think a teacher is texting a year 11 student late at night",
        "Mr Smith gave a pupil a lift home and has been texting her",
        "a TA is following several pupils on tiktok",
        "I think a colleague is grooming a year 8 boy",
        "what should I do if a colleague is grooming a pupil",
        "the deputy head shouted at a kid and pushed him",
        "the head of year 7 hugged a pupil in the corridor",
    ],
)
def test_allegation_about_staff(question: str) -> None:
    concern = classify(question)
    assert concern.flagged
    assert concern.about_staff and not concern.about_headteacher


@pytest.mark.parametrize(
    "question",
    [
        "the headteacher has been messaging a pupil on whatsapp",
        "I saw that the head is following year 11 girls on instagram",
        "the acting head touched a pupil",
        "the head of school messaged a pupil on snapchat",
    ],
)
def test_allegation_about_the_headteacher(question: str) -> None:
    concern = classify(question)
    assert concern.flagged
    assert concern.about_staff and concern.about_headteacher


def test_pupil_contact_is_not_about_staff() -> None:
    concern = classify("a pupil messaged me on instagram")
    assert concern.level == "report" and not concern.about_staff


def test_case_and_curly_quotes_do_not_matter() -> None:
    assert classify("A PUPIL SAID SHE DOESN\u2019T WANT TO BE ALIVE").level == "urgent"


def test_patterns_are_data(tmp_path: Path) -> None:
    path = tmp_path / "patterns.toml"
    path.write_text(
        "[tuck_shop]\nlevel = 'report'\nframing = 'narrative'\npatterns = ['\\btuck shop\\b']\n"
        "[framing]\nhypothetical = ['^can i\\b']\nhead = ['\\bhead\\b']\n",
        encoding="utf-8",
    )
    classifier = Classifier.load(path)
    assert classifier.classify("someone robbed the tuck shop").level == "report"
    assert classifier.classify("can I open the tuck shop").level == "none"  # a rule question
    assert classifier.classify("a pupil wants to kill himself").level == "none"  # not in this file
