"""Teams: a question is counted (platform "teams", no text), and "summary" in the school
admin's 1:1 chat shows the month as a card; anyone else is told it is the admin's."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from bot import messages
from bot.chat.usage import Usage
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.serve.wiring import admin_check
from bot.store import Store, tables
from bot.store.question_stats import QuestionStats
from bot.teams.app import teams_mount
from tests.chat_limits import adaptive_card_problems
from tests.slack.answers import StubAnswerer
from tests.teams.activities import DSL, STAFF, channel, message, personal
from tests.teams.conftest import TeamsServer

QUESTION = "can I follow an ex-pupil on Instagram?"


@pytest.fixture
def counted(settings: Settings, teams_store: Store, tmp_path) -> Iterator[TeamsServer]:
    settings = Settings(**{**settings.__dict__, "corpus_dir": tmp_path / "corpus"})
    usage = Usage(QuestionStats(teams_store))
    mount = teams_mount(
        settings, StubAnswerer(), teams_store, usage=usage, is_admin=admin_check(settings)
    )
    with TeamsServer(build_web_app(settings, StubAnswerer(), mounts=[mount])) as live:
        yield live


def counted_rows(store: Store, n: int) -> list[dict]:
    deadline = time.monotonic() + 10
    while True:
        with store.reading() as conn:
            rows = [dict(r) for r in conn.execute(select(tables.question_stats)).mappings()]
        if len(rows) >= n or time.monotonic() > deadline:
            return rows
        time.sleep(0.02)


def test_questions_are_counted_and_the_admin_gets_the_summary_card(
    counted, teams, teams_store
) -> None:
    counted.post(message(teams.url, QUESTION))
    counted.post(message(teams.url, QUESTION, conversation=channel()))
    rows = counted_rows(teams_store, 2)
    assert [(r["platform"], r["answered"]) for r in rows] == [("teams", True)] * 2
    assert all(QUESTION not in repr(r) for r in rows)

    counted.post(message(teams.url, "summary", user=DSL))

    [reply] = teams.calls_to(personal(DSL)["id"])
    [card] = reply.cards()
    assert adaptive_card_problems(card) == []
    assert "2 question(s) asked in March 2026" in reply.shown()
    assert "Social Media Policy \u2014 4.2 Communicating" in reply.shown()
    assert QUESTION not in reply.shown()


def test_summary_from_anyone_else_is_refused_and_not_counted_as_a_question(
    counted, teams, teams_store
) -> None:
    counted.post(message(teams.url, "summary", user=STAFF))

    [reply] = teams.calls_to(personal(STAFF)["id"])
    assert reply.body["text"] == messages.SUMMARY_ONLY_ADMIN and not reply.cards()
    assert counted_rows(teams_store, 0) == []
