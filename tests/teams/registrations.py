"""Two Teams bot registrations served by one deployment, for tests: each school's bot with
its own app id, tenant and credentials, tokens signed by the loopback JWKS
(tests/fakes/jwks.py), replies to the loopback fake connector, and outgoing tokens from
:class:`FakeConnections` (``token-for-<app id>``, so a test sees whose credentials a post
carried)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import requests
from microsoft_agents.hosting.core import AgentAuthConfiguration, ClaimsIdentity

from bot.answering.answerer import Answerer
from bot.chat.school_settings import SchoolSettingsAnswers
from bot.escalation.outbox import Outbox, PlatformNotifier
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.serve.wiring import admin_check, catalogue, escalation_service, teams_registry
from bot.store import Store
from bot.store.schools import SchoolRegistry
from bot.teams.guard import TokenPolicy
from bot.teams.registration import TeamsRegistration
from bot.teams.registrations import registrations_mount, registrations_notifier
from bot.teams.settings import TeamsSettings
from tests.conftest import CORPUS_DIR
from tests.fakes.clock import FakeClock
from tests.fakes.jwks import FakeIssuer
from tests.fakes.teams_connector import FakeTeamsConnector
from tests.slack.live import LiveServer

BOT_FRAMEWORK = "https://api.botframework.com"
APP_A = "5f0c4a9e-aaaa-4222-8333-944445555666"
APP_B = "6e1d5b0f-bbbb-4333-8444-a55556666777"
TENANT_A = "7d3c1f2e-0000-4000-8000-00000000a001"
TENANT_B = "7d3c1f2e-0000-4000-8000-00000000b002"
AAD = "0b1e2c3d-0000-4000-8000-0000000{}"
SCHOOL_A, SCHOOL_B = "kite-college", "knowsley-central-school"


def person(tag: str, name: str, n: int) -> dict[str, str]:
    return {"id": f"29:{tag}", "name": name, "aadObjectId": AAD.format(f"{n:05d}")}


STAFF_A, DSL_A = person("staff-a", "Sam A", 1), person("dsl-a", "Dana A", 2)
STAFF_B, DSL_B = person("staff-b", "Sam B", 11), person("dsl-b", "Dana B", 12)
ADMIN_A, ADMIN_B = person("admin-a", "Ada Admin", 3), person("admin-b", "Ben Admin", 13)
BOTS = (
    TeamsRegistration(APP_A, SCHOOL_A, "secret-a", TENANT_A, (ADMIN_A["aadObjectId"],)),
    TeamsRegistration(APP_B, SCHOOL_B, "secret-b", TENANT_B, (ADMIN_B["aadObjectId"],)),
)
QUESTION = "Can I use my personal social media accounts?"
PHONE_A, PHONE_B = "01111 100001", "02222 200002"
_ids = itertools.count(5000)


@dataclass(frozen=True)
class Bot:
    """One registration as the tests drive it."""

    app_id: str
    tenant: str
    school: str

    @property
    def account(self) -> dict[str, str]:
        return {"id": f"28:{self.app_id}", "name": "policybot"}


BOT_A, BOT_B = Bot(APP_A, TENANT_A, SCHOOL_A), Bot(APP_B, TENANT_B, SCHOOL_B)


def personal(bot: Bot, user: dict[str, str]) -> dict[str, Any]:
    return {"id": f"a:{bot.app_id[:4]}-{user['id']}", "conversationType": "personal",
            "tenantId": bot.tenant}  # fmt: skip


def activity(bot: Bot, url: str, user: dict[str, str], **fields: Any) -> dict[str, Any]:
    """An activity in ``user``'s 1:1 chat with ``bot``, as Teams sends it to that bot."""
    return {
        "id": f"act-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": url,
        "from": user,
        "recipient": bot.account,
        "conversation": personal(bot, user),
        "channelData": {"tenant": {"id": bot.tenant}},
        **fields,
    }


def message(bot: Bot, url: str, text: str, user: dict[str, str], **fields: Any) -> dict[str, Any]:
    return activity(bot, url, user, type="message", text=text, **fields)


def submit(bot: Bot, url: str, data: dict[str, Any], user: dict[str, str], **fields: Any) -> dict:
    return activity(bot, url, user, type="message", value=data, **fields)


def execute(bot: Bot, url: str, verb: str, data: dict[str, Any], user: dict[str, str]) -> dict:
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    return activity(bot, url, user, type="invoke", name="adaptiveCard/action", value=value)


class Signed(LiveServer):
    """The served app; each post carries a Bot Framework token minted by the loopback
    issuer for ``audience`` (by default the app id of the bot the activity is addressed to)."""

    issuer: FakeIssuer

    def post(
        self, activity: dict[str, Any], audience: str | None = None, tenant: str | None = None
    ) -> requests.Response:
        app_id = audience or activity["recipient"]["id"].removeprefix("28:")
        claims = {"iss": BOT_FRAMEWORK, "aud": app_id, "serviceurl": activity["serviceUrl"]}
        if tenant:
            claims["tid"] = tenant
        token = self.issuer.token(**claims)
        headers = {"Authorization": f"Bearer {token}"}
        return requests.post(f"{self.url}/api/messages", json=activity, headers=headers, timeout=10)


def loopback_policy(issuer: FakeIssuer):  # noqa: ANN201
    """Each registration's real token policy (its app id, its tenant), with the issuers' keys
    fetched from the loopback JWKS and the fake connector (http, 127.0.0.1) as Teams' host."""

    def policy_for(settings: TeamsSettings) -> TokenPolicy:
        real = TokenPolicy.for_bot(settings.microsoft_app_id, settings.microsoft_app_tenant_id)
        return replace(
            real,
            jwks={name: issuer.jwks_url for name in real.jwks},
            service_hosts=frozenset({"127.0.0.1"}),
            https_only=False,
        )

    return policy_for


class FakeTokens:
    """An access token provider that hands out ``token-for-<app id>`` (no Entra call)."""

    def __init__(self, app_id: str, tenant: str | None) -> None:
        self.app_id = app_id
        self._configuration = AgentAuthConfiguration(
            client_id=app_id, client_secret="x", tenant_id=tenant, anonymous_allowed=False
        )

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return f"token-for-{self.app_id}"

    def get_token_credential(self) -> Any:
        raise NotImplementedError


class FakeConnections:
    """The SDK's ``Connections`` for one registration, with :class:`FakeTokens`."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.tokens = FakeTokens(str(settings.microsoft_app_id), settings.microsoft_app_tenant_id)

    def get_connection(self, connection_name: str) -> FakeTokens:
        return self.tokens

    def get_default_connection(self) -> FakeTokens:
        return self.tokens

    def get_token_provider(self, claims_identity: ClaimsIdentity, service_url: str) -> FakeTokens:
        return self.tokens

    def get_token_provider_from_activity(self, claims_identity: Any, activity: Any) -> FakeTokens:
        return self.tokens

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self.tokens.configuration


@dataclass
class Deployment:
    server: Signed
    store: Store
    registry: SchoolRegistry
    outbox: Outbox
    answerer: SchoolSettingsAnswers


@pytest.fixture(name="issuer")
def issuer_fixture() -> Iterator[FakeIssuer]:
    with FakeIssuer() as fake:
        yield fake


@pytest.fixture(name="deployment")
def deployment_fixture(
    tmp_path, clock: FakeClock, issuer: FakeIssuer, corpus_index: Path
) -> Iterator[Deployment]:
    """Both bots served as ``policybot serve`` would, each school's DSL set in its settings."""
    settings = Settings(corpus_dir=CORPUS_DIR, teams_bots=BOTS)
    store = Store.open(f"sqlite:///{tmp_path / 'policybot.db'}", clock=clock)
    registry = teams_registry(store, settings)
    assert registry is not None
    registry.save_settings(SCHOOL_A, {"dsl_ids": [DSL_A["aadObjectId"]], "dsl_phone": PHONE_A})
    registry.save_settings(SCHOOL_B, {"dsl_ids": [DSL_B["aadObjectId"]], "dsl_phone": PHONE_B})
    answerer = SchoolSettingsAnswers(Answerer.from_index(corpus_index), registry)
    service = escalation_service(store, settings, registry=registry)
    policy_for = loopback_policy(issuer)
    mount = registrations_mount(
        settings,
        answerer,
        store,
        registry,
        escalations=service,
        is_admin=admin_check(settings, registry),
        policy_for=policy_for,
        connections_for=FakeConnections,
    )
    notifier = registrations_notifier(
        settings, store, registry, catalogue(answerer), FakeConnections, policy_for
    )
    outbox = Outbox(store, PlatformNotifier({"teams": notifier}), worker_id="t", clock=clock)
    with Signed(build_web_app(settings, answerer, mounts=[mount])) as server:
        server.issuer = issuer
        yield Deployment(server, store, registry, outbox, answerer)
    store.close()


def chat(teams: FakeTeamsConnector, bot: Bot, user: dict[str, str]) -> list:
    """Every call the bot made in ``user``'s 1:1 chat with ``bot``."""
    return teams.calls_to(personal(bot, user)["id"])
