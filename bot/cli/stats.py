"""``policybot stats --school SLUG [--month YYYY-MM]``: the monthly summary the school's admin
sees in App Home, in the terminal. Counts only: the sample of question text is never printed.
"""

from __future__ import annotations

import re
from datetime import date

import click

from bot import messages
from bot.chat.summary import summary_parts
from bot.cli.escalations import open_store
from bot.store.question_stats import QuestionStats


def parse_month(text: str) -> date:
    """'2026-03' -> 1 March 2026; BadParameter otherwise."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise click.BadParameter(messages.CLI_BAD_MONTH)
    return date(int(match.group(1)), int(match.group(2)), 1)


@click.command()
@click.option("--school", required=True, help="The school's slug (its corpus folder's name).")
@click.option("--month", default=None, help="YYYY-MM (default: this month, UTC).")
def stats(school: str, month: str | None) -> None:
    """How many questions a school's staff asked, what answered them, how many found no
    clause by week, and the clauses marked "Not helpful". No question text is shown.

    Example: policybot stats --school kite-college --month 2026-03
    """
    first = parse_month(month) if month else None
    with open_store() as store:
        summary = QuestionStats(store).summary(school, first)
    title = f"{messages.SUMMARY_TITLE} ({summary.month.strftime('%B %Y')}), {school}"
    click.echo(title)
    for part in summary_parts(summary, samples=False):
        if part.heading:
            click.echo(f"\n{part.heading}")
        for line in part.lines:
            click.echo(f"  {line}")
