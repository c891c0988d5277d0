"""Issue 15, failure 1: nobody is left without a recipient. Over real HTTP against the fake
Slack Web API, with a real SQLite store and the outbox worker running as ``serve`` runs it.

* no headteacher set up: an urgent allegation about staff goes to the DSL, with a note in
  the post, and the reporter is told it is being delivered to the DSL (not "the headteacher");
* about the headteacher with no chair set up: the DSL, with a note; with a chair: the chair;
* nobody at all set up: the submit is refused at once, saying so, and nothing is stored;
* ``doctor`` marks a missing headteacher or chair as a failure (exit 1)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import click
import pytest
from click.testing import CliRunner

from bot import messages
from bot.cli.serve import doctor
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer, running
from tests.slack.test_escalation_flow import DSL_CHANNEL, open_modal, submit, wait_until


@contextmanager
def _serve(settings: Settings, answerer: StubAnswerer) -> Iterator[tuple[LiveServer, Runtime]]:
    with running(settings, answerer) as runtime, LiveServer(runtime.web_app()) as live:
        yield live, runtime


@pytest.fixture
def base(settings: Settings, tmp_path) -> Settings:
    url = f"sqlite:///{tmp_path / 'policybot.db'}"
    return replace(
        settings,
        database_url=url,
        dsl_channel_id=DSL_CHANNEL,
        headteacher_user_ids=(),
        chair_user_ids=(),
    )


@pytest.mark.parametrize(
    ("about", "chair", "route", "note"),
    [
        ("staff", (), "dsl", messages.DSL_REROUTED["staff"]),
        ("headteacher", (), "dsl", messages.DSL_REROUTED["headteacher"]),
        ("headteacher", ("UCHAIR",), "chair", None),
    ],
)
def test_an_allegation_with_nobody_on_its_route_goes_to_the_dsl_with_a_note(
    base: Settings, answerer: StubAnswerer, fake_slack: FakeSlackAPI, about, chair, route, note
) -> None:
    with _serve(replace(base, chair_user_ids=chair), answerer) as (live, runtime):
        reply = submit(live, open_modal(live, fake_slack), "A teacher hit a pupil.", "yes", about)
        (esc,) = runtime.escalations.list_all()
        assert esc.route == route
        assert messages.ROUTE_NAMES[route] in json.dumps(reply)
        assert wait_until(lambda: runtime.outbox.pending() == 0)
        to = DSL_CHANNEL if route == "dsl" else "DCHAIR"
        posts = fake_slack.wait_for_where("chat.postMessage", channel=to)
        (post,) = [p for p in posts if p.body["metadata"]["event_payload"]["key"].endswith("/post")]
        assert esc.ref in post.shown() and (note is None or note in post.shown())
        receipts = [
            c.body["text"]
            for c in fake_slack.calls_to("chat.postMessage")
            if c.body["channel"] == "D100"
        ]
        assert receipts and all(messages.ROUTE_NAMES[route] in text for text in receipts)


def test_nobody_set_up_at_all_refuses_the_submit_at_once(
    base: Settings, answerer: StubAnswerer, fake_slack: FakeSlackAPI
) -> None:
    nobody = replace(base, dsl_channel_id=None, dsl_user_ids=())
    with _serve(nobody, answerer) as (live, runtime):
        reply = submit(live, open_modal(live, fake_slack), "A pupil is scared to go home.")
        assert messages.ESCALATION_NO_RECIPIENT in json.dumps(reply)
        assert runtime.escalations.list_all() == []


def test_doctor_fails_without_a_headteacher_or_chair(
    base: Settings, fake_slack: FakeSlackAPI
) -> None:
    fake_slack.channels[DSL_CHANNEL] = {"id": DSL_CHANNEL, "is_private": True}
    group = click.Group(commands={"doctor": doctor})
    result = CliRunner().invoke(group, ["doctor"], obj=base)
    assert result.exit_code == 1
    assert f"\u2717 {messages.DOCTOR_NO_HEADTEACHER}" in result.output
    assert f"\u2717 {messages.DOCTOR_NO_CHAIR}" in result.output
