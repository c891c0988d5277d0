"""Turning the text of a Slack message into the question a person typed.

Slack sends message text with ``&``, ``<`` and ``>`` escaped and with mentions, broadcasts
and links as ``<…>`` tokens. Before searching we drop mentions and broadcasts, keep a link's
label (or its address), keep a channel's name, then unescape.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"<([^<>]*)>")


def question_from_message(text: str | None) -> str:
    """``"<@UBOT> can I post on <!channel> &lt;b&gt;"`` -> ``"can I post on <b>"``."""
    cleaned = _TOKEN.sub(_replace_token, text or "")
    cleaned = cleaned.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(cleaned.split())


def _replace_token(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith(("@", "!")):
        return " "
    if target.startswith("#"):
        return f" #{label} " if label else " "
    return f" {label or target} "
