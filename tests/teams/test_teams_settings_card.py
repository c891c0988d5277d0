"""The school's settings card in the admin's 1:1 chat, over real HTTP with two schools' bots
(tests/teams/registrations.py): "settings" shows it to the configured admin only, and Save
(Action.Execute) stores the values in the real SQLite registry, where the next answer reads
them; anyone else, or the other school's admin, is refused and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from bot import messages
from tests.chat_limits import adaptive_card_problems
from tests.fakes.teams_connector import FakeTeamsConnector
from tests.teams.activities import DSL, personal
from tests.teams.activities import message as single_message
from tests.teams.registrations import (
    ADMIN_A,
    ADMIN_B,
    BOT_A,
    DSL_A,
    PHONE_A,
    QUESTION,
    SCHOOL_A,
    STAFF_A,
    Bot,
    Deployment,
    chat,
    deployment_fixture,  # noqa: F401  (the "deployment" fixture)
    execute,
    issuer_fixture,  # noqa: F401  (the "issuer" fixture)
    message,
)
from tests.teams.test_teams_dsl_actions import CARD

NEW_DSL = "0b1e2c3d-0000-4000-8000-000000000077"
NEW_HEAD = "0b1e2c3d-0000-4000-8000-000000000078"
VALUES = {
    "name": "KITE College, Leeds",
    "dsl_ids": f"{NEW_DSL},{DSL_A['aadObjectId']}",
    "headteacher_ids": NEW_HEAD,
    "chair_ids": "",
    "dsl_phone": "0113 496 0000",
    "deputy_phone": "",
    "headteacher_phone": "0113 496 0001",
    "chair_phone": "",
    "retention_days": "30",
}


def show(deployment: Deployment, teams: FakeTeamsConnector, user: dict, bot: Bot = BOT_A):
    deployment.server.post(message(bot, teams.url, "settings", user))
    return chat(teams, bot, user)[-1]


def save(deployment: Deployment, teams: FakeTeamsConnector, user: dict, **data: Any) -> dict:
    """The invoke's answer to Save: ``{"type": ..., "value": card or sentence}``."""
    activity = execute(BOT_A, teams.url, "school_settings_save", data, user)
    response = deployment.server.post(activity)
    assert response.status_code == 200
    return response.json()


def inputs(card: dict) -> dict[str, dict]:
    return {item["id"]: item for item in card["body"] if item.get("id")}


def test_the_admin_sees_the_settings_card_with_the_slack_modals_fields(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    shown = show(deployment, teams, ADMIN_A)

    [card] = shown.cards()
    assert adaptive_card_problems(card) == [] and card["version"] == "1.5"
    fields = inputs(card)
    assert list(fields) == [
        "name",
        "dsl_ids",
        "headteacher_ids",
        "chair_ids",
        "dsl_phone",
        "deputy_phone",
        "headteacher_phone",
        "chair_phone",
        "retention_days",
    ]
    assert fields["name"]["value"] == "KITE College"
    assert fields["dsl_ids"]["value"] == DSL_A["aadObjectId"]
    assert fields["dsl_ids"]["choices.data"]["dataset"] == "graph.microsoft.com/users"
    assert fields["dsl_phone"]["value"] == PHONE_A
    assert messages.TEAMS_SETTINGS_DESTINATION_NONE in shown.shown()
    [save_action] = card["actions"]
    assert save_action["type"] == "Action.Execute"
    assert save_action["data"] == {"school": SCHOOL_A}


def test_the_admin_saves_and_the_next_answer_shows_the_new_contacts(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    answer = save(deployment, teams, ADMIN_A, school=SCHOOL_A, **VALUES)

    assert answer["type"] == CARD
    assert messages.TEAMS_SETTINGS_SAVED.format(school=VALUES["name"]) in str(answer["value"])
    school = deployment.registry.get(SCHOOL_A)
    assert school is not None and school.name == VALUES["name"]
    assert school.settings["dsl_ids"] == [NEW_DSL, DSL_A["aadObjectId"]]
    assert school.settings["headteacher_ids"] == [NEW_HEAD]
    assert school.settings["retention_days"] == 30
    assert school.settings["headteacher_phone"] == "0113 496 0001"
    deployment.registry.cache_seconds = 0  # as every worker sees it after the cache time
    deployment.server.post(message(BOT_A, teams.url, QUESTION, STAFF_A))
    shown = chat(teams, BOT_A, STAFF_A)[-1].shown()
    assert "0113 496 0000" in shown and PHONE_A not in shown


@pytest.mark.parametrize("user", [STAFF_A, ADMIN_B], ids=["staff", "other-schools-admin"])
def test_someone_not_this_schools_admin_is_refused_politely_and_nothing_changes(
    deployment: Deployment, teams: FakeTeamsConnector, user: dict
) -> None:
    before = deployment.registry.get(SCHOOL_A)

    shown = show(deployment, teams, user)  # to bot A, school A's
    answer = save(deployment, teams, user, school=SCHOOL_A, **VALUES)

    assert shown.body["text"] == messages.TEAMS_SETTINGS_NOT_ADMIN and not shown.cards()
    assert answer["value"] == messages.TEAMS_SETTINGS_NOT_ADMIN
    assert deployment.registry.get(SCHOOL_A) == before


def test_a_save_with_problems_keeps_the_values_and_saves_nothing(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    before = deployment.registry.get(SCHOOL_A)

    no_dsl = save(deployment, teams, ADMIN_A, school=SCHOOL_A, **{**VALUES, "dsl_ids": ""})
    bad_days = save(
        deployment, teams, ADMIN_A, school=SCHOOL_A, **{**VALUES, "retention_days": "0"}
    )

    assert messages.SETTINGS_NO_DSL in str(no_dsl["value"])
    assert messages.SETTINGS_RETENTION_RANGE in str(bad_days["value"])
    assert inputs(bad_days["value"])["name"]["value"] == VALUES["name"]  # what they typed
    assert deployment.registry.get(SCHOOL_A) == before


def test_the_first_person_to_message_a_new_bot_is_not_its_admin(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    first = deployment.registry.get(SCHOOL_A)
    assert first is not None and STAFF_A["aadObjectId"] not in first.admin_ids

    deployment.server.post(message(BOT_A, teams.url, "hello", STAFF_A))

    assert deployment.registry.get(SCHOOL_A).admin_ids == (ADMIN_A["aadObjectId"],)  # type: ignore[union-attr]


def test_with_one_bot_and_no_school_registry_settings_says_where_they_are_kept(
    server, teams: FakeTeamsConnector
) -> None:
    server.post(single_message(teams.url, "settings", user=DSL))

    [reply] = teams.calls_to(personal(DSL)["id"])
    assert reply.body["text"] == messages.TEAMS_SETTINGS_NOT_HERE
