"""The settings the Slack skin reads. ``bot.serve.config.Settings`` has them all; the skin
names only these, so it never depends on how or where settings are loaded."""

from __future__ import annotations

from typing import Protocol

from bot.chat.skin import ChatSettings


class SlackSettings(ChatSettings, Protocol):
    @property
    def slack_bot_token(self) -> str | None: ...

    @property
    def slack_signing_secret(self) -> str | None: ...

    @property
    def slack_app_token(self) -> str | None: ...

    @property
    def slack_api_url(self) -> str: ...

    @property
    def slack_client_id(self) -> str | None: ...

    @property
    def slack_client_secret(self) -> str | None: ...

    @property
    def slack_redirect_uri(self) -> str | None: ...

    @property
    def slack_oauth(self) -> bool: ...

    @property
    def dsl_channel_id(self) -> str | None: ...

    @property
    def dsl_user_ids(self) -> tuple[str, ...]: ...

    @property
    def headteacher_user_ids(self) -> tuple[str, ...]: ...

    @property
    def chair_user_ids(self) -> tuple[str, ...]: ...
