"""Teams credentials: settings -> the SDK's auth configuration and adapter, and the bearer
token check in front of ``POST /api/messages``.

* ``MICROSOFT_APP_ID`` set: every request must carry a JWT for that app id from an accepted
  issuer, and its activity a serviceUrl on Microsoft's Teams hosts equal to the token's
  ``serviceurl`` claim (:mod:`bot.teams.guard`); anything else gets 401 (400 for malformed
  ids). Replies use the app's credentials (``MICROSOFT_APP_PASSWORD``,
  ``MICROSOFT_APP_TENANT_ID``; MSAL) and go only to those hosts.
* no app id: refused at start, unless ``POLICYBOT_TEAMS_INSECURE_DEV=1`` asks for anonymous
  local development (Microsoft 365 Agents Playground, tests): then ``serve`` listens on
  127.0.0.1 only (:func:`bind_host`), activities must name a serviceUrl on this machine, and
  :func:`warn_if_anonymous` says so loudly at start-up.
"""

from __future__ import annotations

import logging

from aiohttp import web
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentAuthConfiguration,
    ClaimsIdentity,
    Connections,
    OutboundHostValidator,
)

from bot import messages
from bot.errors import ConfigError
from bot.teams.guard import Refused, TokenPolicy, check_activity, check_token, is_entra_id
from bot.teams.settings import TeamsSettings

log = logging.getLogger(__name__)
UNAUTHORIZED = {"error": "Unauthorized"}


def auth_configuration(settings: TeamsSettings) -> AgentAuthConfiguration:
    """The SDK's configuration for the bot's own identity (anonymous without an app id)."""
    check_teams_ids(settings)
    if not settings.microsoft_app_id:
        if not settings.teams_insecure_dev:
            raise ConfigError(messages.SERVE_TEAMS_NO_APP_ID)
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


def token_policy(settings: TeamsSettings) -> TokenPolicy:
    """Who may call ``/api/messages`` with these settings (see :mod:`bot.teams.guard`)."""
    return TokenPolicy.for_bot(
        settings.microsoft_app_id, settings.microsoft_app_tenant_id, settings.teams_insecure_dev
    )


def build_adapter(
    settings: TeamsSettings,
    connections: Connections | None = None,
    policy: TokenPolicy | None = None,
) -> CloudAdapter:
    """The adapter that turns requests into turns and sends replies through the connector;
    with credentials, replies go only to the policy's serviceUrl hosts."""
    connections = connections or build_connections(settings)
    policy = policy or token_policy(settings)
    validator = OutboundHostValidator(
        sorted(policy.service_hosts),
        enabled=not policy.anonymous and policy.https_only,  # the SDK's check is https only
        include_default_microsoft_hosts=False,
        allow_private_network_addresses=policy.anonymous,
    )
    return CloudAdapter(connection_manager=connections, host_validator=validator)


async def authorize(request: web.Request, policy: TokenPolicy) -> ClaimsIdentity | web.Response:
    """The caller's verified identity, or a 401/400 response (never saying why)."""
    header = request.headers.getall("Authorization", [])
    try:
        if len(header) > 1:
            raise Refused("more than one Authorization header")
        claims = None
        if not policy.anonymous or header:
            claims = await check_token(header[0] if header else "", policy)
        try:
            activity = await request.json()
        except ValueError:
            raise Refused("body is not JSON", status=400) from None
        check_activity(activity, claims, policy)
    except Refused as refused:
        return _refused(refused)
    if claims is None:
        return ClaimsIdentity()
    return ClaimsIdentity(
        claims, authentication_type="Bearer", security_token=header[0].partition(" ")[2].strip()
    )


def check_teams_ids(settings: TeamsSettings) -> None:
    """ConfigError naming the setting when a TEAMS_*_AAD_IDS entry is not an Entra id."""
    for name, ids in (
        ("TEAMS_DSL_AAD_IDS", settings.teams_dsl_aad_ids),
        ("TEAMS_HEADTEACHER_AAD_IDS", settings.teams_headteacher_aad_ids),
        ("TEAMS_CHAIR_AAD_IDS", settings.teams_chair_aad_ids),
    ):
        if any(not is_entra_id(value) for value in ids):
            raise ConfigError(messages.SERVE_TEAMS_BAD_AAD_ID.format(name=name))
    tenant = settings.microsoft_app_tenant_id
    if tenant and not is_entra_id(tenant):
        raise ConfigError(messages.SERVE_TEAMS_BAD_TENANT)


def bind_host(settings: TeamsSettings, host: str) -> str:
    """Where ``serve`` listens: 127.0.0.1 whatever was asked when Teams is anonymous."""
    from bot.teams import teams_enabled

    anonymous = not (settings.microsoft_app_id or settings.teams_bots)
    if teams_enabled(settings) and anonymous and host != "127.0.0.1":
        log.warning(
            "Teams is anonymous (POLICYBOT_TEAMS_INSECURE_DEV=1): listening on "
            "127.0.0.1 only, not %s",
            host,
        )
        return "127.0.0.1"
    return host


def warn_if_anonymous(settings: TeamsSettings) -> None:
    if not settings.microsoft_app_id:
        log.warning(
            "!!! Teams endpoint /api/messages accepts ANONYMOUS requests "
            "(POLICYBOT_TEAMS_INSECURE_DEV=1, MICROSOFT_APP_ID not set). This is for local "
            "development only: serve listens on 127.0.0.1. Set MICROSOFT_APP_ID, "
            "MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID before real use. !!!"
        )


def refuse(refused: Refused) -> web.Response:
    """The response to a check failed outside :func:`authorize` (its reason is logged, never
    sent)."""
    return _refused(refused)


def _refused(refused: Refused) -> web.Response:
    log.warning("Teams request refused (%s): %s", refused.status, refused.reason)
    if refused.status == 400:
        return web.json_response({"error": "Bad Request"}, status=400)
    return web.json_response(UNAUTHORIZED, status=401)
