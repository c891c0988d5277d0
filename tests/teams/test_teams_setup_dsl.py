"""Issue 15, failure 4: Teams ``@policybot setup dsl`` is accepted only in a private channel
or a group chat whose members (asked of the roster API on the fake Bot Connector) are all
listed DSLs; anywhere else it says why and changes nothing. When it succeeds, every other
DSL is told where concerns now go."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot import messages
from bot.serve.config import Settings
from tests.teams.activities import (
    CHANNEL,
    DSL,
    ONLY_DSLS,
    STAFF,
    channel,
    message,
    personal,
)

OTHER_DSL = {
    "id": "29:dsl2",
    "name": "Dev Deputy",
    "aadObjectId": "0b1e2c3d-0000-4000-8000-000000000004",
}
GROUP = {"id": "19:group-chat@thread.v2", "conversationType": "groupChat", "name": "DSLs"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(
        settings,
        teams_dsl_aad_ids=(
            "0b1e2c3d-0000-4000-8000-000000000002",
            "0b1e2c3d-0000-4000-8000-000000000004",
        ),
    )


def test_setup_dsl_in_the_general_channel_is_refused_and_says_why(server, teams) -> None:
    teams.rosters[CHANNEL] = [*ONLY_DSLS, STAFF, OTHER_DSL]
    server.post(message(teams.url, "setup dsl", user=DSL, conversation=channel(CHANNEL)))
    [reply] = teams.calls_to(channel()["id"])
    assert reply.body["text"] == messages.TEAMS_SETUP_NOT_ONLY_DSLS.format(count=1)


def test_setup_dsl_in_a_one_to_one_chat_is_refused(server, teams) -> None:
    server.post(message(teams.url, "setup dsl", user=DSL, conversation=personal(DSL)))
    [reply] = teams.calls_to(personal(DSL)["id"])
    assert reply.body["text"] == messages.TEAMS_SETUP_PERSONAL


def test_setup_dsl_without_a_roster_is_refused(server, teams) -> None:
    server.post(message(teams.url, "setup dsl", user=DSL, conversation=GROUP))
    [reply] = teams.calls_to(GROUP["id"], "reply") or teams.calls_to(GROUP["id"], "send")
    assert reply.body["text"] == messages.TEAMS_SETUP_ROSTER_FAILED


def test_setup_dsl_in_a_dsl_only_group_chat_succeeds_and_tells_the_other_dsls(
    server, teams
) -> None:
    server.post(message(teams.url, "hello", user=OTHER_DSL, conversation=personal(OTHER_DSL)))
    teams.rosters[GROUP["id"]] = [*ONLY_DSLS, OTHER_DSL]
    server.post(message(teams.url, "setup dsl", user=DSL, conversation=GROUP))
    [roster, done] = teams.calls_to(GROUP["id"])
    assert roster.kind == "members"
    assert done.body["text"] == messages.TEAMS_SETUP_DONE
    told = teams.calls_to(personal(OTHER_DSL)["id"], "send")[-1]
    assert "Dana DSL" in told.body["text"] and '"DSLs"' in told.body["text"]
    assert not teams.calls_to(personal(DSL)["id"], "send")  # the one who set it up is not told
