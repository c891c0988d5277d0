"""Teams cards: the same clause as Slack for the same question (one presenter, two skins),
user text that cannot become Markdown, a link or a mention, and Teams' size limit."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import Answerer
from bot.answering.model import Hit
from bot.answering.presenter import present
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.serve.wiring import build_answerer
from bot.slack import blocks as slack_blocks
from bot.teams.app import teams_mount
from bot.teams.cards import CARD_LIMIT, answer_card, passage_ids, size
from tests.slack.answers import make_answer, passage
from tests.teams.activities import STAFF, message, personal
from tests.teams.conftest import TeamsServer

QUESTIONS = [
    "can I follow an ex-pupil on Instagram?",
    "can I post photos of the school trip on my own account?",
    "can I give a pupil my personal phone number?",
]
HOSTILE = "[click here](https://evil.example) **bold** <at>Head</at> &lt;at&gt;x&lt;/at&gt; _it_"


@pytest.fixture(scope="module")
def real_answerer(tmp_path_factory) -> Answerer:
    index = tmp_path_factory.mktemp("teams-index") / "index"
    settings = Settings(corpus_dir=Path("corpus"), index_path=index, default_school="kite-college")
    return build_answerer(settings)


@pytest.mark.parametrize("question", QUESTIONS)
def test_slack_and_teams_answers_carry_the_same_clause(
    question, real_answerer, settings, teams
) -> None:
    answer = real_answerer.answer(question, "kite-college")
    assert answer.answered, question
    slack = slack_blocks.answer_blocks(present(answer))
    raise_button = next(
        e
        for b in slack
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == slack_blocks.ACTION_RAISE
    )
    slack_best = json.loads(raise_button["value"])["p"]
    slack_text = json.dumps(slack)

    app = build_web_app(settings, real_answerer, mounts=[teams_mount(settings, real_answerer)])
    with TeamsServer(app) as server:
        server.post(message(teams.url, question))
    [reply] = teams.calls_to(personal(STAFF)["id"])
    teams_ids = passage_ids(reply.cards()[0])

    assert teams_ids[0] == slack_best == answer.best.passage.id
    assert teams_ids == [hit.passage.id for hit in answer.hits]
    for hit in answer.hits:  # every clause Teams shows, Slack shows too (escaped for mrkdwn)
        first_words = " ".join(hit.passage.text.split()[:8])
        assert slack_blocks.escape(first_words) in slack_text
        assert first_words in reply.shown()


def test_user_text_is_shown_as_typed_never_as_markdown_links_or_mentions() -> None:
    card = answer_card(present(make_answer(HOSTILE)))
    dumped = json.dumps(card)

    assert '"TextBlock"' not in dumped  # TextBlock reads Markdown; TextRun never does
    assert "entities" not in dumped  # no mention can be made without msteams.entities
    runs = [
        r["text"] for b in _blocks(card) if b.get("type") == "RichTextBlock" for r in b["inlines"]
    ]
    assert any(HOSTILE in text for text in runs)


def test_user_text_in_the_escalation_cards_is_plain_too(server, teams) -> None:
    from tests.teams.test_teams_escalations import raise_concern, setup_dsl_channel

    setup_dsl_channel(server, teams)
    raise_concern(server, teams)
    assert '"TextBlock"' not in json.dumps([c.body for c in teams.calls])


def test_a_huge_clause_is_cut_and_the_card_stays_within_the_teams_limit() -> None:
    huge = Hit(passage("big", "word " * 20_000), 9.0)
    answer = replace(make_answer("q"), hits=(huge, huge, huge))
    card = answer_card(present(answer))

    assert size(card) <= CARD_LIMIT
    assert passage_ids(card)[0] == "big"
    assert messages.CLAUSE_CUT in json.dumps(card, ensure_ascii=False)
    full = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    assert full and full[0]["title"] == messages.BUTTON_FULL_CLAUSE


def test_a_sensitive_answer_has_the_concern_banner_first() -> None:
    card = answer_card(present(make_answer("a pupil told me", level="report")))

    assert card["body"][0]["style"] == "attention"
    assert "safeguarding concern" in json.dumps(card["body"][0])


def _blocks(node):
    if isinstance(node, list):
        for item in node:
            yield from _blocks(item)
    elif isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _blocks(value)
