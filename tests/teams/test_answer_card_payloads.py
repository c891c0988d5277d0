"""Answers as Teams receives them, from the real index and classifier over real HTTP: valid
Adaptive Cards 1.5; a flagged answer leads with the route and its Raise button says where it
goes; a flagged channel mention asks, privately, for the public message to be deleted; every
answer has at most one review warning, no destructive button and says nothing twice."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import Answerer
from bot.answering.presenter import present
from bot.serve.config import Settings
from bot.teams.cards import answer_card
from tests.chat_limits import adaptive_card_problems, card_actions, card_runs, repeated_phrases
from tests.slack.test_answer_payloads import FLAGGED, NO_CLAUSE, SCHOOL, questions
from tests.teams.activities import STAFF, channel, message, personal


@pytest.fixture(scope="module")
def answerer(corpus_index: Path) -> Answerer:
    loaded = Answerer.from_index(corpus_index)
    loaded.answer("warm up", SCHOOL)
    return loaded


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, default_school=SCHOOL)


def _check_card(card: dict) -> None:
    assert adaptive_card_problems(card) == []
    assert all(a.get("style") != "destructive" for a in card_actions(card))
    runs = card_runs(card)
    assert sum(messages.TEAMS_WARNING in run for run in runs) <= 1
    assert repeated_phrases(card_runs(card, clauses=False)) == []


@pytest.mark.parametrize(("question", "route_words", "label"), FLAGGED)
def test_a_flagged_channel_mention_is_answered_privately_route_first(
    server, teams, question: str, route_words: str, label: str
) -> None:
    server.post(message(teams.url, question, conversation=channel()))
    [public] = teams.calls_to(channel()["id"])
    assert question not in public.shown()
    [private, delete] = teams.calls_to(teams.chat_with(STAFF["id"]), "send")
    [card] = private.cards()
    _check_card(card)
    first = card_runs(card)[0]
    assert first.startswith(messages.TEAMS_ALERT) and route_words in first.split("\n")[0]
    assert card_actions(card)[0]["title"] == label
    assert "line manager" not in private.shown()
    assert private.body.get("summary", "").find(route_words) >= 0
    assert delete.body["text"] == messages.TEAMS_DELETE_PUBLIC
    assert "Delete" in delete.body["text"]


def test_a_flagged_question_without_a_clause_points_back_to_the_route(server, teams) -> None:
    server.post(message(teams.url, NO_CLAUSE))
    [reply] = teams.calls_to(personal(STAFF)["id"])
    assert messages.NOT_FOUND_FLAGGED in reply.shown()
    assert "couldn't find" not in reply.shown() and "line manager" not in reply.shown()


def test_an_ordinary_answer_has_one_review_warning_and_a_plain_raise_button(server, teams) -> None:
    server.post(message(teams.url, "can I be friends with a pupil on facebook"))
    [reply] = teams.calls_to(personal(STAFF)["id"])
    [card] = reply.cards()
    _check_card(card)
    assert sum(messages.TEAMS_WARNING in run for run in card_runs(card)) == 1
    assert card_actions(card)[0]["title"] == messages.BUTTON_RAISE


def test_every_answer_to_our_questions_is_a_valid_card(answerer: Answerer) -> None:
    for question in questions():
        _check_card(answer_card(present(answerer.answer(question, SCHOOL))))
