"""POLICYBOT_TEAMS_BOTS: several Teams bot registrations, each bound to a school, read and
checked at start with sentences naming the variable to fix; and ``build_runtime`` serving
them (each recorded in the school registry, /api/messages refusing an unsigned request)."""

from __future__ import annotations

import pytest
import requests

from bot.errors import ConfigError
from bot.serve.config import load_settings
from bot.serve.runtime import build_runtime
from bot.store.schools import SchoolRegistry
from bot.teams.auth import bind_host
from bot.teams.doctor import teams_checks
from bot.teams.registration import TeamsRegistration
from bot.teams.registrations import RegistrationsNotifier, record_registrations
from tests.conftest import CORPUS_DIR
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer

APP_A = "5f0c4a9e-aaaa-4222-8333-944445555666"
APP_B = "6e1d5b0f-bbbb-4333-8444-a55556666777"
TENANT = "7d3c1f2e-0000-4000-8000-00000000a001"
ADMIN = "0b1e2c3d-0000-4000-8000-000000000003"
TWO = {
    "POLICYBOT_TEAMS_BOTS": f"{APP_A}=kite-college, {APP_B}=knowsley-central-school",
    "MICROSOFT_APP_PASSWORD_KITE_COLLEGE": "secret-a",
    "MICROSOFT_APP_PASSWORD_KNOWSLEY_CENTRAL_SCHOOL": "secret-b",
    "MICROSOFT_APP_TENANT_ID": TENANT,
    "POLICYBOT_TEAMS_ADMINS_KITE_COLLEGE": ADMIN,
}


def test_two_bots_are_read_with_their_own_secrets_tenants_and_admins() -> None:
    other_tenant = "7d3c1f2e-0000-4000-8000-00000000b002"
    env = {**TWO, "MICROSOFT_APP_TENANT_ID_KNOWSLEY_CENTRAL_SCHOOL": other_tenant}

    settings = load_settings(env)

    assert settings.teams_bots == (
        TeamsRegistration(APP_A, "kite-college", "secret-a", TENANT, (ADMIN,)),
        TeamsRegistration(APP_B, "knowsley-central-school", "secret-b", other_tenant, ()),
    )
    assert settings.microsoft_app_id is None  # the single-bot mode is not on


def test_without_the_variable_the_single_bot_mode_is_as_before() -> None:
    settings = load_settings({"MICROSOFT_APP_ID": APP_A, "MICROSOFT_APP_PASSWORD": "s"})

    assert settings.teams_bots == () and settings.microsoft_app_id == APP_A


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"POLICYBOT_TEAMS_BOTS": "kite-college"}, "POLICYBOT_TEAMS_BOTS must look like"),
        ({"POLICYBOT_TEAMS_BOTS": "not-a-guid=kite-college"}, "POLICYBOT_TEAMS_BOTS: 'not-a-guid'"),
        ({"POLICYBOT_TEAMS_BOTS": f"{APP_A}=Kite College"}, "is not a school slug"),
        ({"POLICYBOT_TEAMS_BOTS": f"{APP_A}=kite-college,{APP_A}=other"}, "app id"),
        ({"POLICYBOT_TEAMS_BOTS": f"{APP_A}=kite-college,{APP_B}=kite-college"}, "two bots"),
        ({"MICROSOFT_APP_PASSWORD_KITE_COLLEGE": ""}, "MICROSOFT_APP_PASSWORD_KITE_COLLEGE"),
        ({"MICROSOFT_APP_TENANT_ID": "kite.ac.uk"}, "MICROSOFT_APP_TENANT_ID must be"),
        ({"MICROSOFT_APP_TENANT_ID_KITE_COLLEGE": "x"}, "MICROSOFT_APP_TENANT_ID_KITE_COLLEGE"),
        (
            {"POLICYBOT_TEAMS_ADMINS_KITE_COLLEGE": "ada@kite"},
            "POLICYBOT_TEAMS_ADMINS_KITE_COLLEGE",
        ),
        ({"MICROSOFT_APP_ID": APP_A}, "not both"),
    ],
)
def test_a_mistake_is_a_sentence_naming_the_variable(change: dict, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("(", r"\(")):
        load_settings({**TWO, **change})


def test_serve_records_each_bot_and_serves_them_at_api_messages(tmp_path) -> None:
    env = {**TWO, "DATABASE_URL": f"sqlite:///{tmp_path / 'policybot.db'}"}
    env["POLICYBOT_CORPUS"] = str(CORPUS_DIR)
    runtime = build_runtime(load_settings(env), StubAnswerer(), slack=False)
    try:
        assert runtime.registry is not None
        kite = runtime.registry.by_teams_app(APP_A)
        assert kite is not None and (kite.slug, kite.name) == ("kite-college", "KITE College")
        assert kite.admin_ids == (ADMIN,)
        assert runtime.registry.get("knowsley-central-school").teams_app_id == APP_B  # type: ignore[union-attr]
        assert isinstance(runtime.outbox.notifier.notifiers["teams"], RegistrationsNotifier)  # type: ignore[attr-defined]
        activity = {"type": "message", "recipient": {"id": f"28:{APP_A}"}, "text": "hi"}
        with LiveServer(runtime.web_app()) as live:
            response = requests.post(f"{live.url}/api/messages", json=activity, timeout=10)
        assert response.status_code == 401  # no token for bot A: refused
    finally:
        runtime.close()


def test_doctor_checks_each_bot_and_serve_listens_on_every_address() -> None:
    settings = load_settings(TWO)

    checks = teams_checks(settings)

    assert [c.level for c in checks] == ["ok", "warn"]  # kite-college has an admin
    assert "POLICYBOT_TEAMS_ADMINS_KNOWSLEY_CENTRAL_SCHOOL" in checks[1].text
    assert bind_host(settings, "0.0.0.0") == "0.0.0.0"  # signed requests only: not loopback


def test_the_configured_admins_are_the_whole_list_of_a_schools_teams_admins(store) -> None:
    registry = SchoolRegistry(store)
    registry.create_for_install("T0KITE", "KITE College", "U0INSTALLER", slug="kite-college")
    registry.add_admin("kite-college", "0b1e2c3d-0000-4000-8000-0000000000aa")  # listed before
    settings = load_settings(TWO)

    record_registrations(settings, registry)

    kite = registry.get("kite-college")
    assert kite is not None and kite.admin_ids == ("U0INSTALLER", ADMIN)  # the Slack one kept
    assert kite.teams_app_id == APP_A and kite.slack_team_id == "T0KITE"
