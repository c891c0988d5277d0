"""bot.serve.wiring: the one place the settings bag becomes core objects."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.serve.config import Settings, load_settings
from bot.serve.wiring import admin_check, escalation_service, people, slack_enabled
from tests.fakes.concerns import make_report


def test_people_hold_each_role_on_both_platforms_once() -> None:
    settings = Settings(
        dsl_user_ids=("UDSL", "UDEP"),
        teams_dsl_aad_ids=("0b1e2c3d-0000-4000-8000-000000000002", "UDSL"),
        teams_headteacher_aad_ids=("0b1e2c3d-0000-4000-8000-000000000003",),
        chair_user_ids=("UCHAIR",),
    )
    who = people(settings)
    assert who.holders("dsl") == ("UDSL", "UDEP", "0b1e2c3d-0000-4000-8000-000000000002")
    assert who.holders("headteacher") == ("0b1e2c3d-0000-4000-8000-000000000003",)
    assert who.holders("chair") == ("UCHAIR",)


def test_on_a_teams_only_school_the_teams_people_may_act(store, clock) -> None:
    settings = Settings(
        teams_dsl_aad_ids=("0b1e2c3d-0000-4000-8000-000000000002",),
        teams_headteacher_aad_ids=("0b1e2c3d-0000-4000-8000-000000000003",),
    )
    service = escalation_service(store, settings, clock)
    concern = service.submit(
        make_report(platform="teams", reporter_id="0b1e2c3d-0000-4000-8000-000000000001")
    )
    staff = service.submit(make_report(platform="teams", about_staff="staff"))

    assert service.recipients(staff) == ("0b1e2c3d-0000-4000-8000-000000000003",)
    assert service.can_act("0b1e2c3d-0000-4000-8000-000000000003", staff) and not service.can_act(
        "0b1e2c3d-0000-4000-8000-000000000003", concern
    )
    assert (
        service.claim(concern.ref, "0b1e2c3d-0000-4000-8000-000000000002").claimed_by
        == "0b1e2c3d-0000-4000-8000-000000000002"
    )


def test_slack_is_served_unless_only_teams_is_configured() -> None:
    assert slack_enabled(Settings())  # nothing set: doctor and serve say what is missing
    assert slack_enabled(
        Settings(
            slack_bot_token="xoxb-1", teams_dsl_aad_ids=("0b1e2c3d-0000-4000-8000-000000000002",)
        )
    )
    assert not slack_enabled(Settings(teams_dsl_aad_ids=("0b1e2c3d-0000-4000-8000-000000000002",)))


def test_a_schools_admin_is_one_of_its_own_dsls_else_the_settings_dsls(tmp_path) -> None:
    school = tmp_path / "oak-primary"
    school.mkdir()
    (school / "school.toml").write_text(
        '[escalation.slack]\ndsl_user_ids = ["U0OAKDSL"]\n'
        '[escalation.teams]\ndsl_user_ids = ["0b1e2c3d-0000-4000-8000-00000000oak0"]\n'
    )
    settings = Settings(corpus_dir=tmp_path, dsl_user_ids=("UDSL",), teams_dsl_aad_ids=("AAD1",))
    is_admin = admin_check(settings)

    assert is_admin("oak-primary", "U0OAKDSL")
    assert is_admin("oak-primary", "0b1e2c3d-0000-4000-8000-00000000oak0")
    assert not is_admin("oak-primary", "UDSL")  # its own DSLs replace the global ones
    assert is_admin("elm-academy", "UDSL") and is_admin(None, "AAD1")
    assert not is_admin("elm-academy", "U0OAKDSL") and not is_admin("elm-academy", "")


def test_the_unanswered_sample_is_off_unless_the_setting_is_1() -> None:
    assert not load_settings({}, dotenv=False).unanswered_sample
    assert load_settings({"POLICYBOT_UNANSWERED_SAMPLE": "1"}, dotenv=False).unanswered_sample
    assert not load_settings({"POLICYBOT_UNANSWERED_SAMPLE": "0"}, dotenv=False).unanswered_sample
    with pytest.raises(ConfigError, match="POLICYBOT_UNANSWERED_SAMPLE"):
        load_settings({"POLICYBOT_UNANSWERED_SAMPLE": "yes"}, dotenv=False)
