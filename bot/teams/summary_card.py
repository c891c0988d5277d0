"""The monthly summary as an Adaptive Card, for the school's admin in their 1:1 chat (they
type "summary"). The same parts as App Home (:func:`bot.chat.summary.summary_parts`), every
line a TextRun so nothing in it is read as Markdown; under Teams' size limit."""

from __future__ import annotations

from bot import messages
from bot.chat.summary import summary_parts
from bot.store.question_stats import MonthSummary
from bot.teams.cards import CARD_LIMIT, Card, card, container, plain, size

LINES_PER_PART = 20


def summary_card(summary: MonthSummary) -> Card:
    title = f"{messages.SUMMARY_TITLE} ({summary.month.strftime('%B %Y')})"
    body: list[Card] = [plain(title, weight="bolder", size="medium")]
    for part in summary_parts(summary):
        items = [plain(part.heading, weight="bolder")] if part.heading else []
        items += [plain(line) for line in part.lines[:LINES_PER_PART]]
        body.append(container(items, separator=True))
    body.append(plain(messages.SUMMARY_PRIVACY, isSubtle=True))
    whole = card(body)
    while size(whole) > CARD_LIMIT and len(body) > 2:  # drop the last part (samples) first
        del body[-2]
        whole = card(body)
    return whole
