"""Turning the text of a Teams message into the question a person typed.

Teams sends a message's text with ``<at>Name</at>`` for every mention (the SDK removes the
bot's own), and may send HTML tags and entities for formatted text. Before searching we drop
mentions and tags, then unescape entities.
"""

from __future__ import annotations

import html
import re

_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def question_from_teams(text: str | None) -> str:
    """``"<at>policybot</at> can I post <b>photos</b> &amp; video?"`` ->
    ``"can I post photos & video?"``."""
    cleaned = _MENTION.sub(" ", text or "")
    cleaned = html.unescape(_TAG.sub(" ", cleaned))
    return " ".join(cleaned.split())
