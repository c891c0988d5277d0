"""From the text of a Teams message to the question that is searched."""

from __future__ import annotations

import pytest

from bot.teams.text import question_from_teams


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("<at>policybot</at> can I post photos?", "can I post photos?"),
        ("can I <at>Jo Bloggs</at> message a pupil", "can I message a pupil"),
        ("<p>can I use <b>my</b> phone?</p>", "can I use my phone?"),
        ("photos &amp; videos &lt;of pupils&gt;", "photos & videos <of pupils>"),
        ("  lots \n of   space ", "lots of space"),
        ("", ""),
        (None, ""),
    ],
)
def test_mentions_tags_and_entities_are_removed(text, question) -> None:
    assert question_from_teams(text) == question
