"""Answers as Slack receives them, from the real index and classifier over real HTTP: a flagged
answer leads with the route and names the destination on its button, a flagged @mention asks
the asker to delete the public message, and every answer fits a phone (<= 8 blocks, one
review warning, no danger style, nothing said twice) within Block Kit's limits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import Answerer
from bot.answering.presenter import present
from bot.serve.config import Settings
from bot.slack import blocks
from tests.chat_limits import (
    block_kit_problems,
    button_labels,
    button_styles,
    repeated_phrases,
    slack_lines,
)
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import command_body, event_body
from tests.slack.live import LiveServer

SCHOOL = "millfields-community-school"  # its policy is past its review date
DATA = Path(__file__).parents[1] / "data"
DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev_questions.jsonl"
ABOUT_STAFF = "a teacher has been messaging a year 9 girl on snapchat late at night"
ABOUT_HEAD = "the headteacher has been messaging a pupil on whatsapp"
ABOUT_CHILD = "a year 8 girl told me her mum's boyfriend hits her"
# (question, words the route opens with, the Raise button's label)
FLAGGED = [
    (
        ABOUT_STAFF,
        "Concerns about a member of staff go to the headteacher",
        "Raise with headteacher",
    ),
    (
        ABOUT_HEAD,
        "Concerns about the headteacher go to the chair of governors",
        "Raise with chair of governors",
    ),
    (ABOUT_CHILD, "call 999", "Raise with DSL"),
]
NO_CLAUSE = "a year 4 girl says she is going abroad for a special ceremony to become a woman"


@pytest.fixture(scope="module")
def answerer(corpus_index: Path) -> Answerer:
    loaded = Answerer.from_index(corpus_index)
    loaded.answer("warm up", SCHOOL)  # the first answer builds caches; don't time a reply on it
    return loaded


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, default_school=SCHOOL)


def _mention(server: LiveServer, fake: FakeSlackAPI, text: str) -> tuple[dict, str]:
    """(the private answer's payload, the private follow-up's text) for a flagged mention."""
    event = {
        "type": "app_mention",
        "user": "U100",
        "text": f"<@UBOT> {text}",
        "ts": "1700000000.000100",
        "channel": "C100",
    }
    assert server.event(event_body(event)).ok
    posts = fake.wait_for("chat.postMessage", 3)
    answer, follow_up = [p.body for p in posts if p.body["channel"].startswith("D")]
    (public,) = [p.body for p in posts if p.body["channel"] == "C100"]
    assert text not in json.dumps(public)
    return answer, follow_up["text"]


def _check_phone_sized(payload: dict) -> None:
    rendered = payload["blocks"]
    assert block_kit_problems(rendered, payload.get("text")) == []
    assert len(rendered) <= blocks.ANSWER_BLOCK_LIMIT
    assert "danger" not in button_styles(rendered)
    assert json.dumps(rendered).count(messages.SLACK_WARNING) <= 1
    assert repeated_phrases(slack_lines(rendered)) == []


@pytest.mark.parametrize(("question", "route_words", "label"), FLAGGED)
def test_a_flagged_mention_leads_with_the_route_and_names_where_it_goes(
    server: LiveServer, fake_slack: FakeSlackAPI, question: str, route_words: str, label: str
) -> None:
    answer, follow_up = _mention(server, fake_slack, question)
    first = answer["blocks"][0]["text"]["text"]
    assert first.startswith(messages.SLACK_ALERT) and route_words in first.split("\n")[0]
    assert button_labels(answer["blocks"])[0] == label
    assert route_words in answer["text"]  # the notification leads with the route too
    assert "line manager" not in json.dumps(answer)
    _check_phone_sized(answer)
    assert follow_up == messages.SLACK_DELETE_PUBLIC
    assert "Delete" in follow_up and "can't delete" in follow_up


def test_a_flagged_question_without_a_clause_points_back_to_the_route(
    server: LiveServer, fake_slack: FakeSlackAPI
) -> None:
    answer, _ = _mention(server, fake_slack, NO_CLAUSE)
    shown = json.dumps(answer, ensure_ascii=False)
    assert messages.NOT_FOUND_FLAGGED in shown and "couldn't find" not in shown
    assert "line manager" not in shown


def test_an_ordinary_answer_fits_a_phone_with_one_review_warning(
    server: LiveServer, fake_slack: FakeSlackAPI, answerer: Answerer
) -> None:
    question = "can I be friends with a pupil on facebook"
    assert server.command(command_body(question, fake_slack.response_url("a"))).ok
    (reply,) = fake_slack.wait_for("response_url")
    _check_phone_sized(reply.body)
    answer = answerer.answer(question, SCHOOL)
    assert answer.answered and answer.hits[0].review_overdue(answer.today)
    assert json.dumps(reply.body).count(messages.SLACK_WARNING) == 1
    assert button_labels(reply.body["blocks"])[0] == messages.BUTTON_RAISE


def questions() -> list[str]:
    rows = [
        json.loads(line)
        for path in (DEV, DATA / "staff_questions.jsonl", DATA / "concern_cases.jsonl")
        if path.exists()
        for line in path.open(encoding="utf-8")
    ]
    return [row["question"] for row in rows]


def test_every_answer_to_our_questions_fits_a_phone(answerer: Answerer) -> None:
    """The dev set, our staff questions and the concern set, rendered as Slack would get them."""
    asked = questions()
    assert len(asked) > 100
    for question in asked:
        view = present(answerer.answer(question, SCHOOL))
        payload = {"blocks": blocks.answer_blocks(view), "text": blocks.fallback_text(view)}
        _check_phone_sized(payload)
        if view.sensitive:
            assert payload["blocks"][0]["text"]["text"].startswith(messages.SLACK_ALERT)
