"""Issue 15, failure 4: a headteacher who is also a DSL cannot claim or resolve an allegation
about the headteacher (over real HTTP, as ``serve`` runs it); the chair still can."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot import messages
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack import test_escalation_flow as flow
from tests.slack.answers import StubAnswerer
from tests.slack.live import LiveServer, running
from tests.slack.test_escalation_flow import click, open_modal, submit, wait_until


@pytest.fixture
def runtime(settings: Settings, answerer: StubAnswerer, tmp_path) -> Iterator[Runtime]:
    head_is_dsl = replace(
        settings,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        dsl_channel_id="GDSL",
        dsl_user_ids=("UDSL", "UHEAD"),
        headteacher_user_ids=("UHEAD",),
        chair_user_ids=("UCHAIR",),
    )
    with running(head_is_dsl, answerer) as rt:
        yield rt


live = flow.live  # served over loopback, with this module's runtime


def test_the_headteacher_cannot_act_on_an_allegation_about_the_headteacher(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    submit(live, open_modal(live, fake_slack), "The head shouted at a pupil.", about="headteacher")
    (esc,) = runtime.escalations.list_all()
    assert esc.route == "chair"
    for action in ("escalation_claim", "escalation_resolve"):
        click(live, action, esc.ref, user="UHEAD", channel={"id": "DCHAIR"})
    refusals = fake_slack.wait_for("chat.postEphemeral", 2)
    assert {r.body["text"] for r in refusals} == {messages.ESCALATION_NOT_ALLOWED}
    assert runtime.escalations.get(esc.ref).status == "new"
    click(live, "escalation_claim", esc.ref, user="UCHAIR", channel={"id": "DCHAIR"})
    assert wait_until(lambda: runtime.escalations.get(esc.ref).claimed_by == "UCHAIR")
