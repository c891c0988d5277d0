"""manifest.json matches what the app listens to: every command, event and interactive
surface it declares is handled, and what it doesn't declare is not."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from bot.serve.web import SLACK_PATH
from bot.slack.install import BOT_SCOPES, REDIRECT_PATH
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body, command_body, event_body
from tests.slack.live import LiveServer

MANIFEST = json.loads(resources.files("bot.slack").joinpath("manifest.json").read_text())
EVENT_SAMPLES = {
    "app_mention": {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> hi",
        "ts": "1.2",
        "channel": "C1",
    },
    "message.im": {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": "hi",
        "ts": "1.3",
        "channel": "D1",
    },
    "app_home_opened": {"type": "app_home_opened", "user": "U1", "tab": "home"},
    "app_uninstalled": {"type": "app_uninstalled"},
    "tokens_revoked": {"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}},
}
UNDECLARED = {
    "reaction_added": {"type": "reaction_added", "user": "U1", "reaction": "eyes"},
    "member_joined_channel": {"type": "member_joined_channel", "user": "U1", "channel": "C1"},
}


def test_the_scopes_are_the_ones_policybot_asks_for_and_documents() -> None:
    """Least privilege: the manifest's scopes are what the OAuth install asks for, and each
    is in the README's scope table with the call that uses it."""
    scopes = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert sorted(scopes) == sorted(BOT_SCOPES)
    assert "im:read" not in scopes and "channels:history" not in scopes
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("| scope | used by |", 1)[1].split("\n\n", 1)[0]
    assert {row.split("`")[1] for row in table.splitlines() if row.startswith("| `")} == set(scopes)


def test_the_redirect_url_is_the_oauth_path() -> None:
    (url,) = MANIFEST["oauth_config"]["redirect_urls"]
    assert url.endswith(REDIRECT_PATH)


def test_every_url_is_the_events_endpoint() -> None:
    urls = [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    urls += [MANIFEST["settings"]["event_subscriptions"]["request_url"]]
    urls += [MANIFEST["settings"]["interactivity"]["request_url"]]
    assert {url.split("YOUR-HOST", 1)[1] for url in urls} == {SLACK_PATH}


def test_declared_events_have_samples() -> None:
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == set(EVENT_SAMPLES)


def test_declared_commands_are_handled(server: LiveServer, fake_slack: FakeSlackAPI) -> None:
    for command in MANIFEST["features"]["slash_commands"]:
        body = command_body("hi", fake_slack.response_url("m")).replace(
            "%2Fpolicy", command["command"].replace("/", "%2F")
        )
        assert server.command(body).status_code == 200


@pytest.mark.parametrize("name", sorted(EVENT_SAMPLES))
def test_declared_events_are_handled(name: str, server: LiveServer) -> None:
    assert server.event(event_body(EVENT_SAMPLES[name], event_id=f"Ev-{name}")).status_code == 200


@pytest.mark.parametrize("name", sorted(UNDECLARED))
def test_undeclared_events_are_not_handled(name: str, server: LiveServer) -> None:
    assert server.event(event_body(UNDECLARED[name], event_id=f"Ev-{name}")).status_code == 404


def test_undeclared_command_is_not_handled(server: LiveServer, fake_slack: FakeSlackAPI) -> None:
    body = command_body("hi", fake_slack.response_url("m")).replace("%2Fpolicy", "%2Fother")
    assert server.command(body).status_code == 404


def test_interactivity_is_enabled_and_answer_buttons_are_handled(server: LiveServer) -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    payload = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "trigger_id": "t",
        "actions": [{"action_id": "feedback_helpful", "value": "p0", "block_id": "b"}],
    }
    assert server.action(action_body(payload)).status_code == 200


def test_app_home_has_home_and_messages_tabs() -> None:
    home = MANIFEST["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert not home["messages_tab_read_only_enabled"]
