"""Fixtures for the Slack skin: the fake Slack Web API, settings pointing at it, the app
served over real HTTP on loopback, and hand-built answers while no index is needed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.slack.app import build_app
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import SIGNING_SECRET
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI() as fake:
        yield fake


@pytest.fixture
def settings(fake_slack: FakeSlackAPI) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        default_school="kite-college",
        dsl_user_ids=("UDSL",),
    )


@pytest.fixture
def answerer() -> StubAnswerer:
    return StubAnswerer()


@pytest.fixture
def server(settings: Settings, answerer: StubAnswerer) -> Iterator[LiveServer]:
    slack_app = build_app(settings, answerer)
    with LiveServer(build_web_app(settings, answerer, slack_app=slack_app)) as live:
        yield live
