"""Fixtures for the hardening suites: the real answer core over the bundled corpus, hostile
text for hypothesis, answers built around hostile policy text, and the whole Slack stack
(runtime + real SQLite store + outbox worker) served on loopback against the fake Slack API.

Secrets used here are distinctive strings so a test can look for them in every log line.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import strategies as st

from bot.answering.answerer import Answerer
from bot.answering.model import Answer, Concern, Hit, Person, Route
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from indexer.model import Passage
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import SIGNING_SECRET
from tests.slack.live import LiveServer, running

BOT_TOKEN = "xoxb-hardening-0000-SECRET-TOKEN"
TEAMS_PASSWORD = "teams-app-password-SECRET-42"
DSL_CHANNEL = "GDSL"
HOSTILE = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123>",
    "<#C123|general>",
    "<https://evil.test|click>",
    "<http://evil.test>",
    "<mailto:x@evil.test|mail>",
    "*bold*",
    "_it_",
    "~strike~",
    "`code`",
    "```block```",
    "> quote",
    "[click](https://evil)",
    "<b>html</b>",
    "<script>alert(1)</script>",
    "&amp;",
    "&lt;!channel&gt;",
    "<at>Head</at>",
    '{"type": "AdaptiveCard", "body": []}',
    "${secret}",
    "{{template}}",
    "%s %d {0}",
    "\u202eright-to-left override",
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "\U0001f600\U0001f469\u200d\U0001f467",
    "\x00\x07\x1b[31m\r\n\t",
    "\ufeff\u200b\u2028",
    "   ",
    "\n\n",
    "can I follow an ex-pupil on Instagram?",
    "a pupil told me she self-harms",
]


def hostile_text(max_size: int = 400) -> st.SearchStrategy[str]:
    """Any Unicode, chat-syntax fragments, and up to 10,000 characters of them."""
    fragment = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
    joined = st.lists(fragment, max_size=12).map(" ".join)
    huge = st.tuples(st.sampled_from(HOSTILE), st.integers(1, 10_000)).map(
        lambda pair: (pair[0] * pair[1])[:10_000]
    )
    return st.one_of(st.text(max_size=max_size), joined, huge)


def hostile_answer(question: str, clause: str, context: str, title: str, level: str) -> Answer:
    """An answer whose policy text itself is hostile (documents come from anywhere)."""
    hits = tuple(
        Hit(
            Passage(
                id=f"{title[:300]}#{i}",
                text=clause or "x",
                context=context or None,
                document=title,
                school="kite-college",
                section=context,
                clause=title[:20],
                page=i,
                source="corpus/x.txt",
                review_date=title[:30] or None,
            ),
            9.0 - i,
        )
        for i in range(3)
    )
    dsl = Person("DSL", title[:80] or None, context[:30] or None)
    route = Route(school="kite-college", school_name=title, lead=dsl, dsl=dsl)
    concern = Concern(level=level, reason=context[:40])  # type: ignore[arg-type]
    return Answer(
        question=question,
        answered=True,
        hits=hits,
        concern=concern,
        route=route,
        today=date(2026, 3, 1),
    )


@pytest.fixture(scope="session")
def real_answerer(corpus_index: Path) -> Answerer:
    return Answerer.from_index(corpus_index, default_school="kite-college")


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as fake:
        yield fake


@pytest.fixture
def settings(fake_slack: FakeSlackAPI, tmp_path: Path) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        default_school="kite-college",
        dsl_user_ids=("UDSL",),
        dsl_channel_id=DSL_CHANNEL,
        headteacher_user_ids=("UHEAD",),
        chair_user_ids=("UCHAIR",),
        database_url=f"sqlite:///{tmp_path / 'policybot.db'}",
        microsoft_app_password=TEAMS_PASSWORD,
    )


@pytest.fixture
def runtime(settings: Settings, real_answerer: Answerer) -> Iterator[Runtime]:
    with running(settings, real_answerer) as rt:
        yield rt


@pytest.fixture
def live(runtime: Runtime) -> Iterator[LiveServer]:
    with LiveServer(runtime.web_app()) as server:
        yield server


class Everything(logging.Handler):
    """Keeps every record of every logger, formatted with its arguments and traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def all_logs() -> Iterator[Everything]:
    """Root logger at DEBUG with a handler that sees everything, as ``LOG_LEVEL=DEBUG`` would
    configure it (through ``bot.logs.configure``), restored afterwards."""
    from bot.logs import configure

    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    saved_levels = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    handler = Everything()
    configure("DEBUG", handler=handler)
    yield handler
    root.handlers[:] = saved[1]
    root.setLevel(saved[0])
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


def with_settings(settings: Settings, **changes: object) -> Settings:
    return replace(settings, **changes)  # type: ignore[arg-type]
