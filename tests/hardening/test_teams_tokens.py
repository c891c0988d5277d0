"""Teams authentication against forged tokens and activities, over real HTTP: tokens signed
by an RSA key whose JWKS is served on loopback (tests/fakes/jwks.py) in place of
Microsoft's, activities posted to ``/api/messages``, and a fake connector standing for the
attacker's server that must never be called with the bot's token."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

from bot import messages
from bot.errors import ConfigError
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.store import Store
from bot.teams.app import teams_mount
from bot.teams.auth import bind_host
from bot.teams.directory import Directory
from bot.teams.guard import (
    BOT_FRAMEWORK_ISSUERS,
    Refused,
    TokenPolicy,
    check_activity,
    check_token,
)
from tests.fakes.jwks import FakeIssuer
from tests.fakes.teams_connector import FakeTeamsConnector
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer
from tests.teams.activities import DSL, TENANT, message

APP_ID = "5f0c4a9e-1111-4222-8333-944445555666"
OTHER_TENANT = "99999999-0000-4000-8000-0000000000ff"
BOT_FRAMEWORK = "https://api.botframework.com"
TEAMS_URL = "https://smba.trafficmanager.net/uk/"


@pytest.fixture
def issuer() -> Iterator[FakeIssuer]:
    with FakeIssuer() as fake:
        yield fake


def policy_for(issuer: FakeIssuer, tenant: str | None = TENANT) -> TokenPolicy:
    """The bot's real policy, with every issuer's keys fetched from the loopback JWKS."""
    real = TokenPolicy.for_bot(APP_ID, tenant)
    return replace(real, jwks={name: issuer.jwks_url for name in real.jwks})


@pytest.fixture
def secured() -> Settings:
    return Settings(
        microsoft_app_id=APP_ID,
        microsoft_app_password="s3cret",
        microsoft_app_tenant_id=TENANT,
        teams_dsl_aad_ids=(DSL["aadObjectId"],),
    )


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'policybot.db'}")
    yield opened
    opened.close()


@pytest.fixture
def attacker() -> Iterator[FakeTeamsConnector]:
    with FakeTeamsConnector() as fake:
        yield fake


def serve(settings: Settings, store: Store, policy: TokenPolicy | None = None) -> LiveServer:
    mount = teams_mount(settings, store, policy=policy)
    return LiveServer(build_web_app(settings, StubAnswerer(), mounts=[mount]))


def post(server: LiveServer, activity: dict, token: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{server.url}/api/messages", json=activity, headers=headers, timeout=10)


def test_an_entra_token_from_another_tenant_is_refused(
    issuer: FakeIssuer, secured: Settings, store: Store, attacker: FakeTeamsConnector
) -> None:
    foreign = f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"
    activity = message(attacker.url, "setup dsl", user=DSL)
    token = issuer.token(
        iss=foreign, aud=APP_ID, tid=OTHER_TENANT, serviceurl=attacker.url
    )  # signed by the keys the JWKS serves
    with serve(secured, store, policy_for(issuer)) as server:
        response = post(server, activity, token)
    assert response.status_code == 401
    assert attacker.calls == []
    assert Directory(store).dsl_destination() is None  # "setup dsl" did not happen


def test_a_token_without_a_serviceurl_claim_is_refused(
    issuer: FakeIssuer, secured: Settings, store: Store, attacker: FakeTeamsConnector
) -> None:
    activity = message(attacker.url, "can I follow an ex-pupil on Instagram?")
    token = issuer.token(iss=BOT_FRAMEWORK, aud=APP_ID)  # genuine, but no serviceurl
    with serve(secured, store, policy_for(issuer)) as server:
        response = post(server, activity, token)
    assert response.status_code == 401
    assert issuer.fetches >= 1  # the signature was checked against the loopback JWKS
    assert attacker.calls == []  # the bot's token never went to the activity's serviceUrl


def test_a_serviceurl_other_than_the_tokens_is_refused(
    issuer: FakeIssuer, secured: Settings, store: Store, attacker: FakeTeamsConnector
) -> None:
    activity = message(attacker.url, "hello")
    token = issuer.token(iss=BOT_FRAMEWORK, aud=APP_ID, serviceurl=TEAMS_URL)
    with serve(secured, store, policy_for(issuer)) as server:
        assert post(server, activity, token).status_code == 401
    assert attacker.calls == []


@pytest.mark.parametrize(
    "url",
    [
        "https://attacker.blob.core.windows.net/x/",
        "https://evil.sharepoint.com/",
        "http://smba.trafficmanager.net/",
        "https://smba.trafficmanager.net.evil.test/",
        "https://smba.trafficmanager.net:8443/",
    ],
)
def test_a_serviceurl_off_microsofts_teams_hosts_is_refused_even_when_signed(
    issuer: FakeIssuer, secured: Settings, store: Store, url: str
) -> None:
    token = issuer.token(iss=BOT_FRAMEWORK, aud=APP_ID, serviceurl=url)
    with serve(secured, store, policy_for(issuer)) as server:
        assert post(server, message(url, "hello"), token).status_code == 401


def test_genuine_tokens_pass_every_check(issuer: FakeIssuer) -> None:
    """Bot Framework tokens, and the tenant's own Entra tokens for a single-tenant bot."""
    policy = policy_for(issuer)
    activity = message(TEAMS_URL, "hello")
    for iss in (
        BOT_FRAMEWORK,
        f"https://login.microsoftonline.com/{TENANT}/v2.0",
        f"https://sts.windows.net/{TENANT}/",
    ):
        token = issuer.token(iss=iss, aud=APP_ID, serviceurl=TEAMS_URL.rstrip("/"))
        claims = asyncio.run(check_token(f"Bearer {token}", policy))
        check_activity(activity, claims, policy)
    wrong_audience = issuer.token(iss=BOT_FRAMEWORK, aud="someone-else", serviceurl=TEAMS_URL)
    with pytest.raises(Refused):
        asyncio.run(check_token(f"Bearer {wrong_audience}", policy))
    assert set(BOT_FRAMEWORK_ISSUERS) <= set(policy.jwks)
    assert not any("blob.core" in h or "sharepoint" in h for h in policy.service_hosts)


def test_an_activity_from_another_tenant_is_refused_for_a_single_tenant_bot(
    issuer: FakeIssuer,
) -> None:
    policy = policy_for(issuer)
    activity = message(TEAMS_URL, "setup dsl", user=DSL)
    activity["channelData"]["tenant"]["id"] = OTHER_TENANT
    activity["conversation"]["tenantId"] = OTHER_TENANT
    token = issuer.token(iss=BOT_FRAMEWORK, aud=APP_ID, serviceurl=TEAMS_URL)
    claims = asyncio.run(check_token(f"Bearer {token}", policy))
    with pytest.raises(Refused, match="another tenant"):
        check_activity(activity, claims, policy)


def test_teams_without_credentials_does_not_start(store: Store) -> None:
    settings = Settings(teams_dsl_aad_ids=(DSL["aadObjectId"],))
    with pytest.raises(ConfigError) as error:
        build_web_app(settings, StubAnswerer(), mounts=[teams_mount(settings, store)])
    assert str(error.value) == messages.SERVE_TEAMS_NO_APP_ID


def test_anonymous_development_is_explicit_and_only_on_loopback(
    store: Store, attacker: FakeTeamsConnector
) -> None:
    dev = Settings(teams_dsl_aad_ids=(DSL["aadObjectId"],), teams_insecure_dev=True)
    assert bind_host(dev, "0.0.0.0") == "127.0.0.1"
    assert bind_host(replace(dev, microsoft_app_id=APP_ID), "0.0.0.0") == "0.0.0.0"
    with serve(dev, store) as server:
        off_machine = post(server, message("https://attacker.blob.core.windows.net/", "hi"))
        here = post(server, message(attacker.url, "can I follow an ex-pupil on Instagram?"))
    assert off_machine.status_code == 401
    assert here.status_code in (200, 202)


@pytest.mark.parametrize("field", ["aadObjectId", "id"])
def test_a_forged_id_never_reaches_a_log_line_or_the_database(
    store: Store, attacker: FakeTeamsConnector, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    dev = Settings(teams_dsl_aad_ids=(DSL["aadObjectId"],), teams_insecure_dev=True)
    forged = "x\n2026-12-03 INFO Teams DSL destination set by " + DSL["aadObjectId"]
    activity = message(attacker.url, "setup dsl", user=DSL | {field: forged})
    caplog.set_level(logging.DEBUG)
    with serve(dev, store) as server:
        response = post(server, activity)
    assert response.status_code == 400
    logged = [r.getMessage() for r in caplog.records]
    assert not any("x\n2026" in line or "DSL destination set" in line for line in logged)
    assert Directory(store).dsl_destination() is None
    assert attacker.calls == []


def test_teams_ids_in_settings_must_be_entra_ids(store: Store) -> None:
    settings = Settings(
        microsoft_app_id=APP_ID,
        microsoft_app_password="s",
        teams_dsl_aad_ids=("dana@school.example",),
    )
    with pytest.raises(ConfigError, match="TEAMS_DSL_AAD_IDS"):
        build_web_app(settings, StubAnswerer(), mounts=[teams_mount(settings, store)])
