"""The DSL's card on Teams (issue 17): Unassign and Reopen as ``Action.Execute``; Resolve and
Unassign confirmed in a second card first (Adaptive Cards 1.5 has no confirm dialog), only
for someone who may act; the card names the school and quotes the clause. Invokes go over
real HTTP to the served app; cards are checked against Adaptive Cards 1.5."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import Answerer
from bot.escalation.outbox import Outbox, PlatformNotifier
from bot.serve.wiring import teams_notifier
from bot.store.records import ConcernReport
from tests.chat_limits import adaptive_card_problems, card_runs
from tests.teams.activities import DSL, DSL_CHANNEL, STAFF, execute, personal
from tests.teams.test_teams_escalations import delivered_concern, escalations, setup_dsl_channel

CARD = "application/vnd.microsoft.card.adaptive"


def run(server, teams, verb: str, data: dict, user: dict = DSL) -> dict:
    """The invoke's answer: ``{"type": ..., "value": card or sentence}``."""
    return server.post(execute(teams.url, verb, data, user=user)).json()


def titles(card: dict) -> list[str]:
    return [action["title"] for action in card.get("actions", [])]


def action(card: dict, title: str) -> dict:
    return next(a for a in card["actions"] if a["title"] == title)


def test_unassign_asks_first_then_undoes_the_claim_once(server, teams, teams_store, outbox):
    esc = delivered_concern(server, teams, teams_store, outbox)
    claimed = run(server, teams, "escalation_claim", {"ref": esc.ref})["value"]
    assert titles(claimed) == ["Unassign", "Resolve", "Record as logged"]
    unassign = action(claimed, "Unassign")
    assert unassign["data"] == {"ref": esc.ref, "claimant": DSL["aadObjectId"]}

    asked = run(server, teams, "escalation_unassign", unassign["data"])

    assert asked["type"] == CARD and adaptive_card_problems(asked["value"]) == []
    assert f"Unassign {esc.ref}?" in card_runs(asked["value"])
    yes, no = asked["value"]["actions"]
    assert (yes["title"], yes["style"], yes["data"]["confirmed"]) == (
        "Unassign",
        "destructive",
        True,
    )
    assert (no["title"], no["verb"]) == (messages.UNASSIGN_CONFIRM_CANCEL, "escalation_show")
    assert escalations(teams_store).get(esc.ref).status == "claimed"  # nothing yet

    kept = run(server, teams, "escalation_show", no["data"])["value"]
    assert "claimed by Dana DSL" in str(kept) and titles(kept)[0] == "Unassign"

    done = run(server, teams, "escalation_unassign", yes["data"])["value"]
    run(server, teams, "escalation_unassign", yes["data"])  # a double click
    assert titles(done) == ["Claim", "Resolve", "Record as logged"]
    trail = [e.action for e in escalations(teams_store).audit(esc.ref)]
    assert trail.count("unassigned") == 1
    outbox.deliver_due()
    update = teams.calls_to(DSL_CHANNEL, "update")[-1]
    assert "unassigned by Dana DSL" in update.shown()
    assert adaptive_card_problems(update.cards()[0]) == []


def test_resolve_is_confirmed_and_reopen_opens_it_again(server, teams, teams_store, outbox):
    esc = delivered_concern(server, teams, teams_store, outbox)
    run(server, teams, "escalation_claim", {"ref": esc.ref})

    asked = run(server, teams, "escalation_resolve", {"ref": esc.ref})["value"]
    yes = action(asked, messages.BUTTON_RESOLVE)
    assert yes["style"] == "positive"  # resolving destroys nothing: not "destructive"
    resolved = run(server, teams, "escalation_resolve", yes["data"])["value"]
    assert titles(resolved) == ["Reopen", "Record as logged"]

    again = run(server, teams, "escalation_resolve", {"ref": esc.ref})["value"]
    assert titles(again) == ["Reopen", "Record as logged"]  # resolved: nothing to confirm

    reopened = run(server, teams, "escalation_reopen", {"ref": esc.ref})["value"]
    run(server, teams, "escalation_reopen", {"ref": esc.ref})  # a double click
    assert titles(reopened) == ["Unassign", "Resolve", "Record as logged"]
    assert "reopened by Dana DSL" in str(reopened)
    trail = [e.action for e in escalations(teams_store).audit(esc.ref)]
    assert trail.count("reopened") == 1 and trail.count("resolved") == 1
    outbox.deliver_due()
    told = teams.calls_to(personal(STAFF)["id"], "send")[-1].body["text"]
    assert told == messages.ESCALATION_REOPENED.format(ref=esc.ref, actor="Dana DSL")


@pytest.mark.parametrize(
    ("verb", "data"),
    [
        ("escalation_resolve", {}),
        ("escalation_unassign", {}),
        ("escalation_show", {}),
        ("escalation_reopen", {}),
        ("escalation_unassign", {"confirmed": True}),
    ],
)
def test_someone_who_may_not_act_sees_only_a_refusal(
    server, teams, teams_store, outbox, verb, data
):
    esc = delivered_concern(server, teams, teams_store, outbox)
    run(server, teams, "escalation_claim", {"ref": esc.ref})
    before = escalations(teams_store).get(esc.ref)

    answer = run(server, teams, verb, {"ref": esc.ref, **data}, user=STAFF)

    assert answer["value"] == messages.ESCALATION_NOT_ALLOWED  # a sentence: no card, no details
    assert escalations(teams_store).get(esc.ref) == before


@pytest.fixture
def answerer(corpus_index: Path) -> Answerer:
    """The real index, so that the card can name the school and quote the clause."""
    return Answerer.from_index(corpus_index)


def test_the_card_names_the_school_and_quotes_the_clause(
    settings, server, teams, teams_store, clock, answerer
):
    setup_dsl_channel(server, teams)
    clause = next(
        p for p in answerer.index.passages if p.school == "kite-college" and len(p.text) > 260
    )
    report = ConcernReport(
        "teams", STAFF["aadObjectId"], None, "kite-college", "", clause.id, "details", "no",
        "no", False,
    )  # fmt: skip
    escalations(teams_store).submit(report)
    notifier = PlatformNotifier({"teams": teams_notifier(settings, teams_store, answerer)})
    Outbox(teams_store, notifier, worker_id="test", clock=clock).deliver_due()

    [posted] = teams.calls_to(DSL_CHANNEL, "send")
    card = posted.cards()[0]
    shown = card_runs(card)
    assert "KITE College" in shown and "kite-college" not in " ".join(shown)
    assert clause.id not in str(card)
    [quote] = [run for run in shown if run.startswith("\u201c")]
    assert quote.endswith("\u2026\u201d") and len(quote) <= 202
    assert any(clause.document in run and messages.DSL_CLAUSE in run for run in shown)
    assert adaptive_card_problems(card) == []
