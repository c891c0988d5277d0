"""The answer in a terminal, as staff would see it in chat (rich), from the shared presenter.

Text from documents and file names is hostile: :func:`printable` replaces control characters
(ANSI escapes, carriage returns, bidi overrides) so they cannot restyle or rewrite the terminal,
and :func:`markup_safe` also escapes rich markup for text printed inside a markup string.
"""

from __future__ import annotations

import unicodedata

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from bot.answering.model import Answer
from bot.answering.presenter import ClauseView, present


def printable(text: str, newlines: bool = False) -> str:
    """``text`` with every control or format character (newlines too, unless ``newlines``:
    for multi-line messages of our own) replaced by U+FFFD, so it prints as itself."""
    return "".join(
        char
        if (char == "\n" and newlines) or unicodedata.category(char) not in ("Cc", "Cf")
        else "\ufffd"
        for char in text
    )


def markup_safe(text: str, newlines: bool = False) -> str:
    """``printable(text)`` with rich markup escaped: ``kite[`` prints as ``kite[``."""
    return escape(printable(text, newlines))


def render(answer: Answer, console: Console) -> None:
    view = present(answer)
    for part in view.parts:
        if part.kind == "banner":
            style = "bold white on red" if view.emergency else "bold black on yellow"
            console.print(Panel(Text(printable(part.text)), style=style))
        elif part.kind in ("clause", "also"):
            if part.kind == "also":
                console.print(Text(printable(part.text), style="bold"))
            for clause in part.clauses:
                console.print(_clause_panel(clause, primary=part.kind == "clause"))
        elif part.kind == "route":
            console.print(Text(printable(part.text), style="bold cyan"))
        elif part.kind == "review":  # once per answer, not on every clause
            console.print(Text(printable(part.text), style="yellow"))
        else:
            style = "dim" if part.kind == "question" else ""
            console.print(Text(printable(part.text), style=style))


def _clause_panel(clause: ClauseView, primary: bool) -> Panel:
    body: list[Text] = []
    if clause.context:
        body.append(Text(printable(clause.context), style="italic"))
    body.append(Text(printable(clause.text), style="bold" if primary else ""))
    body.append(Text(printable(clause.citation), style="dim"))
    return Panel(Group(*body), border_style="green" if primary else "grey50")
