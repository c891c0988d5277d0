"""What a request to ``POST /api/messages`` must prove before the SDK sees it.

* **The token** (:func:`check_token`): an RS256 JWT signed by a key from its issuer's JWKS,
  for this bot's app id (``aud``), from an issuer on :class:`TokenPolicy`'s list: the Bot
  Framework (public and US Government clouds) and, for a single-tenant bot
  (``MICROSOFT_APP_TENANT_ID``), that tenant's own Entra issuers. A token from any other
  issuer — another tenant's Entra token included — is refused before its signature is
  fetched.
* **The activity** (:func:`check_activity`): its ``serviceUrl`` is where replies go, with the
  bot's own token attached, so it must be HTTPS on one of Microsoft's documented Bot
  Framework hosts (:data:`SERVICE_HOSTS`) and equal the token's ``serviceurl`` claim; a token
  without that claim is refused. The sender, conversation and tenant ids must have the Teams
  and Entra formats, so nothing else reaches a log line or the database; for a single-tenant
  bot the activity must come from that tenant.
* **Anonymous local development** (``POLICYBOT_TEAMS_INSECURE_DEV=1``, no app id): no token,
  and the serviceUrl must be on this machine (the Agents Playground, the tests' fake).

Every refusal is a :class:`Refused` whose reason names the check, never a value from the
request.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import jwt

BOT_FRAMEWORK_ISSUERS = {  # issuer -> its signing keys (Bot Framework authentication docs)
    "https://api.botframework.com": "https://login.botframework.com/v1/.well-known/keys",
    "https://api.botframework.us": "https://login.botframework.azure.us/v1/.well-known/keys",
}
# Microsoft's documented Teams service URL hosts (Teams SDK "Service URL Validation"; Agents
# SDK TeamsServiceEndpoints): public, GCC, GCC High, DoD, and China (21Vianet).
SERVICE_HOSTS = frozenset(
    {
        "smba.trafficmanager.net",
        "smba.onyx.prod.teams.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
        "frontend.botapi.msg.infra.teams.microsoftonline.cn",
    }
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_CHANNEL_ID = re.compile(r"(?:[0-9]{1,2}:)?[A-Za-z0-9_.=+/-]{1,300}")  # 29:..., 28:<app id>
_CONVERSATION_ID = re.compile(r"[A-Za-z0-9_.:@;=+/-]{1,600}")  # a:..., 19:...@thread.tacv2


class Refused(Exception):
    """The request is refused; ``reason`` names the check that failed (safe to log)."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class TokenPolicy:
    """Who may call: the app id, the issuers (each with its JWKS URL), the serviceUrl hosts."""

    app_id: str | None
    tenant_id: str | None = None
    jwks: Mapping[str, str] = field(default_factory=lambda: dict(BOT_FRAMEWORK_ISSUERS))
    service_hosts: frozenset[str] = SERVICE_HOSTS
    anonymous: bool = False  # POLICYBOT_TEAMS_INSECURE_DEV=1 without an app id
    https_only: bool = True  # False only in tests: tokens checked, serviceUrl a loopback fake

    @classmethod
    def for_bot(
        cls, app_id: str | None, tenant_id: str | None, insecure_dev: bool = False
    ) -> TokenPolicy:
        """Bot Framework issuers, plus the tenant's own Entra issuers for a single-tenant bot."""
        jwks = dict(BOT_FRAMEWORK_ISSUERS)
        if tenant_id:
            keys = f"https://login.microsoftonline.com/{tenant_id}/discovery/v2.0/keys"
            jwks[f"https://login.microsoftonline.com/{tenant_id}/v2.0"] = keys
            jwks[f"https://sts.windows.net/{tenant_id}/"] = keys
        return cls(app_id, tenant_id, jwks, anonymous=insecure_dev and not app_id)


_clients: dict[str, jwt.PyJWKClient] = {}
_clients_lock = threading.Lock()


async def check_token(header: str, policy: TokenPolicy) -> dict[str, Any]:
    """The verified claims of the ``Authorization: Bearer`` token, or Refused."""
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or not policy.app_id:
        raise Refused("malformed header")
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        key_id = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise Refused("malformed token") from None
    uri = policy.jwks.get(issuer) if isinstance(issuer, str) else None
    if uri is None:
        raise Refused("issuer not accepted")
    if not isinstance(key_id, str):
        raise Refused("malformed token")
    try:
        key = await asyncio.to_thread(_client(uri).get_signing_key, key_id)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=policy.app_id,
            issuer=issuer,
            leeway=300,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise Refused(f"token not valid ({type(error).__name__})") from None
    if policy.tenant_id and claims.get("tid") not in (None, policy.tenant_id):
        raise Refused("token from another tenant")
    return claims


def _client(uri: str) -> jwt.PyJWKClient:
    with _clients_lock:
        if uri not in _clients:
            _clients[uri] = jwt.PyJWKClient(uri, cache_keys=True, timeout=10)
        return _clients[uri]


def check_activity(activity: Any, claims: Mapping[str, Any] | None, policy: TokenPolicy) -> None:
    """Refused unless the activity's serviceUrl and ids are acceptable (see the module)."""
    if not isinstance(activity, dict):
        raise Refused("not an activity", status=400)
    service_url = activity.get("serviceUrl")
    if not isinstance(service_url, str) or not service_url:
        raise Refused("no serviceUrl", status=400)
    if policy.anonymous:
        if _host(service_url, secure=False) not in LOOPBACK_HOSTS:
            raise Refused("anonymous development answers only a serviceUrl on this machine")
    else:
        claimed = (claims or {}).get("serviceurl")
        if not isinstance(claimed, str) or not claimed:
            raise Refused("token has no serviceurl claim")
        if _normal(claimed) != _normal(service_url):
            raise Refused("serviceUrl differs from the token's")
        if _host(service_url, secure=policy.https_only) not in policy.service_hosts:
            raise Refused("serviceUrl host not allowed")
    _check_ids(activity, policy)


def _check_ids(activity: dict[str, Any], policy: TokenPolicy) -> None:
    for role in ("from", "recipient"):
        person = activity.get(role) or {}
        if not isinstance(person, dict):
            raise Refused(f"{role} is not an account", status=400)
        if person.get("id") is not None and not _matches(_CHANNEL_ID, person["id"]):
            raise Refused(f"{role}.id is not a Teams id", status=400)
        aad = person.get("aadObjectId")
        if aad is not None and not _matches(_GUID, aad):
            raise Refused(f"{role}.aadObjectId is not an Entra object id", status=400)
    conversation = activity.get("conversation") or {}
    if not isinstance(conversation, dict):
        raise Refused("conversation is not an object", status=400)
    if conversation.get("id") is not None and not _matches(_CONVERSATION_ID, conversation["id"]):
        raise Refused("conversation.id is not a Teams id", status=400)
    tenants = {t for t in _tenants(activity, conversation) if t is not None}
    if any(not _matches(_GUID, t) for t in tenants):
        raise Refused("tenant id is not an Entra tenant id", status=400)
    if policy.tenant_id and any(t.lower() != policy.tenant_id.lower() for t in tenants):
        raise Refused("activity from another tenant")


def _tenants(activity: dict[str, Any], conversation: dict[str, Any]) -> list[Any]:
    data = activity.get("channelData")
    tenant = (data.get("tenant") if isinstance(data, dict) else None) or {}
    return [conversation.get("tenantId"), tenant.get("id") if isinstance(tenant, dict) else tenant]


def is_entra_id(value: object) -> bool:
    """An Entra (AAD) object or tenant id: a GUID."""
    return _matches(_GUID, value)


def _matches(pattern: re.Pattern[str], value: object) -> bool:
    return isinstance(value, str) and pattern.fullmatch(value) is not None


def _host(url: str, secure: bool) -> str:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    if secure and (parts.scheme != "https" or port not in (None, 443)):
        return ""
    if parts.username or parts.password:
        return ""
    return (parts.hostname or "").lower()


def _normal(url: str) -> str:
    return url.strip().rstrip("/").lower()
