"""``policybot doctor`` for Teams: the app registration's settings checked against each
other, the DSLs listed, and whether a DSL has chosen the conversation concerns go to (a
real "setup dsl" over HTTP, read back from the real SQLite store) — only when Teams is
configured, and without the Slack checks for a Teams-only school."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from bot import messages
from bot.chat.check import Check
from bot.cli.doctor import run_checks
from bot.cli.serve import doctor
from bot.serve.config import Settings
from bot.teams.doctor import credential_checks, people_checks, teams_checks
from tests.teams.activities import DSL, DSL_CHANNEL, ONLY_DSLS, channel, message

APP_ID = "5f0c4a9e-1111-4222-8333-944445555666"
TENANT_ID = "0a1b2c3d-4444-4555-8666-777788889999"
SECRET = "s3cret-value"


@pytest.fixture
def configured(settings: Settings, tmp_path: Path) -> Settings:
    """A complete Teams-only school, its database the one the ``server`` fixture writes."""
    return replace(
        settings,
        microsoft_app_id=APP_ID,
        microsoft_app_password=SECRET,
        microsoft_app_tenant_id=TENANT_ID,
        database_url=f"sqlite:///{tmp_path / 'policybot.db'}",
    )


def texts(checks: list[Check], level: str | None = None) -> list[str]:
    return [c.text for c in checks if level in (None, c.level)]


def test_a_complete_teams_setup_passes_once_a_dsl_has_run_setup_dsl(configured, server, teams):
    before = teams_checks(configured)
    assert texts(before, "fail") == []
    assert messages.DOCTOR_TEAMS_NO_DESTINATION in texts(before, "warn")

    teams.rosters[DSL_CHANNEL] = ONLY_DSLS
    server.post(message(teams.url, "setup dsl", user=DSL, conversation=channel(DSL_CHANNEL)))

    after = teams_checks(configured)
    assert [c.level for c in after] == ["ok", "ok", "ok"]
    assert texts(after) == [
        messages.DOCTOR_TEAMS_CREDENTIALS_OK.format(app_id=APP_ID, tenant=TENANT_ID),
        messages.DOCTOR_TEAMS_DSLS_OK.format(count=1),
        messages.DOCTOR_TEAMS_DESTINATION_OK.format(conversation=DSL_CHANNEL),
    ]


def test_a_password_without_an_app_id_or_an_app_id_without_a_password_fails(configured):
    no_id = replace(configured, microsoft_app_id=None)
    assert texts(credential_checks(no_id)) == [
        messages.DOCTOR_TEAMS_APP_ID_MISSING.format(
            set_names="MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID are"
        )
    ]
    no_password = replace(configured, microsoft_app_password=None)
    assert texts(credential_checks(no_password), "fail") == [messages.DOCTOR_TEAMS_PASSWORD_MISSING]
    no_tenant = replace(configured, microsoft_app_tenant_id=None)
    assert texts(credential_checks(no_tenant)) == [messages.DOCTOR_TEAMS_TENANT_MISSING]
    assert [c.level for c in credential_checks(no_tenant)] == ["warn"]


def test_no_app_id_at_all_is_anonymous_and_fails(settings):
    assert texts(credential_checks(settings), "fail") == [messages.DOCTOR_TEAMS_ANONYMOUS]


def test_an_app_id_that_is_not_a_guid_is_pointed_out(configured):
    odd = replace(configured, microsoft_app_id="my-bot")
    assert messages.DOCTOR_TEAMS_APP_ID_ODD.format(app_id="my-bot") in texts(
        credential_checks(odd), "warn"
    )


def test_missing_teams_dsls_headteacher_or_chair_fail(configured):
    nobody = replace(
        configured, teams_dsl_aad_ids=(), teams_headteacher_aad_ids=(), teams_chair_aad_ids=()
    )
    checks = people_checks(nobody)
    assert [(c.level, c.text) for c in checks] == [
        ("fail", messages.DOCTOR_TEAMS_NO_DSLS),
        ("fail", messages.DOCTOR_TEAMS_NO_HEADTEACHER),
        ("fail", messages.DOCTOR_TEAMS_NO_CHAIR),
    ]


def test_an_unusable_database_is_said_not_crashed_on(configured, tmp_path):
    broken = replace(configured, database_url=f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")
    (tmp_path / "no").write_text("a file where a folder should be")
    assert teams_checks(broken)[-1] == Check("warn", messages.DOCTOR_TEAMS_DESTINATION_UNKNOWN)


def test_doctor_for_a_teams_only_school_skips_slack_and_never_prints_the_secret(configured):
    result = CliRunner().invoke(
        click.Group(commands={"doctor": doctor}), ["doctor"], obj=configured
    )
    assert messages.DOCTOR_SLACK_OFF in result.output
    assert messages.DOCTOR_TOKEN_MISSING not in result.output
    assert messages.DOCTOR_NO_DSL_USERS not in result.output
    assert messages.DOCTOR_TEAMS_DSLS_OK.format(count=1) in result.output
    assert SECRET not in result.output


def test_a_slack_only_school_gets_no_teams_checks(tmp_path):
    slack_only = Settings(
        slack_bot_token="xoxb-1",
        slack_api_url="http://127.0.0.1:9/api/",
        database_url=f"sqlite:///{tmp_path / 'db'}",
        index_path=tmp_path / "none",
    )
    shown = texts(run_checks(slack_only))
    assert not [text for text in shown if text.startswith("Teams")]
    assert messages.DOCTOR_SLACK_OFF not in shown


def test_doctor_says_the_database_cannot_be_opened_rather_than_crashing(configured, tmp_path):
    (tmp_path / "no").write_text("a file where a folder should be")
    broken = replace(configured, database_url=f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")
    shown = texts(run_checks(broken), "fail")
    assert messages.DOCTOR_DB_FAILED in shown
