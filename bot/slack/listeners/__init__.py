"""Slack listeners, grouped by surface; each module has one ``register(app, deps)``."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack import home_documents, home_settings
from bot.slack.deps import SlackDeps
from bot.slack.listeners import actions, commands, escalations, events, views


def register_listeners(app: AsyncApp, deps: SlackDeps) -> None:
    for group in (commands, events, actions, escalations, views, home_settings, home_documents):
        group.register(app, deps)
