"""Issue 15, failure 4: in a trust, each school's concerns go to that school's own DSL
channel, and only that school's DSLs can act on them. Two schools name their people in
their ``school.toml`` (``[escalation.slack]``); over real HTTP against the fake Slack Web API,
with a real SQLite store and the outbox worker running as ``serve`` runs it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.escalation.form import form_meta
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from bot.slack import escalation_blocks as eb
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body, event_body
from tests.slack import test_escalation_flow as flow
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer, running
from tests.slack.test_escalation_flow import click, wait_until

SCHOOL_TOML = """name = "{name}"
[escalation.slack]
dsl_channel = "{channel}"
dsl_user_ids = ["{dsl}"]
headteacher_user_ids = ["{head}"]
chair_user_ids = ["{chair}"]
"""
SCHOOLS = {
    "school-a": {
        "name": "School A",
        "channel": "GA",
        "dsl": "UDSLA",
        "head": "UHA",
        "chair": "UCA",
    },
    "school-b": {
        "name": "School B",
        "channel": "GB",
        "dsl": "UDSLB",
        "head": "UHB",
        "chair": "UCB",
    },
}


@pytest.fixture
def runtime(settings: Settings, answerer: StubAnswerer, tmp_path: Path) -> Iterator[Runtime]:
    corpus = tmp_path / "corpus"
    for slug, people in SCHOOLS.items():
        (corpus / slug).mkdir(parents=True)
        (corpus / slug / "school.toml").write_text(SCHOOL_TOML.format(**people))
    trust = replace(
        settings,
        corpus_dir=corpus,
        database_url=f"sqlite:///{tmp_path / 'db'}",
        dsl_channel_id="GDSL",
        dsl_user_ids=("UDSL",),
    )
    with running(trust, answerer) as rt:
        yield rt


live = flow.live  # served over loopback, with this module's runtime


def _raise(live: LiveServer, school: str, n: int) -> str:
    meta = form_meta("can I follow an ex-pupil?", None, school, "the DSL")
    state = {
        "details": {"details": {"type": "plain_text_input", "value": f"{school} concern"}},
        "risk": {"risk": {"selected_option": {"value": "no"}}},
        "about": {"about": {"selected_option": {"value": "no"}}},
        "told": {"told": {"selected_option": {"value": "no"}}},
    }
    view = {
        **eb.raise_modal(meta, None, "the DSL"),
        "id": f"V{n}",
        "hash": f"h{n}",
        "state": {"values": state},
    }
    reply = live.action(
        action_body({"type": "view_submission", "user": {"id": "U100"}, "view": view})
    )
    found = re.search(r"ESC-\d{4}-\d{4}", json.dumps(reply.json()))
    assert found is not None
    return found.group()


def test_each_school_s_concern_goes_only_to_its_own_dsls(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    refs = {school: _raise(live, school, n) for n, school in enumerate(SCHOOLS)}
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    posted = {
        c.body["channel"]: c.shown()
        for c in fake_slack.calls_to("chat.postMessage")
        if c.body["channel"].startswith("G")
    }
    assert set(posted) == {"GA", "GB"}  # never the trust-wide GDSL
    assert refs["school-a"] in posted["GA"] and "school-b concern" not in posted["GA"]
    assert refs["school-b"] in posted["GB"] and "school-a concern" not in posted["GB"]


def test_a_dsl_of_another_school_cannot_claim(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    ref = _raise(live, "school-a", 1)
    for outsider in ("UDSLB", "UDSL"):  # school B's DSL; a DSL listed trust-wide
        click(live, "escalation_claim", ref, user=outsider, channel={"id": "GA"})
    refusals = fake_slack.wait_for("chat.postEphemeral", 2)
    assert {r.body["text"] for r in refusals} == {messages.ESCALATION_NOT_ALLOWED}
    assert runtime.escalations.get(ref).status == "new"
    click(live, "escalation_claim", ref, user="UDSLA", channel={"id": "GA"})
    assert wait_until(lambda: runtime.escalations.get(ref).claimed_by == "UDSLA")


def test_each_school_s_dsl_sees_only_their_school_s_concerns_at_home(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    refs = {school: _raise(live, school, n) for n, school in enumerate(SCHOOLS)}
    for n, user in enumerate(("UDSLA", "UDSLB")):
        live.event(event_body({"type": "app_home_opened", "user": user, "tab": "home"}, f"H{n}"))
    homes = {c.body["user_id"]: c.shown() for c in fake_slack.wait_for("views.publish", 2)}
    assert refs["school-a"] in homes["UDSLA"] and refs["school-b"] not in homes["UDSLA"]
    assert refs["school-b"] in homes["UDSLB"] and refs["school-a"] not in homes["UDSLB"]
