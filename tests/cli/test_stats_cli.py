"""``policybot stats --school SLUG [--month YYYY-MM]`` against a real database: the counts
App Home shows the admin, and never any question text (not even the sample)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.store.question_stats import Asked, QuestionStats

SAMPLED = "where do supply teachers park on a Tuesday"
ASKED = Asked("kite-college", True, "p1", "Social Media Policy", "4.2 Contact", False, "slack")


@pytest.fixture
def run(database_url):
    def invoke(*args: str):
        return CliRunner().invoke(cli, ["stats", *args], env={"DATABASE_URL": database_url})

    return invoke


def test_stats_prints_a_months_counts_and_no_text(store, clock, run) -> None:
    stats = QuestionStats(store)
    clock.now = datetime(2026, 2, 10, tzinfo=UTC)
    stats.record(ASKED)
    stats.record(replace(ASKED, answered=False, passage_id=None, document=None, sample=SAMPLED))

    february = run("--school", "kite-college", "--month", "2026-02")
    today = run("--school", "kite-college")  # this month (UTC, by the real clock)

    assert february.exit_code == 0, february.output
    assert "2 question(s) asked in February 2026" in february.output
    assert "1 found no clause" in february.output
    assert "Social Media Policy \u2014 4.2 Contact: 1" in february.output
    assert SAMPLED not in february.output and SAMPLED not in today.output
    assert today.exit_code == 0


def test_a_bad_month_or_no_school_is_a_clear_error(run) -> None:
    bad = run("--school", "kite-college", "--month", "March")
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output and "Traceback" not in bad.output
    assert run().exit_code != 0
