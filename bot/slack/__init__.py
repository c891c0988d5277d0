"""The Slack skin: a thin slack_bolt layer over the answer and escalation cores."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.serve.config import Settings


def slack_enabled(settings: Settings) -> bool:
    """Slack is served when SLACK_BOT_TOKEN is set, or when Teams is not configured either
    (then the missing token is the first thing ``policybot doctor`` and ``serve`` report)."""
    from bot.teams import teams_enabled

    return bool(settings.slack_bot_token) or not teams_enabled(settings)
