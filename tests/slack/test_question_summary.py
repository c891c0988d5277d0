"""What the policy owner learns, over real HTTP against the fake Slack Web API and a real
SQLite file: every question asked (command, mention, DM) is counted without its text, the
school's admin sees the month in App Home, nobody else does, and the 30-day sample keeps only
unanswered, non-concern text, and only when it is on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from bot import messages
from bot.answering.model import Answer
from bot.chat.usage import Usage
from bot.errors import StoreError
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.serve.wiring import admin_check
from bot.slack.app import build_app
from bot.store import Store, tables
from bot.store.question_stats import Asked, QuestionStats
from tests.chat_limits import block_kit_problems
from tests.fakes.clock import FakeClock
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import command_body, event_body
from tests.slack.answers import CLAUSE, StubAnswerer, make_answer
from tests.slack.live import LiveServer, running
from tests.slack.test_escalation_flow import wait_until

UNANSWERED = "where do supply teachers park their cars on a Tuesday"
FLAGGED_UNANSWERED = "a pupil told me her uncle hits her, nothing about parking"
ANSWERED = "can I follow an ex-pupil on Instagram?"


class NoClauseFor(StubAnswerer):
    """The stub's answers, but no clause for any question that mentions parking."""

    def answer(self, question: str, school: str | None = None, k: int = 3) -> Answer:
        answer = super().answer(question, school, k)
        if "park" not in question:
            return answer
        return make_answer(question, answer.concern.level, hits=0)


@pytest.fixture
def db(tmp_path: Path, clock: FakeClock) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'policybot.db'}", clock=clock)
    yield store
    store.close()


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The Slack tests' settings (DSL "UDSL"), with no school.toml: the DSLs are the admins."""
    return replace(settings, corpus_dir=tmp_path / "corpus")


def serve(settings: Settings, usage: Usage | None) -> LiveServer:
    app = build_app(settings, NoClauseFor(), usage=usage, is_admin=admin_check(settings))
    return LiveServer(build_web_app(settings, NoClauseFor(), slack_app=app))


def rows(store: Store, table=tables.question_stats) -> list[dict]:
    """Every row of ``table`` (counting happens after the answer is sent: tests wait)."""
    with store.reading() as conn:
        return [dict(r) for r in conn.execute(select(table)).mappings()]


def ask_three_ways(server: LiveServer, fake: FakeSlackAPI, question: str, n: int = 0) -> None:
    server.command(command_body(question, fake.response_url(f"r{n}")))
    mention = {"type": "app_mention", "user": "U100", "text": f"<@UBOT> {question}"}
    server.event(event_body({**mention, "ts": "1.1", "channel": "C100"}, event_id=f"EvM{n}"))
    dm = {"type": "message", "channel_type": "im", "user": "U100", "text": question}
    server.event(event_body({**dm, "ts": "1.2", "channel": "D100"}, event_id=f"EvD{n}"))


def home_for(server: LiveServer, fake: FakeSlackAPI, user: str) -> str:
    server.event(event_body({"type": "app_home_opened", "user": user}, event_id=f"EvH{user}"))
    (call,) = fake.wait_for_where("views.publish", user_id=user)
    return call.shown()


def test_questions_asked_every_way_are_counted_without_their_text(settings, fake_slack, db) -> None:
    with serve(settings, Usage(QuestionStats(db))) as server:
        ask_three_ways(server, fake_slack, ANSWERED)
        ask_three_ways(server, fake_slack, UNANSWERED, 1)
        assert wait_until(lambda: len(rows(db)) == 6)
        fake_slack.wait_for("chat.postMessage", 4)

    counted = rows(db)
    assert [r["answered"] for r in counted].count(True) == 3
    assert {r["platform"] for r in counted} == {"slack"}
    assert {r["school"] for r in counted} == {"kite-college"}
    assert {r["passage_id"] for r in counted if r["answered"]} == {"p0"}  # the clause shown first
    assert rows(db, tables.question_samples) == []  # the sample is off
    assert all(ANSWERED not in repr(r) and UNANSWERED not in repr(r) for r in counted)


def test_the_admin_sees_the_month_in_app_home_and_no_one_else_does(
    settings, fake_slack, db
) -> None:
    db.record_feedback("p0", False, "slack", "kite-college")
    with serve(settings, Usage(QuestionStats(db))) as server:
        ask_three_ways(server, fake_slack, ANSWERED)
        server.command(command_body(UNANSWERED, fake_slack.response_url("r9")))
        assert wait_until(lambda: len(rows(db)) == 4)
        admin, staff = home_for(server, fake_slack, "UDSL"), home_for(server, fake_slack, "U100")

    assert "4 question(s) asked in March 2026" in admin and "1 found no clause" in admin
    assert "Social Media Policy \u2014 4.2 Communicating with learners" in admin
    assert "Week of 2 Mar: 1 of 4" in admin
    assert messages.SUMMARY_NOT_HELPFUL in admin and "(p0): 1" in admin
    assert messages.SUMMARY_SAMPLES not in admin and UNANSWERED not in admin  # sample off
    assert messages.SUMMARY_TITLE not in staff and "question(s) asked" not in staff
    assert messages.HOME_CONTACTS in staff  # the rest of App Home is unchanged


def test_with_the_sample_on_only_unanswered_non_concern_text_is_kept_and_shown_to_the_admin(
    settings, fake_slack, db
) -> None:
    usage = Usage(QuestionStats(db), sample_for=lambda school: school == "kite-college")
    with serve(settings, usage) as server:
        for n, question in enumerate((ANSWERED, UNANSWERED, FLAGGED_UNANSWERED)):
            server.command(command_body(question, fake_slack.response_url(f"r{n}")))
        assert wait_until(lambda: len(rows(db)) == 3)
        admin, staff = home_for(server, fake_slack, "UDSL"), home_for(server, fake_slack, "U100")

    assert [r["question"] for r in rows(db, tables.question_samples)] == [UNANSWERED]
    flagged = [r for r in rows(db) if r["concern"]]
    assert len(flagged) == 1 and not flagged[0]["answered"]  # counted, text never kept
    assert messages.SUMMARY_SAMPLES in admin and UNANSWERED in admin
    assert UNANSWERED not in staff and FLAGGED_UNANSWERED not in admin


class StuckStats(QuestionStats):
    """A database that takes as long as the test says to record a question."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.release = threading.Event()

    def record(self, asked: Asked) -> None:
        self.release.wait(timeout=10)
        super().record(asked)


def test_the_answer_goes_out_while_the_count_is_still_being_written(
    settings, fake_slack, db
) -> None:
    stats = StuckStats(db)
    with serve(settings, Usage(stats)) as server:
        server.command(command_body(ANSWERED, fake_slack.response_url("r1")))
        (reply,) = fake_slack.wait_for("response_url", timeout=5)  # the count is still stuck
        assert CLAUSE in reply.text() and rows(db) == []
        stats.release.set()
        assert wait_until(lambda: len(rows(db)) == 1)


class BrokenStats(QuestionStats):
    def record(self, asked: Asked) -> None:
        raise StoreError(messages.STORE_UNAVAILABLE)


def test_a_store_failure_never_stops_the_answer_and_logs_no_text(
    settings, fake_slack, db, caplog
) -> None:
    caplog.set_level(logging.INFO)
    with serve(settings, Usage(BrokenStats(db))) as server:
        server.command(command_body(ANSWERED, fake_slack.response_url("r1")))
        (reply,) = fake_slack.wait_for("response_url")
        assert wait_until(lambda: "question not counted" in caplog.text)
        staff = home_for(server, fake_slack, "UDSL")

    assert CLAUSE in reply.text()
    assert "StoreError" in caplog.text and ANSWERED not in caplog.text
    assert messages.HOME_CONTACTS in staff  # App Home still opens for the admin


def test_a_busy_month_stays_within_block_kit_limits(settings, fake_slack, db) -> None:
    stats = QuestionStats(db)
    for n in range(40):
        long_name = f"Policy {n} " + "on staff conduct & <pupils> " * 9
        stats.record(Asked("kite-college", True, f"p{n}", long_name, long_name, False, "slack"))
        db.record_feedback(f"p{n}", False, "slack", "kite-college")
    for n in range(25):
        sample = f"{n} " + "where & how do <supply> staff park " * 20
        stats.record(Asked("kite-college", False, None, None, None, False, "teams", sample))

    with serve(settings, Usage(stats)) as server:
        server.event(event_body({"type": "app_home_opened", "user": "UDSL"}, event_id="EvBusy"))
        (call,) = fake_slack.wait_for("views.publish")

    blocks = call.body["view"]["blocks"]
    assert block_kit_problems(blocks) == []
    assert "40 question(s) asked" not in call.shown()  # 65 were
    assert "65 question(s) asked" in call.shown() and "&lt;supply&gt;" in call.shown()
    assert all(len(b["text"]["text"]) <= 150 for b in blocks if b["type"] == "header")


def test_serve_counts_questions_and_keeps_the_sample_when_the_setting_is_on(
    settings, fake_slack, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    on = replace(settings, database_url=url, unanswered_sample=True)  # as from the env var
    with running(on, NoClauseFor()) as runtime, LiveServer(runtime.web_app()) as live:
        live.command(command_body(UNANSWERED, fake_slack.response_url("r1")))
        live.command(command_body(FLAGGED_UNANSWERED, fake_slack.response_url("r2")))
        assert wait_until(lambda: len(rows(runtime.store)) == 2)
        kept = rows(runtime.store, tables.question_samples)

    assert [r["question"] for r in kept] == [UNANSWERED]
