"""bot.serve.wiring: the one place the settings bag becomes core objects."""

from __future__ import annotations

from bot.serve.config import Settings
from bot.serve.wiring import escalation_service, people, slack_enabled
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
