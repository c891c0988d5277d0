"""The soak (benchmarks/soak.py) in a short form, run in CI: ~20 s of mixed questions and
escalations against two ``policybot serve`` processes sharing one database, the second one's
clock 90 s ahead, with Slack's API failing at random (500, 429, timeouts). Nothing lost,
nothing delivered twice."""

from __future__ import annotations

import pytest

from benchmarks.soak import run_soak

pytestmark = pytest.mark.slow


def test_short_soak_two_workers_loses_nothing_and_duplicates_nothing() -> None:
    figures = run_soak(minutes=20 / 60, max_requests=1500, workers=2, clients=4, seed=7, skew=90)
    print(figures)
    assert figures["outbox_drained"] is True
    # a submit slower than the store's deadline tells the reporter to go to the DSL in person
    # ("can't promise it was sent") and may still be saved and delivered: never lost. How many
    # beat the deadline depends on the machine's load, so the test counts every attempt.
    submitted, slow = figures["escalations_submitted"], figures["escalations_refused_go_in_person"]
    assert submitted > 0 and submitted + slow > 20
    assert submitted <= figures["escalations_stored"] <= submitted + slow
    assert figures["escalations_lost"] == 0 and figures["escalations_duplicated"] == 0
    assert figures["receipts_lost"] == 0 and figures["receipts_duplicated"] == 0
    assert figures["escalations_falsely_acknowledged"] == 0
    # every stored one, the slow ones included, was delivered and its reporter told so
    assert figures["reporters_told_delivered"] == figures["escalations_stored"]
    assert figures["requests_acked"] == figures["requests_sent"]
    assert sum(figures["faults_injected"].values()) > 10 and figures["slack_calls_failed"] > 0
