"""The answer in a terminal, as staff would see it in chat (rich), from the shared presenter."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from bot.answering.model import Answer
from bot.answering.presenter import ClauseView, present


def render(answer: Answer, console: Console) -> None:
    view = present(answer)
    for part in view.parts:
        if part.kind == "banner":
            style = "bold white on red" if view.emergency else "bold black on yellow"
            console.print(Panel(Text(part.text), style=style))
        elif part.kind in ("clause", "also"):
            if part.kind == "also":
                console.print(Text(part.text, style="bold"))
            for clause in part.clauses:
                console.print(_clause_panel(clause, primary=part.kind == "clause"))
        elif part.kind == "route":
            console.print(Text(part.text, style="bold cyan"))
        elif part.kind == "review":  # once per answer, not on every clause
            console.print(Text(part.text, style="yellow"))
        else:
            console.print(Text(part.text, style="dim" if part.kind == "question" else ""))


def _clause_panel(clause: ClauseView, primary: bool) -> Panel:
    body: list[Text] = []
    if clause.context:
        body.append(Text(clause.context, style="italic"))
    body.append(Text(clause.text, style="bold" if primary else ""))
    body.append(Text(clause.citation, style="dim"))
    return Panel(Group(*body), border_style="green" if primary else "grey50")
