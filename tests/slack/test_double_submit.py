"""Issue 15, failure 2: the same signed ``view_submission`` sent twice (a double click, a
retry) stores one escalation and posts to the DSL once, over real HTTP against the fake
Slack Web API with a real SQLite store and the outbox worker running."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from bot.serve.runtime import Runtime
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body
from tests.slack import test_escalation_flow as flow
from tests.slack.live import LiveServer
from tests.slack.test_escalation_flow import DSL_CHANNEL, open_modal, posts_to, wait_until

runtime, live = flow.runtime, flow.live  # the flow's fixtures: DSL channel, head, chair

DETAILS = "Pupil X showed me messages from a teacher's account."


def _submission(modal: dict, view_hash: str) -> str:
    state = {
        "details": {"details": {"type": "plain_text_input", "value": DETAILS}},
        "risk": {"risk": {"selected_option": {"value": "no"}}},
        "about": {"about": {"selected_option": {"value": "no"}}},
        "told": {"told": {"selected_option": {"value": "no"}}},
    }
    view = {**modal, "id": "V1", "hash": view_hash, "state": {"values": state}}
    return action_body({"type": "view_submission", "user": {"id": "U100"}, "view": view})


def test_the_same_submission_twice_stores_and_posts_once(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    body = _submission(open_modal(live, fake_slack), "1700000000.abc")
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda _: live.action(body), range(2)))
    replies.append(live.action(body))  # and once more, after both were answered

    (esc,) = runtime.escalations.list_all()
    assert all(r.status_code == 200 and esc.ref in json.dumps(r.json()) for r in replies)
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    assert len(posts_to(fake_slack, DSL_CHANNEL)) == 1
    assert len(posts_to(fake_slack, "D100")) == 1  # one receipt


def test_a_changed_view_is_a_new_submission(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    """Only the platform's ids decide: the same modal with a new hash is a new concern."""
    modal = open_modal(live, fake_slack)
    live.action(_submission(modal, "1700000000.abc"))
    live.action(_submission(modal, "1700000001.def"))
    assert len(runtime.escalations.list_all()) == 2
