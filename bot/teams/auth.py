"""Teams credentials: settings -> the SDK's auth configuration and adapter, and the bearer
token check in front of ``POST /api/messages``.

* ``MICROSOFT_APP_ID`` set: every request must carry a Bot Framework JWT for that app id
  (the SDK's :class:`JwtTokenValidator` checks signature, issuer, audience and expiry);
  a request without one, or with a bad one, gets 401. Replies use the app's credentials
  (``MICROSOFT_APP_PASSWORD``, ``MICROSOFT_APP_TENANT_ID``; MSAL), and serviceUrls are
  limited to Microsoft's hosts.
* no app id: anonymous, for local development only (Microsoft 365 Agents Playground,
  tests). :func:`warn_if_anonymous` says so loudly at start-up.
"""

from __future__ import annotations

import logging

from aiohttp import web
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    ClaimsIdentity,
    JwtTokenValidator,
    OutboundHostValidator,
)

from bot import messages
from bot.errors import ConfigError
from bot.teams.settings import TeamsSettings

log = logging.getLogger(__name__)
UNAUTHORIZED = {"error": "Unauthorized"}


def auth_configuration(settings: TeamsSettings) -> AgentAuthConfiguration:
    """The SDK's configuration for the bot's own identity (anonymous without an app id)."""
    if not settings.microsoft_app_id:
        return AgentAuthConfiguration(anonymous_allowed=True)
    if not settings.microsoft_app_password:
        raise ConfigError(messages.SERVE_NO_TEAMS_PASSWORD)
    return AgentAuthConfiguration(
        client_id=settings.microsoft_app_id,
        client_secret=settings.microsoft_app_password,
        tenant_id=settings.microsoft_app_tenant_id,
        anonymous_allowed=False,
    )


def build_connections(settings: TeamsSettings) -> MsalConnectionManager:
    """The bot's credentials for outgoing calls (MSAL; unused in anonymous mode)."""
    config = auth_configuration(settings)
    return MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": config})


def build_adapter(
    settings: TeamsSettings, connections: MsalConnectionManager | None = None
) -> CloudAdapter:
    """The adapter that turns requests into turns and sends replies through the connector."""
    connections = connections or build_connections(settings)
    validator = OutboundHostValidator(enabled=bool(settings.microsoft_app_id))
    return CloudAdapter(connection_manager=connections, host_validator=validator)


async def authorize(
    request: web.Request, config: AgentAuthConfiguration
) -> ClaimsIdentity | web.Response:
    """The caller's verified identity, or a 401 response (never saying why)."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        if config.ANONYMOUS_ALLOWED:
            return ClaimsIdentity()
        return _unauthorized("missing token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or not config.CLIENT_ID:
        return _unauthorized("malformed header")
    try:
        return await JwtTokenValidator(config).validate_token(token.strip())
    except Exception as exc:  # any failure to validate is a refusal
        return _unauthorized(type(exc).__name__)


def warn_if_anonymous(settings: TeamsSettings) -> None:
    if not settings.microsoft_app_id:
        log.warning(
            "!!! Teams endpoint /api/messages accepts ANONYMOUS requests: MICROSOFT_APP_ID is "
            "not set. This is for local development only; anyone who can reach this server "
            "can post to it as any user. Set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and "
            "MICROSOFT_APP_TENANT_ID before real use. !!!"
        )


def _unauthorized(reason: str) -> web.Response:
    log.warning("Teams request refused (401): %s", reason)
    return web.json_response(UNAUTHORIZED, status=401)
