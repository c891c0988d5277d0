"""Issue 18's end-to-end test: two workspaces install policybot by OAuth, each admin sets
their DSL in App Home and sends a policy PDF by DM, staff in each workspace get answers only
from their own school's policies, and a concern from each reaches only its own DSL channel.

Everything is served as ``policybot serve`` serves it: the real runtime (Answerer, school
library, outbox) on a real SQLite file and data directory, over loopback HTTP, against the
fake Slack Web API, which issues one bot token per workspace."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.answering.answerer import Answerer
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from indexer.build import index_from_passages
from tests.builders import make_passage
from tests.fakes.slack_api import FakeSlackAPI
from tests.policies.docs import LUNCH_CLAUSE, PHONE_CLAUSE, pdf_bytes
from tests.slack import test_escalation_flow as flow
from tests.slack.live import LiveServer, running
from tests.slack.test_escalation_flow import wait_until
from tests.slack.test_oauth_install import (
    CLIENT_ID,
    CLIENT_SECRET,
    WORKSPACES,
    event,
    install,
    raise_concern,
    registry,
    save_settings,
    settings_view,
)

# each school's own policy: Alder's is about phones, Birch's about lunches
POLICIES = {
    "TA": ("Mobile Phone Policy", PHONE_CLAUSE, "can I take photos of pupils on my own phone?"),
    "TB": ("Packed Lunch Policy", LUNCH_CLAUSE, "can children bring a packed lunch with nuts?"),
}


@pytest.fixture
def runtime(settings: Settings, tmp_path: Path, fake_slack: FakeSlackAPI) -> Iterator[Runtime]:
    fake_slack.oauth_clients[CLIENT_ID] = CLIENT_SECRET
    for ws in WORKSPACES.values():
        fake_slack.channels[ws["channel"]] = {"id": ws["channel"], "is_private": True}
        fake_slack.users[ws["dsl"]] = {"id": ws["dsl"], "profile": {"real_name": "Dee Esel"}}
    # the deployment's corpus index knows neither school: everything they answer from, they sent
    base = Answerer(index_from_passages([make_passage("Visitors sign in.", school="other")]), {})
    oauth = replace(
        settings,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        data_dir=tmp_path / "data",
        corpus_dir=tmp_path / "corpus",
        database_url=f"sqlite:///{tmp_path / 'policybot.db'}",
        dsl_user_ids=("UGLOBAL",),  # never used for an installed school
    )
    with running(oauth, base) as rt:
        yield rt


live = flow.live  # served over loopback, with this module's runtime


def dm(team: str, user: str, **fields: object) -> dict[str, object]:
    return {"type": "message", "channel_type": "im", "channel": "D" + user[1:], "user": user} | {
        "text": "",
        "ts": "1700000001.000100",
        **fields,
    }


def test_two_schools_install_upload_answer_and_escalate_only_within_themselves(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, tmp_path: Path
) -> None:
    schools = registry(runtime)
    for team in WORKSPACES:
        assert install(live, fake_slack, team).status_code == 200
    slugs = {team: schools.by_slack_team(team).slug for team in WORKSPACES}

    # each admin sets the school's DSL and private channel in App Home
    for team, ws in WORKSPACES.items():
        assert save_settings(live, team, ws["admin"], settings_view(slugs[team], team)).text == ""
    assert wait_until(lambda: all(schools.get(s).setting("dsl_ids") for s in slugs.values()))

    # ... and sends the school's policy as a PDF in a DM to the bot
    for n, (team, ws) in enumerate(WORKSPACES.items()):
        title, clause, _ = POLICIES[team]
        file_id = fake_slack.add_file(f"{title}.pdf", pdf_bytes(tmp_path, title, [clause]))
        upload = dm(team, ws["admin"], subtype="file_share", files=[{"id": file_id}])
        event(live, team, upload, f"EvUp{n}")
        admin_dm = "D" + ws["admin"][1:]

        def indexed(admin_dm: str = admin_dm, title: str = title) -> list:
            posts = fake_slack.calls_to("chat.postMessage")
            return [c for c in posts if c.body["channel"] == admin_dm and title in c.text()]

        assert wait_until(indexed, timeout=90), "the admin is told what was indexed"
        assert fake_slack.token_of(indexed()[-1]) == f"xoxb-{team.lower()}"
        assert ws["name"] in indexed()[-1].text()  # the school's name, not its slug
    assert {d.title for d in runtime.library.documents(slugs["TA"])} == {"Mobile Phone Policy"}
    assert {d.title for d in runtime.library.documents(slugs["TB"])} == {"Packed Lunch Policy"}

    # staff in each workspace ask both questions: only their own school's clause is quoted
    n = 0
    for team in WORKSPACES:
        staff = f"USTAFF{team}"
        for other, (_, clause, question) in POLICIES.items():
            n += 1
            before = len(fake_slack.calls_to("chat.postMessage"))
            event(
                live, team, dm(team, staff, text=question, ts=f"17000000{n:02d}.000200"), f"EvQ{n}"
            )
            posts = fake_slack.wait_for("chat.postMessage", before + 1, timeout=30)
            (answer,) = [c for c in posts[before:] if c.body.get("channel") == "D" + staff[1:]]
            assert fake_slack.token_of(answer) == f"xoxb-{team.lower()}"
            shown = answer.text()
            if other == team:
                assert clause in shown, shown
            else:
                assert clause not in shown, f"{team} was answered from {other}'s policy"

    # a concern raised in each workspace reaches only that school's DSL channel
    refs = {team: raise_concern(live, team, slugs[team], i) for i, team in enumerate(WORKSPACES)}
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    for team, ws in WORKSPACES.items():
        others = [w["channel"] for t, w in WORKSPACES.items() if t != team]
        mine = [c for c in fake_slack.calls_to("chat.postMessage") if refs[team] in c.shown()]
        assert mine, f"{refs[team]} was not delivered"
        assert {c.body["channel"] for c in mine if c.body["channel"].startswith("G")} == {
            ws["channel"]
        }
        assert not any(c.body["channel"] in others for c in mine)
        assert all(fake_slack.token_of(c) == f"xoxb-{team.lower()}" for c in mine)
    assert not any(c.body.get("channel") == "DGLOBAL" for c in fake_slack.calls)
