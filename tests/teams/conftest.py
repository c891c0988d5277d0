"""Fixtures for the Teams skin: the fake Bot Connector (the activities' serviceUrl), a real
SQLite store, the aiohttp app served on loopback with /api/messages mounted as
``policybot serve`` mounts it, and the outbox delivering through the Teams notifier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.escalation.outbox import Outbox, PlatformNotifier
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.serve.wiring import escalation_service, teams_notifier
from bot.store import Store
from bot.teams.app import teams_mount
from tests.fakes.clock import FakeClock
from tests.fakes.teams_connector import FakeTeamsConnector
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer


class TeamsServer(LiveServer):
    def post(self, activity: dict[str, Any], **headers: str) -> requests.Response:
        return requests.post(f"{self.url}/api/messages", json=activity, headers=headers, timeout=10)


@pytest.fixture
def teams() -> Iterator[FakeTeamsConnector]:
    with FakeTeamsConnector() as fake:
        yield fake


@pytest.fixture
def settings() -> Settings:
    return Settings(
        default_school="kite-college",
        teams_dsl_aad_ids=("aad-dsl",),
        teams_headteacher_aad_ids=("aad-head",),
        teams_chair_aad_ids=("aad-chair",),
    )


@pytest.fixture
def teams_store(tmp_path, clock: FakeClock) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'policybot.db'}", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def answerer() -> StubAnswerer:
    return StubAnswerer()


@pytest.fixture
def server(settings: Settings, answerer: StubAnswerer, teams_store: Store) -> Iterator[TeamsServer]:
    service = escalation_service(teams_store, settings)  # one service, as serve builds it
    mount = teams_mount(settings, answerer, teams_store, escalations=service)
    app = build_web_app(settings, answerer, mounts=[mount])
    with TeamsServer(app) as live:
        yield live


@pytest.fixture
def outbox(settings: Settings, teams_store: Store, clock: FakeClock) -> Outbox:
    notifier = PlatformNotifier({"teams": teams_notifier(settings, teams_store)})
    return Outbox(teams_store, notifier, worker_id="test", clock=clock)
