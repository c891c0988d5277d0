"""One Teams bot registration as configured (no SDK here: ``bot.serve.config`` reads it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TeamsRegistration:
    """One Azure Bot registration served by this deployment, bound to one school
    (POLICYBOT_TEAMS_BOTS, with MICROSOFT_APP_PASSWORD_<SLUG> and friends)."""

    app_id: str
    school: str
    password: str
    tenant_id: str | None = None
    admins: tuple[str, ...] = ()  # Entra object ids: the school's admins (settings card)
