"""Modal submissions (the "Raise with DSL" form of issue 5 is registered here)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import SlackDeps


def register(app: AsyncApp, deps: SlackDeps) -> None:
    """Nothing yet: the escalation modal is added with the escalation core."""
