"""Every sentence the Slack and Teams skins show a person comes from ``bot.messages``: no
string literal with words in it in ``bot/slack`` or ``bot/teams``, other than docstrings,
log lines, internal error reasons and the few listed below (read as code, not run)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SKINS = Path(__file__).resolve().parents[2] / "bot"
NOT_SHOWN_TO_PEOPLE = {
    ("teams/app.py", "Not an Activity"),  # JSON error bodies for the Bot Connector
    ("teams/app.py", "Internal error"),
    ("teams/auth.py", "missing token"),  # 401 reasons, logged only
    ("teams/auth.py", "malformed header"),
    ("teams/handlers/questions.py", "setup dsl"),  # commands people type, not text shown
    ("teams/package.py", "The bot's Application (client) ID (default: $MICROSOFT_APP_ID)."),
    ("teams/package.py", "Where to write the zip."),  # click --help of a build script
}
LOG_CALLS = {"debug", "info", "warning", "error", "exception"}


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """Docstrings, and everything inside a log call or an internal DeliveryError."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skipped.add(id(body[0].value))
        call = node if isinstance(node, ast.Call) else None
        name = getattr(call.func, "attr", getattr(call.func, "id", "")) if call else ""
        if name in LOG_CALLS or name == "DeliveryError":
            skipped.update(id(sub) for sub in ast.walk(node))
    return skipped


def _worded(text: str) -> bool:
    return sum(word.isalpha() for word in text.split()) >= 2


def literal_sentences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _skipped_nodes(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and _worded(node.value)
    ]


@pytest.mark.parametrize(
    "path",
    sorted([*SKINS.glob("slack/**/*.py"), *SKINS.glob("teams/**/*.py")]),
    ids=lambda p: str(p.relative_to(SKINS)),
)
def test_skin_shows_only_sentences_from_messages(path: Path) -> None:
    relative = str(path.relative_to(SKINS))
    found = [s for s in literal_sentences(path) if (relative, s) not in NOT_SHOWN_TO_PEOPLE]
    assert found == [], f"move to bot/messages.py: {found}"


def test_the_check_finds_a_sentence_written_in_a_skin(tmp_path: Path) -> None:
    skin = tmp_path / "blocks.py"
    skin.write_text('"""Doc."""\nlog.info("logged words here")\nTEXT = "Thanks for asking"\n')
    assert literal_sentences(skin) == ["Thanks for asking"]
