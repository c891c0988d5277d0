"""The Teams endpoint's authentication: with MICROSOFT_APP_ID set, no valid Bot Framework
token means 401 and nothing runs; without it, anonymous local development, said loudly."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest

from bot.errors import ConfigError
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.teams.app import build_teams, teams_mount
from tests.slack.answers import StubAnswerer
from tests.teams.activities import message
from tests.teams.conftest import TeamsServer

APP_ID = "5f0c4a9e-1111-4222-8333-944445555666"


@pytest.fixture
def secured(settings: Settings, answerer: StubAnswerer, teams_store):
    configured = replace(
        settings,
        microsoft_app_id=APP_ID,
        microsoft_app_password="s3cret",
        microsoft_app_tenant_id="tenant-1",
    )
    app = build_web_app(
        configured, answerer, mounts=[teams_mount(configured, answerer, teams_store)]
    )
    with TeamsServer(app) as live:
        yield live


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not.a.jwt"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
    ],
)
def test_configured_app_id_refuses_requests_without_a_valid_token(
    secured, teams, answerer, headers, caplog
) -> None:
    response = secured.post(message(teams.url, "can I use my phone?"), **headers)

    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized"}
    assert answerer.questions == [] and teams.calls == []
    assert "s3cret" not in caplog.text and "not.a.jwt" not in caplog.text


def test_no_app_id_is_anonymous_and_warns_loudly_at_start(settings, answerer, caplog) -> None:
    caplog.set_level(logging.WARNING)

    build_web_app(settings, answerer, mounts=[teams_mount(settings, answerer)])

    assert "ANONYMOUS" in caplog.text and "MICROSOFT_APP_ID" in caplog.text


def test_an_app_id_without_its_password_fails_at_start_naming_it(settings, answerer) -> None:
    with pytest.raises(ConfigError, match="MICROSOFT_APP_PASSWORD"):
        build_teams(replace(settings, microsoft_app_id=APP_ID), answerer)
