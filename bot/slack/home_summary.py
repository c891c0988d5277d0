"""App Home's monthly summary, for the school's admin only: questions asked this month and
last, which policies and sections answered them, no clause found by week, the clauses marked
"Not helpful" and, when the school has the 30-day sample on, its unanswered questions.

Everyone else (and a deployment that does not count questions) gets no blocks at all.
"""

from __future__ import annotations

from bot import messages
from bot.chat.summary import summary_parts
from bot.errors import StoreError
from bot.slack.blocks import SECTION_LIMIT, Block, context, escape, section
from bot.slack.deps import SlackDeps

SUMMARY_BLOCK_LIMIT = 12  # of App Home's 100: the summary never crowds out the rest


async def summary_blocks(deps: SlackDeps, user_id: str, school: str | None) -> list[Block]:
    """The summary's blocks for ``user_id``: [] unless they are the school's admin."""
    try:
        summary = await deps.month_summary(school, user_id)
    except StoreError:
        return [{"type": "divider"}, context(messages.SUMMARY_UNAVAILABLE)]
    if summary is None:
        return []
    title = f"{messages.SUMMARY_TITLE} ({summary.month.strftime('%B %Y')})"
    out: list[Block] = [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": title}},
    ]
    for part in summary_parts(summary, text=escape):
        heading = f"*{part.heading}*\n" if part.heading else ""
        out.append(section(_clip(heading + "\n".join(part.lines))))
    out.append(context(messages.SUMMARY_PRIVACY))
    return out[:SUMMARY_BLOCK_LIMIT]


def _clip(mrkdwn: str) -> str:
    """Whole lines up to Slack's section limit (lines are already escaped)."""
    if len(mrkdwn) <= SECTION_LIMIT:
        return mrkdwn
    kept = mrkdwn[: SECTION_LIMIT - 1].rpartition("\n")[0]
    return kept + "\n\u2026"
