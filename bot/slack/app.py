"""``build_app``: the Slack Bolt app — a client pointed at ``SLACK_API_URL`` with Slack's
rate-limit (429 + Retry-After), server-error and connection retries, and the listeners."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.chat.skin import Answers, IsAdmin
from bot.chat.usage import Usage
from bot.errors import ConfigError
from bot.slack.deps import EventLog, FeedbackLog, SlackDeps
from bot.slack.install import Installs, oauth_settings, register_uninstall
from bot.slack.listeners import register_listeners
from bot.slack.settings import SlackSettings

log = logging.getLogger(__name__)


def build_client(settings: SlackSettings) -> AsyncWebClient:
    """An async Web API client for ``settings``, honouring 429 Retry-After (OAuth mode: no
    token of its own; each request's workspace token is set by Bolt's authorize)."""
    return AsyncWebClient(
        token=None if settings.slack_oauth else settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def build_app(
    settings: SlackSettings,
    answerer: Answers,
    *,
    events: EventLog | None = None,
    feedback: FeedbackLog | None = None,
    escalations: Any = None,
    socket_mode: bool = False,
    kick: Callable[[], None] | None = None,
    usage: Usage | None = None,
    is_admin: IsAdmin | None = None,
    installs: Installs | None = None,
    library: Any = None,
) -> AsyncApp:
    """The Bolt app with every listener registered. HTTP mode needs SLACK_SIGNING_SECRET.

    ``usage`` counts answered questions for the monthly summary that App Home shows to
    whoever ``is_admin(school, user_id)`` says is the school's admin. ``installs`` (OAuth
    mode, bot.slack.install): the installation and state stores and the school registry; the
    app then serves /slack/install and /slack/oauth_redirect."""
    check_settings(settings, socket_mode=socket_mode)
    oauth = oauth_settings(settings, installs) if settings.slack_oauth and installs else None
    app = AsyncApp(
        client=build_client(settings),
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        name="policybot",
        oauth_settings=oauth,
    )
    deps = SlackDeps(settings=settings, answerer=answerer, escalations=escalations, usage=usage)
    if is_admin is not None:
        deps.is_admin = is_admin
    if installs is not None:
        deps.registry = installs.registry
    register_uninstall(app, installs)
    if events is not None:
        deps.events = events
    if feedback is not None:
        deps.feedback = feedback
    if kick is not None:
        deps.kick = kick
    if library is not None:  # policies by DM and App Home's documents (bot.policies)
        deps.library, deps.refs = library, library.docs.store
    register_listeners(app, deps)
    app.error(_log_error)
    return app


def check_settings(settings: SlackSettings, *, socket_mode: bool) -> None:
    if settings.slack_oauth:
        if socket_mode:
            raise ConfigError(messages.SERVE_OAUTH_SOCKET)
        if not settings.slack_signing_secret:
            raise ConfigError(messages.SERVE_OAUTH_NO_SIGNING_SECRET)
        return
    if not settings.slack_bot_token:
        raise ConfigError(messages.SERVE_NO_SLACK_TOKEN)
    if socket_mode and not settings.slack_app_token:
        raise ConfigError(messages.SERVE_NO_SLACK_APP_TOKEN)
    if not socket_mode and not settings.slack_signing_secret:
        raise ConfigError(messages.SERVE_NO_SIGNING_SECRET)


async def _log_error(error: Exception, body: dict[str, Any]) -> None:
    """Log what failed by type and ids only: never the text of a question."""
    log.error(
        "Slack listener failed: %s (type=%s event_id=%s)",
        type(error).__name__,
        body.get("type"),
        body.get("event_id"),
    )
