"""The DSL's post on Slack (issue 17): it names the school and quotes the clause shown; a
DSL can Unassign a claimed concern (confirmed first, the only ``danger`` there is) and
Reopen a resolved one. Clicks go over real HTTP to ``policybot serve``'s app with a real
index and SQLite store; the post is read back from the fake Slack Web API."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import Answerer
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from tests.chat_limits import block_kit_problems, button_styles
from tests.fakes.concerns import make_report
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.live import running
from tests.slack.test_escalation_flow import click, live, wait_until

DSL_CHANNEL = "GDSL"
__all__ = ["live"]  # the served app over loopback HTTP (a fixture, on this module's runtime)
SCHOOL = "kite-college"


@pytest.fixture(scope="module")
def real_answerer(corpus_index: Path) -> Answerer:
    return Answerer.from_index(corpus_index)


@pytest.fixture
def runtime(settings: Settings, tmp_path, real_answerer: Answerer) -> Iterator[Runtime]:
    settings = replace(
        settings,
        database_url=f"sqlite:///{tmp_path / 'policybot.db'}",
        dsl_channel_id=DSL_CHANNEL,
        dsl_user_ids=("UDSL", "UDEPUTY"),
    )
    with running(settings, real_answerer) as rt:
        yield rt


def long_clause(answerer: Answerer):
    """A clause of the school's longer than the 200 characters the post quotes."""
    return next(p for p in answerer.index.passages if p.school == SCHOOL and len(p.text) > 260)


def raised(runtime: Runtime, fake: FakeSlackAPI, passage_id: str):
    report = make_report(school=SCHOOL, passage_id=passage_id, reporter_id="U100")
    esc = runtime.escalations.submit(report)
    fake.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)
    return esc


def post(fake: FakeSlackAPI) -> dict:
    [message] = fake.messages[DSL_CHANNEL]
    return message


def buttons(message: dict) -> dict[str, dict]:
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    return {e["text"]["text"]: e for e in actions["elements"]}


def block_id(message: dict) -> str:
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    return actions["block_id"]


def test_the_post_names_the_school_and_quotes_the_clause_not_their_ids(
    live, fake_slack, runtime, real_answerer
) -> None:
    clause = long_clause(real_answerer)
    raised(runtime, fake_slack, clause.id)

    shown = post(fake_slack)
    text = fake_slack.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)[0].shown()
    assert "*School* KITE College" in text and SCHOOL not in text
    assert clause.id not in text
    [quoted] = [b for b in shown["blocks"] if messages.DSL_CLAUSE in str(b)]
    words = quoted["elements"][0]["text"]
    assert clause.document in words and clause.section.split()[0] in words
    quote = words.split("\n", 1)[1]
    assert quote.startswith("\u201c") and quote.endswith("\u2026\u201d")
    assert len(quote) <= 200 + 2 and clause.text.startswith(quote[1:-2].rstrip(" ,;:"))
    assert block_kit_problems(shown["blocks"], shown["text"]) == []


def test_unassign_and_reopen_over_http_audited_once_each_with_new_block_ids(
    live, fake_slack, runtime, real_answerer
) -> None:
    esc = raised(runtime, fake_slack, long_clause(real_answerer).id)
    service, ids = runtime.escalations, [block_id(post(fake_slack))]
    where = {"channel": {"id": DSL_CHANNEL}}

    def audited(action: str, times: int = 1) -> bool:
        return [e.action for e in service.audit(esc.ref)].count(action) == times

    def shows(*labels: str) -> dict:
        """The post once Slack has it with these buttons (its new block_id noted)."""
        seen: list[dict] = []

        def matches() -> bool:
            seen[:] = [copy.deepcopy(post(fake_slack))]  # the post as it was when it matched
            return list(buttons(seen[0])) == list(labels)

        assert wait_until(matches, 30)
        ids.append(block_id(seen[0]))
        assert block_kit_problems(seen[0]["blocks"], seen[0]["text"]) == []
        return seen[0]

    click(live, "escalation_claim", esc.ref, user="UDSL", **where)
    shown = shows("Unassign", "Resolve", "Record as logged")
    unassign = buttons(shown)[messages.BUTTON_UNASSIGN]
    assert unassign["confirm"]["style"] == "danger"  # destructive: confirmed, in red
    assert unassign["confirm"]["title"]["text"] == f"Unassign {esc.ref}?"
    assert "style" not in buttons(shown)[messages.BUTTON_RESOLVE]["confirm"]

    click(live, "escalation_unassign", unassign["value"], user="UDEPUTY", **where)
    click(live, "escalation_unassign", unassign["value"], user="UDEPUTY", **where)  # again
    shown = shows("Claim", "Resolve", "Record as logged")
    assert wait_until(lambda: audited("unassigned"))
    assert "new \u2014 not yet claimed" in str(shown["blocks"])

    click(live, "escalation_claim", esc.ref, user="UDEPUTY", **where)
    shows("Unassign", "Resolve", "Record as logged")
    click(live, "escalation_resolve", esc.ref, user="UDEPUTY", **where)
    shown = shows("Reopen", "Record as logged")

    click(live, "escalation_reopen", esc.ref, user="U200", **where)  # not a DSL
    [refusal] = fake_slack.wait_for("chat.postEphemeral")
    assert refusal.body["text"] == messages.ESCALATION_NOT_ALLOWED
    assert service.get(esc.ref).status == "resolved"

    click(live, "escalation_reopen", buttons(shown)["Reopen"]["value"], user="UDSL", **where)
    click(live, "escalation_reopen", buttons(shown)["Reopen"]["value"], user="UDSL", **where)
    assert wait_until(lambda: audited("reopened"))
    shown = shows("Unassign", "Resolve", "Record as logged")
    assert audited("unassigned") and audited("reopened")  # each double click counted once
    timeline = " ".join(str(b) for b in shown["blocks"] if b["type"] == "context")
    for step in (
        "claimed by <@UDSL>",
        "unassigned by <@UDEPUTY>",
        "resolved by <@UDEPUTY>",
        "reopened by <@UDSL>",
    ):
        assert step in timeline
    assert service.get(esc.ref).claimed_by == "UDEPUTY"  # reopened, held as before
    assert len(set(ids)) == len(ids) == 6  # a new block_id on every update
    assert "danger" not in button_styles(shown["blocks"])
    told = f"{esc.ref} has been reopened by <@UDSL>"
    assert wait_until(
        lambda: any(told in c.shown() for c in fake_slack.calls_to("chat.postMessage"))
    )
