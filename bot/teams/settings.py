"""The settings the Teams skin reads. ``bot.serve.config.Settings`` has them all; the skin
names only these, so it never depends on how or where settings are loaded."""

from __future__ import annotations

from typing import Protocol

from bot.chat.skin import ChatSettings
from bot.teams.registration import TeamsRegistration


class TeamsSettings(ChatSettings, Protocol):
    @property
    def microsoft_app_id(self) -> str | None: ...

    @property
    def microsoft_app_password(self) -> str | None: ...

    @property
    def microsoft_app_tenant_id(self) -> str | None: ...

    @property
    def teams_dsl_aad_ids(self) -> tuple[str, ...]: ...

    @property
    def teams_headteacher_aad_ids(self) -> tuple[str, ...]: ...

    @property
    def teams_chair_aad_ids(self) -> tuple[str, ...]: ...

    @property
    def database_url(self) -> str: ...

    @property
    def teams_insecure_dev(self) -> bool: ...

    @property
    def teams_bots(self) -> tuple[TeamsRegistration, ...]: ...
